//! Building the graph from a [`Hierarchy`] in one pass.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use zarr_links_model::attributes::{INDEX, RELATIONSHIPS};
use zarr_links_model::hierarchy::pointer_token;
use zarr_links_model::path::parse_index_entry;
use zarr_links_model::{parse_target, Hierarchy, NodeKind, RelationType, Target};

/// The position of a node in a [`LinkGraph`]. Valid only for the graph that
/// returned it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub(crate) u32);

/// The position of an edge in a [`LinkGraph`]. Valid only for the graph that
/// returned it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EdgeId(pub(crate) u32);

impl NodeId {
    pub(crate) fn ix(self) -> usize {
        self.0 as usize
    }
}

impl EdgeId {
    pub(crate) fn ix(self) -> usize {
        self.0 as usize
    }
}

/// What a node of the graph is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeClass {
    /// A group of the store.
    Group,
    /// An array of the store.
    Array,
    /// A resource outside the store, named by an absolute URI. Always a leaf.
    External,
    /// An in-store path that a link or index names but the store does not
    /// have. Always a leaf; the validator reports it (`links.target.resolves`).
    Missing,
}

impl NodeClass {
    /// `group`, `array`, `external` or `missing`.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeClass::Group => "group",
            NodeClass::Array => "array",
            NodeClass::External => "external",
            NodeClass::Missing => "missing",
        }
    }

    /// Whether the node is a group or an array of the store.
    pub fn in_store(self) -> bool {
        matches!(self, NodeClass::Group | NodeClass::Array)
    }
}

/// A node of the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphNode {
    /// The absolute in-store path (`/bands/B04`), or the URI of an external target.
    pub name: String,
    /// Group, array, external or missing.
    pub class: NodeClass,
}

/// One edge: "`source` `type` `target`".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The node the statement is about.
    pub source: NodeId,
    /// The node it points to.
    pub target: NodeId,
    /// The relationship type, as declared, or the inverse type for a derived edge.
    pub r#type: RelationType,
    /// The node whose `links:relationships` states the link. For a declared
    /// edge this is `source`; for a derived inverse it is `target`.
    pub declared_on: NodeId,
    /// The position of the link in `declared_on`'s `links:relationships`.
    pub position: usize,
    /// Whether the graph derived this edge as the inverse of a declared link
    /// (`part_of` ⇄ `contains`, `same_as` ⇄ `same_as`) rather than read it.
    pub derived: bool,
}

/// One category of a `links:index`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexCategory {
    /// The group that carries the index.
    pub group: NodeId,
    /// The category name, e.g. `bands`.
    pub name: String,
    /// The entries, in the order the producer wrote them. An entry that names
    /// no node of the store is a [`NodeClass::Missing`] node.
    pub members: Vec<NodeId>,
}

/// A `links:` entry the graph could not read and left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The node that carries the entry.
    pub node: NodeId,
    /// The JSON pointer of the entry inside the node's attributes, such as
    /// `/links:relationships/2`.
    pub pointer: String,
    /// Why it was left out.
    pub reason: String,
}

/// The link graph of one store. See the [crate documentation](crate).
#[derive(Debug, Clone, Default)]
pub struct LinkGraph {
    pub(crate) nodes: Vec<GraphNode>,
    pub(crate) by_name: HashMap<String, NodeId>,
    pub(crate) edges: Vec<Edge>,
    pub(crate) out: Vec<Vec<EdgeId>>,
    pub(crate) inc: Vec<Vec<EdgeId>>,
    pub(crate) categories: Vec<IndexCategory>,
    pub(crate) skipped: Vec<Skipped>,
}

