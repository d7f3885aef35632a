//! Drawing the link graph: Graphviz DOT, Mermaid flowchart, and JSON.
//!
//! The drawings show every node that takes part in a declared link, grouped
//! in one box per parent group (labelled with the group's path, each node
//! labelled with its last segment), and every **declared** link once, as an
//! arrow from the node that states it, labelled with its type. Derived
//! inverses are not drawn: they restate the same facts. External targets are
//! drawn as notes: nodes of another Zarr store (`<store URI>#/<path>`, and
//! the store URI itself) in a dashed box per store, labelled with their path
//! there; other URIs outside every box, with their full URI. In-store
//! targets that do not exist are drawn dashed and red.
//!
//! The JSON form holds everything: derived edges (marked), index categories
//! and skipped entries too.
//!
//! All output is deterministic: the same hierarchy always gives the same text.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{json, Value};
use zarr_links_model::escape::{needs_escape, terminal};
use zarr_links_model::{CoreRelation, NodePath, RelationType};

use crate::build::{LinkGraph, NodeClass, NodeId};

/// The nodes to draw, by the box they go in.
struct Layout {
    /// In-store nodes, by parent group path.
    boxes: BTreeMap<String, Vec<NodeId>>,
    /// External nodes inside another Zarr store (`<store URI>#/<path>`, or
    /// the store URI itself), by store URI.
    stores: BTreeMap<String, Vec<NodeId>>,
    /// Everything else: the root group, other external targets.
    outside: Vec<NodeId>,
}

fn layout(graph: &LinkGraph) -> Layout {
    let mut boxes: BTreeMap<String, Vec<NodeId>> = BTreeMap::new();
    let mut stores: BTreeMap<String, Vec<NodeId>> = BTreeMap::new();
    let mut outside = Vec::new();
    for (id, node) in graph.nodes() {
        if !graph.is_linked(id) {
            continue;
        }
        match node.class {
            NodeClass::External => match node.name.split_once("#/") {
                Some((store, _)) => stores.entry(store.to_string()).or_default().push(id),
                None => outside.push(id),
            },
            _ => {
                let parent = NodePath::parse(node.name)
                    .ok()
                    .and_then(|p| p.parent())
                    .map(|p| p.as_str().to_string());
                match parent {
                    Some(p) => boxes.entry(p).or_default().push(id),
                    None => outside.push(id),
                }
            }
        }
    }
    // A link to another store's root goes in that store's box.
    outside.retain(|id| match stores.get_mut(graph.name(*id)) {
        Some(members) => {
            members.push(*id);
            false
        }
        None => true,
    });
    for members in boxes.values_mut().chain(stores.values_mut()) {
        members.sort_by(|a, b| graph.name(*a).cmp(graph.name(*b)));
    }
    outside.sort_by(|a, b| graph.name(*a).cmp(graph.name(*b)));
    Layout {
        boxes,
        stores,
        outside,
    }
}

/// The label of a node inside its box: the last path segment, `/` for the
/// root; for a node of another store, its path there (`/` for its root); the
/// URI for any other external target.
fn short_label(graph: &LinkGraph, id: NodeId, in_store_box: bool) -> String {
    let node = graph.node(id);
    let base = match node.class {
        NodeClass::External if in_store_box => match node.name.split_once('#') {
            Some((_, path)) => path.to_string(),
            None => "/".to_string(),
        },
        NodeClass::External => node.name.to_string(),
        _ => node
            .name
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or("/")
            .to_string(),
    };
    if node.class == NodeClass::Missing {
        format!("{base} (missing)")
    } else {
        base
    }
}

/// The colour of an edge by type, shared by both drawings.
fn colour(t: &RelationType) -> &'static str {
    match t.core() {
        Some(CoreRelation::DerivedFrom) => "#1f77b4",
        Some(CoreRelation::QualityFor) => "#d62728",
        Some(CoreRelation::SameAs) => "#2ca02c",
        Some(CoreRelation::PartOf | CoreRelation::Contains) => "#7f7f7f",
        None => "#9467bd",
    }
}

/// Declared edges in a stable order: declaring node's path, then position.
fn declared_edges<'g>(graph: &'g LinkGraph<'_>) -> Vec<&'g crate::Edge> {
    let mut edges: Vec<&crate::Edge> = graph
        .edges()
        .map(|(_, e)| e)
        .filter(|e| !e.derived)
        .collect();
    edges.sort_by(|a, b| {
        (graph.name(a.declared_on()), graph.position(a))
            .cmp(&(graph.name(b.declared_on()), graph.position(b)))
    });
    edges
}

