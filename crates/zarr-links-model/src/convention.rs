//! Declaring the convention: the Convention Metadata Object (CMO) of the
//! Zarr Conventions framework.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/declaration.html>

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

/// The convention's UUID. A CMO that carries it is a complete declaration.
pub const CONVENTION_UUID: &str = "9500acb2-598d-48c1-ac4c-96f069e8299b";
/// The attribute prefix of the convention, and the recommended CMO `name`.
pub const PREFIX: &str = "links:";
/// The version of the convention this crate implements. It is part of the
/// published schema and specification URLs, which never change once
/// published; the change log of the book lists what each version changed.
///
/// Spec: <https://zarr-links.github.io/zarr-links/changelog.html>
pub const VERSION: &str = "0.1.0";
/// Where the book is published: the latest version, at the site's root.
/// Identifiers that must outlive versions (the IRIs of the core relation
/// types) are taken from here.
pub const SITE_URL: &str = "https://zarr-links.github.io/zarr-links/";
/// The recommended `schema_url` of the CMO: the whole-node schema of this
/// [`VERSION`].
pub const SCHEMA_URL: &str =
    "https://zarr-links.github.io/zarr-links/v0.1.0/schema/links.schema.json";
/// The recommended `spec_url` of the CMO: the book of this [`VERSION`].
pub const SPEC_URL: &str = "https://zarr-links.github.io/zarr-links/v0.1.0/";
/// The recommended `description` of the CMO.
pub const DESCRIPTION: &str =
    "Typed links between arrays and groups, and an index for discovering them";

/// A Convention Metadata Object: one entry of `attributes.zarr_conventions`.
///
/// The framework requires at least one of `uuid`, `schema_url` and `spec_url`
/// and allows no other members. Identity is taken from `uuid`, then
/// `schema_url`, then `spec_url`; `name` never identifies a convention.
///
/// ```json
/// {"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b", "name": "links:"}
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConventionMetadata {
    /// The convention's permanent identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// The name of the convention, e.g. its attribute prefix `links:`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The URL of the convention's JSON Schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_url: Option<String>,
    /// The URL of the convention's specification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_url: Option<String>,
    /// A short human-readable description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl ConventionMetadata {
    /// The recommended declaration of this convention, with every optional member.
    pub fn links() -> ConventionMetadata {
        ConventionMetadata {
            uuid: Some(CONVENTION_UUID.to_string()),
            name: Some(PREFIX.to_string()),
            schema_url: Some(SCHEMA_URL.to_string()),
            spec_url: Some(SPEC_URL.to_string()),
            description: Some(DESCRIPTION.to_string()),
        }
    }

    /// The recommended declaration for a node of this Zarr format. Its
    /// `schema_url` names the schema of the document the declaration sits
    /// in: a whole `zarr.json` in Zarr v3 ([`SCHEMA_URL`]), an attributes
    /// object (`.zattrs`) in Zarr v2.
    pub fn links_for(format: crate::ZarrFormat) -> ConventionMetadata {
        let schema_url = match format {
            crate::ZarrFormat::V3 => SCHEMA_URL.to_string(),
            crate::ZarrFormat::V2 => format!(
                "{}{}",
                crate::schema::SCHEMA_BASE_URL,
                crate::schema::ATTRIBUTES_SCHEMA_FILE
            ),
        };
        ConventionMetadata {
            schema_url: Some(schema_url),
            ..ConventionMetadata::links()
        }
    }

    /// Whether this CMO declares the links convention (by its uuid).
    pub fn is_links(&self) -> bool {
        self.uuid.as_deref() == Some(CONVENTION_UUID)
    }
}

impl JsonSchema for ConventionMetadata {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ConventionMetadata".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A Convention Metadata Object of the Zarr Conventions framework. It carries at least one of `uuid`, `schema_url` and `spec_url`, and no members other than these, `name` and `description`.",
            "type": "object",
            "properties": {
                "uuid": { "description": "The convention's permanent identifier.", "type": "string" },
                "name": { "description": "The convention's name; never used to identify it.", "type": "string" },
                "schema_url": { "description": "The URL of the convention's JSON Schema.", "type": "string" },
                "spec_url": { "description": "The URL of the convention's specification.", "type": "string" },
                "description": { "description": "A short human-readable description.", "type": "string" }
            },
            "anyOf": [
                { "required": ["uuid"] },
                { "required": ["schema_url"] },
                { "required": ["spec_url"] }
            ],
            "additionalProperties": false
        })
    }
}

