//! Direction and consistency: `links.inverse.agree`,
//! `links.cycle.derived-from` and `links.cycle.part-of`, answered by the
//! link graph ([`LinkGraph::cycles`](zarr_links_graph::LinkGraph::cycles),
//! [`LinkGraph::contains_conflicts`](zarr_links_graph::LinkGraph::contains_conflicts)).
//!
//! Spec: <https://zarr-links.github.io/zarr-links/consistency.html>

use zarr_links_graph::{Cycle, Family};
use zarr_links_model::view::link_pointer;
use zarr_links_model::{Finding, Rule};

use super::Context;

/// The graph rules of the whole store.
pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let g = &ctx.graph;
    let nodes = ctx.hierarchy.nodes();
    let node = |id: zarr_links_graph::NodeId| &nodes[id.number() as usize];
    for (first, back) in g.contains_conflicts() {
        let (e, b) = (g.edge(first), g.edge(back));
        let (a_node, b_node) = (node(e.source), node(e.target));
        let other = b_node.pointer(&format!("{}/type", link_pointer(g.position(b))));
        out.push(a_node.finding(
            Rule::InverseAgree,
            &format!("{}/type", link_pointer(g.position(e))),
            format!(
                "{} `contains` {}, and {} also declares `contains` back ({} in {}); expected the inverse `part_of` there",
                a_node.path, b_node.path, b_node.path, other, b_node.file()
            ),
            Some(format!("change the link on {} to `part_of`, or remove it", b_node.path)),
        ));
    }
    for cycle in g.cycles(Family::DerivedFrom) {
        out.push(cycle_finding(
            ctx,
            Rule::CycleDerivedFrom,
            "derived_from",
            &cycle,
        ));
    }
    // Two groups that contain each other also form such a cycle; the
    // specification reports both findings for them.
    for cycle in g.cycles(Family::PartOf) {
        out.push(cycle_finding(ctx, Rule::CyclePartOf, "part_of", &cycle));
    }
}

/// A finding for one cycle, on its smallest node, naming every link.
fn cycle_finding(ctx: &Context<'_>, rule: Rule, what: &str, cycle: &Cycle) -> Finding {
    let g = &ctx.graph;
    let start = cycle.start;
    let node = &ctx.hierarchy.nodes()[start.number() as usize];
    let steps: Vec<String> = cycle
        .edges
        .iter()
        .map(|&k| {
            let e = g.edge(k);
            format!(
                "{} {} {}",
                g.name(e.source),
                g.edge_type(e),
                g.name(e.target)
            )
        })
        .collect();
    let mut chain = vec![g.name(start)];
    let mut at = start;
    for &k in &cycle.edges {
        let e = g.edge(k);
        at = if e.source == at { e.target } else { e.source };
        chain.push(g.name(at));
    }
    // Point at a link of the cycle that the reported node declares itself,
    // if any (a `contains` read backwards is declared on the other end).
    let within = cycle
        .edges
        .iter()
        .map(|&k| g.edge(k))
        .find(|e| e.source == start)
        .map(|e| format!("{}/target", link_pointer(g.position(e))))
        .unwrap_or_default();
    let how = if rule == Rule::CyclePartOf {
        " (reading `contains` backwards)"
    } else {
        ""
    };
    node.finding(
        rule,
        &within,
        format!(
            "following `{what}`{how} from {} leads back to it: {}; the links are: {}; expected no cycle",
            node.path,
            chain.join(" → "),
            steps.join(", ")
        ),
        Some(format!("remove or redirect one of these {} links", cycle.edges.len())),
    )
}
