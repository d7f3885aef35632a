//! The schema says invalid ⇔ the validator has at least one schema-level
//! finding, over many documents; and one defect never gives two findings at
//! the same pointer.

use serde_json::{json, Value};
use zarr_links_model::schema::{attributes_schema, node_schema};
use zarr_links_model::{LinksView, Node, NodeKind, NodePath, Origin, ZarrFormat};
use zarr_links_validator::{check_node, Finding};

/// The findings of a node with these attributes, alone.
fn check(format: ZarrFormat, kind: NodeKind, map: &serde_json::Map<String, Value>) -> Vec<Finding> {
    let document = match format {
        ZarrFormat::V3 => json!({"zarr_format": 3, "node_type": kind.as_str(), "attributes": map}),
        ZarrFormat::V2 => Value::Object(map.clone()),
    };
    let node = Node::read(
        NodePath::parse("/x").unwrap(),
        kind,
        format,
        Origin::Own,
        Some(map),
        || document,
        false,
    );
    check_node(&node)
}

/// The conservative pre-check of the typed view.
fn accepted(kind: NodeKind, map: &serde_json::Map<String, Value>) -> bool {
    !LinksView::concerns(map) || LinksView::read(kind, map).schema_clean
}

const UUID: &str = "9500acb2-598d-48c1-ac4c-96f069e8299b";

fn corpus() -> Vec<Value> {
    let targets = [
        json!("/a"),
        json!("/"),
        json!("/a/b"),
        json!("a/b"),
        json!("./a"),
        json!("../a"),
        json!("/a/../b"),
        json!("/../a"),
        json!("/a//b"),
        json!("/a/"),
        json!("/.a"),
        json!("/..."),
        json!(""),
        json!(4),
        json!(null),
        json!(["/a"]),
        json!("https://x.org/a"),
        json!("https://x.org/a b"),
        json!("https:"),
        json!("s3://b/x.zarr#/a"),
        json!("urn:x:y"),
        json!("/a\n"),
        json!("https://x.org/a\n"),
        json!("/a\nb"),
        json!("https://x/%zz"),
        json!("/température"),
        json!("C:\\x"),
    ];
    let types = [
        json!("derived_from"),
        json!("quality_for"),
        json!("same_as"),
        json!("part_of"),
        json!("contains"),
        json!("describedby"),
        json!("quality-for"),
        json!("Derived_From"),
        json!("https://cfconventions.org/x#cell-measures"),
        json!(""),
        json!(3),
        json!("bogus"),
        json!("derived_from\n"),
        json!("https://x.org/t\n"),
    ];
    let extras = [
        json!({}),
        json!({"description": "d"}),
        json!({"description": null}),
        json!({"title": 4}),
        json!({"media_type": "text/html"}),
        json!({"media_type": "html"}),
        json!({"role": ""}),
        json!({"protocol": "OGC:WMS:1.3.0"}),
        json!({"ext:x": 1}),
        json!({"desc": "typo"}),
    ];
    let decls = [
        json!([{"uuid": UUID}]),
        json!([{"uuid": UUID, "name": "links:"}]),
        json!([UUID]),
        json!([{"name": "links:"}]),
        json!([{"uuid": UUID, "version": 1}]),
        json!([{"uuid": UUID, "name": 5}]),
        json!({"uuid": UUID}),
        json!([]),
        json!(["f17cb550-5864-4468-aeb7-f3180cfb622f", {"uuid": UUID}]),
        json!([{"uuid": "other"}, {"uuid": UUID}]),
        json!([{"uuid": UUID}, {"name": "proj:"}]),
        json!([{"uuid": UUID}, 7]),
    ];
    let indexes = [
        json!({"bands": ["/a", "/b"]}),
        json!({}),
        json!([]),
        json!({"": ["/a"]}),
        json!({"b": ["/a", "/a"]}),
        json!({"b": "/a"}),
        json!({"b": [4]}),
        json!({"b": ["a"]}),
        json!({"b": ["/../a"]}),
        json!({"b": ["/a/"]}),
        json!({"docs": ["https://x.org"]}),
    ];
    let mut docs = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        for (j, ty) in types.iter().enumerate() {
            let extra = &extras[(i + j) % extras.len()];
            let mut link = json!({"target": t, "type": ty});
            for (k, v) in extra.as_object().unwrap() {
                link[k] = v.clone();
            }
            docs.push(json!({"zarr_conventions": [{"uuid": UUID}], "links:relationships": [link]}));
        }
    }
    for d in &decls {
        docs.push(json!({"zarr_conventions": d, "links:relationships": [{"target": "/a", "type": "same_as"}]}));
        docs.push(json!({"zarr_conventions": d}));
        docs.push(json!({"zarr_conventions": d, "title": "x"}));
    }
    for ix in &indexes {
        docs.push(json!({"zarr_conventions": [{"uuid": UUID}], "links:index": ix}));
        docs.push(json!({"links:index": ix}));
    }
    docs.extend([
        json!({}),
        json!({"links:relationships": []}),
        json!({"links:relationships": {"target": "/a", "type": "same_as"}}),
        json!({"zarr_conventions": [{"uuid": UUID}], "links:relationships": {"target": "/a"}}),
        json!({"zarr_conventions": [{"uuid": UUID}], "links:relationships": ["/a", 3, null]}),
        json!({"zarr_conventions": [{"uuid": UUID}], "links:relationships": [{"type": "same_as"}]}),
        json!({"zarr_conventions": [{"uuid": UUID}], "links:relationships": [{"target": "/a"}]}),
        json!({"zarr_conventions": [{"uuid": UUID}], "links:relationships": [{}]}),
        json!({"zarr_conventions": [{"uuid": UUID}], "links:other": 1}),
        json!({"zarr_conventions": 5, "links:index": {}}),
        json!({"zarr_conventions": [{"uuid": UUID}], "links:relationships": [{"target": "/a", "type": "same_as"}, {"target": "/a b", "type": "x"}]}),
    ]);
    docs
}