fn dot_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if needs_escape(c) => out.push_str(&terminal(&c.to_string()).replace('\\', "\\\\")),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn dot_node(out: &mut String, graph: &LinkGraph, id: NodeId, indent: &str, in_store_box: bool) {
    let label = dot_str(&short_label(graph, id, in_store_box));
    let tooltip = dot_str(graph.name(id));
    let style = match graph.class(id) {
        NodeClass::Group => "shape=folder, style=filled, fillcolor=\"#fff5d6\"",
        NodeClass::Array => "shape=box, style=\"rounded,filled\", fillcolor=\"#e8f1fb\"",
        NodeClass::External => {
            "shape=note, style=\"dashed,filled\", fillcolor=\"#f4f4f4\", fontcolor=\"#444444\""
        }
        NodeClass::Missing => {
            "shape=box, style=\"dashed,rounded\", color=\"#cc0000\", fontcolor=\"#cc0000\""
        }
    };
    let _ = writeln!(
        out,
        "{indent}n{} [label={label}, tooltip={tooltip}, {style}];",
        id.0
    );
}

/// The graph as Graphviz DOT (`dot -Tsvg` renders it). `title` is drawn at
/// the top.
pub fn dot(graph: &LinkGraph, title: &str) -> String {
    let layout = layout(graph);
    let mut out = String::new();
    out.push_str("digraph links {\n");
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, label={}, nodesep=0.25, ranksep=0.6];",
        dot_str(title)
    );
    out.push_str("  node [fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for (i, (parent, members)) in layout.boxes.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{i} {{");
        let _ = writeln!(
            out,
            "    label={}; style=\"rounded\"; color=\"#999999\"; fontcolor=\"#555555\";",
            dot_str(parent)
        );
        for id in members {
            dot_node(&mut out, graph, *id, "    ", false);
        }
        out.push_str("  }\n");
    }
    for (i, (store, members)) in layout.stores.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_store_{i} {{");
        let _ = writeln!(
            out,
            "    label={}; style=\"dashed,rounded\"; color=\"#888888\"; fontcolor=\"#444444\";",
            dot_str(&format!("other Zarr store: {store}"))
        );
        for id in members {
            dot_node(&mut out, graph, *id, "    ", true);
        }
        out.push_str("  }\n");
    }
    for id in &layout.outside {
        dot_node(&mut out, graph, *id, "  ", false);
    }
    for e in declared_edges(graph) {
        let t = graph.edge_type(e);
        let c = colour(t);
        let style = match t.core() {
            Some(CoreRelation::QualityFor) => ", style=dashed",
            Some(CoreRelation::PartOf | CoreRelation::Contains) => ", style=dotted",
            _ => "",
        };
        let _ = writeln!(
            out,
            "  n{} -> n{} [label={}, color=\"{c}\", fontcolor=\"{c}\"{style}];",
            e.source.0,
            e.target.0,
            dot_str(t.as_str())
        );
    }
    out.push_str("}\n");
    out
}

/// Text for a quoted Mermaid string: characters Mermaid would read as
/// syntax are written as its entity codes (`#quot;`, `#35;`, ...).
fn mermaid_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            c if needs_escape(c) => out.push_str(&terminal(&c.to_string())),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn mermaid_node(out: &mut String, graph: &LinkGraph, id: NodeId, indent: &str, in_store_box: bool) {
    let label = mermaid_str(&short_label(graph, id, in_store_box));
    let (open, close, class) = match graph.class(id) {
        NodeClass::Group => ("[[", "]]", "group"),
        NodeClass::Array => ("(", ")", "array"),
        NodeClass::External => (">", "]", "external"),
        NodeClass::Missing => ("[", "]", "missing"),
    };
    let _ = writeln!(out, "{indent}n{}{open}{label}{close}:::{class}", id.0);
}

/// The graph as a Mermaid flowchart. `title` goes in the front matter.
pub fn mermaid(graph: &LinkGraph, title: &str) -> String {
    let layout = layout(graph);
    let mut out = String::new();
    // A JSON string is a YAML one, except that YAML refuses control
    // characters (DEL, C1) that JSON leaves as they are: they are written
    // escaped, as in the labels.
    let yaml_title = serde_json::to_string(&terminal(title)).unwrap_or_default();
    let _ = writeln!(out, "---\ntitle: {yaml_title}\n---");
    out.push_str("flowchart LR\n");
    for (i, (parent, members)) in layout.boxes.iter().enumerate() {
        let _ = writeln!(out, "  subgraph g{i}[{}]", mermaid_str(parent));
        for id in members {
            mermaid_node(&mut out, graph, *id, "    ", false);
        }
        out.push_str("  end\n");
    }
    for (i, (store, members)) in layout.stores.iter().enumerate() {
        let label = mermaid_str(&format!("other Zarr store: {store}"));
        let _ = writeln!(out, "  subgraph s{i}[{label}]");
        for id in members {
            mermaid_node(&mut out, graph, *id, "    ", true);
        }
        out.push_str("  end\n");
    }
    for id in &layout.outside {
        mermaid_node(&mut out, graph, *id, "  ", false);
    }
    let edges = declared_edges(graph);
    for e in &edges {
        let t = graph.edge_type(e);
        let arrow = match t.core() {
            Some(CoreRelation::QualityFor | CoreRelation::PartOf | CoreRelation::Contains) => {
                "-.->"
            }
            _ => "-->",
        };
        let _ = writeln!(
            out,
            "  n{} {arrow}|{}| n{}",
            e.source.0,
            mermaid_str(t.as_str()),
            e.target.0
        );
    }
    for (i, e) in edges.iter().enumerate() {
        let c = colour(graph.edge_type(e));
        let _ = writeln!(out, "  linkStyle {i} stroke:{c},color:{c}");
    }
    out.push_str("  classDef group fill:#fff5d6,stroke:#b08800\n");
    out.push_str("  classDef array fill:#e8f1fb,stroke:#1f4e79\n");
    out.push_str("  classDef external fill:#f4f4f4,stroke:#666666,stroke-dasharray:4 3\n");
    out.push_str(
        "  classDef missing fill:#ffffff,stroke:#cc0000,color:#cc0000,stroke-dasharray:2 2\n",
    );
    out
}

