//! Behaviour of the link graph on in-memory hierarchies: one test per
//! question the graph answers (neighbours, inverses, lineage, quality
//! layers, index, suggestions, drawings).

use std::collections::BTreeSet;

use serde_json::{json, Value};
use zarr_links_graph::{render, Direction, LinkGraph, NodeClass, Side};
use zarr_links_model::{
    CoreRelation, Hierarchy, Node, NodeKind, NodePath, RelationType, ZarrFormat,
};

fn hierarchy(nodes: &[(&str, NodeKind, Value)]) -> Hierarchy {
    let nodes = nodes
        .iter()
        .map(|(path, kind, attributes)| Node::v3(path, *kind, attributes.clone()))
        .collect();
    Hierarchy::new("memory".into(), ZarrFormat::V3, false, nodes)
}

fn links(list: &[(&str, &str)]) -> Value {
    let l: Vec<Value> = list
        .iter()
        .map(|(t, ty)| json!({"target": t, "type": ty}))
        .collect();
    json!({"links:relationships": l})
}

const B04: &str = "/measurements/reflectance/r10m/b04";

/// A small Sentinel-2-like store.
fn sentinel() -> Hierarchy {
    use NodeKind::{Array as A, Group as G};
    hierarchy(&[
        (
            "/",
            G,
            json!({"links:index": {"bands": ["/measurements/reflectance/r10m/b02", B04], "quality": ["/quality/mask/r10m/b04"]}}),
        ),
        ("/measurements", G, json!({})),
        ("/measurements/reflectance", G, json!({})),
        ("/measurements/reflectance/r10m", G, json!({})),
        ("/measurements/reflectance/r10m/b02", A, json!({})),
        ("/measurements/reflectance/r10m/b03", A, json!({})),
        ("/measurements/reflectance/r10m/b04", A, json!({})),
        ("/measurements/reflectance/r10m/b08", A, json!({})),
        ("/measurements/reflectance/r20m", G, json!({})),
        (
            "/measurements/reflectance/r20m/b04",
            A,
            links(&[(B04, "derived_from")]),
        ),
        ("/measurements/reflectance/r20m/b05", A, json!({})),
        ("/quality", G, json!({})),
        ("/quality/mask", G, json!({})),
        ("/quality/mask/r10m", G, json!({})),
        ("/quality/mask/r10m/b04", A, links(&[(B04, "quality_for")])),
        (
            "/quality/r10m_flags",
            A,
            links(&[("/measurements/reflectance/r10m", "quality_for")]),
        ),
        ("/classification", G, json!({})),
        ("/classification/r20m", G, json!({})),
        (
            "/classification/r20m/scl",
            A,
            links(&[
                (B04, "quality_for"),
                ("/measurements/reflectance/r20m/b05", "quality_for"),
            ]),
        ),
        ("/quicklook", G, json!({})),
        ("/quicklook/r10m", G, json!({})),
        (
            "/quicklook/r10m/tci",
            A,
            links(&[
                ("/measurements/reflectance/r10m/b02", "derived_from"),
                ("/measurements/reflectance/r10m/b03", "derived_from"),
                (B04, "derived_from"),
                ("/products/true_colour", "part_of"),
            ]),
        ),
        ("/products", G, json!({})),
        (
            "/products/true_colour",
            G,
            links(&[("/quicklook/r10m/tci", "contains")]),
        ),
        (
            "/products/vegetation",
            G,
            links(&[("/indices/ndvi", "contains")]),
        ),
        ("/indices", G, json!({})),
        (
            "/indices/ndvi",
            A,
            links(&[
                (B04, "derived_from"),
                ("/measurements/reflectance/r10m/b08", "derived_from"),
                ("https://example.org/ndvi.html", "describedby"),
            ]),
        ),
        (
            "/indices/ndvi_smoothed",
            A,
            links(&[("/indices/ndvi", "derived_from")]),
        ),
        ("/legacy", G, json!({})),
        ("/legacy/B04", A, links(&[(B04, "same_as")])),
    ])
}

fn rows(
    g: &LinkGraph,
    node: &str,
    dir: Direction,
    ty: Option<&str>,
) -> BTreeSet<(String, String, String, String, bool)> {
    let id = g.find(node).unwrap();
    let t = ty.map(|t| RelationType::parse(t).unwrap());
    g.related(id, dir, t.as_ref())
        .into_iter()
        .map(|r| {
            (
                r.side.as_str().to_string(),
                g.edge_type(r.edge).to_string(),
                g.name(r.other).to_string(),
                g.name(r.edge.declared_on()).to_string(),
                r.edge.derived,
            )
        })
        .collect()
}