/// The schema of this convention's own CMO: a [`ConventionMetadata`] whose
/// `uuid` is [`CONVENTION_UUID`]. It is a definition of its own (not a
/// reference to the general one), so that a schema error inside it names
/// `links.declaration.cmo`, and an error in another entry names
/// `links.declaration.object-form`.
pub struct LinksConventionMetadata;

impl JsonSchema for LinksConventionMetadata {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LinksConventionMetadata".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The declaration of the Linked Datasets convention: a Convention Metadata Object whose `uuid` is this convention's. `name` (\"links:\"), `schema_url`, `spec_url` and `description` are recommended.",
            "type": "object",
            "properties": {
                "uuid": { "description": "This convention's uuid.", "type": "string", "const": CONVENTION_UUID },
                "name": { "description": "Recommended: `links:`.", "type": "string" },
                "schema_url": { "description": "The URL of this convention's JSON Schema.", "type": "string" },
                "spec_url": { "description": "The URL of this convention's specification.", "type": "string" },
                "description": { "description": "A short human-readable description.", "type": "string" }
            },
            "required": ["uuid"],
            "additionalProperties": false
        })
    }
}

/// The schema that recognises an entry of `zarr_conventions` naming this
/// convention: an object whose `uuid` is [`CONVENTION_UUID`].
pub fn names_links() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "required": ["uuid"],
        "properties": { "uuid": { "type": "string", "const": CONVENTION_UUID } }
    })
}

/// What [`declare`] changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Declared {
    /// `zarr_conventions` was added with the declaration.
    Added,
    /// The declaration was appended to `zarr_conventions`.
    Appended,
    /// The legacy uuid string was replaced by the declaration object.
    ReplacedLegacy,
}

impl Declared {
    /// What changed, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Declared::Added => "added `zarr_conventions` with the convention's declaration",
            Declared::Appended => "added the convention's declaration to `zarr_conventions`",
            Declared::ReplacedLegacy => {
                "replaced the legacy uuid string in `zarr_conventions` by the convention's declaration object"
            }
        }
    }
}

/// Makes sure `attributes`, of a node of this Zarr format, declare the
/// convention with its Convention Metadata Object
/// ([`ConventionMetadata::links_for`]). Returns what changed, if anything,
/// or why it cannot be done.
///
/// Spec: <https://zarr-links.github.io/zarr-links/declaration.html>
pub fn declare(
    attributes: &mut serde_json::Map<String, serde_json::Value>,
    format: crate::ZarrFormat,
) -> Result<Option<Declared>, String> {
    use serde_json::Value;
    let cmo =
        serde_json::to_value(ConventionMetadata::links_for(format)).expect("a CMO serialises");
    match attributes.get_mut(crate::attributes::ZARR_CONVENTIONS) {
        None => {
            attributes.insert(
                crate::attributes::ZARR_CONVENTIONS.to_string(),
                Value::Array(vec![cmo]),
            );
            Ok(Some(Declared::Added))
        }
        Some(Value::Array(list)) => {
            let (declaration, _, _) = crate::view::Declaration::read(list);
            if declaration.cmo.is_some() {
                return Ok(None);
            }
            if let Some(i) = declaration.legacy {
                list[i as usize] = cmo;
                return Ok(Some(Declared::ReplacedLegacy));
            }
            list.push(cmo);
            Ok(Some(Declared::Appended))
        }
        Some(_) => {
            Err("the `zarr_conventions` attribute is not an array; fix it first".to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published URLs carry the version, under the site.
    #[test]
    fn urls_carry_the_version() {
        assert_eq!(SPEC_URL, format!("{SITE_URL}v{VERSION}/"));
        assert_eq!(SCHEMA_URL, format!("{SPEC_URL}schema/links.schema.json"));
        assert_eq!(crate::schema::SCHEMA_BASE_URL, format!("{SPEC_URL}schema/"));
    }
}
