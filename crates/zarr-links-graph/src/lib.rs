//! The link graph of a GeoZarr linked dataset, and the questions a reader asks
//! of it.
//!
//! [`LinkGraph::build`] turns a [`Hierarchy`](zarr_links_model::Hierarchy) —
//! the same in-memory metadata the validator reads — into a graph in one pass,
//! O(nodes + links). Every query afterwards works on the graph alone and never
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
//! use std::collections::BTreeMap;
//! use serde_json::json;
//! use zarr_links_model::{Hierarchy, Node, NodeKind, NodePath, Origin, ZarrFormat};
//! use zarr_links_graph::{Direction, LinkGraph};
//!
//! let mut nodes = BTreeMap::new();
//! let mut add = |path: &str, kind, attributes: serde_json::Value| {
//!     let path = NodePath::parse(path).unwrap();
//!     let attributes = attributes.as_object().unwrap().clone();
//!     let origin = Origin { key: String::new(), pointer: "/attributes".into() };
//!     nodes.insert(path.clone(), Node { path, kind, attributes, origin });
//! };
//! add("/", NodeKind::Group, json!({}));
//! add("/b04", NodeKind::Array, json!({}));
//! add("/mask", NodeKind::Array, json!({
//!     "links:relationships": [{"target": "/b04", "type": "quality_for"}]
//! }));
//! let hierarchy = Hierarchy { format: ZarrFormat::V3, consolidated: false, nodes };
//!
//! let graph = LinkGraph::build(&hierarchy);
//! let b04 = graph.find("/b04").unwrap();
//! let rows = graph.related(b04, Direction::In, None);
//! assert_eq!(graph.name(rows[0].other), "/mask");
//! assert_eq!(rows[0].edge.r#type.as_str(), "quality_for");
//! ```

mod build;
mod index;
mod query;
pub mod render;

pub use build::{Edge, EdgeId, GraphNode, IndexCategory, LinkGraph, NodeClass, NodeId, Skipped};
pub use index::{CATEGORY_ORDER, COMPUTED_INDEX_DOC};
pub use query::{Direction, LineageStep, QualityLayer, Related, Side};