fn row(
    side: &str,
    ty: &str,
    other: &str,
    declared_on: &str,
    derived: bool,
) -> (String, String, String, String, bool) {
    (
        side.into(),
        ty.into(),
        other.into(),
        declared_on.into(),
        derived,
    )
}

#[test]
fn incoming_links_of_a_band_are_its_masks_and_products() {
    let h = sentinel();
    let g = LinkGraph::build(&h);
    let got = rows(&g, B04, Direction::In, None);
    let want: BTreeSet<_> = [
        row(
            "in",
            "quality_for",
            "/quality/mask/r10m/b04",
            "/quality/mask/r10m/b04",
            false,
        ),
        row(
            "in",
            "quality_for",
            "/classification/r20m/scl",
            "/classification/r20m/scl",
            false,
        ),
        row(
            "in",
            "derived_from",
            "/quicklook/r10m/tci",
            "/quicklook/r10m/tci",
            false,
        ),
        row(
            "in",
            "derived_from",
            "/measurements/reflectance/r20m/b04",
            "/measurements/reflectance/r20m/b04",
            false,
        ),
        row(
            "in",
            "derived_from",
            "/indices/ndvi",
            "/indices/ndvi",
            false,
        ),
        // Declared for the enclosing group /measurements/reflectance/r10m.
        row(
            "in",
            "quality_for",
            "/quality/r10m_flags",
            "/quality/r10m_flags",
            false,
        ),
        row("in", "same_as", "/legacy/B04", "/legacy/B04", false),
    ]
    .into();
    assert_eq!(got, want);
    let id = g.find(B04).unwrap();
    let via: Vec<(&str, Option<&str>)> = g
        .related(id, Direction::In, None)
        .iter()
        .filter(|r| r.via.is_some())
        .map(|r| (g.name(r.other), r.via.map(|v| g.name(v))))
        .collect();
    assert_eq!(
        via,
        [(
            "/quality/r10m_flags",
            Some("/measurements/reflectance/r10m")
        )]
    );
}

#[test]
fn type_filter_and_order() {
    let h = sentinel();
    let g = LinkGraph::build(&h);
    let got = rows(&g, B04, Direction::In, Some("quality_for"));
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(|r| r.1 == "quality_for"));
    // Order: by type in the specification's order, the node's own links
    // before those through a group, then by the other path.
    let id = g.find(B04).unwrap();
    let order: Vec<(&str, &str)> = g
        .related(id, Direction::In, None)
        .iter()
        .map(|r| (g.edge_type(r.edge).as_str(), g.name(r.other)))
        .collect();
    assert_eq!(
        order,
        vec![
            ("derived_from", "/indices/ndvi"),
            ("derived_from", "/measurements/reflectance/r20m/b04"),
            ("derived_from", "/quicklook/r10m/tci"),
            ("quality_for", "/classification/r20m/scl"),
            ("quality_for", "/quality/mask/r10m/b04"),
            // Through the enclosing group, after the band's own.
            ("quality_for", "/quality/r10m_flags"),
            ("same_as", "/legacy/B04"),
        ]
    );
}

#[test]
fn same_as_inverse_is_derived_and_shown_once() {
    let h = sentinel();
    let g = LinkGraph::build(&h);
    // Out from B04: only the derived inverse of /legacy/B04's same_as.
    assert_eq!(
        rows(&g, B04, Direction::Out, None),
        [row("out", "same_as", "/legacy/B04", "/legacy/B04", true)].into()
    );
    // Both: the declared incoming edge stands for the fact; the derived one is not repeated.
    let both = rows(&g, B04, Direction::Both, Some("same_as"));
    assert_eq!(
        both,
        [row("in", "same_as", "/legacy/B04", "/legacy/B04", false)].into()
    );
}

#[test]
fn part_of_gives_derived_contains() {
    let h = sentinel();
    let g = LinkGraph::build(&h);
    // /products/vegetation contains /indices/ndvi (declared); ndvi sees a derived part_of.
    assert_eq!(
        rows(&g, "/indices/ndvi", Direction::Out, Some("part_of")),
        [row(
            "out",
            "part_of",
            "/products/vegetation",
            "/products/vegetation",
            true
        )]
        .into()
    );
    assert_eq!(
        rows(&g, "/products/vegetation", Direction::Both, None),
        [row(
            "out",
            "contains",
            "/indices/ndvi",
            "/products/vegetation",
            false
        )]
        .into()
    );
}

