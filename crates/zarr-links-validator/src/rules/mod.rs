//! The rules of the convention, one module per topic of the specification:
//! [`declaration`], [`relationships`], [`targets`], [`kinds`],
//! [`consistency`], [`discovery`] and [`stores`]. A rule ID leads to its
//! chapter (`spec/<topic>.md`), to its module here and to its conformance
//! cases (`conformance/{valid,invalid}/<topic>/`) by the same name
//! ([`zarr_links_model::rules::Topic`]).
//!
//! Each module checks its rules on the typed views of the nodes and on the
//! link graph, and builds the messages of the schema-level findings of its
//! rules ([`from_schema`]).

pub(crate) mod consistency;
pub(crate) mod declaration;
pub(crate) mod discovery;
pub(crate) mod kinds;
pub(crate) mod relationships;
pub(crate) mod stores;
pub(crate) mod targets;

use serde_json::Value;
use zarr_links_graph::LinkGraph;
use zarr_links_model::document::json_kind;
use zarr_links_model::rules::Topic;
use zarr_links_model::{Finding, Hierarchy, NodeKind, NodePath, Rule};

use crate::schema::{self, SchemaError};

/// What every rule may look at.
pub(crate) struct Context<'a> {
    /// The store's nodes and their views.
    pub hierarchy: &'a Hierarchy,
    /// The link graph built from them.
    pub graph: LinkGraph<'a>,
}

/// Every finding of every rule.
pub(crate) fn check(ctx: &Context<'_>) -> Vec<Finding> {
    // Nodes are checked in chunks, in parallel; most have no finding.
    const CHUNK: usize = 1024;
    let n = ctx.hierarchy.nodes().len();
    let chunks: Vec<usize> = (0..n).step_by(CHUNK).collect();
    let per_chunk = zarr_links_store::par_map(chunks, |start| {
        (start..n.min(start + CHUNK))
            .flat_map(|i| check_node(ctx, i))
            .collect::<Vec<_>>()
    });
    let mut out: Vec<Finding> = per_chunk.into_iter().flatten().collect();
    consistency::check(ctx, &mut out);
    discovery::check_store(ctx, &mut out);
    stores::check(ctx, &mut out);
    out
}

/// The rules that look at one node (and, for targets, at the nodes its
/// links name).
fn check_node(ctx: &Context<'_>, i: usize) -> Vec<Finding> {
    let node = &ctx.hierarchy.nodes()[i];
    let Some(view) = node.links.as_deref() else {
        return Vec::new();
    };
    let id = ctx
        .graph
        .find(node.path.as_str())
        .expect("every node is in the graph");
    let mut out = schema::check(node);
    declaration::check(node, view, &mut out);
    if view.uses_links {
        relationships::check(node, view, &mut out);
        targets::check(ctx, id, node, view, &mut out);
        kinds::check(ctx, id, node, &mut out);
        discovery::check_node(ctx, node, view, &mut out);
    }
    out
}

/// A finding's rule, location (relative to the attributes), message and hint.
pub(crate) type Described = (Rule, String, String, Option<String>);

/// The finding of a schema error, from the module of its rule's topic.
pub(crate) fn from_schema(e: &SchemaError<'_>, text: &str) -> Described {
    match e.rule.info().topic {
        Topic::Declaration => declaration::from_schema(e),
        Topic::Relationships => relationships::from_schema(e),
        Topic::Targets => targets::from_schema(e),
        Topic::Discovery => discovery::from_schema(e),
        Topic::Kinds | Topic::Consistency | Topic::Stores => (
            Rule::StoreMetadata,
            e.pointer.clone(),
            format!("the schema rejects this value: {text}"),
            None,
        ),
    }
}

/// A JSON value shortened for a message.
pub(crate) fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

/// `"a JSON array"`-style kind of an optional value, `"nothing"` when absent.
pub(crate) fn kind_of(v: Option<&Value>) -> &'static str {
    v.map_or("nothing", json_kind)
}

/// The message of an in-store path that names no node, with a suggestion.
pub(crate) fn unresolved(ctx: &Context<'_>, what: &str, path: &str) -> String {
    let mut m = format!(
        "{what} {path:?} does not name a node in the store; expected an existing array or group"
    );
    let array_above = NodePath::parse(path).ok().and_then(|p| {
        std::iter::successors(p.parent(), NodePath::parent).find(|a| {
            ctx.hierarchy
                .get(a)
                .is_some_and(|n| n.kind == NodeKind::Array)
        })
    });
    if let Some(array) = array_above {
        m.push_str(&format!(
            " (it is below the array {array}, and the keys below an array are the array's chunks, not nodes)"
        ));
    } else if let Some(s) = ctx.graph.suggest(path, 1).first() {
        m.push_str(&format!(" (did you mean {:?}?)", ctx.graph.name(*s)));
    }
    m
}
