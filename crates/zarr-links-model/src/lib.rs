//! The model of the GeoZarr Linked Datasets convention.
//!
//! This crate holds the convention's types and nothing that touches a disk or
//! a network:
//!
//! - [`convention`]: the Convention Metadata Object that declares the convention;
//! - [`link`] and [`relation`]: the link object and its relationship types;
//! - [`index`]: `links:index`, the discovery index;
//! - [`attributes`] and [`node`]: a node's attributes and a whole v3 node document;
//! - [`view`]: the convention's attributes of one node, read once into a typed view;
//! - [`document`]: metadata documents parsed from bytes, with their problems;
//! - [`escape`]: store text made safe to print on a terminal;
//! - [`finding`]: one broken requirement at one place;
//! - [`path`]: in-store paths and link targets;
//! - [`hierarchy`]: a store's metadata loaded into memory;
//! - [`rules`]: the requirement IDs of the specification;
//! - [`schema`]: the JSON Schemas generated from these types;
//! - [`similar`]: spelling distance for "did you mean" hints.
//!
//! Specification: <https://zarr-links.github.io/zarr-links/>

pub mod attributes;
pub mod convention;
pub mod document;
pub mod escape;
pub mod finding;
pub mod hierarchy;
pub mod index;
pub mod link;
pub mod node;
pub mod path;
pub mod relation;
pub mod rules;
pub mod schema;
pub mod similar;
pub mod view;

pub use attributes::LinksAttributes;
pub use convention::{ConventionMetadata, CONVENTION_UUID, PREFIX};
pub use finding::Finding;
pub use hierarchy::{Coverage, Hierarchy, Node, Origin, ZarrFormat};
pub use index::LinksIndex;
pub use link::Link;
pub use node::{NodeDocument, NodeKind};
pub use path::{parse_target, NodePath, Target, TargetError};
pub use relation::{CoreRelation, RelationType};
pub use rules::{Rule, Severity, Topic};
pub use view::LinksView;