#[test]
fn both_directions_declared_are_two_statements_and_no_derived_edge() {
    let h = sentinel();
    let g = LinkGraph::build(&h);
    // tci part_of true_colour and true_colour contains tci: both declared.
    assert_eq!(
        rows(&g, "/products/true_colour", Direction::Both, None),
        [
            row(
                "out",
                "contains",
                "/quicklook/r10m/tci",
                "/products/true_colour",
                false
            ),
            row(
                "in",
                "part_of",
                "/quicklook/r10m/tci",
                "/quicklook/r10m/tci",
                false
            ),
        ]
        .into()
    );
    assert_eq!(
        g.edges().filter(|(_, e)| e.derived).count(),
        2,
        "only the same_as and vegetation inverses"
    );
}

#[test]
fn lineage_goes_all_the_way_up() {
    let h = sentinel();
    let g = LinkGraph::build(&h);
    let id = g.find("/indices/ndvi_smoothed").unwrap();
    let got: Vec<(usize, &str)> = g
        .lineage(id)
        .iter()
        .map(|s| (s.depth, g.name(s.node)))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, "/indices/ndvi"),
            (2, "/measurements/reflectance/r10m/b04"),
            (2, "/measurements/reflectance/r10m/b08")
        ]
    );
    // A source band has no lineage.
    assert!(g.lineage(g.find(B04).unwrap()).is_empty());
}

#[test]
fn lineage_survives_a_cycle() {
    use NodeKind::{Array as A, Group as G};
    let h = hierarchy(&[
        ("/", G, json!({})),
        ("/a", A, links(&[("/b", "derived_from")])),
        ("/b", A, links(&[("/c", "derived_from")])),
        ("/c", A, links(&[("/a", "derived_from")])),
    ]);
    let g = LinkGraph::build(&h);
    let got: Vec<(usize, &str)> = g
        .lineage(g.find("/a").unwrap())
        .iter()
        .map(|s| (s.depth, g.name(s.node)))
        .collect();
    assert_eq!(got, vec![(1, "/b"), (2, "/c")]);
}

// rule: links.reader.quality-scope
#[test]
fn quality_layers_include_those_of_enclosing_groups() {
    let h = sentinel();
    let g = LinkGraph::build(&h);
    let id = g.find(B04).unwrap();
    let got: Vec<(&str, &str, bool)> = g
        .quality_layers(id)
        .iter()
        .map(|q| (g.name(q.layer), g.name(q.target), q.inherited))
        .collect();
    assert_eq!(
        got,
        vec![
            ("/classification/r20m/scl", B04, false),
            ("/quality/mask/r10m/b04", B04, false),
            (
                "/quality/r10m_flags",
                "/measurements/reflectance/r10m",
                true
            ),
        ]
    );
    // b08 only inherits the group flags.
    let b08 = g.find("/measurements/reflectance/r10m/b08").unwrap();
    assert_eq!(g.quality_layers(b08).len(), 1);
}

#[test]
fn index_categories_are_read() {
    let h = sentinel();
    let g = LinkGraph::build(&h);
    let bands = g.category_members("bands");
    assert_eq!(bands.len(), 1);
    assert_eq!(g.name(bands[0].0), "/");
    let names: Vec<&str> = bands[0].1.iter().map(|m| g.name(*m)).collect();
    assert_eq!(names, vec!["/measurements/reflectance/r10m/b02", B04]);
    assert!(g.category_members("nothing").is_empty());
    assert_eq!(g.index_of(g.find("/").unwrap()).count(), 2);
}

#[test]
fn external_targets_are_leaves() {
    let h = sentinel();
    let g = LinkGraph::build(&h);
    let ext = g.find("https://example.org/ndvi.html").unwrap();
    assert_eq!(g.class(ext), NodeClass::External);
    assert_eq!(g.out_edges(ext).count(), 0);
    let inc: Vec<_> = g.in_edges(ext).collect();
    assert_eq!(inc.len(), 1);
    assert_eq!(g.edge_type(inc[0].1).as_str(), "describedby");
}

