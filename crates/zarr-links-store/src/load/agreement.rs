//! Whether consolidated metadata agrees with the per-node documents.
//!
//! Each per-node document is compared with its consolidated copy as soon as
//! it is read (so the documents need not be kept), and every copy that no
//! document matched is reported at the end.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/stores.html#consolidated-metadata>

use std::collections::{BTreeSet, HashSet};

use serde_json::{Map, Value};
use zarr_links_model::hierarchy::pointer_token;
use zarr_links_model::{Finding, NodePath, Rule, ZarrFormat};

use super::consolidated::Listing;

const HINT: &str = "regenerate the consolidated metadata after changing any node";

/// The comparison of one listing with the documents of a walk.
#[derive(Debug)]
pub(crate) struct Agreement {
    /// The listing compared.
    pub listing: Listing,
    format: ZarrFormat,
    /// Per-node document keys read from the store.
    seen: HashSet<String>,
    /// Every node directory found by the walk (readable or not).
    disk_nodes: BTreeSet<NodePath>,
    /// Nodes found by the walk whose kind could not be read.
    disk_unreadable: BTreeSet<NodePath>,
    /// Keys that exist but could not be read or parsed.
    broken: BTreeSet<String>,
    /// Disagreements about a document, by (node, key): reported at the end
    /// unless the node turned out unreadable or the key broken.
    differences: Vec<(NodePath, String, Finding)>,
    /// Documents that the listing does not have.
    unlisted: Vec<Finding>,
}

/// What comparing one per-node document with its copy found.
#[derive(Debug)]
pub(crate) enum Compared {
    /// The two agree (or an empty v2 `.zattrs` is not listed, which is fine).
    Same,
    /// The listing does not have the document.
    Unlisted(Finding),
    /// They differ; reported unless the node turns out unreadable.
    Differs(NodePath, Finding),
}

/// The node whose document `key` is.
fn node_of(key: &str) -> NodePath {
    let prefix = key.rfind('/').map_or("", |i| &key[..i]);
    NodePath::from_key_prefix(prefix).unwrap_or_else(NodePath::root)
}

impl Agreement {
    pub fn new(listing: Listing, format: ZarrFormat) -> Agreement {
        Agreement {
            listing,
            format,
            seen: HashSet::new(),
            disk_nodes: BTreeSet::new(),
            disk_unreadable: BTreeSet::new(),
            broken: BTreeSet::new(),
            differences: Vec::new(),
            unlisted: Vec::new(),
        }
    }

    /// The pointer of a listed document's copy inside the listing.
    fn pointer_of(&self, key: &str) -> String {
        let relative = self.listing.relative(key);
        match self.format {
            ZarrFormat::V3 if key == self.listing.key => String::new(),
            ZarrFormat::V3 => {
                let prefix = relative.strip_suffix("/zarr.json").unwrap_or(relative);
                format!("{}/{}", self.listing.base, pointer_token(prefix))
            }
            ZarrFormat::V2 => format!("{}/{}", self.listing.base, pointer_token(relative)),
        }
    }

    fn finding(&self, node: NodePath, pointer: String, message: String) -> Finding {
        Finding::new(
            Rule::StoreConsolidated,
            &node,
            self.listing.key.clone(),
            pointer,
            message,
            Some(HINT.to_string()),
        )
    }

    /// Compares one per-node document, read from the store, with its copy
    /// in the listing. Pure, so that documents are compared on the thread
    /// that parsed them; [`Agreement::record`] keeps the result.
    pub fn compare(&self, key: &str, doc: &Map<String, Value>) -> Compared {
        let node = node_of(key);
        let Some(copy) = self.listing.docs.get(key) else {
            if self.format == ZarrFormat::V2 && key.ends_with(".zattrs") && doc.is_empty() {
                return Compared::Same;
            }
            return Compared::Unlisted(self.finding(
                node,
                self.listing.base.clone(),
                format!(
                    "`{key}` exists, but the consolidated metadata does not list it; expected consolidated and per-node metadata to agree"
                ),
            ));
        };
        let (cv, dv) = (
            what_counts(key, copy),
            what_counts(key, &Value::Object(doc.clone())),
        );
        match first_difference(&cv, &dv) {
            None => Compared::Same,
            Some(p) => {
                let message = format!(
                    "the consolidated metadata differs from `{key}` at `{}`: consolidated has {}, the file has {}; expected them to agree",
                    if p.is_empty() { "/" } else { &p },
                    at(&cv, &p),
                    at(&dv, &p)
                );
                Compared::Differs(
                    node.clone(),
                    self.finding(node, self.pointer_of(key), message),
                )
            }
        }
    }

