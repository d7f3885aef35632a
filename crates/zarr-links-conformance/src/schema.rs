//! Schema-level verdicts of every node document in the suite, by Rust
//! `jsonschema` (draft 7) against the committed `schema/*.json` files.
//!
//! The same documents, chosen by the same rules, are checked by
//! `conformance/tools/schema_check.py` (Python `jsonschema`) and
//! `conformance/tools/ajv_check.mjs` (ajv). All three must reproduce the
//! committed `conformance/schema-verdicts.json` exactly:
//!
//! - every regular file named `zarr.json` under `store/` → `schema/links.schema.json`
//! - every regular file named `.zattrs` under `store/` → `schema/links-attributes.schema.json`
//! - the entries of an inline `consolidated_metadata.metadata` object in a
//!   `zarr.json` → `schema/links.schema.json`, id `<file>#<key>`
//! - the entries of a `.zmetadata` `metadata` object whose key is `.zattrs`
//!   or ends in `/.zattrs` → `schema/links-attributes.schema.json`, id `<file>#<key>`
//! - symbolic links are skipped, never followed
//! - a file that is not strict UTF-8 JSON (BOM, invalid UTF-8, syntax error)
//!   is no schema document and is left out, and so is a document nested 128
//!   or more levels deep, which the reference validator refuses
//!
//! Spec: <https://zarr-links.github.io/zarr-links/conformance.html>

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::{Case, CaseLevel};

/// Which committed schema a document is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// A v3 `zarr.json` document: `schema/links.schema.json`.
    Node,
    /// A v2 `.zattrs` document: `schema/links-attributes.schema.json`.
    Attributes,
}

/// Verdicts per case name, then per document id (`true` = accepted).
pub type Verdicts = BTreeMap<String, BTreeMap<String, bool>>;

/// The node documents of one case: (id relative to the case folder, kind, document).
pub fn documents(case_dir: &Path) -> Vec<(String, DocKind, Value)> {
    let mut out = Vec::new();
    let store = case_dir.join("store");
    if store.is_dir() {
        walk(case_dir, &store, &mut out);
    }
    out
}

fn walk(case_dir: &Path, dir: &Path, out: &mut Vec<(String, DocKind, Value)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_symlink() {
            continue;
        }
        let path = e.path();
        if ft.is_dir() {
            walk(case_dir, &path, out);
            continue;
        }
        let name = e.file_name().to_string_lossy().into_owned();
        if !ft.is_file() || !matches!(name.as_str(), "zarr.json" | ".zattrs" | ".zmetadata") {
            continue;
        }
        let Some(doc) = load_strict(&path) else {
            continue;
        };
        let rel = path
            .strip_prefix(case_dir)
            .expect("inside the case")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        match name.as_str() {
            "zarr.json" => {
                if let Some(Value::Object(meta)) = doc
                    .get("consolidated_metadata")
                    .and_then(|c| c.get("metadata"))
                {
                    for (k, v) in meta {
                        out.push((format!("{rel}#{k}"), DocKind::Node, v.clone()));
                    }
                }
                out.push((rel, DocKind::Node, doc));
            }
            ".zattrs" => out.push((rel, DocKind::Attributes, doc)),
            _ => {
                if let Some(Value::Object(meta)) = doc.get("metadata") {
                    for (k, v) in meta {
                        if k == ".zattrs" || k.ends_with("/.zattrs") {
                            out.push((format!("{rel}#{k}"), DocKind::Attributes, v.clone()));
                        }
                    }
                }
            }
        }
    }
}

/// Parses a file as strict JSON: UTF-8, no byte order mark.
fn load_strict(path: &Path) -> Option<Value> {
    let raw = fs::read(path).ok()?;
    if raw.starts_with(b"\xef\xbb\xbf") {
        return None;
    }
    std::str::from_utf8(&raw).ok()?;
    let doc: Value = serde_json::from_slice(&raw).ok()?;
    (depth(&doc) < MAX_DEPTH).then_some(doc)
}

/// Documents nested this deep or deeper are left out (serde_json refuses them).
pub const MAX_DEPTH: usize = 128;

