//! A pasted document, checked on its own: one node's `zarr.json` or an
//! attributes object (a v2 `.zattrs`, or the `attributes` of a v3
//! `zarr.json`).
//!
//! The document is put at its node (given by path, `/` by default) in a
//! store in memory, with a plain group at every ancestor, and read by the
//! same loader as a whole store, so that a document's own problems
//! (a byte order mark, a wrong `node_type`, attributes that are not an
//! object) read word for word as the command line reports them. Only the
//! checks that need no other node run on it: the schema-level rules
//! ([`zarr_links_validator::check_node`]). Targets, node kinds, cycles and
//! the index need the whole store.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/validation.html>

use std::collections::BTreeMap;

use serde_json::{json, Value};
use zarr_links_model::document::parse_document;
use zarr_links_model::{Finding, NodeKind, NodePath};
use zarr_links_store::join_key;
use zarr_links_store::load::{Answer, LoadOptions, Loader, Poll, Request};

use crate::session::Files;

/// The result of checking a pasted document.
#[derive(Debug, Clone, PartialEq)]
pub enum Pasted {
    /// The document was checked: what it was read as, and the findings.
    Checked {
        /// The key the document was read as: `<path>/zarr.json` or
        /// `<path>/.zattrs`.
        file: String,
        /// The node's kind (from `node_type`, or as chosen for attributes).
        kind: Option<NodeKind>,
        /// Findings, sorted as in a report.
        findings: Vec<Finding>,
    },
    /// The text could not be checked (not JSON, not an object, a v2
    /// `.zarray`/`.zgroup`): why, for a person.
    Refused(String),
}

impl Pasted {
    /// The JSON the page reads: `{"file", "kind", "valid", "errors",
    /// "warnings", "findings"}` or `{"refused": message}`.
    pub fn to_json(&self) -> Value {
        match self {
            Pasted::Checked {
                file,
                kind,
                findings,
            } => {
                let errors = findings
                    .iter()
                    .filter(|f| f.severity == zarr_links_model::Severity::Error)
                    .count();
                json!({
                    "file": file,
                    "kind": kind.map(NodeKind::as_str),
                    "valid": errors == 0,
                    "errors": errors,
                    "warnings": findings.len() - errors,
                    "findings": findings,
                })
            }
            Pasted::Refused(message) => json!({ "refused": message }),
        }
    }
}

