//! The convention's attributes on one node: the declaration,
//! `links:relationships` and `links:index`.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/declaration.html>

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::convention::{names_links, LinksConventionMetadata, CONVENTION_UUID, PREFIX};
use crate::index::LinksIndex;
use crate::link::Link;

/// The attribute key of the relationships array.
pub const RELATIONSHIPS: &str = "links:relationships";
/// The attribute key of the discovery index.
pub const INDEX: &str = "links:index";
/// The attribute key of the Zarr Conventions framework's declarations.
pub const ZARR_CONVENTIONS: &str = "zarr_conventions";

/// The attributes of one node, as the convention sees them: a v2 `.zattrs`
/// document, or the `attributes` member of a v3 `zarr.json`.
///
/// The object stays open: other conventions add their own attributes beside
/// these, and they are kept untouched.
///
/// ```json
/// {
///   "zarr_conventions": [{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b", "name": "links:"}],
///   "links:relationships": [{"target": "/bands/B04", "type": "quality_for"}]
/// }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = require_declaration)]
pub struct LinksAttributes {
    /// Convention Metadata Objects of the conventions this node uses. A node
    /// that carries any `links:` attribute declares this convention here;
    /// the other entries belong to other conventions and are not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "conventions_schema")]
    pub zarr_conventions: Option<Vec<serde_json::Value>>,
    /// The links stated on this node, each read as "this node `<type>` `<target>`".
    #[serde(
        rename = "links:relationships",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub relationships: Option<Vec<Link>>,
    /// A discovery index. Groups only.
    #[serde(
        rename = "links:index",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub index: Option<LinksIndex>,
    /// Every other attribute, untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

fn conventions_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "The Zarr Conventions framework's list of Convention Metadata Objects. Declaring this convention in the legacy form, as a bare uuid string, is not valid.",
        "not": { "type": "array", "contains": { "type": "string", "const": CONVENTION_UUID } }
    })
}

/// Adds the rule that any `links:` attribute requires the declaration:
/// `zarr_conventions` is required (`links.declaration.required`), the entry
/// that carries this convention's uuid is its closed CMO
/// (`links.declaration.cmo`), and one entry names the convention
/// (`links.declaration.required`; the legacy string counts here, as it is
/// reported under `links.declaration.object-form`). Other conventions'
/// entries are left to those conventions.
fn require_declaration(schema: &mut Schema) {
    // A node uses the convention when it carries a `links:` attribute or
    // names the convention's uuid in `zarr_conventions`.
    let uses_links = json_schema!({
        "type": "object",
        "anyOf": [
            { "not": { "propertyNames": { "not": { "type": "string", "pattern": format!("^{PREFIX}") } } } },
            {
                "required": [ZARR_CONVENTIONS],
                "properties": {
                    ZARR_CONVENTIONS: {
                        "type": "array",
                        "contains": {
                            "anyOf": [
                                { "type": "string", "const": CONVENTION_UUID },
                                names_links()
                            ]
                        }
                    }
                }
            }
        ]
    });
    let declared = json_schema!({
        "type": "object",
        "required": [ZARR_CONVENTIONS],
        "properties": {
            ZARR_CONVENTIONS: {
                "type": "array",
                "items": {
                    "if": names_links(),
                    "then": { "$ref": "#/definitions/LinksConventionMetadata" }
                },
                "contains": {
                    "anyOf": [
                        { "type": "string", "const": CONVENTION_UUID },
                        names_links()
                    ]
                }
            }
        }
    });
    schema.insert("if".into(), uses_links.to_value());
    schema.insert("then".into(), declared.to_value());
}

impl LinksAttributes {
    /// Whether these attributes carry any `links:` attribute.
    pub fn uses_links(attributes: &Map<String, Value>) -> bool {
        attributes.keys().any(|k| k.starts_with(PREFIX))
    }

    /// Makes sure the definitions the transform refers to are generated.
    pub(crate) fn register(generator: &mut SchemaGenerator) {
        generator.subschema_for::<LinksConventionMetadata>();
    }
}
