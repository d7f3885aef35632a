//! Targets and paths: `links.target.form`, `links.target.normalized`,
//! `links.target.escape`, `links.target.uri`, `links.target.fragment`,
//! `links.target.resolves`,
//! `links.target.self`, and the target side of `links.link.target`.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/targets.html>

use serde_json::Value;
use zarr_links_graph::{NodeClass, NodeId};
use zarr_links_model::path::parse_target;
use zarr_links_model::view::{link_pointer, LinksView};
use zarr_links_model::{Finding, Node, NodeKind, NodePath, Rule};

use super::{show, unresolved, Context, Described};
use crate::schema::SchemaError;

/// Self-links, and in-store targets that name no node (the link graph has
/// resolved every target once).
pub(crate) fn check(
    ctx: &Context<'_>,
    id: NodeId,
    node: &Node,
    view: &LinksView,
    out: &mut Vec<Finding>,
) {
    for link in view.links.iter() {
        if link.target.in_store() == Some(node.path.as_str()) {
            out.push(node.finding(
                Rule::TargetSelf,
                &format!("{}/target", link.pointer()),
                format!(
                    "target {:?} is the node that carries the link; expected another node",
                    node.path.as_str()
                ),
                None,
            ));
        }
    }
    for link in view.links.iter() {
        if let Some(Err(e)) = link.target.node_reference() {
            out.push(node.finding(
                Rule::TargetFragment,
                &format!("{}/target", link.pointer()),
                format!(
                    "target {:?} names a node of another store, but its fragment is not a node path: {e}; expected the node's normalised absolute path, such as \"#/group/array\"",
                    link.target.as_str()
                ),
                Some(
                    "a fragment that starts with `/` is read as a node path: percent-decoded once, with no empty, `.` or `..` segment; write `%25` for a `%` in a node name".to_string(),
                ),
            ));
        }
    }
    let g = &ctx.graph;
    for (_, e) in g.out_edges(id).filter(|(_, e)| !e.derived) {
        let name = g.name(e.target);
        if g.class(e.target) == NodeClass::Missing && !ctx.hierarchy.unreadable.contains(name) {
            out.push(node.finding(
                Rule::TargetResolves,
                &format!("{}/target", link_pointer(g.position(e))),
                unresolved(ctx, "target", name),
                None,
            ));
        }
    }
}

/// How to write a relative target as an absolute path: resolved, as a
/// relative path would be read, against the group that holds the declaring
/// node (or against the node, when it is a group).
fn relative_hint(node: &Node, relative: &str) -> String {
    let base = match node.kind {
        NodeKind::Group => node.path.clone(),
        NodeKind::Array => node.path.parent().unwrap_or_else(NodePath::root),
    };
    let mut segments: Vec<&str> = base
        .key_prefix()
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    for seg in relative.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if segments.pop().is_none() {
                    return format!(
                        "{relative:?} read from {base} would leave the store root; write the absolute path from the root of the node you mean, such as \"/group/array\""
                    );
                }
            }
            s => segments.push(s),
        }
    }
    format!(
        "write the absolute path from the store root: \"/{}\" ({relative:?} read from {base})",
        segments.join("/")
    )
}

/// The finding of a schema error under a target rule. The schema location
/// gives the rule; for the normalised-path subschema, which decides both
/// `links.target.normalized` and `links.target.escape`, the depth count of
/// the specification ([`parse_target`]) tells which one.
pub(crate) fn from_schema(e: &SchemaError<'_>) -> Described {
    let ptr = e.prefix(3);
    match e.value_at(&ptr) {
        Some(Value::String(s)) => match parse_target(s) {
            Err(err) => {
                let rule = match (e.rule, err.rule()) {
                    (Rule::TargetNormalized, Rule::TargetEscape) => Rule::TargetEscape,
                    (schema_rule, _) => schema_rule,
                };
                let hint = match rule {
                    Rule::TargetForm => Some(relative_hint(e.node, s)),
                    Rule::TargetUri => {
                        Some("percent-encode characters such as spaces (`%20`)".to_string())
                    }
                    _ => None,
                };
                let expected = match rule {
                    Rule::TargetUri => {
                        "expected an absolute URI made of the characters RFC 3986 allows"
                    }
                    Rule::LinkTarget => "expected a non-empty string",
                    _ => "expected a normalised absolute in-store path such as \"/group/array\", or an absolute URI",
                };
                (
                    rule,
                    ptr,
                    format!("target {s:?} is invalid: {err}; {expected}"),
                    hint,
                )
            }
            Ok(_) => (
                e.rule,
                ptr,
                format!("target {s:?} is rejected by the schema; expected an absolute in-store path or an absolute URI"),
                None,
            ),
        },
        other => (
            Rule::LinkTarget,
            ptr,
            format!(
                "`target` is {}; expected a non-empty string",
                other.map_or("missing".into(), show)
            ),
            None,
        ),
    }
}
