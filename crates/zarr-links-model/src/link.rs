//! The link object: one entry of `links:relationships`.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/relationships.html>

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::path::{no_newline, PATH_PATTERN, SCHEME_PATTERN, URI_PATTERN};
use crate::relation::RelationType;

/// The JSON Schema (ECMA-262) pattern of a media type such as `image/png`
/// or `application/x-netcdf; version=4`: a type and a subtype as RFC 6838
/// names them (a letter or digit, then up to 126 of letters, digits and
/// `!#$&^_.+-`), then any number of parameters, each `;`, optional blanks, a
/// token, `=`, and a token or a quoted string (RFC 9110 section 5.6.6).
pub const MEDIA_TYPE_PATTERN: &str = concat!(
    r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}",
    r#"([ \t]*;[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+=([!#$%&'*+.^_`|~0-9A-Za-z-]+|"([\t !#-\[\]-~]|\\[\t -~])*"))*$"#
);

/// The link members this specification defines. Any other member is an
/// extension and should carry a prefix such as `ext:`.
pub const LINK_FIELDS: &[&str] = &[
    "target",
    "type",
    "description",
    "title",
    "media_type",
    "role",
    "protocol",
];

/// A typed link from the node that carries it to a target.
///
/// It reads "this node `<type>` `<target>`". A cloud mask, for example, carries
///
/// ```json
/// {"target": "/bands/B04", "type": "quality_for", "description": "Cloud mask for B04"}
/// ```
///
/// The object is open: members this specification does not define are kept
/// and ignored by readers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Link {
    /// The node or resource the link points to: an absolute in-store path
    /// starting with `/`, such as `/bands/B04`, or an absolute URI such as
    /// `https://example.org/doc.html`. A node inside another Zarr store is
    /// addressed by the store's URI with the node's path as fragment, as in
    /// `s3://bucket/l1c.zarr#/measurements/b04`.
    #[schemars(with = "TargetSchema")]
    pub target: String,
    /// The relationship type.
    #[serde(rename = "type")]
    pub r#type: RelationType,
    /// What the link means, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A short title for display, as DCP-8's `title`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The media type of the target resource, as DCP-8's `type` or STAC's
    /// link `type`, e.g. `text/html` or `application/x-netcdf`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<MediaTypeSchema>")]
    pub media_type: Option<String>,
    /// The specific purpose of the link, as DCP-8's `xlink:role`, ideally a URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub role: Option<String>,
    /// The versioned service protocol needed to use the target, as DCP-8's
    /// `xlink:arcrole`, e.g. `OGC:WMS:1.3.0` or a URI naming the protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub protocol: Option<String>,
    /// Members defined elsewhere, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The schema of a link target, as the definition `Target`. Each rule on
/// targets is its own subschema, so that a schema error's location names
/// the rule:
///
/// - `type`, `minLength`: `links.link.target`;
/// - `allOf/0`: `links.target.form` (a path or a URI);
/// - `allOf/1`: `links.target.normalized` and `links.target.escape` (one
///   pattern decides both; the depth count of the specification tells them
///   apart);
/// - `allOf/2`: `links.target.uri`.
pub struct TargetSchema;

impl JsonSchema for TargetSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Target".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An absolute in-store path starting with `/`, or an absolute URI.",
            "type": "string",
            "minLength": 1,
            "allOf": [
                {
                    "title": "links.target.form: an absolute in-store path or an absolute URI",
                    "if": { "type": "string", "minLength": 1 },
                    "then": {
                        "type": "string",
                        "anyOf": [
                            { "type": "string", "pattern": "^/" },
                            { "type": "string", "pattern": SCHEME_PATTERN }
                        ]
                    }
                },
                {
                    "title": "links.target.normalized, links.target.escape: a normalised path inside the root",
                    "if": { "type": "string", "pattern": "^/" },
                    "then": { "type": "string", "pattern": PATH_PATTERN }
                },
                {
                    "title": "links.target.uri: the characters RFC 3986 allows",
                    "if": { "type": "string", "pattern": SCHEME_PATTERN },
                    "then": { "type": "string", "pattern": URI_PATTERN, "not": no_newline() }
                }
            ]
        })
    }
}

/// The schema of a media type, as the definition `MediaType`.
pub struct MediaTypeSchema;

impl JsonSchema for MediaTypeSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MediaType".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A media type (RFC 6838), e.g. `text/html`.",
            "type": "string",
            "pattern": MEDIA_TYPE_PATTERN,
            "not": no_newline()
        })
    }
}

/// Whether `s` certainly matches [`MEDIA_TYPE_PATTERN`]: a plain
/// `type/subtype` with no parameters (anything else is left to the
/// schema). Used by the conservative schema pre-check of
/// [`crate::view::LinksView`].
pub fn plain_media_type(s: &str) -> bool {
    let name = |x: &str| {
        (1..=127).contains(&x.len())
            && x.starts_with(|c: char| c.is_ascii_alphanumeric())
            && x.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c))
    };
    s.split_once('/')
        .is_some_and(|(ty, sub)| name(ty) && name(sub))
}
