//! The link graph of a GeoZarr linked dataset, and the questions a reader asks
//! of it.
//!
//! [`LinkGraph::build`] turns a [`Hierarchy`](zarr_links_model::Hierarchy) —
//! the same in-memory metadata the validator reads, whose nodes carry the
//! convention's attributes already read into typed views — into a graph in
//! one pass, O(nodes + links). The graph borrows the hierarchy: the store's
//! nodes keep their positions and names, and edges point at the link entries
//! they come from. Every query afterwards works on the graph alone and never
//! touches the store, so a store with 100,000 arrays is read once.
//!
//! The graph holds:
//!
//! - every node of the hierarchy (groups and arrays), whether or not it has links;
//! - the **declared** links, one [`Edge`] per entry of a node's
//!   `links:relationships`, from the node that states it to its target;
//! - the **derived inverses** of the composition and equivalence links,
//!   marked [`Edge::derived`]: `A part_of G` gives `G contains A`,
//!   `G contains A` gives `A part_of G`, and `A same_as B` gives `B same_as A`.
//!   A derived edge is not added when the same edge is also declared (both
//!   directions stated): the graph then holds the two declared edges only.
//!   `derived_from` and `quality_for` have no named inverse; a reader sees them
//!   as **incoming** edges of the target, with the declared type;
//! - external targets (absolute URIs) as leaves, [`NodeClass::External`];
//!   in-store targets that do not exist as leaves, [`NodeClass::Missing`];
//! - the categories of every `links:index`, on whichever group carries one.
//!
//! Queries: [`LinkGraph::related`] (direct neighbours, by type and direction),
//! [`LinkGraph::lineage`] (transitive `derived_from`),
//! [`LinkGraph::quality_layers`], [`LinkGraph::category_members`], and
//! [`LinkGraph::suggest`] for paths that do not exist. [`LinkGraph::computed_index`]
//! derives a `links:index` from the declared links; [`render`] draws the graph
//! as Graphviz DOT, Mermaid or JSON.
//!
//! Entries the graph cannot read (a link without a string `target`, an unknown
//! `type`, a relative path, ...) are left out and listed in
//! [`LinkGraph::skipped`]; the validator reports them as findings.
//!
//! Specification: <https://zarr-links.github.io/zarr-links/discovery.html>
//!
//! ```
//! use serde_json::json;
//! use zarr_links_model::{Hierarchy, Node, NodeKind, ZarrFormat};
//! use zarr_links_graph::{Direction, LinkGraph};
//!
//! let nodes = vec![
//!     Node::v3("/", NodeKind::Group, json!({})),
//!     Node::v3("/b04", NodeKind::Array, json!({})),
//!     Node::v3("/mask", NodeKind::Array, json!({
//!         "links:relationships": [{"target": "/b04", "type": "quality_for"}]
//!     })),
//! ];
//! let hierarchy = Hierarchy::new("memory".into(), ZarrFormat::V3, false, nodes);
//!
//! let graph = LinkGraph::build(&hierarchy);
//! let b04 = graph.find("/b04").unwrap();
//! let rows = graph.related(b04, Direction::In, None);
//! assert_eq!(graph.name(rows[0].other), "/mask");
//! assert_eq!(graph.edge_type(rows[0].edge).as_str(), "quality_for");
//! ```

mod build;
mod cycles;
mod index;
mod query;
pub mod render;

pub use build::{Edge, EdgeId, GraphNode, IndexCategory, LinkGraph, NodeClass, NodeId, Skipped};
pub use cycles::{Cycle, Family};
pub use index::{IndexPlan, NotAdded, CATEGORY_ORDER, COMPUTED_INDEX_DOC};
pub use query::{Direction, LineageStep, QualityLayer, Related, Side};
