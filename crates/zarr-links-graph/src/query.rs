//! Queries on a built [`LinkGraph`]. None of them reads the store.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use std::collections::{HashSet, VecDeque};

use zarr_links_model::similar::Paths;
use zarr_links_model::{CoreRelation, NodeKind, NodePath, RelationType};

use crate::build::{
    Adjacency, Edge, EdgeId, GraphNode, IndexCategory, LinkGraph, NodeClass, NodeId, Skipped,
};

/// Which edges of a node to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Edges from the node: "this node `<type>` other".
    Out,
    /// Edges to the node: "other `<type>` this node".
    In,
    /// Both.
    Both,
}

/// On which side of an edge the asked-about node stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    /// The node is the edge's source.
    Out,
    /// The node is the edge's target.
    In,
}

impl Side {
    /// `out` or `in`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Out => "out",
            Side::In => "in",
        }
    }
}

/// One row of [`LinkGraph::related`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Related<'g> {
    /// The edge's id.
    pub id: EdgeId,
    /// The edge.
    pub edge: &'g Edge,
    /// Whether the asked-about node is the edge's source (`out`) or target (`in`).
    pub side: Side,
    /// The node at the other end.
    pub other: NodeId,
    /// For a `quality_for` link to a group that encloses the asked-about
    /// node, that group: the link applies to the node through it
    /// ([`LinkGraph::quality_layers`]). `None` for a link of the node itself.
    pub via: Option<NodeId>,
}

/// One ancestor of a node along `derived_from` links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineageStep {
    /// The ancestor.
    pub node: NodeId,
    /// 1 for a direct input, 2 for an input of an input, ...
    pub depth: usize,
    /// The `derived_from` edge through which the ancestor was first reached.
    pub edge: EdgeId,
}

/// A quality layer of a node: the source of a `quality_for` link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QualityLayer {
    /// The quality or mask array.
    pub layer: NodeId,
    /// The link's target: the node itself, or, when `inherited`, a group
    /// that contains it.
    pub target: NodeId,
    /// The `quality_for` edge.
    pub edge: EdgeId,
    /// Whether the layer is declared for an enclosing group rather than for
    /// the node itself.
    pub inherited: bool,
}

/// Sort rank of a type: the five core types in the specification's order,
/// then every other type by name.
fn type_rank(t: &RelationType) -> (usize, &str) {
    match t.core() {
        Some(c) => (
            CoreRelation::ALL.iter().position(|x| *x == c).unwrap_or(0),
            "",
        ),
        None => (CoreRelation::ALL.len(), t.as_str()),
    }
}

impl<'h> LinkGraph<'h> {
    /// The node with this path (or external URI), if the graph has it.
    pub fn find(&self, name: &str) -> Option<NodeId> {
        if let Some(i) = self.hierarchy.position(name) {
            return Some(NodeId(i as u32));
        }
        let at = self
            .extra_sorted
            .binary_search_by(|&i| self.extra[i as usize].0.cmp(name))
            .ok()?;
        let n = self.hierarchy.nodes().len();
        Some(NodeId((n + self.extra_sorted[at] as usize) as u32))
    }

