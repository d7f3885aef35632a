//! A store's metadata, loaded into memory: every node with its kind and
//! attributes. The store reader builds it; the validator and the link graph
//! read it. No I/O happens here.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::node::NodeKind;
use crate::path::NodePath;

/// The Zarr format of a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ZarrFormat {
    /// Zarr v2: `.zgroup`, `.zarray`, `.zattrs`, optional `.zmetadata`.
    #[serde(rename = "2")]
    V2,
    /// Zarr v3: `zarr.json`, optional inline `consolidated_metadata`.
    #[serde(rename = "3")]
    V3,
}

impl ZarrFormat {
    /// 2 or 3.
    pub fn number(self) -> u8 {
        match self {
            ZarrFormat::V2 => 2,
            ZarrFormat::V3 => 3,
        }
    }
}

/// Where a node's attributes were read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The store key of the document, e.g. `bands/B04/zarr.json`,
    /// `bands/B04/.zattrs` or `.zmetadata`.
    pub key: String,
    /// The JSON pointer of the attributes object inside that document:
    /// `""` for a `.zattrs`, `/attributes` for a `zarr.json`.
    pub pointer: String,
}

/// One node of a store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// The node's absolute path.
    pub path: NodePath,
    /// Group or array.
    pub kind: NodeKind,
    /// The node's attributes (empty when it has none).
    pub attributes: Map<String, Value>,
    /// Where the attributes were read from.
    pub origin: Origin,
}

impl Node {
    /// The JSON pointer, inside [`Origin::key`], of a location given relative
    /// to the attributes object, such as `/links:relationships/0/target`.
    pub fn pointer(&self, within_attributes: &str) -> String {
        format!("{}{}", self.origin.pointer, within_attributes)
    }
}

/// All nodes of a store, by path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hierarchy {
    /// The store's Zarr format.
    pub format: ZarrFormat,
    /// Whether the nodes came from consolidated metadata.
    pub consolidated: bool,
    /// Every node, in path order. The root `/` is always present.
    pub nodes: BTreeMap<NodePath, Node>,
}

impl Hierarchy {
    /// The node at `path`, if there is one.
    pub fn get(&self, path: &NodePath) -> Option<&Node> {
        self.nodes.get(path)
    }

    /// Whether any node carries a `links:` attribute.
    pub fn uses_links(&self) -> bool {
        self.nodes
            .values()
            .any(|n| crate::attributes::LinksAttributes::uses_links(&n.attributes))
    }
}

/// Escapes one JSON pointer token (RFC 6901): `~` becomes `~0`, `/` becomes `~1`.
pub fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}