/// Checks one pasted document as the node at `path` (`/` when it is not
/// known; relative targets are read from the node's parent, so the hints
/// name the node's own siblings). `kind` is the node kind an attributes
/// object belongs to (a `zarr.json` states its own).
pub fn check(text: &[u8], kind: NodeKind, path: &str) -> Pasted {
    let path = match NodePath::parse(path.trim()) {
        Ok(p) => p,
        Err(e) => {
            return Pasted::Refused(format!(
                "the node path {:?} is not a node path ({e}); give the node's absolute path from the store root, such as /bands/b04, or / for the root",
                path.trim()
            ))
        }
    };
    let parsed = parse_document(text);
    let Some(object) = parsed.object else {
        let why = parsed
            .issues
            .into_iter()
            .map(|(message, _)| message)
            .collect::<Vec<_>>()
            .join("; ");
        return Pasted::Refused(format!(
            "{why}. Paste one node's `zarr.json`, or its attributes object."
        ));
    };
    let v3 = object.contains_key("node_type") || object.contains_key("zarr_format");
    if v3 && object.get("zarr_format") == Some(&json!(2)) {
        return Pasted::Refused(
            "this is a Zarr v2 `.zarray` or `.zgroup`, which holds no attributes; paste the node's `.zattrs` instead"
                .to_string(),
        );
    }
    // A store in memory: the document at its node, and a plain group at
    // every ancestor so that the loader reaches it.
    let mut store: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let group: &[u8] = if v3 {
        br#"{"zarr_format": 3, "node_type": "group"}"#
    } else {
        br#"{"zarr_format": 2}"#
    };
    let mut ancestor = path.parent();
    while let Some(a) = ancestor {
        let name = if v3 { "zarr.json" } else { ".zgroup" };
        store.insert(join_key(a.key_prefix(), name), group.to_vec());
        ancestor = a.parent();
    }
    let file = if v3 {
        join_key(path.key_prefix(), "zarr.json")
    } else {
        let kind_file = match kind {
            NodeKind::Group => ".zgroup",
            NodeKind::Array => ".zarray",
        };
        store.insert(
            join_key(path.key_prefix(), kind_file),
            br#"{"zarr_format": 2}"#.to_vec(),
        );
        join_key(path.key_prefix(), ".zattrs")
    };
    store.insert(file.clone(), text.to_vec());
    let mut files = Files::default();
    for (key, bytes) in &store {
        files
            .add(key, bytes.len() as u64)
            .expect("keys made from a node path");
    }
    let mut loader = Loader::new(
        "pasted document",
        LoadOptions {
            keep_attributes: false,
            listing: true,
            verify_consolidated: false,
        },
    );
    loop {
        match loader.poll(64) {
            Poll::Requests(batch) => {
                let answers = batch
                    .into_iter()
                    .map(|r| match r {
                        Request::Get(key) => Answer::Got {
                            result: Ok(store.get(&key).cloned()),
                            key,
                        },
                        Request::List(prefix) => Answer::Listed {
                            result: files.list(&prefix),
                            prefix,
                        },
                    })
                    .collect();
                loader.feed(answers);
            }
            Poll::Pending => unreachable!("every request is answered at once"),
            Poll::Done => break,
        }
    }
    let hierarchy = match loader.finish() {
        Ok(h) => h,
        Err(e) => return Pasted::Refused(e.to_string()),
    };
    let mut findings = hierarchy.findings.clone();
    let mut node_kind = None;
    if let Some(node) = hierarchy.get(&path) {
        if !hierarchy.unreadable.contains(&path) {
            node_kind = Some(node.kind);
            findings.extend(zarr_links_validator::check_node(node));
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    Pasted::Checked {
        file,
        kind: node_kind,
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(p: &Pasted) -> Vec<&'static str> {
        match p {
            Pasted::Checked { findings, .. } => findings.iter().map(|f| f.rule.id()).collect(),
            Pasted::Refused(m) => panic!("refused: {m}"),
        }
    }

    const DECLARED: &str =
        r#"[{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b", "name": "links:"}]"#;

    #[test]
    fn a_clean_zarr_json_has_no_findings() {
        let doc = format!(
            r#"{{"zarr_format": 3, "node_type": "array", "attributes": {{"zarr_conventions": {DECLARED},
            "links:relationships": [{{"type": "derived_from", "target": "/bands/b04"}}]}}}}"#
        );
        let p = check(doc.as_bytes(), NodeKind::Group, "/");
        assert_eq!(rules(&p), Vec::<&str>::new());
        let Pasted::Checked { file, kind, .. } = &p else {
            unreachable!()
        };
        assert_eq!(file, "zarr.json");
        assert_eq!(*kind, Some(NodeKind::Array));
    }

    #[test]
    fn a_relative_target_is_a_schema_finding() {
        let doc = format!(
            r#"{{"zarr_conventions": {DECLARED}, "links:relationships": [{{"type": "derived_from", "target": "bands/b04"}}]}}"#
        );
        let p = check(doc.as_bytes(), NodeKind::Array, "/bands/b04_mask");
        assert_eq!(rules(&p), ["links.target.form"]);
        let Pasted::Checked { findings, file, .. } = &p else {
            unreachable!()
        };
        assert_eq!(file, "bands/b04_mask/.zattrs");
        assert_eq!(findings[0].node, "/bands/b04_mask");
        assert_eq!(findings[0].pointer, "/links:relationships/0/target");
        // The relative target is read from the node's parent, /bands.
        let hint = findings[0].hint.as_deref().unwrap_or_default();
        assert!(hint.contains("/bands/bands/b04"), "{hint}");
    }

    #[test]
    fn an_index_on_an_array_needs_the_kind() {
        let doc = format!(r#"{{"zarr_conventions": {DECLARED}, "links:index": {{}}}}"#);
        assert_eq!(
            rules(&check(doc.as_bytes(), NodeKind::Array, "/bands/b04_mask")),
            ["links.index.on-group"]
        );
        assert!(rules(&check(doc.as_bytes(), NodeKind::Group, "/")).is_empty());
    }

    #[test]
    fn zarr_level_problems_read_as_the_loader_reports_them() {
        let p = check(
            br#"{"zarr_format": 3, "node_type": "table"}"#,
            NodeKind::Group,
            "/",
        );
        let Pasted::Checked { findings, .. } = &p else {
            panic!("{p:?}")
        };
        assert_eq!(findings[0].rule.id(), "links.store.metadata");
        assert!(findings[0].message.contains("`node_type` \"table\""));
    }

    #[test]
    fn text_that_is_not_json_is_refused_with_the_parser_s_message() {
        let Pasted::Refused(m) = check(b"{\"zarr_format\": 3,", NodeKind::Group, "/") else {
            panic!()
        };
        assert!(m.contains("truncated"), "{m}");
        let Pasted::Refused(m) = check(b"hello", NodeKind::Group, "/") else {
            panic!()
        };
        assert!(m.starts_with("the document is not valid JSON"), "{m}");
        let Pasted::Refused(m) = check(b"[1, 2]", NodeKind::Group, "/") else {
            panic!()
        };
        assert!(m.contains("JSON array"), "{m}");
    }

    #[test]
    fn a_path_that_is_not_a_node_path_is_refused() {
        let Pasted::Refused(m) = check(b"{}", NodeKind::Group, "bands/b04") else {
            panic!()
        };
        assert!(m.contains("not a node path"), "{m}");
    }

    #[test]
    fn a_v2_kind_document_is_refused() {
        let Pasted::Refused(m) = check(br#"{"zarr_format": 2}"#, NodeKind::Group, "/") else {
            panic!()
        };
        assert!(m.contains(".zattrs"));
    }
}
