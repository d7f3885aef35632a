//! Interpreting one node's documents: the kind, the attributes, and the
//! problems of a v3 `zarr.json` or of a v2 `.zgroup` / `.zarray` / `.zattrs`.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/stores.html>

use serde_json::{Map, Value};
use zarr_links_model::document::{json_kind, parse_document};
use zarr_links_model::{Finding, Node, NodeKind, NodePath, Origin, Rule, ZarrFormat};

use crate::StoreError;

/// What reading one document gave.
#[derive(Debug)]
pub(crate) enum Read {
    /// The key does not exist.
    Absent,
    /// The key exists but is not a readable JSON object (already reported).
    Broken,
    /// The document, parsed.
    Object(Map<String, Value>),
}

impl Read {
    /// Whether the key exists at all (readable or not).
    pub fn present(&self) -> bool {
        !matches!(self, Read::Absent)
    }
}

/// Reads and parses the answer for `key`, reporting every problem as a
/// finding about `node`.
pub(crate) fn read(
    node: &NodePath,
    key: &str,
    answer: Result<Option<Vec<u8>>, StoreError>,
    findings: &mut Vec<Finding>,
) -> Read {
    match answer {
        Ok(None) => Read::Absent,
        Ok(Some(bytes)) => parse(node, key, &bytes, findings),
        Err(e) => {
            findings.push(Finding::new(e.rule(), node, key, "", e.detail(), None));
            Read::Broken
        }
    }
}

/// Parses a document whole, reporting its problems as findings about `node`.
pub(crate) fn parse(node: &NodePath, key: &str, bytes: &[u8], findings: &mut Vec<Finding>) -> Read {
    let parsed = parse_document(bytes);
    for (message, hint) in parsed.issues {
        findings.push(Finding::new(
            Rule::StoreMetadata,
            node,
            key,
            "",
            message,
            hint,
        ));
    }
    parsed.object.map_or(Read::Broken, Read::Object)
}

/// The whole document, parsed again, for the schemas (only for the few
/// documents whose view is not schema-clean).
pub(crate) fn whole(bytes: &[u8]) -> Value {
    Value::Object(parse_document(bytes).object.unwrap_or_default())
}

/// The kind a v3 document states, checking `node_type` and `zarr_format`.
/// `None` (with a finding) when `node_type` is not `group` or `array`.
pub(crate) fn v3_kind(
    node: &NodePath,
    doc: &Map<String, Value>,
    key: &str,
    pointer: &str,
    findings: &mut Vec<Finding>,
) -> Option<NodeKind> {
    kind_of(
        node,
        doc.get("node_type"),
        doc.get("zarr_format"),
        key,
        pointer,
        findings,
    )
}

/// [`v3_kind`], from the two members.
pub(crate) fn kind_of(
    node: &NodePath,
    node_type: Option<&Value>,
    zarr_format: Option<&Value>,
    key: &str,
    pointer: &str,
    findings: &mut Vec<Finding>,
) -> Option<NodeKind> {
    let kind = match node_type {
        Some(Value::String(s)) if s == "group" => Some(NodeKind::Group),
        Some(Value::String(s)) if s == "array" => Some(NodeKind::Array),
        other => {
            let found = match other {
                None => "no `node_type`".to_string(),
                Some(v) => format!("`node_type` {v}"),
            };
            findings.push(Finding::new(
                Rule::StoreMetadata,
                node,
                key,
                format!("{pointer}/node_type"),
                format!("found {found}; expected `node_type` \"group\" or \"array\""),
                None,
            ));
            None
        }
    };
    match zarr_format {
        Some(Value::Number(n)) if n.as_u64() == Some(3) => {}
        other => findings.push(Finding::new(
            Rule::StoreMetadata,
            node,
            key,
            format!("{pointer}/zarr_format"),
            format!(
                "found `zarr_format` {}; expected 3 in a `zarr.json`",
                other.map_or("missing".to_string(), Value::to_string)
            ),
            None,
        )),
    }
    kind
}

/// The attributes object of a document (`None` when absent), reporting a
/// value that is not an object.
pub(crate) fn attributes<'a>(
    node: &NodePath,
    value: Option<&'a Value>,
    key: &str,
    pointer: &str,
    findings: &mut Vec<Finding>,
) -> Option<&'a Map<String, Value>> {
    match value {
        None => None,
        Some(Value::Object(m)) => Some(m),
        Some(other) => {
            findings.push(Finding::new(
                Rule::StoreMetadata,
                node,
                key,
                pointer,
                format!(
                    "the attributes are a JSON {}; expected a JSON object",
                    json_kind(other)
                ),
                None,
            ));
            None
        }
    }
}

/// Builds a node from its attributes ([`Node::read`]).
pub(crate) fn node(
    path: NodePath,
    kind: NodeKind,
    format: ZarrFormat,
    origin: Origin,
    attributes: Option<&Map<String, Value>>,
    document: impl FnOnce() -> Value,
    keep_attributes: bool,
) -> Node {
    Node::read(
        path,
        kind,
        format,
        origin,
        attributes,
        document,
        keep_attributes,
    )
}
