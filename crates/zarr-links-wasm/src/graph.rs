//! The link graph for the page's picture, and one node's `related` view.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use serde_json::{json, Value};
use zarr_links_graph::{render, Direction, LinkGraph, NodeClass};
use zarr_links_model::Hierarchy;

/// The whole graph as [`render::json`] gives it: nodes with their class and
/// parent group, declared and derived edges, index categories, skipped
/// entries.
pub fn graph(hierarchy: &Hierarchy) -> Value {
    render::json(&LinkGraph::build(hierarchy))
}

/// The links from and to one node, as `zarr-links related STORE NODE
/// --format json` lists them (both directions, every type), with the class
/// of the node at the other end:
/// `{"node", "class", "rows": [{"source", "target", "type", "direction",
/// "declared_on", "derived", "via", "other", "other_class"}]}`.
pub fn related(hierarchy: &Hierarchy, node: &str) -> Result<Value, String> {
    let g = LinkGraph::build(hierarchy);
    let Some(id) = g.find(node) else {
        let similar: Vec<&str> = g.suggest(node, 3).into_iter().map(|n| g.name(n)).collect();
        return Err(if similar.is_empty() {
            format!("{node}: no such node in the link graph")
        } else {
            format!(
                "{node}: no such node in the link graph (did you mean {}?)",
                similar.join(", ")
            )
        });
    };
    let related = g.related(id, Direction::Both, None);
    let mut rows = render::related_json(&g, &related);
    for (row, r) in rows.as_array_mut().into_iter().flatten().zip(&related) {
        row["other"] = json!(g.name(r.other));
        row["other_class"] = json!(g.class(r.other).as_str());
    }
    Ok(json!({
        "node": g.name(id),
        "class": g.class(id).as_str(),
        "in_store": matches!(g.class(id), NodeClass::Group | NodeClass::Array),
        "rows": rows,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use zarr_links_model::{Node, NodeKind, ZarrFormat};

    fn store() -> Hierarchy {
        let decl = json!([{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b", "name": "links:"}]);
        Hierarchy::new(
            "mem".into(),
            ZarrFormat::V3,
            false,
            vec![
                Node::v3("/", NodeKind::Group, json!({})),
                Node::v3("/b04", NodeKind::Array, json!({})),
                Node::v3(
                    "/mask",
                    NodeKind::Array,
                    json!({"zarr_conventions": decl, "links:relationships": [
                        {"type": "quality_for", "target": "/b04"}]}),
                ),
            ],
        )
    }

    #[test]
    fn related_lists_incoming_links_with_the_declaring_node() {
        let v = related(&store(), "/b04").unwrap();
        assert_eq!(v["class"], "array");
        assert_eq!(v["rows"][0]["direction"], "in");
        assert_eq!(v["rows"][0]["other"], "/mask");
        assert_eq!(v["rows"][0]["declared_on"], "/mask");
        assert_eq!(v["rows"][0]["type"], "quality_for");
    }

    #[test]
    fn an_unknown_node_suggests_similar_ones() {
        let e = related(&store(), "/b05").unwrap_err();
        assert!(e.contains("/b04"), "{e}");
    }

    #[test]
    fn the_graph_has_the_declared_edge() {
        let g = graph(&store());
        assert_eq!(g["edges"][0]["source"], "/mask");
        assert_eq!(g["edges"][0]["derived"], false);
    }
}