/// The graph as one JSON object:
///
/// ```json
/// {
///   "nodes": [{"id": "/quality/mask/r10m/b04", "class": "array", "parent": "/quality/mask/r10m"}],
///   "edges": [{"source": "/quality/mask/r10m/b04", "target": "/measurements/reflectance/r10m/b04",
///              "type": "quality_for", "declared_on": "/quality/mask/r10m/b04", "derived": false}],
///   "index": [{"group": "/", "category": "quality", "members": ["/quality/mask/r10m/b04"]}],
///   "skipped": [{"node": "/x", "pointer": "/links:relationships/0", "reason": "..."}]
/// }
/// ```
///
/// `nodes` lists every node that takes part in a link or an index entry, in
/// id order; `parent` is `null` for the root and external targets. `edges`
/// lists the declared edges, then the derived inverses.
pub fn json(graph: &LinkGraph) -> Value {
    let mut indexed = vec![false; graph.node_count()];
    for c in graph.categories() {
        indexed[c.group.ix()] = true;
        for m in &c.members {
            indexed[m.ix()] = true;
        }
    }
    let nodes: Vec<Value> = graph
        .nodes()
        .filter(|(id, _)| indexed[id.ix()] || graph.is_linked(*id))
        .map(|(_, n)| {
            let parent = match n.class {
                NodeClass::External => None,
                _ => NodePath::parse(n.name).ok().and_then(|p| p.parent()),
            };
            json!({"id": n.name, "class": n.class.as_str(), "parent": parent.map(|p| p.as_str().to_string())})
        })
        .collect();
    let edges: Vec<Value> = graph
        .edges()
        .map(|(_, e)| {
            json!({
                "source": graph.name(e.source),
                "target": graph.name(e.target),
                "type": graph.edge_type(e).as_str(),
                "declared_on": graph.name(e.declared_on()),
                "derived": e.derived,
            })
        })
        .collect();
    let index: Vec<Value> = graph
        .categories()
        .iter()
        .map(|c| {
            json!({
                "group": graph.name(c.group),
                "category": c.name,
                "members": c.members.iter().map(|m| graph.name(*m)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let skipped: Vec<Value> = graph
        .skipped()
        .iter()
        .map(|s| json!({"node": graph.name(s.node), "pointer": s.pointer, "reason": s.reason}))
        .collect();
    json!({"nodes": nodes, "edges": edges, "index": index, "skipped": skipped})
}

/// The JSON form of the rows of [`LinkGraph::related`], as `zarr-links
/// related --format json` prints them and the Python and WebAssembly front
/// ends return them: one object per row,
///
/// ```json
/// {"source": "/quality/probability/r20m/cld", "target": "/measurements/reflectance/r20m",
///  "type": "quality_for", "direction": "in", "declared_on": "/quality/probability/r20m/cld",
///  "derived": false, "via": "/measurements/reflectance/r20m"}
/// ```
///
/// `direction` is `out` or `in` relative to the asked-about node; `via` is
/// the enclosing group through which a `quality_for` link applies, else
/// `null` ([`crate::Related::via`]).
pub fn related_json(graph: &LinkGraph, rows: &[crate::Related<'_>]) -> Value {
    Value::Array(
        rows.iter()
            .map(|r| {
                json!({
                    "source": graph.name(r.edge.source),
                    "target": graph.name(r.edge.target),
                    "type": graph.edge_type(r.edge).as_str(),
                    "direction": r.side.as_str(),
                    "declared_on": graph.name(r.edge.declared_on()),
                    "derived": r.edge.derived,
                    "via": r.via.map(|v| graph.name(v)),
                })
            })
            .collect(),
    )
}
