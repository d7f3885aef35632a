//! Schema-level checks: the committed JSON Schemas, compiled once, run on
//! each node, and every rejection turned into a finding with its rule.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/validation.html>

use std::collections::BTreeSet;
use std::sync::LazyLock;

use jsonschema::error::ValidationErrorKind;
use serde_json::{Map, Value};
use zarr_links_model::attributes::{INDEX, RELATIONSHIPS, ZARR_CONVENTIONS};
use zarr_links_model::hierarchy::pointer_token;
use zarr_links_model::path::{parse_index_entry, parse_target};
use zarr_links_model::relation::RelationType;
use zarr_links_model::{NodeKind, Rule, ZarrFormat, CONVENTION_UUID, PREFIX};
use zarr_links_store::json_kind;

/// The hint that shows the object form of the declaration.
pub const DECLARATION_HINT: &str = r#"declare the convention with an object: "zarr_conventions": [{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b", "name": "links:"}]"#;

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

/// A schema-level finding, located relative to the node's attributes object.
///
/// Spec: <https://zarr-links.github.io/zarr-links/validation.html>
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SchemaFinding {
    /// The rule.
    pub rule: Rule,
    /// A JSON pointer relative to the attributes object.
    pub pointer: String,
    /// What was found and what was expected.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

/// Whether the schemas can say anything about these attributes: only
/// `zarr_conventions` and `links:` members are constrained by them.
pub fn relevant(attributes: &Map<String, Value>) -> bool {
    attributes
        .keys()
        .any(|k| k == ZARR_CONVENTIONS || k.starts_with(PREFIX))
}

/// The members the schemas constrain; the schemas' verdict on them is their
/// verdict on the whole attributes object, since every other member is
/// unconstrained.
fn relevant_part(attributes: &Map<String, Value>) -> Map<String, Value> {
    attributes
        .iter()
        .filter(|(k, _)| *k == ZARR_CONVENTIONS || k.starts_with(PREFIX))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Runs the schema on one node's attributes: the node schema (on the node's
/// v3 document form) for Zarr v3, the attributes schema for Zarr v2 plus the
/// "index only on groups" rule that the v2 attributes alone cannot express.
///
/// Every schema error becomes a finding under the rule it breaks, classified
/// by its location and the value found there; errors that describe the same
/// defect (the branches of an `anyOf`, a legacy declaration that also fails
/// `contains`) give one finding. The schemas reject a document exactly when
/// this returns at least one finding.
///
/// Spec: <https://zarr-links.github.io/zarr-links/validation.html>
pub fn check(
    format: ZarrFormat,
    kind: NodeKind,
    attributes: &Map<String, Value>,
) -> Vec<SchemaFinding> {
    if !relevant(attributes) || accepted(format, kind, attributes) {
        return Vec::new();
    }
    let part = Value::Object(relevant_part(attributes));
    let mut raw: Vec<(String, RawKind)> = Vec::new();
    match format {
        ZarrFormat::V3 => {
            let mut doc = Map::new();
            doc.insert("zarr_format".into(), Value::from(3));
            doc.insert("node_type".into(), Value::from(kind.as_str()));
            doc.insert("attributes".into(), part.clone());
            let doc = Value::Object(doc);
            if NODE.is_valid(&doc) {
                return Vec::new();
            }
            for e in NODE.iter_errors(&doc) {
                let path = e.instance_path().as_str().to_string();
                let Some(rest) = path.strip_prefix("/attributes") else {
                    raw.push((String::new(), RawKind::Other(e.to_string())));
                    continue;
                };
                if rest.is_empty() && matches!(e.kind(), ValidationErrorKind::Not { .. }) {
                    raw.push((String::new(), RawKind::IndexOnArray));
                } else {
                    raw.push((rest.to_string(), RawKind::of(e.kind(), &e.to_string())));
                }
            }
        }
        ZarrFormat::V2 => {
            if !ATTRIBUTES.is_valid(&part) {
                for e in ATTRIBUTES.iter_errors(&part) {
                    raw.push((
                        e.instance_path().as_str().to_string(),
                        RawKind::of(e.kind(), &e.to_string()),
                    ));
                }
            }
            if kind == NodeKind::Array && attributes.contains_key(INDEX) {
                raw.push((String::new(), RawKind::IndexOnArray));
            }
        }
    }
    let mut out = BTreeSet::new();
    for (pointer, kind) in raw {
        out.insert(classify(&part, &pointer, &kind));
    }
    // One defect, one finding: a legacy declaration also fails `contains`.
    let legacy = out.iter().any(|f| f.rule == Rule::DeclarationObjectForm);
    let cmo = out.iter().any(|f| f.rule == Rule::DeclarationCmo);
    out.into_iter()
        .filter(|f| {
            !(f.rule == Rule::DeclarationRequired
                && (legacy || cmo)
                && f.pointer.starts_with("/zarr_conventions"))
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// A fast, conservative pre-check: `true` only when the attributes are
/// certainly accepted by the schemas. It recognises the common, well-formed
/// shapes (declaration objects, links whose target and type parse, plain
/// string fields, a well-formed index on a group) and answers `false` for
/// anything else, which is then decided by the compiled JSON Schemas. It
/// never rejects anything by itself, so every finding still comes from a
/// schema rejection. Tests check it against the schemas.
///
/// Spec: <https://zarr-links.github.io/zarr-links/validation.html>
pub fn accepted(format: ZarrFormat, kind: NodeKind, attributes: &Map<String, Value>) -> bool {
    let uses = attributes.keys().any(|k| k.starts_with(PREFIX));
    // Declaration.
    match attributes.get(ZARR_CONVENTIONS) {
        None => {
            if uses {
                return false;
            }
        }
        Some(Value::Array(items)) => {
            if items.iter().any(|x| x.as_str() == Some(CONVENTION_UUID)) {
                return false;
            }
            if uses {
                const ALLOWED: [&str; 5] =
                    ["uuid", "name", "schema_url", "spec_url", "description"];
                let mut ours = false;
                for item in items {
                    let Value::Object(m) = item else { return false };
                    if !m
                        .iter()
                        .all(|(k, v)| ALLOWED.contains(&k.as_str()) && v.is_string())
                        || !(m.contains_key("uuid")
                            || m.contains_key("schema_url")
                            || m.contains_key("spec_url"))
                    {
                        return false;
                    }
                    ours |= m.get("uuid").and_then(Value::as_str) == Some(CONVENTION_UUID);
                }
                if !ours {
                    return false;
                }
            }
        }
        Some(_) => {
            if uses {
                return false;
            }
        }
    }
    // Relationships.
    if let Some(links) = attributes.get(RELATIONSHIPS) {
        let Value::Array(links) = links else {
            return false;
        };
        for link in links {
            let Value::Object(l) = link else { return false };
            let (Some(Value::String(t)), Some(Value::String(ty))) =
                (l.get("target"), l.get("type"))
            else {
                return false;
            };
            if parse_target(t).is_err() || RelationType::parse(ty).is_err() {
                return false;
            }
            for (k, v) in l {
                let ok = match k.as_str() {
                    "target" | "type" => true,
                    "description" | "title" => v.is_string(),
                    "role" | "protocol" => v.as_str().is_some_and(|s| !s.is_empty()),
                    "media_type" => v.as_str().is_some_and(plain_media_type),
                    _ => true,
                };
                if !ok {
                    return false;
                }
            }
        }
    }
    // Index.
    if let Some(index) = attributes.get(INDEX) {
        if kind == NodeKind::Array {
            return false;
        }
        let Value::Object(index) = index else {
            return false;
        };
        for (cat, entries) in index {
            let Value::Array(entries) = entries else {
                return false;
            };
            if cat.is_empty() {
                return false;
            }
            let mut seen = std::collections::HashSet::with_capacity(entries.len());
            for e in entries {
                let Some(s) = e.as_str() else { return false };
                if parse_index_entry(s).is_err() || !seen.insert(s) {
                    return false;
                }
            }
        }
    }
    let _ = format;
    true
}

/// Whether `s` certainly matches the media type pattern of the schema
/// (`type/subtype`, optionally followed by `;` parameters on one line).
fn plain_media_type(s: &str) -> bool {
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c);
    let Some((ty, rest)) = s.split_once('/') else {
        return false;
    };
    let sub_len = rest.find(|c: char| !token(c)).unwrap_or(rest.len());
    let (sub, params) = rest.split_at(sub_len);
    let starts = |x: &str| x.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    starts(ty)
        && ty.chars().all(token)
        && starts(sub)
        && (params.is_empty()
            || (params.trim_start_matches([' ', '\t']).starts_with(';')
                && !params.contains(['\n', '\r', '\u{2028}', '\u{2029}'])))
}

/// What the schema said, reduced to what classification needs.
#[derive(Debug)]
enum RawKind {
    Required(String),
    Type,
    IndexOnArray,
    Other(String),
}

impl RawKind {
    fn of(kind: &ValidationErrorKind, text: &str) -> RawKind {
        match kind {
            ValidationErrorKind::Required { property } => {
                RawKind::Required(property.as_str().unwrap_or_default().to_string())
            }
            ValidationErrorKind::Type { .. } => RawKind::Type,
            _ => RawKind::Other(text.to_string()),
        }
    }
}

fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

fn finding(rule: Rule, pointer: String, message: String, hint: Option<String>) -> SchemaFinding {
    SchemaFinding {
        rule,
        pointer,
        message,
        hint,
    }
}

/// Maps one schema error, at `pointer` inside `attrs`, to a rule and a message.
fn classify(attrs: &Value, pointer: &str, kind: &RawKind) -> SchemaFinding {
    let segs: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let value = attrs.pointer(pointer);
    let first = segs.first().map(String::as_str);
    match (first, segs.len()) {
        (None, _) => match kind {
            RawKind::Required(p) if p == ZARR_CONVENTIONS => finding(
                Rule::DeclarationRequired,
                String::new(),
                "the node carries `links:` attributes but no `zarr_conventions`; expected a Convention Metadata Object with the convention's uuid".into(),
                Some(DECLARATION_HINT.into()),
            ),
            RawKind::IndexOnArray => finding(
                Rule::IndexOnGroup,
                format!("/{}", pointer_token(INDEX)),
                "found `links:index` on an array; expected it only on groups".into(),
                Some("move the index to the root group or another group".into()),
            ),
            RawKind::Required(p) => fallback(Rule::StoreMetadata, pointer, &format!("`{p}` is missing")),
            RawKind::Type => fallback(Rule::StoreMetadata, pointer, "the attributes are not an object"),
            RawKind::Other(t) => fallback(Rule::StoreMetadata, pointer, t),
        },
        (Some(ZARR_CONVENTIONS), _) => declaration(attrs, &segs),
        (Some(RELATIONSHIPS), 1) => finding(
            Rule::RelationshipsArray,
            pointer.to_string(),
            format!(
                "`links:relationships` is a JSON {}; expected an array of link objects",
                value.map_or("nothing", json_kind)
            ),
            None,
        ),
        (Some(RELATIONSHIPS), 2) => match kind {
            RawKind::Required(p) if p == "target" => finding(
                Rule::LinkTarget,
                pointer.to_string(),
                "the link has no `target`; expected a non-empty string".into(),
                None,
            ),
            RawKind::Required(p) if p == "type" => finding(
                Rule::LinkType,
                pointer.to_string(),
                "the link has no `type`; expected a relationship type such as \"derived_from\"".into(),
                None,
            ),
            _ => finding(
                Rule::RelationshipsArray,
                pointer.to_string(),
                format!(
                    "the link is a JSON {}; expected a link object with `target` and `type`",
                    value.map_or("nothing", json_kind)
                ),
                None,
            ),
        },
        (Some(RELATIONSHIPS), _) => {
            let link_ptr = format!("/{}/{}", pointer_token(RELATIONSHIPS), pointer_token(&segs[1]));
            let member = segs[2].as_str();
            let member_ptr = format!("{link_ptr}/{}", pointer_token(member));
            let v = attrs.pointer(&member_ptr);
            match member {
                "target" => target(member_ptr, v),
                "type" => link_type(member_ptr, v),
                _ => finding(
                    Rule::LinkFields,
                    member_ptr,
                    format!(
                        "`{member}` is {}; expected {}",
                        v.map_or("missing".into(), show),
                        match member {
                            "media_type" => "a media type such as \"text/html\" (RFC 6838)",
                            "role" | "protocol" => "a non-empty string",
                            _ => "a string",
                        }
                    ),
                    None,
                ),
            }
        }
        (Some(INDEX), 1) => {
            let msg = match value {
                Some(Value::Object(m)) if m.contains_key("") => {
                    "`links:index` has an empty category name; expected non-empty names".to_string()
                }
                v => format!(
                    "`links:index` is a JSON {}; expected an object of categories, each an array of paths",
                    v.map_or("nothing", json_kind)
                ),
            };
            let ptr = match value {
                Some(Value::Object(m)) if m.contains_key("") => format!("{pointer}/"),
                _ => pointer.to_string(),
            };
            finding(Rule::IndexObject, ptr, msg, None)
        }
        (Some(INDEX), 2) => {
            let msg = match value {
                Some(Value::Array(a)) => {
                    let dup = a
                        .iter()
                        .enumerate()
                        .find(|(i, x)| a[..*i].contains(x))
                        .map(|(_, x)| show(x))
                        .unwrap_or_default();
                    format!("the category {:?} lists {dup} more than once; expected each path once", segs[1])
                }
                v => format!(
                    "the category {:?} is a JSON {}; expected an array of paths",
                    segs[1],
                    v.map_or("nothing", json_kind)
                ),
            };
            finding(Rule::IndexObject, pointer.to_string(), msg, None)
        }
        (Some(INDEX), _) => {
            let ptr = format!(
                "/{}/{}/{}",
                pointer_token(INDEX),
                pointer_token(&segs[1]),
                pointer_token(&segs[2])
            );
            match attrs.pointer(&ptr) {
                Some(Value::String(s)) => {
                    let why = parse_index_entry(s)
                        .err()
                        .map_or_else(|| "it does not match the path pattern".to_string(), |e| e.to_string());
                    finding(
                        Rule::IndexPath,
                        ptr,
                        format!("index entry {s:?} is not a normalised absolute in-store path: {why}; expected a path such as \"/group/array\""),
                        None,
                    )
                }
                v => finding(
                    Rule::IndexObject,
                    ptr,
                    format!("index entry is {}; expected a path string", v.map_or("missing".into(), show)),
                    None,
                ),
            }
        }
        _ => match kind {
            RawKind::Other(t) => fallback(Rule::StoreMetadata, pointer, t),
            _ => fallback(Rule::StoreMetadata, pointer, "the schema rejects this value"),
        },
    }
}

fn fallback(rule: Rule, pointer: &str, text: &str) -> SchemaFinding {
    finding(
        rule,
        pointer.to_string(),
        format!("the schema rejects this value: {text}"),
        None,
    )
}

fn target(ptr: String, v: Option<&Value>) -> SchemaFinding {
    match v {
        Some(Value::String(s)) => match parse_target(s) {
            Err(e) => {
                let hint = match e.rule() {
                    Rule::TargetForm => Some(format!(
                        "write the absolute path from the store root, e.g. \"/{}\"",
                        s.trim_start_matches("./")
                    )),
                    Rule::TargetUri => Some("percent-encode characters such as spaces (`%20`)".to_string()),
                    _ => None,
                };
                let expected = match e.rule() {
                    Rule::TargetUri => "expected an absolute URI made of the characters RFC 3986 allows",
                    Rule::LinkTarget => "expected a non-empty string",
                    _ => "expected a normalised absolute in-store path such as \"/group/array\", or an absolute URI",
                };
                finding(e.rule(), ptr, format!("target {s:?} is invalid: {e}; {expected}"), hint)
            }
            Ok(_) => finding(
                Rule::LinkTarget,
                ptr,
                format!("target {s:?} is rejected by the schema; expected an absolute in-store path or an absolute URI"),
                None,
            ),
        },
        other => finding(
            Rule::LinkTarget,
            ptr,
            format!(
                "`target` is {}; expected a non-empty string",
                other.map_or("missing".into(), show)
            ),
            None,
        ),
    }
}

fn link_type(ptr: String, v: Option<&Value>) -> SchemaFinding {
    match v {
        Some(Value::String(s)) => match RelationType::parse(s) {
            Err(e) => finding(
                Rule::LinkType,
                ptr,
                format!("{e}; expected a core type (derived_from, quality_for, same_as, part_of, contains), an IANA-registered type, or an absolute URI"),
                e.suggestion.map(|s| format!("write \"{s}\"")),
            ),
            Ok(_) => finding(Rule::LinkType, ptr, format!("type {s:?} is rejected by the schema"), None),
        },
        other => finding(
            Rule::LinkType,
            ptr,
            format!(
                "`type` is {}; expected a relationship type string",
                other.map_or("missing".into(), show)
            ),
            None,
        ),
    }
}

/// Findings about `zarr_conventions`, decided from its value.
fn declaration(attrs: &Value, segs: &[String]) -> SchemaFinding {
    let base = format!("/{ZARR_CONVENTIONS}");
    let list = attrs.get(ZARR_CONVENTIONS);
    let Some(Value::Array(items)) = list else {
        return finding(
            Rule::DeclarationRequired,
            base,
            format!(
                "`zarr_conventions` is a JSON {}; expected an array of Convention Metadata Objects",
                list.map_or("nothing", json_kind)
            ),
            Some(DECLARATION_HINT.into()),
        );
    };
    if let Some(i) = items
        .iter()
        .position(|x| x.as_str() == Some(CONVENTION_UUID))
    {
        return finding(
            Rule::DeclarationObjectForm,
            format!("{base}/{i}"),
            "the convention is declared as a bare uuid string (the legacy form); expected a Convention Metadata Object".into(),
            Some(DECLARATION_HINT.into()),
        );
    }
    let ours = |x: &Value| x.get("uuid").and_then(Value::as_str) == Some(CONVENTION_UUID);
    // A specific entry named by the schema error.
    if let Some(i) = segs.get(1).and_then(|s| s.parse::<usize>().ok()) {
        if let Some(item) = items.get(i) {
            if ours(item) {
                return cmo_finding(&base, i, item);
            }
            let what = match item {
                Value::String(s) => format!("the string {s:?} (the legacy form)"),
                Value::Object(_) => "an object that is not a Convention Metadata Object (it needs `uuid`, `schema_url` or `spec_url`, all strings, and no other members than these, `name` and `description`)".to_string(),
                other => format!("a JSON {}", json_kind(other)),
            };
            return finding(
                Rule::DeclarationObjectForm,
                format!("{base}/{i}"),
                format!("entry {i} of `zarr_conventions` is {what}; expected a Convention Metadata Object on a node that uses the convention"),
                Some(DECLARATION_HINT.into()),
            );
        }
    }
    if let Some(i) = items.iter().position(ours) {
        return cmo_finding(&base, i, &items[i]);
    }
    let by_name = items.iter().any(|x| {
        x.get("name").and_then(Value::as_str) == Some(PREFIX)
            || x.get("uuid").is_some_and(|u| !u.is_string())
    });
    finding(
        Rule::DeclarationRequired,
        base,
        if by_name {
            "`zarr_conventions` names the convention but carries no object with its uuid; expected a Convention Metadata Object with \"uuid\": \"9500acb2-598d-48c1-ac4c-96f069e8299b\"".into()
        } else {
            "no entry of `zarr_conventions` declares this convention; expected a Convention Metadata Object with its uuid".into()
        },
        Some(DECLARATION_HINT.into()),
    )
}

fn cmo_finding(base: &str, i: usize, item: &Value) -> SchemaFinding {
    const ALLOWED: [&str; 5] = ["uuid", "name", "schema_url", "spec_url", "description"];
    let mut ptr = format!("{base}/{i}");
    let msg = match item.as_object() {
        Some(m) => {
            if let Some(k) = m.keys().find(|k| !ALLOWED.contains(&k.as_str())) {
                ptr = format!("{ptr}/{}", pointer_token(k));
                format!("the convention's Convention Metadata Object has the member `{k}`; expected only uuid, name, schema_url, spec_url and description")
            } else if let Some((k, v)) = m.iter().find(|(_, v)| !v.is_string()) {
                ptr = format!("{ptr}/{}", pointer_token(k));
                format!("`{k}` is {}; expected a string", show(v))
            } else {
                "the convention's Convention Metadata Object is rejected by the schema".to_string()
            }
        }
        None => "the entry is not an object; expected a Convention Metadata Object".to_string(),
    };
    finding(
        Rule::DeclarationCmo,
        ptr,
        msg,
        Some(DECLARATION_HINT.into()),
    )
}
