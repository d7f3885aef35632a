//! Building the graph from a [`Hierarchy`] in one pass: one idea, turning
//! the nodes' views into nodes, edges, derived inverses and index categories,
//! with the compact structures (CSR adjacency, merged extra nodes) that keep
//! a large store small in memory.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use std::collections::HashSet;
use std::sync::OnceLock;

use zarr_links_model::similar::Paths;

use zarr_links_model::view::LinkEntry;
use zarr_links_model::{CoreRelation, Hierarchy, NodeKind, RelationType};

/// The position of a node in a [`LinkGraph`]: the store's nodes first, in
/// path order (the same order as [`Hierarchy::nodes`]), then external and
/// missing targets. Valid only for the graph that returned it.
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

    /// The node's number, for drawings (`n12`).
    pub fn number(self) -> u32 {
        self.0
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphNode<'g> {
    /// The absolute in-store path (`/bands/B04`), or the URI of an external target.
    pub name: &'g str,
    /// Group, array, external or missing.
    pub class: NodeClass,
}

/// One edge: "`source` `type` `target`". Its type is
/// [`LinkGraph::edge_type`]; the link it comes from is [`LinkGraph::link`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// The node the statement is about.
    pub source: NodeId,
    /// The node it points to.
    pub target: NodeId,
    /// The link's entry among the declaring node's readable links.
    pub(crate) entry: u32,
    /// Whether the graph derived this edge as the inverse of a declared link
    /// (`part_of` ⇄ `contains`, `same_as` ⇄ `same_as`) rather than read it.
    pub derived: bool,
}

impl Edge {
    /// The node whose `links:relationships` states the link: `source` for a
    /// declared edge, `target` for a derived inverse.
    pub fn declared_on(&self) -> NodeId {
        if self.derived {
            self.target
        } else {
            self.source
        }
    }
}

/// One category of a `links:index`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexCategory {
    /// The group that carries the index.
    pub group: NodeId,
    /// The category name, e.g. `bands`.
    pub name: String,
    /// The entries, in the order the producer wrote them, each once. An
    /// entry that names no node of the store is a [`NodeClass::Missing`] node.
    pub members: Vec<NodeId>,
}

/// A `links:` entry the graph left out.
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

/// The core types, by value, so that an edge's type can be returned by
/// reference whether it is declared or derived.
static CORE: [RelationType; 5] = [
    RelationType::of_core(CoreRelation::DerivedFrom),
    RelationType::of_core(CoreRelation::QualityFor),
    RelationType::of_core(CoreRelation::SameAs),
    RelationType::of_core(CoreRelation::PartOf),
    RelationType::of_core(CoreRelation::Contains),
];

fn core_type(c: CoreRelation) -> &'static RelationType {
    &CORE[CoreRelation::ALL
        .iter()
        .position(|x| *x == c)
        .expect("a core type")]
}

/// Where a skipped entry sits among a node's attributes: relationships
/// first, by link position, then the index, in the order written.
fn skip_order(pointer: &str) -> (u8, u64) {
    match pointer.strip_prefix("/links:relationships") {
        Some(rest) => (0, rest.trim_start_matches('/').parse().unwrap_or(0)),
        None => (1, 0),
    }
}

/// Edges by node, in compressed form: the edges of node `i` are
/// `edges[start[i]..start[i + 1]]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Adjacency {
    start: Vec<u32>,
    edges: Vec<EdgeId>,
}

