//! Schema-level checks: the convention's JSON Schemas, compiled once, run on
//! the documents whose view is not schema-clean, and each schema error
//! turned into a finding under the rule its schema location names.
//!
//! The rule of an error is decided by *where in the schema* it happened
//! (its keyword location, see [`rule_of`]), never by the shape of the data;
//! the data only fills in the message. The schemas are structured so that
//! each rule has its own subschema (`Target`'s `allOf` branches, the two CMO
//! definitions, ...), and a test checks that every location the schemas can
//! report has a rule.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/validation.html>

use std::sync::LazyLock;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;
use zarr_links_model::{Finding, Node, Rule, ZarrFormat};

use crate::rules;

static ATTRIBUTES: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    jsonschema::draft7::new(&zarr_links_model::schema::attributes_schema())
        .expect("the attributes schema compiles")
});

static NODE: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    jsonschema::draft7::new(&zarr_links_model::schema::node_schema())
        .expect("the node schema compiles")
});

/// Compiles both schemas now (otherwise they compile on first use). They are
/// compiled once per process.
///
/// Spec: <https://zarr-links.github.io/zarr-links/validation.html>
pub fn compile() {
    LazyLock::force(&ATTRIBUTES);
    LazyLock::force(&NODE);
}

/// A schema error, reduced to what a finding needs.
#[derive(Debug, Clone)]
pub(crate) struct SchemaError<'a> {
    /// The rule the error's schema location names.
    pub rule: Rule,
    /// The schema location (keyword path), relative to the attributes
    /// schema's root or starting at `/definitions/`.
    pub location: String,
    /// The schema keyword that failed (`type`, `required`, `contains`, ...).
    pub keyword: &'static str,
    /// The instance location, as a JSON pointer relative to the attributes.
    pub pointer: String,
    /// The attributes object.
    pub attributes: &'a Value,
    /// The node the attributes belong to.
    pub node: &'a Node,
}

