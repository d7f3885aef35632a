//! Loading a store's metadata into a [`Hierarchy`].

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};
use zarr_links_model::hierarchy::pointer_token;
use zarr_links_model::{Hierarchy, Node, NodeKind, NodePath, Origin, Rule, ZarrFormat};

use crate::{join_key, par_map, OpenError, Store};

/// Metadata documents larger than this (16 MiB) are refused without being
/// parsed, and reported as `links.store.metadata`.
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

/// JSON nested deeper than this is refused (serde_json's recursion limit),
/// and reported as `links.store.metadata`. It never overflows the stack.
pub const MAX_NESTING: usize = 128;

/// A problem with one metadata document or with the store's layout, found
/// while loading. The validator turns each into a finding.
///
/// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The rule broken: `links.store.metadata`, `links.store.layout` or
    /// `links.store.consolidated`.
    pub rule: Rule,
    /// The node the problem belongs to.
    pub node: NodePath,
    /// The store key of the document, e.g. `bands/B04/zarr.json`.
    pub key: String,
    /// A JSON pointer into that document (`""` for the whole document).
    pub pointer: String,
    /// What was found and what was expected.
    pub message: String,
    /// How to fix it, when that is not obvious.
    pub hint: Option<String>,
}

/// A store's metadata, loaded.
///
/// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
#[derive(Debug, Clone)]
pub struct Loaded {
    /// What the store is ([`Store::describe`]).
    pub store: String,
    /// Every node whose metadata could be read. With consolidated metadata,
    /// the nodes and attributes come from the consolidated listing.
    pub hierarchy: Hierarchy,
    /// Nodes that exist (their metadata file is there) but whose kind could
    /// not be read. They are not in [`Loaded::hierarchy`]; links to them are
    /// neither resolved nor checked, since the problem is already reported.
    pub unreadable: BTreeSet<NodePath>,
    /// Every problem found while reading, in no particular order.
    pub problems: Vec<Problem>,
}

/// A metadata document, parsed, with the problems of reading it.
#[derive(Debug, Clone, Default)]
pub struct ParsedDocument {
    /// The document, when it is a JSON object.
    pub object: Option<Map<String, Value>>,
    /// Problems as (message, hint). A byte order mark is reported here, and
    /// the document after it is still parsed.
    pub issues: Vec<(String, Option<String>)>,
}

/// Parses one metadata document.
///
/// - A UTF-8 byte order mark is reported, then skipped, and the rest is
///   parsed, so that the document's other problems are reported too.
/// - Invalid UTF-8, malformed or truncated JSON, nesting deeper than
///   [`MAX_NESTING`], and documents that are not JSON objects give an issue
///   and no object.
///
/// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
pub fn parse_document(bytes: &[u8]) -> ParsedDocument {
    let mut out = ParsedDocument::default();
    let mut bytes = bytes;
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        out.issues.push((
            "the document starts with a UTF-8 byte order mark; expected JSON text without one (the rest of the document was still read)".to_string(),
            Some("save the file as UTF-8 without a byte order mark".to_string()),
        ));
        bytes = rest;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            out.issues.push((
                format!(
                    "the document is not valid UTF-8 (invalid byte 0x{:02X} at offset {}); expected a JSON object in UTF-8",
                    bytes[e.valid_up_to()],
                    e.valid_up_to()
                ),
                None,
            ));
            return out;
        }
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => out.object = Some(map),
        Ok(other) => out.issues.push((
            format!(
                "the document is a JSON {}; expected a JSON object",
                json_kind(&other)
            ),
            None,
        )),
        Err(e) => {
            let msg = if e.is_eof() {
                format!(
                    "the JSON ends early (line {}, column {}): the document is truncated; expected a complete JSON object",
                    e.line(),
                    e.column()
                )
            } else if e.to_string().contains("recursion limit") {
                format!(
                    "the JSON is nested deeper than {MAX_NESTING} levels (line {}, column {}); such documents are refused",
                    e.line(),
                    e.column()
                )
            } else {
                let full = e.to_string();
                let cause = full.split(" at line ").next().unwrap_or(&full).to_string();
                format!(
                    "the document is not valid JSON: {cause} at line {}, column {}; expected a JSON object",
                    e.line(),
                    e.column()
                )
            };
            out.issues.push((msg, None));
        }
    }
    out
}

