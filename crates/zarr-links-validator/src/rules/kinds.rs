//! Node kinds at both ends of a core link: `links.kind.quality-for`,
//! `links.kind.same-as`, `links.kind.part-of` and `links.kind.contains`.
//! They apply to links whose target is a node of the store.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/kinds.html>

use zarr_links_graph::NodeId;
use zarr_links_model::view::link_pointer;
use zarr_links_model::{CoreRelation, Finding, Node, NodeKind, Rule};

use super::Context;

/// The kind rules of every core link of one node to a readable node of the
/// store (the link graph has resolved the targets).
pub(crate) fn check(ctx: &Context<'_>, id: NodeId, node: &Node, out: &mut Vec<Finding>) {
    let g = &ctx.graph;
    for (_, e) in g.out_edges(id).filter(|(_, e)| !e.derived) {
        let (Some(target_kind), Some(core)) = (g.kind(e.target), g.edge_type(e).core()) else {
            continue;
        };
        let t = g.name(e.target);
        if ctx.hierarchy.unreadable.contains(t) {
            continue;
        }
        let base = link_pointer(g.position(e));
        let problem = match core {
            CoreRelation::QualityFor if node.kind != NodeKind::Array => Some((
                Rule::KindQualityFor,
                format!("{base}/type"),
                format!("`quality_for` is declared on a {}; expected it on an array (the quality or mask array)", node.kind.as_str()),
            )),
            CoreRelation::SameAs if node.kind != target_kind => Some((
                Rule::KindSameAs,
                format!("{base}/target"),
                format!(
                    "`same_as` joins this {} to the {} {t:?}; expected two arrays or two groups",
                    node.kind.as_str(),
                    target_kind.as_str()
                ),
            )),
            CoreRelation::PartOf if target_kind != NodeKind::Group => Some((
                Rule::KindPartOf,
                format!("{base}/target"),
                format!("`part_of` targets the array {t:?}; expected a group"),
            )),
            CoreRelation::Contains if node.kind != NodeKind::Group => Some((
                Rule::KindContains,
                format!("{base}/type"),
                "`contains` is declared on an array; expected it on a group".to_string(),
            )),
            _ => None,
        };
        if let Some((rule, at, message)) = problem {
            out.push(node.finding(rule, &at, message, None));
        }
    }
}
