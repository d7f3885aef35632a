//! A whole Zarr v3 node document (`zarr.json`), as the convention's schema
//! sees it.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/validation.html>

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::attributes::{LinksAttributes, INDEX};

/// The kind of a Zarr node.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// A group: a node with children.
    Group,
    /// An array: a node with data.
    Array,
}

impl NodeKind {
    /// `"group"` or `"array"`.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Group => "group",
            NodeKind::Array => "array",
        }
    }
}

/// A Zarr v3 `zarr.json` document. Only the members this convention reads are
/// constrained; the rest, such as `shape` or `codecs`, are left to Zarr.
///
/// ```json
/// {"zarr_format": 3, "node_type": "group", "attributes": {}}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = index_only_on_groups)]
pub struct NodeDocument {
    /// Always 3.
    #[schemars(schema_with = "zarr_format_schema")]
    pub zarr_format: u8,
    /// Whether the node is a group or an array.
    pub node_type: NodeKind,
    /// The node's attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<LinksAttributes>,
    /// Every other member, untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

fn zarr_format_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "description": "The Zarr format version; always 3.", "const": 3 })
}

/// `links:index` may only appear on groups.
fn index_only_on_groups(schema: &mut Schema) {
    let is_array = json_schema!({
        "type": "object",
        "required": ["node_type"],
        "properties": { "node_type": { "type": "string", "const": "array" } }
    });
    let no_index = json_schema!({
        "type": "object",
        "properties": {
            "attributes": { "not": { "type": "object", "properties": { INDEX: {} }, "required": [INDEX] } }
        }
    });
    schema.insert("if".into(), is_array.to_value());
    schema.insert("then".into(), no_index.to_value());
}