/// `"an array"`, `"a string"`, …, for messages.
pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// What probing a directory for a node found.
struct Probe {
    path: NodePath,
    /// `None`: not a node. `Some(None)`: a node of unknown kind.
    kind: Option<Option<NodeKind>>,
    attributes: Map<String, Value>,
    origin: Origin,
    /// The documents read, by key (kept only to compare with consolidated metadata).
    docs: Vec<(String, Value)>,
    /// The whole parsed v3 document of the root (for its consolidated metadata).
    root_doc: Option<Map<String, Value>>,
    /// Keys that exist but could not be read or parsed.
    broken: Vec<String>,
    problems: Vec<Problem>,
}

impl Probe {
    fn new(path: NodePath, key: String, pointer: &str) -> Probe {
        Probe {
            path,
            kind: None,
            attributes: Map::new(),
            origin: Origin {
                key,
                pointer: pointer.to_string(),
            },
            docs: Vec::new(),
            root_doc: None,
            broken: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn problem(
        &mut self,
        rule: Rule,
        key: &str,
        pointer: &str,
        message: String,
        hint: Option<String>,
    ) {
        self.problems.push(Problem {
            rule,
            node: self.path.clone(),
            key: key.to_string(),
            pointer: pointer.to_string(),
            message,
            hint,
        });
    }

    /// Reads and parses `key`. `Ok(None)`: absent. `Err(())`: present, unreadable.
    fn read(&mut self, store: &dyn Store, key: &str) -> Result<Option<Map<String, Value>>, ()> {
        match store.get(key) {
            Ok(None) => Ok(None),
            Ok(Some(bytes)) => {
                let parsed = parse_document(&bytes);
                for (m, h) in parsed.issues {
                    self.problem(Rule::StoreMetadata, key, "", m, h);
                }
                if parsed.object.is_none() {
                    self.broken.push(key.to_string());
                }
                parsed.object.map(Some).ok_or(())
            }
            Err(e) => {
                self.problem(e.rule(), key, "", e.detail(), None);
                self.broken.push(key.to_string());
                Err(())
            }
        }
    }
}

fn key_of(path: &NodePath, file: &str) -> String {
    join_key(path.key_prefix(), file)
}

/// Reads the attributes member of a v3 document or a whole `.zattrs`.
fn take_attributes(probe: &mut Probe, value: Option<Value>, key: &str, pointer: &str) {
    match value {
        None => {}
        Some(Value::Object(m)) => probe.attributes = m,
        Some(other) => probe.problem(
            Rule::StoreMetadata,
            key,
            pointer,
            format!(
                "the attributes are a JSON {}; expected a JSON object",
                json_kind(&other)
            ),
            None,
        ),
    }
}

/// Interprets a v3 node document.
fn v3_node(probe: &mut Probe, mut doc: Map<String, Value>, key: &str, pointer: &str, keep: bool) {
    let kind = match doc.get("node_type") {
        Some(Value::String(s)) if s == "group" => Some(NodeKind::Group),
        Some(Value::String(s)) if s == "array" => Some(NodeKind::Array),
        other => {
            let found = match other {
                None => "no `node_type`".to_string(),
                Some(v) => format!("`node_type` {v}"),
            };
            probe.problem(
                Rule::StoreMetadata,
                key,
                &format!("{pointer}/node_type"),
                format!("found {found}; expected `node_type` \"group\" or \"array\""),
                None,
            );
            None
        }
    };
    match doc.get("zarr_format") {
        Some(Value::Number(n)) if n.as_u64() == Some(3) => {}
        other => probe.problem(
            Rule::StoreMetadata,
            key,
            &format!("{pointer}/zarr_format"),
            format!(
                "found `zarr_format` {}; expected 3 in a `zarr.json`",
                other.map_or("missing".to_string(), Value::to_string)
            ),
            None,
        ),
    }
    if keep {
        probe
            .docs
            .push((key.to_string(), Value::Object(doc.clone())));
    }
    let attrs = doc.remove("attributes");
    take_attributes(probe, attrs, key, &format!("{pointer}/attributes"));
    probe.kind = Some(kind);
}

fn probe_v3(store: &dyn Store, path: NodePath, keep: bool) -> Probe {
    let key = key_of(&path, "zarr.json");
    let mut probe = Probe::new(path, key.clone(), "/attributes");
    match probe.read(store, &key) {
        Ok(None) => {}
        Err(()) => probe.kind = Some(None),
        Ok(Some(doc)) => {
            if probe.path.is_root() {
                probe.root_doc = Some(doc.clone());
            }
            v3_node(&mut probe, doc, &key, "", keep);
        }
    }
    probe
}

fn probe_v2(store: &dyn Store, path: NodePath, keep: bool) -> Probe {
    let gkey = key_of(&path, ".zgroup");
    let akey = key_of(&path, ".zarray");
    let zkey = key_of(&path, ".zattrs");
    let mut probe = Probe::new(path, zkey.clone(), "");
    let group = probe.read(store, &gkey);
    let array = probe.read(store, &akey);
    let is_group = !matches!(group, Ok(None));
    let is_array = !matches!(array, Ok(None));
    if keep {
        for (k, d) in [(&gkey, &group), (&akey, &array)] {
            if let Ok(Some(doc)) = d {
                probe.docs.push((k.clone(), Value::Object(doc.clone())));
            }
        }
    }
    probe.kind = match (is_group, is_array) {
        (false, false) => return probe,
        (true, false) => Some(Some(NodeKind::Group)),
        (false, true) => Some(Some(NodeKind::Array)),
        (true, true) => {
            probe.problem(
                Rule::StoreLayout,
                &akey,
                "",
                "the node has both `.zgroup` and `.zarray`; expected exactly one, a group or an array".to_string(),
                None,
            );
            Some(None)
        }
    };
    if let Ok(Some(attrs)) = probe.read(store, &zkey) {
        if keep {
            probe
                .docs
                .push((zkey.clone(), Value::Object(attrs.clone())));
        }
        probe.attributes = attrs;
    }
    probe
}

/// The result of walking the per-node documents.
struct Walk {
    probes: Vec<Probe>,
    problems: Vec<Problem>,
}

/// Walks the tree breadth first from the root, probing every directory
/// below a group. Arrays are never descended into (no chunk is listed).
fn walk(store: &dyn Store, format: ZarrFormat, root: Probe, keep: bool) -> Walk {
    let mut problems = Vec::new();
    let mut probes = Vec::new();
    let mut level: Vec<NodePath> = Vec::new();
    if matches!(root.kind, Some(Some(NodeKind::Group)) | Some(None)) {
        level.push(root.path.clone());
    }
    probes.push(root);
    while !level.is_empty() {
        let listings = par_map(std::mem::take(&mut level), |g| {
            let r = store.list_dir(g.key_prefix());
            (g, r)
        });
        let mut candidates = Vec::new();
        for (g, listing) in listings {
            match listing {
                Err(e) => problems.push(Problem {
                    rule: e.rule(),
                    key: e.key().to_string(),
                    node: g.clone(),
                    pointer: String::new(),
                    message: e.detail(),
                    hint: None,
                }),
                Ok(entries) => {
                    for entry in entries {
                        let key = join_key(g.key_prefix(), &entry.name);
                        let metadata_file = matches!(
                            entry.name.as_str(),
                            "zarr.json" | ".zgroup" | ".zarray" | ".zattrs" | ".zmetadata"
                        );
                        if metadata_file {
                            // Read (and reported) by the probes, not as a child.
                            continue;
                        }
                        if let Some(problem) = entry.problem {
                            let node = NodePath::from_key_prefix(&key).unwrap_or_else(|| g.clone());
                            problems.push(Problem {
                                rule: Rule::StoreLayout,
                                node,
                                key,
                                pointer: String::new(),
                                message: problem,
                                hint: None,
                            });
                        } else if entry.is_dir {
                            if let Some(p) = NodePath::from_key_prefix(&key) {
                                candidates.push(p);
                            }
                        }
                    }
                }
            }
        }
        let found = par_map(candidates, |p| match format {
            ZarrFormat::V3 => probe_v3(store, p, keep),
            ZarrFormat::V2 => probe_v2(store, p, keep),
        });
        for probe in found {
            match probe.kind {
                None => {
                    problems.extend(probe.problems);
                    continue;
                }
                Some(Some(NodeKind::Group)) | Some(None) => level.push(probe.path.clone()),
                Some(Some(NodeKind::Array)) => {}
            }
            probes.push(probe);
        }
    }
    Walk { probes, problems }
}

/// Loads a store's metadata: detects the Zarr format from the root, walks
/// the per-node documents (each read and parsed once, in parallel), and,
/// when consolidated metadata is present (v2 `.zmetadata`, v3 inline
/// `consolidated_metadata` in the root `zarr.json`), takes the nodes from it
/// and reports every difference with the per-node documents as
/// `links.store.consolidated`.
///
/// Only metadata documents are read, never chunks: arrays are not
/// descended into. Every unreadable, malformed or misplaced document becomes
/// a [`Problem`]; only a store without Zarr metadata at its root is an
/// [`OpenError`].
///
/// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
pub fn load(store: &dyn Store) -> Result<Loaded, OpenError> {
    let root_path = NodePath::root();
    let v3 = probe_v3(store, root_path.clone(), true);
    let (format, mut root) = if v3.kind.is_some() {
        (ZarrFormat::V3, v3)
    } else {
        let v2 = probe_v2(store, root_path.clone(), true);
        if v2.kind.is_none() {
            return Err(OpenError::NoMetadata(store.describe()));
        }
        (ZarrFormat::V2, v2)
    };

    // Consolidated metadata, if any.
    let mut problems = Vec::new();
    let consolidated: Option<Consolidated> = match format {
        ZarrFormat::V3 => v3_consolidated(root.root_doc.take(), &mut problems),
        ZarrFormat::V2 => v2_consolidated(store, &mut problems),
    };
    let keep = consolidated.is_some();
    if !keep {
        // The root's documents are kept only to compare them with consolidated metadata.
        root.docs.clear();
    }
    let walked = walk(store, format, root, keep);
    problems.extend(walked.problems);

    let mut nodes = BTreeMap::new();
    let mut unreadable = BTreeSet::new();
    match consolidated {
        None => {
            for probe in walked.probes {
                problems.extend(probe.problems);
                match probe.kind {
                    Some(Some(kind)) => {
                        nodes.insert(
                            probe.path.clone(),
                            Node {
                                path: probe.path,
                                kind,
                                attributes: probe.attributes,
                                origin: probe.origin,
                            },
                        );
                    }
                    _ => {
                        unreadable.insert(probe.path);
                    }
                }
            }
        }
        Some(c) => {
            let mut on_disk: BTreeMap<String, Value> = BTreeMap::new();
            let mut disk_nodes: BTreeSet<NodePath> = BTreeSet::new();
            let mut disk_unreadable: BTreeSet<NodePath> = BTreeSet::new();
            let mut broken: BTreeSet<String> = BTreeSet::new();
            for probe in walked.probes {
                broken.extend(probe.broken);
                problems.extend(probe.problems);
                if matches!(probe.kind, Some(None)) {
                    disk_unreadable.insert(probe.path.clone());
                }
                disk_nodes.insert(probe.path);
                on_disk.extend(probe.docs);
            }
            compare_consolidated(
                format,
                &c,
                &on_disk,
                &disk_nodes,
                &disk_unreadable,
                &broken,
                &mut problems,
            );
            for node in c.nodes {
                nodes.insert(node.path.clone(), node);
            }
            unreadable.extend(c.unreadable);
            problems.extend(c.problems);
        }
    }
    if !nodes.contains_key(&root_path) {
        // The root's document could not be read: keep a placeholder group so
        // that the hierarchy always has its root.
        let origin = match format {
            ZarrFormat::V3 => Origin {
                key: "zarr.json".into(),
                pointer: "/attributes".into(),
            },
            ZarrFormat::V2 => Origin {
                key: ".zattrs".into(),
                pointer: String::new(),
            },
        };
        nodes.insert(
            root_path.clone(),
            Node {
                path: root_path.clone(),
                kind: NodeKind::Group,
                attributes: Map::new(),
                origin,
            },
        );
        unreadable.insert(root_path);
    }
    Ok(Loaded {
        store: store.describe(),
        hierarchy: Hierarchy {
            format,
            consolidated: keep,
            nodes,
        },
        unreadable,
        problems,
    })
}

/// Nodes taken from consolidated metadata.
struct Consolidated {
    /// The consolidated document's key (`zarr.json` or `.zmetadata`).
    key: String,
    /// The pointer of the `metadata` object in it.
    base: String,
    /// The consolidated documents, by their per-node key.
    docs: BTreeMap<String, Value>,
    nodes: Vec<Node>,
    unreadable: Vec<NodePath>,
    problems: Vec<Problem>,
}

impl Consolidated {
    /// An empty listing read from `key`, whose `metadata` object is at `base`.
    fn new(key: &str, base: &str) -> Consolidated {
        Consolidated {
            key: key.to_string(),
            base: base.to_string(),
            docs: BTreeMap::new(),
            nodes: Vec::new(),
            unreadable: Vec::new(),
            problems: Vec::new(),
        }
    }
}

fn v3_consolidated(
    root_doc: Option<Map<String, Value>>,
    problems: &mut Vec<Problem>,
) -> Option<Consolidated> {
    let mut root_doc = root_doc?;
    let cm = root_doc.remove("consolidated_metadata")?;
    if cm.is_null() {
        return None;
    }
    let key = "zarr.json".to_string();
    let metadata = match cm {
        Value::Object(mut o) => match o.remove("metadata") {
            Some(Value::Object(m)) => m,
            other => {
                problems.push(Problem {
                    rule: Rule::StoreConsolidated,
                    node: NodePath::root(),
                    key,
                    pointer: "/consolidated_metadata/metadata".into(),
                    message: format!(
                        "found {}; expected the consolidated `metadata` object (the per-node documents were read instead)",
                        other.as_ref().map_or("nothing", json_kind)
                    ),
                    hint: None,
                });
                return None;
            }
        },
        other => {
            problems.push(Problem {
                rule: Rule::StoreConsolidated,
                node: NodePath::root(),
                key,
                pointer: "/consolidated_metadata".into(),
                message: format!(
                    "`consolidated_metadata` is a JSON {}; expected an object (the per-node documents were read instead)",
                    json_kind(&other)
                ),
                hint: None,
            });
            return None;
        }
    };
    let base = "/consolidated_metadata/metadata".to_string();
    let mut c = Consolidated::new(&key, &base);
    // The root itself comes from its own document.
    let mut root_probe = Probe::new(NodePath::root(), key.clone(), "/attributes");
    v3_node(&mut root_probe, root_doc.clone(), &key, "", false);
    c.docs.insert(key.clone(), Value::Object(root_doc));
    push_probe(&mut c, root_probe);
    for (child, doc) in metadata {
        let pointer = format!("{base}/{}", pointer_token(&child));
        let Some(path) =
            NodePath::from_key_prefix(&child).filter(|p| !p.is_root() && !child.ends_with('/'))
        else {
            c.problems.push(Problem {
                rule: Rule::StoreLayout,
                node: NodePath::root(),
                key: key.clone(),
                pointer,
                message: format!(
                    "the consolidated metadata lists the node {child:?}; expected a path relative to the root without empty, `.` or `..` segments (it was ignored)"
                ),
                hint: None,
            });
            continue;
        };
        let mut probe = Probe::new(path.clone(), key.clone(), &format!("{pointer}/attributes"));
        match doc {
            Value::Object(d) => {
                c.docs
                    .insert(key_of(&path, "zarr.json"), Value::Object(d.clone()));
                v3_node(&mut probe, d, &key, &pointer, false);
            }
            other => {
                probe.problem(
                    Rule::StoreMetadata,
                    &key,
                    &pointer,
                    format!(
                        "the consolidated entry is a JSON {}; expected a node document object",
                        json_kind(&other)
                    ),
                    None,
                );
                probe.kind = Some(None);
            }
        }
        push_probe(&mut c, probe);
    }
    Some(c)
}

fn push_probe(c: &mut Consolidated, probe: Probe) {
    c.problems.extend(probe.problems);
    match probe.kind {
        Some(Some(kind)) => c.nodes.push(Node {
            path: probe.path,
            kind,
            attributes: probe.attributes,
            origin: probe.origin,
        }),
        _ => c.unreadable.push(probe.path),
    }
}

/// A v2 node in consolidated metadata: has `.zgroup`, has `.zarray`, its `.zattrs` (key, value).
type V2Entry = (bool, bool, Option<(String, Value)>);

fn v2_consolidated(store: &dyn Store, problems: &mut Vec<Problem>) -> Option<Consolidated> {
    let key = ".zmetadata".to_string();
    let mut probe = Probe::new(NodePath::root(), key.clone(), "");
    let doc = match probe.read(store, &key) {
        Ok(None) => return None,
        Err(()) => {
            problems.extend(probe.problems);
            return None;
        }
        Ok(Some(d)) => d,
    };
    problems.extend(std::mem::take(&mut probe.problems));
    let metadata = match doc.get("metadata") {
        Some(Value::Object(m)) => m.clone(),
        other => {
            problems.push(Problem {
                rule: Rule::StoreConsolidated,
                node: NodePath::root(),
                key,
                pointer: "/metadata".into(),
                message: format!(
                    "found {}; expected the consolidated `metadata` object (the per-node documents were read instead)",
                    other.map_or("nothing", json_kind)
                ),
                hint: None,
            });
            return None;
        }
    };
    let base = "/metadata".to_string();
    let mut c = Consolidated::new(&key, &base);
    // Group the entries by node.
    let mut by_node: BTreeMap<NodePath, V2Entry> = BTreeMap::new();
    for (k, v) in metadata {
        let (prefix, file) = match k.rfind('/') {
            Some(i) => (&k[..i], &k[i + 1..]),
            None => ("", k.as_str()),
        };
        if !matches!(file, ".zgroup" | ".zarray" | ".zattrs") {
            continue;
        }
        let Some(path) = NodePath::from_key_prefix(prefix).filter(|_| crate::valid_key(prefix))
        else {
            c.problems.push(Problem {
                rule: Rule::StoreLayout,
                node: NodePath::root(),
                key: key.clone(),
                pointer: format!("{base}/{}", pointer_token(&k)),
                message: format!(
                    "the consolidated metadata lists the key {k:?}; expected a key relative to the root without empty, `.` or `..` segments (it was ignored)"
                ),
                hint: None,
            });
            continue;
        };
        c.docs.insert(k.clone(), v.clone());
        let e = by_node.entry(path).or_default();
        match file {
            ".zgroup" => e.0 = true,
            ".zarray" => e.1 = true,
            _ => e.2 = Some((k, v)),
        }
    }
    for (path, (group, array, attrs)) in by_node {
        let pointer = attrs
            .as_ref()
            .map(|(k, _)| format!("{base}/{}", pointer_token(k)))
            .unwrap_or_else(|| format!("{base}/{}", pointer_token(&key_of(&path, ".zattrs"))));
        let mut probe = Probe::new(path, key.clone(), &pointer);
        probe.kind = match (group, array) {
            (true, false) => Some(Some(NodeKind::Group)),
            (false, true) => Some(Some(NodeKind::Array)),
            (false, false) => {
                probe.problem(
                    Rule::StoreConsolidated,
                    &key,
                    &pointer,
                    "the consolidated metadata has `.zattrs` for a node without `.zgroup` or `.zarray`; expected one of them".to_string(),
                    None,
                );
                None
            }
            (true, true) => {
                probe.problem(
                    Rule::StoreLayout,
                    &key,
                    &pointer,
                    "the consolidated metadata lists both `.zgroup` and `.zarray` for this node; expected exactly one".to_string(),
                    None,
                );
                Some(None)
            }
        };
        if probe.kind.is_none() {
            c.problems.extend(probe.problems);
            continue;
        }
        if let Some((_, v)) = attrs {
            take_attributes(&mut probe, Some(v), &key, &pointer);
        }
        push_probe(&mut c, probe);
    }
    if !c.nodes.iter().any(|n| n.path.is_root()) && !c.unreadable.iter().any(NodePath::is_root) {
        c.problems.push(Problem {
            rule: Rule::StoreConsolidated,
            node: NodePath::root(),
            key: key.clone(),
            pointer: base.clone(),
            message: "the consolidated metadata does not list the root's `.zgroup` or `.zarray`; expected every node, the root included".to_string(),
            hint: None,
        });
    }
    Some(c)
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

fn compare_consolidated(
    format: ZarrFormat,
    c: &Consolidated,
    on_disk: &BTreeMap<String, Value>,
    disk_nodes: &BTreeSet<NodePath>,
    disk_unreadable: &BTreeSet<NodePath>,
    broken: &BTreeSet<String>,
    problems: &mut Vec<Problem>,
) {
    let strip = |v: &Value| -> Value {
        let mut v = v.clone();
        if let Value::Object(m) = &mut v {
            m.remove("consolidated_metadata");
        }
        v
    };
    let node_of = |k: &str| -> NodePath {
        let prefix = k.rfind('/').map_or("", |i| &k[..i]);
        NodePath::from_key_prefix(prefix).unwrap_or_else(NodePath::root)
    };
    let pointer_of = |k: &str| -> String {
        match format {
            ZarrFormat::V3 if k == "zarr.json" => String::new(),
            ZarrFormat::V3 => {
                let prefix = k.strip_suffix("/zarr.json").unwrap_or(k);
                format!("{}/{}", c.base, pointer_token(prefix))
            }
            ZarrFormat::V2 => format!("{}/{}", c.base, pointer_token(k)),
        }
    };
    for (k, cv) in &c.docs {
        let node = node_of(k);
        if disk_unreadable.contains(&node) || broken.contains(k) {
            continue;
        }
        let problem = match on_disk.get(k) {
            None if !disk_nodes.contains(&node) || format == ZarrFormat::V3 => Some(format!(
                "the consolidated metadata lists `{k}`, but the store has no such file (or it is not reachable from the root); expected consolidated and per-node metadata to agree"
            )),
            None if cv.as_object().is_some_and(Map::is_empty) => None,
            None => Some(format!(
                "the consolidated metadata lists `{k}`, but the store has no such file; expected consolidated and per-node metadata to agree"
            )),
            Some(dv) => {
                let (cv, dv) = (strip(cv), strip(dv));
                first_difference(&cv, &dv).map(|p| {
                    format!(
                        "the consolidated metadata differs from `{k}` at `{}`: consolidated has {}, the file has {}; expected them to agree",
                        if p.is_empty() { "/" } else { &p },
                        at(&cv, &p),
                        at(&dv, &p)
                    )
                })
            }
        };
        if let Some(message) = problem {
            problems.push(Problem {
                rule: Rule::StoreConsolidated,
                node,
                key: c.key.clone(),
                pointer: pointer_of(k),
                message,
                hint: Some(
                    "regenerate the consolidated metadata after changing any node".to_string(),
                ),
            });
        }
    }
    for (k, dv) in on_disk {
        if c.docs.contains_key(k) {
            continue;
        }
        if format == ZarrFormat::V2
            && k.ends_with(".zattrs")
            && dv.as_object().is_some_and(Map::is_empty)
        {
            continue;
        }
        problems.push(Problem {
            rule: Rule::StoreConsolidated,
            node: node_of(k),
            key: c.key.clone(),
            pointer: c.base.clone(),
            message: format!(
                "`{k}` exists, but the consolidated metadata does not list it; expected consolidated and per-node metadata to agree"
            ),
            hint: Some("regenerate the consolidated metadata after changing any node".to_string()),
        });
    }
}