impl Adjacency {
    /// Groups edge ids by `key(edge)`, keeping the edge order within a node.
    pub(crate) fn build(nodes: usize, edges: &[Edge], key: impl Fn(&Edge) -> NodeId) -> Adjacency {
        let mut start = vec![0u32; nodes + 1];
        for e in edges {
            start[key(e).ix() + 1] += 1;
        }
        for i in 0..nodes {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut out = vec![EdgeId(0); edges.len()];
        for (i, e) in edges.iter().enumerate() {
            let slot = &mut fill[key(e).ix()];
            out[*slot as usize] = EdgeId(i as u32);
            *slot += 1;
        }
        Adjacency { start, edges: out }
    }

    pub(crate) fn of(&self, node: NodeId) -> &[EdgeId] {
        let (a, b) = (self.start[node.ix()], self.start[node.ix() + 1]);
        &self.edges[a as usize..b as usize]
    }
}

/// The link graph of one store. See the [crate documentation](crate).
#[derive(Debug, Clone)]
pub struct LinkGraph<'h> {
    pub(crate) hierarchy: &'h Hierarchy,
    /// Nodes after the store's own: external URIs and missing paths.
    pub(crate) extra: Vec<(&'h str, NodeClass)>,
    /// The extra nodes' positions in `extra`, sorted by name, for lookups.
    pub(crate) extra_sorted: Vec<u32>,
    pub(crate) edges: Vec<Edge>,
    pub(crate) out: Adjacency,
    /// Incoming edges, built on first use (validation never asks).
    pub(crate) inc: OnceLock<Adjacency>,
    pub(crate) categories: Vec<IndexCategory>,
    pub(crate) skipped: Vec<Skipped>,
    /// The path suggester, built on first use.
    pub(crate) suggester: OnceLock<Paths>,
}

impl<'h> LinkGraph<'h> {
    /// Builds the graph of a hierarchy: O(nodes + links), no I/O.
    ///
    /// The store's nodes keep their positions in [`Hierarchy::nodes`]; the
    /// external and missing targets follow in the order they are first met,
    /// so the same hierarchy always gives the same graph.
    pub fn build(hierarchy: &'h Hierarchy) -> LinkGraph<'h> {
        let mut g = LinkGraph {
            hierarchy,
            extra: Vec::new(),
            extra_sorted: Vec::new(),
            edges: Vec::new(),
            out: Adjacency::default(),
            inc: OnceLock::new(),
            categories: Vec::new(),
            skipped: Vec::new(),
            suggester: OnceLock::new(),
        };
        // Room for every declared edge and every inverse it may derive.
        let (declared, invertible) = hierarchy.views().fold((0, 0), |(d, i), (_, v)| {
            let inv = v
                .links
                .iter()
                .filter(|l| l.relation.core().and_then(CoreRelation::inverse).is_some());
            (d + v.links.len(), i + inv.count())
        });
        g.edges.reserve_exact(declared + invertible);
        for (i, node) in hierarchy.nodes().iter().enumerate() {
            let Some(view) = node.links.as_deref() else {
                continue;
            };
            let source = NodeId(i as u32);
            let first_skip = g.skipped.len();
            for s in view.skipped() {
                g.skipped.push(Skipped {
                    node: source,
                    pointer: s.pointer.clone(),
                    reason: s.reason.clone(),
                });
            }
            for (entry, link) in view.links.iter().enumerate() {
                let target = match link.target.in_store() {
                    Some(path) => g.intern(path, NodeClass::Missing),
                    None => g.intern(link.target.as_str(), NodeClass::External),
                };
                if target == source {
                    g.skip(source, link, "the link targets its own node");
                    continue;
                }
                g.edges.push(Edge {
                    source,
                    target,
                    entry: entry as u32,
                    derived: false,
                });
            }
            for (link, _) in view.duplicates() {
                g.skip(
                    source,
                    link,
                    "the same target and type are declared earlier on this node",
                );
            }
            // The node's skipped entries in the order of its attributes:
            // links by position, then the index.
            g.skipped[first_skip..].sort_by_key(|s| skip_order(&s.pointer));
            if let Some(index) = &view.index {
                for c in index {
                    let members = c
                        .entries
                        .iter()
                        .map(|(_, path)| g.intern(path.as_str(), NodeClass::Missing))
                        .collect();
                    g.categories.push(IndexCategory {
                        group: source,
                        name: c.name.clone(),
                        members,
                    });
                }
            }
        }
        g.merge_extras();
        // Derived inverses, after every declared edge is known.
        let count = g.edges.len();
        for i in 0..count {
            let e = g.edges[i];
            let Some(inverse) = g.link(&e).relation.core().and_then(CoreRelation::inverse) else {
                continue;
            };
            if !g.class(e.target).in_store() || g.declares(e.target, e.source, inverse) {
                continue;
            }
            g.edges.push(Edge {
                source: e.target,
                target: e.source,
                entry: e.entry,
                derived: true,
            });
        }
        g.out = Adjacency::build(g.node_count(), &g.edges, |e| e.source);
        g
    }

    /// The id of `name`: a node of the store, or else a new extra node with
    /// `class` (one per occurrence; [`LinkGraph::merge_extras`] merges them).
    fn intern(&mut self, name: &'h str, class: NodeClass) -> NodeId {
        if let Some(i) = self.hierarchy.position(name) {
            return NodeId(i as u32);
        }
        let id = NodeId(
            u32::try_from(self.hierarchy.nodes().len() + self.extra.len())
                .expect("fewer than 2^32 nodes"),
        );
        self.extra.push((name, class));
        id
    }

    /// Makes the extra nodes unique by name, numbered in the order they
    /// were first met, and renumbers the edges and index members that name
    /// them. Sorting instead of hashing keeps this cheap in memory when
    /// every array links to its own URI.
    fn merge_extras(&mut self) {
        let n = self.hierarchy.nodes().len();
        let k = self.extra.len();
        let name = |i: u32| self.extra[i as usize].0;
        let mut order: Vec<u32> = (0..k as u32).collect();
        order.sort_unstable_by(|a, b| name(*a).cmp(name(*b)).then(a.cmp(b)));
        // The first occurrence of each name, for every occurrence.
        let mut first = vec![0u32; k];
        let mut i = 0;
        while i < k {
            let head = order[i];
            while i < k && name(order[i]) == name(head) {
                first[order[i] as usize] = head;
                i += 1;
            }
        }
        let mut renumber = vec![0u32; k];
        let mut kept = Vec::new();
        for idx in 0..k {
            if first[idx] as usize == idx {
                renumber[idx] = kept.len() as u32;
                kept.push(self.extra[idx]);
            }
        }
        for idx in 0..k {
            renumber[idx] = renumber[first[idx] as usize];
        }
        self.extra_sorted = order
            .into_iter()
            .filter(|&i| first[i as usize] == i)
            .map(|i| renumber[i as usize])
            .collect();
        self.extra = kept;
        let remap = |id: NodeId| {
            if id.ix() < n {
                id
            } else {
                NodeId((n + renumber[id.ix() - n] as usize) as u32)
            }
        };
        for e in &mut self.edges {
            e.target = remap(e.target);
        }
        for c in &mut self.categories {
            let mut seen = HashSet::with_capacity(c.members.len());
            c.members = c
                .members
                .iter()
                .map(|m| remap(*m))
                .filter(|m| seen.insert(*m))
                .collect();
        }
    }

    /// Whether `node` declares a `relation` link to `target` itself (then
    /// no inverse is derived: both directions are declared).
    fn declares(&self, node: NodeId, target: NodeId, relation: CoreRelation) -> bool {
        let target = self.name(target);
        self.hierarchy.nodes()[node.ix()]
            .links
            .as_deref()
            .is_some_and(|v| {
                v.links.iter().any(|l| {
                    l.relation.core() == Some(relation) && l.target.in_store() == Some(target)
                })
            })
    }

    fn skip(&mut self, node: NodeId, link: &LinkEntry, reason: &str) {
        self.skipped.push(Skipped {
            node,
            pointer: link.pointer(),
            reason: reason.to_string(),
        });
    }

    /// The hierarchy the graph was built from.
    pub fn hierarchy(&self) -> &'h Hierarchy {
        self.hierarchy
    }

    /// The declared link an edge comes from (for a derived edge, the link
    /// it is the inverse of).
    pub fn link(&self, edge: &Edge) -> &'h LinkEntry {
        let view = self.hierarchy.nodes()[edge.declared_on().ix()]
            .links
            .as_deref()
            .expect("edges come from nodes with a view");
        &view.links[edge.entry as usize]
    }

    /// The relationship type of an edge: as declared, or the inverse type
    /// for a derived edge.
    pub fn edge_type(&self, edge: &Edge) -> &'h RelationType {
        let declared = &self.link(edge).relation;
        if edge.derived {
            let inverse = declared
                .core()
                .and_then(CoreRelation::inverse)
                .expect("only core types with an inverse are derived");
            core_type(inverse)
        } else {
            declared
        }
    }

    /// The position of the edge's link in `declared_on`'s
    /// `links:relationships`.
    pub fn position(&self, edge: &Edge) -> u32 {
        self.link(edge).position
    }

    /// The kind of a store node, or `None` for external and missing targets.
    pub fn kind(&self, id: NodeId) -> Option<NodeKind> {
        self.hierarchy.nodes().get(id.ix()).map(|n| n.kind)
    }
}