    /// The node with this id.
    pub fn node(&self, id: NodeId) -> GraphNode<'_> {
        GraphNode {
            name: self.name(id),
            class: self.class(id),
        }
    }

    /// The path (or URI) of a node.
    pub fn name(&self, id: NodeId) -> &str {
        let nodes = self.hierarchy.nodes();
        match nodes.get(id.ix()) {
            Some(n) => n.path.as_str(),
            None => self.extra[id.ix() - nodes.len()].0,
        }
    }

    /// The class of a node.
    pub fn class(&self, id: NodeId) -> NodeClass {
        let nodes = self.hierarchy.nodes();
        match nodes.get(id.ix()) {
            Some(n) => match n.kind {
                NodeKind::Group => NodeClass::Group,
                NodeKind::Array => NodeClass::Array,
            },
            None => self.extra[id.ix() - nodes.len()].1,
        }
    }

    /// Every node with its id, in id order: the store's nodes in path order,
    /// then external and missing targets.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, GraphNode<'_>)> {
        (0..self.node_count()).map(|i| {
            let id = NodeId(i as u32);
            (id, self.node(id))
        })
    }

    /// How many nodes the graph has.
    pub fn node_count(&self) -> usize {
        self.hierarchy.nodes().len() + self.extra.len()
    }

    /// The edge with this id.
    pub fn edge(&self, id: EdgeId) -> &Edge {
        &self.edges[id.ix()]
    }

    /// Every edge with its id: the declared edges in path order of the
    /// declaring node and position, then the derived inverses.
    pub fn edges(&self) -> impl Iterator<Item = (EdgeId, &Edge)> {
        self.edges
            .iter()
            .enumerate()
            .map(|(i, e)| (EdgeId(i as u32), e))
    }

    /// The edges whose source is `node`, declared and derived.
    pub fn out_edges(&self, node: NodeId) -> impl Iterator<Item = (EdgeId, &Edge)> {
        self.out
            .of(node)
            .iter()
            .map(|id| (*id, &self.edges[id.ix()]))
    }

    /// The edges whose target is `node`, declared and derived.
    pub fn in_edges(&self, node: NodeId) -> impl Iterator<Item = (EdgeId, &Edge)> {
        self.inc
            .get_or_init(|| Adjacency::build(self.node_count(), &self.edges, |e| e.target))
            .of(node)
            .iter()
            .map(|id| (*id, &self.edges[id.ix()]))
    }

    /// Every `links:index` category of every group, groups in path order,
    /// categories in the order written.
    pub fn categories(&self) -> &[IndexCategory] {
        &self.categories
    }

    /// The `links:` entries that could not be read or were left out.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    /// The direct neighbours of `node`: edges from it (`Out`), to it (`In`),
    /// or both, optionally of one type only.
    ///
    /// Every declared edge that matches is listed. A derived inverse is
    /// listed unless the declared link it mirrors is listed too, so with
    /// [`Direction::Both`] one fact appears once: `A part_of G`, asked about
    /// `G`, shows as the declared incoming `A part_of G`, not also as the
    /// derived outgoing `G contains A`. Ask for `--type contains` (or
    /// [`Direction::Out`]) to see the derived form. When both directions are
    /// declared, both declared edges are listed: they are two statements.
    ///
    /// Rows come outgoing first, then by type (the core types in the
    /// specification's order, then others by name), then by the other
    /// node's path.
    pub fn related(
        &self,
        node: NodeId,
        direction: Direction,
        r#type: Option<&RelationType>,
    ) -> Vec<Related<'_>> {
        let mut rows = Vec::new();
        if matches!(direction, Direction::Out | Direction::Both) {
            for (id, edge) in self.out_edges(node) {
                rows.push(Related {
                    id,
                    edge,
                    side: Side::Out,
                    other: edge.target,
                    via: None,
                });
            }
        }
        if matches!(direction, Direction::In | Direction::Both) {
            for (id, edge) in self.in_edges(node) {
                rows.push(Related {
                    id,
                    edge,
                    side: Side::In,
                    other: edge.source,
                    via: None,
                });
            }
            for layer in self.quality_layers(node) {
                if layer.inherited {
                    rows.push(Related {
                        id: layer.edge,
                        edge: &self.edges[layer.edge.ix()],
                        side: Side::In,
                        other: layer.layer,
                        via: Some(layer.target),
                    });
                }
            }
        }
        if let Some(t) = r#type {
            rows.retain(|r| self.edge_type(r.edge) == t);
        }
        let shown: HashSet<(NodeId, u32)> = rows
            .iter()
            .filter(|r| !r.edge.derived)
            .map(|r| (r.edge.declared_on(), r.edge.entry))
            .collect();
        rows.retain(|r| !r.edge.derived || !shown.contains(&(r.edge.declared_on(), r.edge.entry)));
        rows.sort_by(|a, b| {
            (
                a.side,
                type_rank(self.edge_type(a.edge)),
                a.via.is_some(),
                self.name(a.other),
                a.edge.derived,
            )
                .cmp(&(
                    b.side,
                    type_rank(self.edge_type(b.edge)),
                    b.via.is_some(),
                    self.name(b.other),
                    b.edge.derived,
                ))
        });
        rows
    }

    /// Everything `node` was computed from, following `derived_from` all the
    /// way up, breadth first: direct inputs (depth 1), their inputs (depth
    /// 2), and so on. Each ancestor appears once, at the smallest depth; a
    /// cycle (an error the validator reports) does not loop. External
    /// inputs are leaves. Within one depth, ancestors are in path order.
    pub fn lineage(&self, node: NodeId) -> Vec<LineageStep> {
        let derived_from = RelationType::of_core(CoreRelation::DerivedFrom);
        let mut seen = HashSet::from([node]);
        let mut steps = Vec::new();
        let mut queue = VecDeque::from([(node, 0usize)]);
        while let Some((current, depth)) = queue.pop_front() {
            let mut next: Vec<(EdgeId, NodeId)> = self
                .out_edges(current)
                .filter(|(_, e)| !e.derived && *self.edge_type(e) == derived_from)
                .map(|(id, e)| (id, e.target))
                .collect();
            next.sort_by(|a, b| self.name(a.1).cmp(self.name(b.1)));
            for (edge, target) in next {
                if seen.insert(target) {
                    steps.push(LineageStep {
                        node: target,
                        depth: depth + 1,
                        edge,
                    });
                    queue.push_back((target, depth + 1));
                }
            }
        }
        steps.sort_by(|a, b| (a.depth, self.name(a.node)).cmp(&(b.depth, self.name(b.node))));
        steps
    }

    /// The quality layers of `node`: the sources of `quality_for` links to
    /// it, then those to the groups that contain it (`inherited`), nearest
    /// group first. Within each, layers are in path order.
    pub fn quality_layers(&self, node: NodeId) -> Vec<QualityLayer> {
        let quality_for = RelationType::of_core(CoreRelation::QualityFor);
        let mut layers = Vec::new();
        let mut target = Some(node);
        let mut path = NodePath::parse(self.name(node)).ok();
        while let Some(t) = target {
            let mut here: Vec<QualityLayer> = self
                .in_edges(t)
                .filter(|(_, e)| *self.edge_type(e) == quality_for)
                .map(|(edge, e)| QualityLayer {
                    layer: e.source,
                    target: t,
                    edge,
                    inherited: t != node,
                })
                .collect();
            here.sort_by(|a, b| self.name(a.layer).cmp(self.name(b.layer)));
            layers.extend(here);
            path = path.and_then(|p| p.parent());
            target = path.as_ref().and_then(|p| self.find(p.as_str()));
        }
        layers
    }

    /// The members of every index category called `name`, with the group
    /// whose `links:index` lists them (groups in path order).
    pub fn category_members(&self, name: &str) -> Vec<(NodeId, &[NodeId])> {
        self.categories
            .iter()
            .filter(|c| c.name == name)
            .map(|c| (c.group, c.members.as_slice()))
            .collect()
    }

    /// The `links:index` categories a group carries, in the order written.
    pub fn index_of(&self, group: NodeId) -> impl Iterator<Item = &IndexCategory> {
        self.categories.iter().filter(move |c| c.group == group)
    }

    /// Store nodes whose paths are close to `input`, best first, at most
    /// `max` ([`zarr_links_model::similar::Paths`] says how they are
    /// ranked). The work is bounded whatever the input and the store size.
    pub fn suggest(&self, input: &str, max: usize) -> Vec<NodeId> {
        let paths = self
            .suggester
            .get_or_init(|| Paths::new(self.hierarchy.nodes().iter().map(|n| n.path.as_str())));
        paths
            .suggest(input, max)
            .into_iter()
            .map(|i| NodeId(i as u32))
            .collect()
    }
}