#[test]
fn schema_verdict_equals_presence_of_a_schema_level_finding() {
    let attrs_schema = jsonschema::draft7::new(&attributes_schema()).unwrap();
    let node = jsonschema::draft7::new(&node_schema()).unwrap();
    let docs = corpus();
    assert!(docs.len() > 300, "{}", docs.len());
    let mut invalid = 0;
    let mut fast = 0;
    for doc in &docs {
        let map = doc.as_object().unwrap();
        // v2 attributes on a group: the attributes schema alone.
        let findings = check(ZarrFormat::V2, NodeKind::Group, map);
        let schema_valid = attrs_schema.is_valid(doc);
        invalid += usize::from(!schema_valid);
        assert_eq!(schema_valid, findings.is_empty(), "v2 {doc}: {findings:?}");
        // v3 documents, group and array: the node schema.
        for kind in [NodeKind::Group, NodeKind::Array] {
            let full = json!({"zarr_format": 3, "node_type": kind.as_str(), "attributes": doc});
            let findings = check(ZarrFormat::V3, kind, map);
            assert_eq!(
                node.is_valid(&full),
                findings.is_empty(),
                "v3 {kind:?} {doc}: {findings:?}"
            );
            // v2 arrays: the node schema's verdict too (index only on groups).
            let v2 = check(ZarrFormat::V2, kind, map);
            assert_eq!(
                node.is_valid(&full),
                v2.is_empty(),
                "v2 {kind:?} {doc}: {v2:?}"
            );
        }
        // The fast pre-check never accepts what the schemas reject.
        for kind in [NodeKind::Group, NodeKind::Array] {
            let full = json!({"zarr_format": 3, "node_type": kind.as_str(), "attributes": doc});
            if accepted(kind, map) {
                assert!(node.is_valid(&full), "pre-check accepted {kind:?} {doc}");
                fast += 1;
            }
        }
        // One finding per (rule, pointer).
        let mut keys: Vec<_> = findings
            .iter()
            .map(|f| (f.rule, f.pointer.clone()))
            .collect();
        let n = keys.len();
        keys.dedup();
        assert_eq!(n, keys.len(), "{doc}: {findings:?}");
        for f in &findings {
            assert!(
                f.rule.info().level == zarr_links_model::rules::Level::Schema,
                "{doc}: {f:?}"
            );
        }
    }
    assert!(
        invalid > 200,
        "the corpus should be mostly invalid, got {invalid}"
    );
    assert!(
        fast > 50,
        "the pre-check should accept the common valid shapes, got {fast}"
    );
}