#[test]
fn unreadable_entries_are_skipped_and_listed() {
    use NodeKind::{Array as A, Group as G};
    let h = hierarchy(&[
        (
            "/",
            G,
            json!({"links:index": {"x": ["/a", "relative", 3, "/ghost"]}}),
        ),
        (
            "/a",
            A,
            json!({"links:relationships": [
                {"target": "/b", "type": "quality-for"},
                {"target": "b", "type": "quality_for"},
                {"target": "/a", "type": "same_as"},
                {"target": "/b", "type": "quality_for"},
                {"target": "/b", "type": "quality_for"},
                {"type": "quality_for"},
                {"target": "/nowhere", "type": "derived_from"},
                "not an object"
            ]}),
        ),
        ("/b", A, json!({"links:relationships": {"not": "an array"}})),
    ]);
    let g = LinkGraph::build(&h);
    let skipped: Vec<&str> = g.skipped().iter().map(|s| s.pointer.as_str()).collect();
    assert_eq!(
        skipped,
        vec![
            "/links:index/x/1",
            "/links:index/x/2",
            "/links:relationships/0",
            "/links:relationships/1",
            "/links:relationships/2",
            "/links:relationships/4",
            "/links:relationships/5",
            "/links:relationships/7",
            "/links:relationships",
        ]
    );
    assert!(
        g.skipped()[2]
            .reason
            .contains("did you mean \"quality_for\""),
        "{}",
        g.skipped()[2].reason
    );
    let a = g.find("/a").unwrap();
    assert_eq!(g.out_edges(a).count(), 2);
    assert_eq!(g.class(g.find("/nowhere").unwrap()), NodeClass::Missing);
    assert_eq!(g.class(g.find("/ghost").unwrap()), NodeClass::Missing);
}

#[test]
fn suggestions_for_unknown_paths() {
    let h = sentinel();
    let g = LinkGraph::build(&h);
    let s = |input: &str| -> Vec<String> {
        g.suggest(input, 3)
            .into_iter()
            .map(|i| g.name(i).to_string())
            .collect()
    };
    assert_eq!(s("measurements/reflectance/r10m/b04")[0], B04);
    assert_eq!(s("/measurements/reflectance/r10m/B04")[0], B04);
    assert_eq!(s("/measurements/reflectance/r10m/b4")[0], B04);
    assert!(s("/b04").contains(&B04.to_string()), "same last segment");
    assert!(s("/legacy/b04").contains(&"/legacy/B04".to_string()));
    assert!(s("/completely/unrelated/thing/here").is_empty());
}

#[test]
fn computed_index_follows_the_documented_algorithm() {
    let h = sentinel();
    let g = LinkGraph::build(&h);
    let index = serde_json::to_value(g.computed_index()).unwrap();
    assert_eq!(
        index,
        json!({
            "quality": ["/classification/r20m/scl", "/quality/mask/r10m/b04", "/quality/r10m_flags"],
            "derived": ["/indices/ndvi", "/indices/ndvi_smoothed", "/measurements/reflectance/r20m/b04", "/quicklook/r10m/tci"],
            "sources": [
                "/measurements/reflectance/r10m",
                "/measurements/reflectance/r10m/b02",
                "/measurements/reflectance/r10m/b03",
                "/measurements/reflectance/r10m/b04",
                "/measurements/reflectance/r10m/b08",
                "/measurements/reflectance/r20m/b05"
            ],
            "alternates": ["/legacy/B04", B04],
            "composites": ["/products/true_colour", "/products/vegetation"]
        })
    );
    let computed = g.computed_index();
    let keys: Vec<&str> = computed.0.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["quality", "derived", "sources", "alternates", "composites"]
    );
}

#[test]
fn computed_index_is_empty_without_links() {
    let h = hierarchy(&[
        ("/", NodeKind::Group, json!({})),
        ("/a", NodeKind::Array, json!({})),
    ]);
    assert!(LinkGraph::build(&h).computed_index().0.is_empty());
}

#[test]
fn drawings_show_declared_links_once_grouped_by_parent() {
    let h = sentinel();
    let g = LinkGraph::build(&h);
    let declared = g.edges().filter(|(_, e)| !e.derived).count();
    let dot = render::dot(&g, "test");
    assert_eq!(dot.matches(" -> ").count(), declared);
    assert!(dot.contains("label=\"/measurements/reflectance/r10m\""));
    assert!(
        dot.contains("shape=note"),
        "external target drawn as a note"
    );
    let mermaid = render::mermaid(&g, "test");
    assert_eq!(
        mermaid.matches("-->|").count() + mermaid.matches("-.->|").count(),
        declared
    );
    assert!(mermaid.contains(":::external"));
    assert_eq!(
        mermaid.matches("subgraph ").count(),
        mermaid.matches("\n  end\n").count()
    );
    let json = render::json(&g);
    assert_eq!(json["edges"].as_array().unwrap().len(), g.edges().count());
    assert_eq!(json["index"][0]["category"], "bands");
}

