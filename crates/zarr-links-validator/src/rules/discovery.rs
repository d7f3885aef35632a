//! Discovery: `links.index.object`, `links.index.path`,
//! `links.index.on-group`, `links.index.resolves` and `links.index.root`.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use serde_json::Value;
use zarr_links_model::attributes::INDEX;
use zarr_links_model::hierarchy::pointer_token;
use zarr_links_model::path::parse_index_entry;
use zarr_links_model::view::LinksView;
use zarr_links_model::{Finding, Node, NodeKind, Rule, ZarrFormat};

use super::{kind_of, show, unresolved, Context, Described};
use crate::schema::SchemaError;

/// Index entries that name no node; in Zarr v2, an index on an array (which
/// the attributes schema cannot see there).
pub(crate) fn check_node(ctx: &Context<'_>, node: &Node, view: &LinksView, out: &mut Vec<Finding>) {
    check_alone(node, view, out);
    for category in view.index.iter().flatten() {
        for (k, path) in &category.entries {
            if ctx.hierarchy.position(path.as_str()).is_none()
                && !ctx.hierarchy.unreadable.contains(path)
            {
                out.push(node.finding(
                    Rule::IndexResolves,
                    &format!(
                        "/{}/{}/{k}",
                        pointer_token(INDEX),
                        pointer_token(&category.name)
                    ),
                    unresolved(ctx, "index entry", path.as_str()),
                    None,
                ));
            }
        }
    }
}

/// What can be said of the node alone: in Zarr v2, an index on an array.
pub(crate) fn check_alone(node: &Node, view: &LinksView, out: &mut Vec<Finding>) {
    if node.format == ZarrFormat::V2 && node.kind == NodeKind::Array && view.has_index {
        out.push(on_array(node));
    }
}

fn on_array(node: &Node) -> Finding {
    let (rule, at, message, hint) = on_array_described();
    node.finding(rule, &at, message, hint)
}

fn on_array_described() -> Described {
    (
        Rule::IndexOnGroup,
        format!("/{}", pointer_token(INDEX)),
        "found `links:index` on an array; expected it only on groups".into(),
        Some("move the index to the root group or another group".into()),
    )
}

/// The recommendation of a root index.
pub(crate) fn check_store(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let h = ctx.hierarchy;
    if !h.convention_used() {
        return;
    }
    let Some(root) = h.root() else { return };
    let has_index = root.links.as_deref().is_some_and(|v| v.has_index);
    if root.kind == NodeKind::Group && !has_index && !h.unreadable.contains(&root.path) {
        out.push(root.finding(
            Rule::IndexRoot,
            "",
            "the store uses the convention but its root group has no `links:index`; expected an index of the store's main arrays",
            Some(root_index_hint(ctx, h)),
        ));
    }
}

/// An example index for this store (categories computed from its links,
/// or its first array), and the command that writes one.
fn root_index_hint(ctx: &Context<'_>, h: &zarr_links_model::Hierarchy) -> String {
    let computed = ctx.graph.computed_index().0;
    let example = match computed.iter().next() {
        Some((name, members)) => {
            let first: Vec<Value> = members
                .as_array()
                .into_iter()
                .flatten()
                .take(2)
                .cloned()
                .collect();
            serde_json::json!({ name: first })
        }
        None => match h.nodes().iter().find(|n| n.kind == NodeKind::Array) {
            Some(a) => serde_json::json!({ "data": [a.path.as_str()] }),
            None => serde_json::json!({ "data": [] }),
        },
    };
    format!(
        "add a `links:index` to the root group's attributes, such as \"links:index\": {example}, or let `zarr-links index --write` compute one from the links"
    )
}

/// The finding of a schema error under a discovery rule.
pub(crate) fn from_schema(e: &SchemaError<'_>) -> Described {
    let category = e.token(1).unwrap_or_default();
    match (e.rule, e.location.as_str()) {
        (Rule::IndexOnGroup, _) => on_array_described(),
        (Rule::IndexPath, _) => {
            let ptr = e.prefix(3);
            let s = e.value_at(&ptr).and_then(Value::as_str).unwrap_or_default();
            let why = parse_index_entry(s).err().map_or_else(
                || "it does not match the path pattern".to_string(),
                |err| err.to_string(),
            );
            (
                Rule::IndexPath,
                ptr,
                format!("index entry {s:?} is not a normalised absolute in-store path: {why}; expected a path such as \"/group/array\""),
                None,
            )
        }
        (_, "/definitions/LinksIndex/type") => (
            Rule::IndexObject,
            e.prefix(1),
            format!(
                "`links:index` is a JSON {}; expected an object of categories, each an array of paths",
                kind_of(e.value_at(&e.prefix(1)))
            ),
            None,
        ),
        (_, l) if l.starts_with("/definitions/LinksIndex/propertyNames") => (
            Rule::IndexObject,
            format!("{}/", e.prefix(1)),
            "`links:index` has an empty category name; expected non-empty names".into(),
            None,
        ),
        (_, "/definitions/LinksIndex/additionalProperties/uniqueItems") => {
            let ptr = e.prefix(2);
            let dup = match e.value_at(&ptr) {
                Some(Value::Array(a)) => a
                    .iter()
                    .enumerate()
                    .find(|(i, x)| a[..*i].contains(x))
                    .map(|(_, x)| show(x))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            (
                Rule::IndexObject,
                ptr,
                format!("the category {category:?} lists {dup} more than once; expected each path once"),
                None,
            )
        }
        (_, "/definitions/LinksIndex/additionalProperties/type") => {
            let ptr = e.prefix(2);
            (
                Rule::IndexObject,
                ptr.clone(),
                format!(
                    "the category {category:?} is a JSON {}; expected an array of paths",
                    kind_of(e.value_at(&ptr))
                ),
                None,
            )
        }
        _ => {
            let ptr = e.prefix(3);
            (
                Rule::IndexObject,
                ptr.clone(),
                format!(
                    "index entry is {}; expected a path string",
                    e.value_at(&ptr).map_or("missing".into(), show)
                ),
                None,
            )
        }
    }
}