    /// Keeps the result of comparing the per-node document `key`.
    pub fn record(&mut self, key: &str, compared: Compared) {
        self.seen.insert(key.to_string());
        match compared {
            Compared::Same => {}
            Compared::Unlisted(f) => self.unlisted.push(f),
            Compared::Differs(node, f) => self.differences.push((node, key.to_string(), f)),
        }
    }

    /// Compares and keeps the result ([`Agreement::compare`], [`Agreement::record`]).
    pub fn document(&mut self, key: &str, doc: &Map<String, Value>) {
        let compared = self.compare(key, doc);
        self.record(key, compared);
    }

    /// Records a node directory found by the walk, and whether its kind could be read.
    pub fn node(&mut self, path: &NodePath, readable: bool) {
        self.disk_nodes.insert(path.clone());
        if !readable {
            self.disk_unreadable.insert(path.clone());
        }
    }

    /// Records a key that exists but could not be read or parsed.
    pub fn broken(&mut self, key: &str) {
        self.broken.insert(key.to_string());
    }

    /// Every disagreement found.
    pub fn finish(mut self, findings: &mut Vec<Finding>) -> Listing {
        for (node, key, f) in std::mem::take(&mut self.differences) {
            if !self.disk_unreadable.contains(&node) && !self.broken.contains(&key) {
                findings.push(f);
            }
        }
        findings.append(&mut self.unlisted);
        let mut missing = Vec::new();
        for (k, cv) in &self.listing.docs {
            if self.seen.contains(k) {
                continue;
            }
            let node = node_of(k);
            if self.disk_unreadable.contains(&node) || self.broken.contains(k) {
                continue;
            }
            let message = if !self.disk_nodes.contains(&node) || self.format == ZarrFormat::V3 {
                format!(
                    "the consolidated metadata lists `{k}`, but the store has no such file (or it is not reachable from the root); expected consolidated and per-node metadata to agree"
                )
            } else if cv.as_object().is_some_and(Map::is_empty) {
                continue;
            } else {
                format!(
                    "the consolidated metadata lists `{k}`, but the store has no such file; expected consolidated and per-node metadata to agree"
                )
            };
            missing.push(self.finding(node, self.pointer_of(k), message));
        }
        findings.extend(missing);
        self.listing
    }
}

/// The part of a per-node document (or of its consolidated copy) that the
/// convention depends on, and so the part compared: a v3 document's
/// `node_type` and `attributes` (missing attributes are `{}`); a v2
/// `.zattrs` whole; of a v2 `.zgroup` or `.zarray`, nothing but that it
/// exists. Shapes, codecs, fill values and dimension names are not
/// compared: appending to an array changes its `shape` without touching
/// the consolidated copy, and that is not a disagreement about links.
fn what_counts(key: &str, doc: &Value) -> Value {
    let file = key.rsplit('/').next().unwrap_or(key);
    match (file, doc) {
        ("zarr.json", Value::Object(m)) => serde_json::json!({
            "node_type": m.get("node_type").cloned().unwrap_or(Value::Null),
            "attributes": m.get("attributes").cloned().unwrap_or_else(|| Value::Object(Map::new())),
        }),
        (".zgroup" | ".zarray", _) => Value::Object(Map::new()),
        _ => doc.clone(),
    }
}

/// The first place where two JSON values differ, as a pointer relative to them.
fn first_difference(a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                match y.get(k) {
                    None => return Some(format!("/{}", pointer_token(k))),
                    Some(vb) => {
                        if let Some(p) = first_difference(va, vb) {
                            return Some(format!("/{}{p}", pointer_token(k)));
                        }
                    }
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| format!("/{}", pointer_token(k)))
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                if let Some(p) = first_difference(va, vb) {
                    return Some(format!("/{i}{p}"));
                }
            }
            (x.len() != y.len()).then(|| format!("/{}", x.len().min(y.len())))
        }
        _ => (a != b).then(String::new),
    }
}

/// The value at `pointer`, shortened for a message.
fn at(v: &Value, pointer: &str) -> String {
    match v.pointer(pointer) {
        None => "nothing".to_string(),
        Some(x) => {
            let s = x.to_string();
            if s.chars().count() > 80 {
                format!("{}…", s.chars().take(80).collect::<String>())
            } else {
                s
            }
        }
    }
}