impl SchemaError<'_> {
    /// The value at `pointer` (relative to the attributes).
    pub fn value_at(&self, pointer: &str) -> Option<&Value> {
        self.attributes.pointer(pointer)
    }

    /// The instance pointer cut to its first `n` tokens.
    pub fn prefix(&self, n: usize) -> String {
        self.pointer
            .split('/')
            .take(n + 1)
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Token `i` (0-based) of the instance pointer, unescaped.
    pub fn token(&self, i: usize) -> Option<String> {
        self.pointer
            .split('/')
            .nth(i + 1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
    }
}

/// The rule that a schema error at keyword location `location` (relative to
/// the attributes schema's root, or to `/definitions/...`) breaks. `None` for
/// locations about the Zarr document itself (`zarr_format`, `node_type`,
/// attributes that are not an object), which the store loader reports under
/// `links.store.metadata`.
///
/// Spec: <https://zarr-links.github.io/zarr-links/validation.html>
pub fn rule_of(location: &str, missing: Option<&str>) -> Option<Rule> {
    const TABLE: &[(&str, Option<Rule>)] = &[
        // Declaration.
        (
            "/properties/zarr_conventions/not",
            Some(Rule::DeclarationObjectForm),
        ),
        ("/then/required", Some(Rule::DeclarationRequired)),
        (
            "/then/properties/zarr_conventions/type",
            Some(Rule::DeclarationRequired),
        ),
        (
            "/then/properties/zarr_conventions/contains",
            Some(Rule::DeclarationRequired),
        ),
        (
            "/definitions/LinksConventionMetadata/",
            Some(Rule::DeclarationCmo),
        ),
        (
            "/definitions/ConventionMetadata/",
            Some(Rule::DeclarationObjectForm),
        ),
        // Relationships.
        (
            "/properties/links:relationships/",
            Some(Rule::RelationshipsArray),
        ),
        ("/definitions/Link/type", Some(Rule::RelationshipsArray)),
        ("/definitions/RelationType/", Some(Rule::LinkType)),
        ("/definitions/Link/properties/", Some(Rule::LinkFields)),
        ("/definitions/MediaType/", Some(Rule::LinkFields)),
        // Targets.
        ("/definitions/Target/type", Some(Rule::LinkTarget)),
        ("/definitions/Target/minLength", Some(Rule::LinkTarget)),
        ("/definitions/Target/allOf/0/", Some(Rule::TargetForm)),
        ("/definitions/Target/allOf/1/", Some(Rule::TargetNormalized)),
        ("/definitions/Target/allOf/2/", Some(Rule::TargetUri)),
        // Discovery.
        (
            "/definitions/LinksIndex/additionalProperties/items/pattern",
            Some(Rule::IndexPath),
        ),
        ("/definitions/LinksIndex/", Some(Rule::IndexObject)),
        ("/then/properties/attributes/not", Some(Rule::IndexOnGroup)),
        // The Zarr document itself: reported by the loader.
        ("/properties/zarr_format/", None),
        ("/properties/node_type/", None),
        ("/definitions/NodeKind/", None),
        ("/type", None),
    ];
    if location == "/definitions/Link/required" {
        return match missing {
            Some("type") => Some(Rule::LinkType),
            _ => Some(Rule::LinkTarget),
        };
    }
    if location == "/required" {
        // `zarr_format` or `node_type` missing from a `zarr.json`.
        return None;
    }
    let with_slash = format!("{location}/");
    TABLE
        .iter()
        .find(|(prefix, _)| with_slash.starts_with(prefix))
        .map(|(_, rule)| *rule)
        .unwrap_or(Some(Rule::StoreMetadata))
}

/// The findings of the schemas on one node: none when its view is
/// schema-clean (the loader then kept no document), else one per defect.
///
/// The node schema is run on a v3 document, the attributes schema on a v2
/// `.zattrs`; errors that describe the same defect give one finding.
pub(crate) fn check(node: &Node) -> Vec<Finding> {
    let Some(document) = node.document() else {
        return Vec::new();
    };
    let (validator, attributes_at, empty) = match node.format {
        ZarrFormat::V3 => (&*NODE, "/attributes", Value::Object(Default::default())),
        ZarrFormat::V2 => (&*ATTRIBUTES, "", Value::Object(Default::default())),
    };
    if validator.is_valid(document) {
        return Vec::new();
    }
    let attributes = document.pointer(attributes_at).unwrap_or(&empty);
    let mut out = Vec::new();
    for e in validator.iter_errors(document) {
        let mut location = e.schema_path().as_str().to_string();
        if let Some(rest) = location.strip_prefix("/definitions/LinksAttributes") {
            location = rest.to_string();
        }
        let missing = match e.kind() {
            ValidationErrorKind::Required { property } => property.as_str().map(str::to_string),
            _ => None,
        };
        let Some(rule) = rule_of(&location, missing.as_deref()) else {
            continue;
        };
        let instance = e.instance_path().as_str();
        let pointer = match instance.strip_prefix(attributes_at) {
            Some(rest) if instance.len() >= attributes_at.len() => rest.to_string(),
            _ => String::new(),
        };
        let error = SchemaError {
            rule,
            location,
            keyword: e.kind().keyword_static(),
            pointer,
            attributes,
            node,
        };
        let (rule, within, message, hint) = rules::from_schema(&error, &e.to_string());
        out.push(node.finding(rule, &within, message, hint));
    }
    out.sort();
    out.dedup();
    out
}

/// `keyword()` with a `'static` lifetime, for the kinds the schemas use.
trait StaticKeyword {
    fn keyword_static(&self) -> &'static str;
}

impl StaticKeyword for ValidationErrorKind {
    fn keyword_static(&self) -> &'static str {
        match self {
            ValidationErrorKind::AdditionalProperties { .. } => "additionalProperties",
            ValidationErrorKind::AnyOf { .. } => "anyOf",
            ValidationErrorKind::Constant { .. } => "const",
            ValidationErrorKind::Contains => "contains",
            ValidationErrorKind::Enum { .. } => "enum",
            ValidationErrorKind::MinLength { .. } => "minLength",
            ValidationErrorKind::Not { .. } => "not",
            ValidationErrorKind::Pattern { .. } => "pattern",
            ValidationErrorKind::PropertyNames { .. } => "propertyNames",
            ValidationErrorKind::Required { .. } => "required",
            ValidationErrorKind::Type { .. } => "type",
            ValidationErrorKind::UniqueItems => "uniqueItems",
            _ => "other",
        }
    }
}