#[test]
fn mermaid_escapes_syntax_characters() {
    use NodeKind::{Array as A, Group as G};
    let h = hierarchy(&[
        ("/", G, json!({})),
        (
            "/a\"b|c<d>",
            A,
            links(&[("https://example.org/x?a=1&b=2#frag", "describedby")]),
        ),
    ]);
    let m = render::mermaid(&LinkGraph::build(&h), "t");
    assert!(m.contains("a#quot;b#124;c#lt;d#gt;"), "{m}");
    // Found by the `graph` fuzz target: the front matter is YAML, which
    // refuses DEL and C1 control characters even inside a quoted string.
    // They are written escaped, as in every label.
    let m = render::mermaid(&LinkGraph::build(&h), "a\u{7f}b\u{85}c\td\ne");
    assert!(
        m.starts_with("---\ntitle: \"a\\\\u{7f}b\\\\u{85}c\\\\td\\\\ne\"\n---\n"),
        "{m}"
    );
    assert!(
        m.contains("https://example.org/x?a=1#amp;b=2#35;frag"),
        "{m}"
    );
}

#[test]
fn builds_and_answers_on_100k_arrays_from_memory() {
    // 100,000 arrays in 1,000 groups; every array has a mask and is derived from
    // the array before it in its group.
    let mut nodes = Vec::new();
    let root = NodePath::root();
    let mut put = |path: NodePath, kind, attributes: Value| {
        nodes.push(Node::v3(path.as_str(), kind, attributes));
    };
    put(root.clone(), NodeKind::Group, json!({}));
    for gi in 0..1000 {
        let group = root.child(&format!("g{gi:04}"));
        put(group.clone(), NodeKind::Group, json!({}));
        for ai in 0..100 {
            let path = group.child(&format!("a{ai:03}"));
            let mut l = vec![
                json!({"target": group.child(&format!("m{ai:03}")).as_str(), "type": "derived_from"}),
            ];
            if ai > 0 {
                l.push(json!({"target": group.child(&format!("a{:03}", ai - 1)).as_str(), "type": "derived_from"}));
            }
            put(path, NodeKind::Array, json!({"links:relationships": l}));
        }
    }
    let h = Hierarchy::new("memory".into(), ZarrFormat::V3, false, nodes);
    let g = LinkGraph::build(&h);
    assert_eq!(g.node_count(), 1 + 1000 + 100_000 + 100_000);
    let last = g.find("/g0999/a099").unwrap();
    let lineage = g.lineage(last);
    assert_eq!(
        lineage.len(),
        99 + 100,
        "all earlier arrays and their missing inputs"
    );
    let first = g.find("/g0500/a000").unwrap();
    let dt = RelationType::of_core(CoreRelation::DerivedFrom);
    assert_eq!(g.related(first, Direction::In, Some(&dt)).len(), 1);
    assert_eq!(g.related(first, Direction::In, None)[0].side, Side::In);
    // Speed is measured by `cargo bench -p zarr-links-validator`, not here:
    // this test shows the graph answers at 100,000 arrays from memory alone.
}

#[test]
fn nodes_of_another_store_are_drawn_in_one_box_per_store() {
    use NodeKind::{Array as A, Group as G};
    let h = hierarchy(&[
        ("/", G, links(&[("s3://bucket/l1c.zarr", "derived_from")])),
        (
            "/b04",
            A,
            links(&[
                ("s3://bucket/l1c.zarr#/r10m/b04", "derived_from"),
                ("https://example.org/doc.html", "describedby"),
            ]),
        ),
    ]);
    let g = LinkGraph::build(&h);
    let dot = render::dot(&g, "t");
    assert_eq!(
        dot.matches("label=\"other Zarr store: s3://bucket/l1c.zarr\"")
            .count(),
        1
    );
    assert!(dot.contains("label=\"/r10m/b04\", tooltip=\"s3://bucket/l1c.zarr#/r10m/b04\""));
    assert!(dot.contains("label=\"/\", tooltip=\"s3://bucket/l1c.zarr\""));
    assert!(
        dot.contains("label=\"https://example.org/doc.html\""),
        "other URIs keep their full label"
    );
    let m = render::mermaid(&g, "t");
    assert_eq!(
        m.matches("subgraph s0[\"other Zarr store: s3://bucket/l1c.zarr\"]")
            .count(),
        1
    );
}
