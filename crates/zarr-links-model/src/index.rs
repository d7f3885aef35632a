//! `links:index`: the discovery index a group may carry.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::Map;

use crate::path::PATH_PATTERN;

/// A `links:index`: free-form category names, each with the absolute in-store
/// paths of its members, in the order the producer wrote them.
///
/// ```json
/// {"bands": ["/bands/B02", "/bands/B03"], "quality": ["/quality/cloud_mask"]}
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LinksIndex(pub Map<String, serde_json::Value>);

impl JsonSchema for LinksIndex {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LinksIndex".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A discovery index on a group. Each key is a free-form category name such as `bands`, `quality` or `derived`; each value lists the absolute in-store paths of the category's members, each once.",
            "type": "object",
            "propertyNames": { "type": "string", "minLength": 1 },
            "additionalProperties": {
                "type": "array",
                "uniqueItems": true,
                "items": {
                    "description": "The absolute in-store path of a member node.",
                    "type": "string",
                    "pattern": PATH_PATTERN
                }
            }
        })
    }
}