impl LinkGraph {
    /// Builds the graph of a hierarchy: O(nodes + links), no I/O.
    ///
    /// Nodes are numbered in path order, then the external and missing
    /// targets in the order they are first met, so the same hierarchy always
    /// gives the same graph.
    pub fn build(hierarchy: &Hierarchy) -> LinkGraph {
        let mut g = LinkGraph::default();
        for (path, node) in &hierarchy.nodes {
            let class = match node.kind {
                NodeKind::Group => NodeClass::Group,
                NodeKind::Array => NodeClass::Array,
            };
            g.intern(path.as_str(), class);
        }

        let mut declared: HashSet<(NodeId, NodeId, RelationType)> = HashSet::new();
        for (path, node) in &hierarchy.nodes {
            let source = g.by_name[path.as_str()];
            if let Some(value) = node.attributes.get(RELATIONSHIPS) {
                g.read_relationships(source, value, &mut declared);
            }
            if let Some(value) = node.attributes.get(INDEX) {
                g.read_index(source, value);
            }
        }

        // Derived inverses, after every declared edge is known.
        let count = g.edges.len();
        for i in 0..count {
            let e = &g.edges[i];
            let Some(inverse) = e.r#type.core().and_then(|c| c.inverse()) else {
                continue;
            };
            if !g.nodes[e.target.ix()].class.in_store() {
                continue;
            }
            let key = (e.target, e.source, RelationType::Core(inverse));
            if declared.contains(&key) {
                continue;
            }
            let derived = Edge {
                source: e.target,
                target: e.source,
                r#type: RelationType::Core(inverse),
                declared_on: e.declared_on,
                position: e.position,
                derived: true,
            };
            g.push_edge(derived);
        }
        g
    }

    fn intern(&mut self, name: &str, class: NodeClass) -> NodeId {
        if let Some(id) = self.by_name.get(name) {
            return *id;
        }
        let id = NodeId(u32::try_from(self.nodes.len()).expect("fewer than 2^32 nodes"));
        self.nodes.push(GraphNode {
            name: name.to_string(),
            class,
        });
        self.by_name.insert(name.to_string(), id);
        self.out.push(Vec::new());
        self.inc.push(Vec::new());
        id
    }

    fn push_edge(&mut self, edge: Edge) {
        let id = EdgeId(u32::try_from(self.edges.len()).expect("fewer than 2^32 edges"));
        self.out[edge.source.ix()].push(id);
        self.inc[edge.target.ix()].push(id);
        self.edges.push(edge);
    }

    fn skip(&mut self, node: NodeId, pointer: String, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            node,
            pointer,
            reason: reason.into(),
        });
    }

    fn read_relationships(
        &mut self,
        source: NodeId,
        value: &Value,
        declared: &mut HashSet<(NodeId, NodeId, RelationType)>,
    ) {
        let base = format!("/{}", pointer_token(RELATIONSHIPS));
        let Some(links) = value.as_array() else {
            self.skip(source, base, "`links:relationships` is not an array");
            return;
        };
        for (position, link) in links.iter().enumerate() {
            let pointer = format!("{base}/{position}");
            let Some(object) = link.as_object() else {
                self.skip(source, pointer, "the link is not an object");
                continue;
            };
            let (Some(target), Some(kind)) = (
                object.get("target").and_then(Value::as_str),
                object.get("type").and_then(Value::as_str),
            ) else {
                self.skip(
                    source,
                    pointer,
                    "the link has no string `target` and `type`",
                );
                continue;
            };
            let r#type = match RelationType::parse(kind) {
                Ok(t) => t,
                Err(e) => {
                    self.skip(source, pointer, e.to_string());
                    continue;
                }
            };
            let target = match parse_target(target) {
                Ok(Target::InStore(path)) => self.intern(path.as_str(), NodeClass::Missing),
                Ok(Target::External(uri)) => self.intern(&uri, NodeClass::External),
                Err(e) => {
                    self.skip(source, pointer, format!("target {target:?}: {e}"));
                    continue;
                }
            };
            if target == source {
                self.skip(source, pointer, "the link targets its own node");
                continue;
            }
            if !declared.insert((source, target, r#type.clone())) {
                self.skip(
                    source,
                    pointer,
                    "the same target and type are declared earlier on this node",
                );
                continue;
            }
            self.push_edge(Edge {
                source,
                target,
                r#type,
                declared_on: source,
                position,
                derived: false,
            });
        }
    }

    fn read_index(&mut self, group: NodeId, value: &Value) {
        let base = format!("/{}", pointer_token(INDEX));
        let Some(object) = value.as_object() else {
            self.skip(group, base, "`links:index` is not an object");
            return;
        };
        for (name, entries) in object {
            let pointer = format!("{base}/{}", pointer_token(name));
            let Some(entries) = entries.as_array() else {
                self.skip(group, pointer, "the category is not an array");
                continue;
            };
            let mut members = Vec::with_capacity(entries.len());
            let mut seen = HashSet::with_capacity(entries.len());
            for (i, entry) in entries.iter().enumerate() {
                let parsed = entry.as_str().map(parse_index_entry);
                match parsed {
                    Some(Ok(path)) => {
                        let id = self.intern(path.as_str(), NodeClass::Missing);
                        if seen.insert(id) {
                            members.push(id);
                        }
                    }
                    Some(Err(e)) => self.skip(group, format!("{pointer}/{i}"), e.to_string()),
                    None => self.skip(group, format!("{pointer}/{i}"), "the entry is not a string"),
                }
            }
            self.categories.push(IndexCategory {
                group,
                name: name.clone(),
                members,
            });
        }
    }
}