/// Levels of array/object nesting: 0 for a scalar, 1 for `[]` or `{}`.
pub fn depth(doc: &Value) -> usize {
    let mut best = 0;
    let mut stack = vec![(doc, 1)];
    while let Some((v, d)) = stack.pop() {
        match v {
            Value::Array(items) => {
                best = best.max(d);
                stack.extend(items.iter().map(|c| (c, d + 1)));
            }
            Value::Object(map) => {
                best = best.max(d);
                stack.extend(map.values().map(|c| (c, d + 1)));
            }
            _ => {}
        }
    }
    best
}

/// The two committed schemas, compiled as draft 7.
pub struct Schemas {
    node: jsonschema::Validator,
    attributes: jsonschema::Validator,
}

impl Schemas {
    /// Reads and compiles `schema/links.schema.json` and
    /// `schema/links-attributes.schema.json` from the workspace.
    pub fn load(workspace: &Path) -> Result<Schemas, String> {
        let compile = |name: &str| -> Result<jsonschema::Validator, String> {
            let p = workspace.join("schema").join(name);
            let text = fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            let v: Value =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?;
            jsonschema::draft7::new(&v).map_err(|e| format!("{}: {e}", p.display()))
        };
        Ok(Schemas {
            node: compile("links.schema.json")?,
            attributes: compile("links-attributes.schema.json")?,
        })
    }

    /// Whether the schema for `kind` accepts `doc`.
    pub fn accepts(&self, kind: DocKind, doc: &Value) -> bool {
        match kind {
            DocKind::Node => self.node.is_valid(doc),
            DocKind::Attributes => self.attributes.is_valid(doc),
        }
    }
}

/// The verdicts of every document of every case.
pub fn verdicts(schemas: &Schemas, cases: &[Case]) -> Verdicts {
    cases
        .iter()
        .map(|c| {
            let docs = documents(&c.dir)
                .into_iter()
                .map(|(id, kind, doc)| (id, schemas.accepts(kind, &doc)))
                .collect();
            (c.name.clone(), docs)
        })
        .collect()
}

/// Differences between two sets of verdicts, as sentences.
pub fn compare(mine: &Verdicts, committed: &Verdicts) -> Vec<String> {
    let word = |x: Option<&bool>| match x {
        Some(true) => "accept",
        Some(false) => "reject",
        None => "(no document)",
    };
    let mut out = Vec::new();
    let names: std::collections::BTreeSet<&String> = mine.keys().chain(committed.keys()).collect();
    for case in names {
        match (mine.get(case), committed.get(case)) {
            (None, _) => out.push(format!(
                "{case}: in schema-verdicts.json but not in the suite"
            )),
            (_, None) => out.push(format!("{case}: not in schema-verdicts.json")),
            (Some(a), Some(b)) => {
                let docs: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
                for d in docs {
                    if a.get(d) != b.get(d) {
                        out.push(format!(
                            "{case} {d}: rust-jsonschema says {}, schema-verdicts.json says {}",
                            word(a.get(d)),
                            word(b.get(d))
                        ));
                    }
                }
            }
        }
    }
    out
}

/// Checks verdicts against each case's `level`: a schema-level invalid case
/// has a rejected document; every other case has none.
pub fn level_problems(verdicts: &Verdicts, cases: &[Case]) -> Vec<String> {
    let mut out = Vec::new();
    for c in cases {
        let Some(docs) = verdicts.get(&c.name) else {
            continue;
        };
        let rejected: Vec<&str> = docs
            .iter()
            .filter(|(_, ok)| !**ok)
            .map(|(d, _)| d.as_str())
            .collect();
        if !c.description.valid && c.description.level == CaseLevel::Schema {
            if rejected.is_empty() {
                out.push(format!(
                    "{}: level 'schema' but the schemas accept every document",
                    c.name
                ));
            }
        } else if !rejected.is_empty() {
            out.push(format!(
                "{}: the schemas reject {} but the case is not a schema-level invalid case",
                c.name,
                rejected.join(", ")
            ));
        }
    }
    out
}
