//! Consolidated metadata: the v3 inline `consolidated_metadata` of the root
//! `zarr.json`, and the v2 `.zmetadata` document, read into a listing of
//! per-node documents and turned into nodes.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/stores.html#consolidated-metadata>

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use zarr_links_model::document::json_kind;
use zarr_links_model::hierarchy::pointer_token;
use zarr_links_model::path::join_key;
use zarr_links_model::{Finding, Node, NodeKind, NodePath, Origin, Rule, ZarrFormat};

use super::probe;

/// The per-node documents that consolidated metadata lists.
#[derive(Debug)]
pub(crate) struct Listing {
    /// The group whose subtree the listing describes (the root, or a
    /// subgroup for nested consolidated metadata).
    pub group: NodePath,
    /// The document holding the listing: `zarr.json` or `.zmetadata` in the
    /// group's directory, as a store key.
    pub key: String,
    /// The JSON pointer of the `metadata` object in it.
    pub base: String,
    /// The listed documents by the store key of the per-node document they
    /// copy: `zarr.json` and `<path>/zarr.json` in v3; `.zgroup`,
    /// `<path>/.zarray`, `<path>/.zattrs`, ... in v2.
    pub docs: BTreeMap<String, Value>,
    /// v3: the entries as written, by node (the group's own document is not
    /// an entry).
    entries: Vec<(NodePath, Value)>,
}

impl Listing {
    fn new(group: &NodePath, file: &str, base: &str) -> Listing {
        Listing {
            group: group.clone(),
            key: join_key(group.key_prefix(), file),
            base: base.to_string(),
            docs: BTreeMap::new(),
            entries: Vec::new(),
        }
    }

    /// The key of a listed document relative to the listing's group, as
    /// the listing writes it.
    pub fn relative<'k>(&self, key: &'k str) -> &'k str {
        match self.group.key_prefix() {
            "" => key,
            prefix => key
                .strip_prefix(prefix)
                .and_then(|k| k.strip_prefix('/'))
                .unwrap_or(key),
        }
    }

    fn problem(&self, pointer: String, message: String) -> Finding {
        Finding::new(
            Rule::StoreConsolidated,
            &self.group,
            self.key.clone(),
            pointer,
            message,
            None,
        )
    }
}

/// Whether `key` is spelled as a listing key must be: relative to the
/// listing's group, not empty, with no leading or trailing `/`, no empty,
/// `.` or `..` segment, and no backslash or NUL.
fn listing_key(key: &str) -> bool {
    !key.is_empty() && crate::valid_key(key)
}

const KEY_RULE: &str = "expected a key relative to the group that holds the listing, not empty, without a leading or trailing `/`, without empty, `.` or `..` segments, and without backslashes or NUL characters (the listing was ignored and the per-node documents were read instead)";

/// The listing of a v3 group document, if it has `consolidated_metadata`.
/// Problems with its shape are reported in `findings` and give no listing
/// (the per-node documents are then read instead).
pub(crate) fn v3(
    group: &NodePath,
    doc: &Map<String, Value>,
    findings: &mut Vec<Finding>,
) -> Option<Listing> {
    let base = "/consolidated_metadata/metadata";
    let mut listing = Listing::new(group, "zarr.json", base);
    let container = match doc.get("consolidated_metadata")? {
        Value::Null => return None,
        Value::Object(o) => o,
        other => {
            findings.push(listing.problem(
                "/consolidated_metadata".into(),
                format!(
                    "`consolidated_metadata` is a JSON {}; expected an object (the per-node documents were read instead)",
                    json_kind(other)
                ),
            ));
            return None;
        }
    };
    match container.get("kind") {
        Some(Value::String(k)) if k == "inline" => {}
        other => {
            findings.push(listing.problem(
                "/consolidated_metadata/kind".into(),
                format!(
                    "the consolidated metadata's `kind` is {}; expected \"inline\", the only kind Zarr v3 defines (the listing was ignored and the per-node documents were read instead)",
                    other.map_or("missing".to_string(), Value::to_string)
                ),
            ));
            return None;
        }
    }
    let metadata = match container.get("metadata") {
        Some(Value::Object(m)) => m,
        other => {
            findings.push(listing.problem(
                base.into(),
                format!(
                    "found {}; expected the consolidated `metadata` object (the per-node documents were read instead)",
                    other.map_or("nothing", json_kind)
                ),
            ));
            return None;
        }
    };
    if group.is_root() {
        // The root's own document is compared with the listing too; a
        // nested listing covers the group's subtree only.
        let mut own = doc.clone();
        own.remove("consolidated_metadata");
        listing.docs.insert(listing.key.clone(), Value::Object(own));
    }
    let mut bad = Vec::new();
    for (child, entry) in metadata {
        let pointer = format!("{base}/{}", pointer_token(child));
        let path = listing_key(child)
            .then(|| NodePath::from_key_prefix(&join_key(group.key_prefix(), child)))
            .flatten();
        let Some(path) = path else {
            let f = listing.problem(
                pointer,
                format!("the consolidated metadata lists the node {child:?}; {KEY_RULE}"),
            );
            bad.push(f);
            continue;
        };
        if entry.is_object() {
            listing
                .docs
                .insert(join_key(path.key_prefix(), "zarr.json"), entry.clone());
        }
        listing.entries.push((path, entry.clone()));
    }
    accepted(listing, bad, findings)
}

/// The listing, unless one of its keys is misspelt: a listing whose keys a
/// reader cannot take at their word is ignored as a whole, like a listing
/// whose container is wrong, so that every reader falls back to the same
/// per-node documents.
fn accepted(listing: Listing, bad: Vec<Finding>, findings: &mut Vec<Finding>) -> Option<Listing> {
    if bad.is_empty() {
        Some(listing)
    } else {
        findings.extend(bad);
        None
    }
}

/// The listing of a parsed v2 `.zmetadata` document in `group`'s
/// directory. A container that is not version 1, or whose `metadata` is not
/// an object, is reported and gives no listing.
pub(crate) fn v2(
    group: &NodePath,
    doc: &Map<String, Value>,
    findings: &mut Vec<Finding>,
) -> Option<Listing> {
    let base = "/metadata";
    let mut listing = Listing::new(group, ".zmetadata", base);
    match doc.get("zarr_consolidated_format") {
        Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
        other => {
            findings.push(listing.problem(
                "/zarr_consolidated_format".into(),
                format!(
                    "`zarr_consolidated_format` is {}; expected 1, the only version there is (the listing was ignored and the per-node documents were read instead)",
                    other.map_or("missing".to_string(), Value::to_string)
                ),
            ));
            return None;
        }
    }
    let metadata = match doc.get("metadata") {
        Some(Value::Object(m)) => m,
        other => {
            findings.push(listing.problem(
                base.into(),
                format!(
                    "found {}; expected the consolidated `metadata` object (the per-node documents were read instead)",
                    other.map_or("nothing", json_kind)
                ),
            ));
            return None;
        }
    };
    let mut bad = Vec::new();
    for (k, v) in metadata {
        let file = k.rsplit('/').next().unwrap_or(k);
        if !matches!(file, ".zgroup" | ".zarray" | ".zattrs") {
            continue;
        }
        if !listing_key(k) {
            let f = listing.problem(
                format!("{base}/{}", pointer_token(k)),
                format!("the consolidated metadata lists the key {k:?}; {KEY_RULE}"),
            );
            bad.push(f);
            continue;
        }
        listing
            .docs
            .insert(join_key(group.key_prefix(), k), v.clone());
    }
    accepted(listing, bad, findings)
}

/// The nodes a listing describes, for a store whose root document is `root`
/// (v3; `None` for v2). Returns the nodes and the nodes whose kind cannot be
/// read; every problem goes to `findings`.
pub(crate) fn nodes(
    listing: Listing,
    format: ZarrFormat,
    root: Option<&Map<String, Value>>,
    keep_attributes: bool,
    findings: &mut Vec<Finding>,
) -> (Vec<Node>, Vec<NodePath>) {
    let mut nodes = Vec::new();
    let mut unreadable = Vec::new();
    match format {
        ZarrFormat::V3 => {
            let key = listing.key.as_str();
            if let Some(root) = root {
                let path = NodePath::root();
                match probe::v3_kind(&path, root, key, "", findings) {
                    Some(kind) => {
                        let attrs = probe::attributes(
                            &path,
                            root.get("attributes"),
                            key,
                            "/attributes",
                            findings,
                        );
                        nodes.push(probe::node(
                            path,
                            kind,
                            format,
                            Origin::Consolidated,
                            attrs,
                            || Value::Object(root.clone()),
                            keep_attributes,
                        ));
                    }
                    None => unreadable.push(path),
                }
            }
            for (path, doc) in listing.entries {
                let pointer = format!("{}/{}", listing.base, pointer_token(path.key_prefix()));
                let Value::Object(d) = &doc else {
                    findings.push(Finding::new(
                        Rule::StoreMetadata,
                        &path,
                        key,
                        pointer,
                        format!(
                            "the consolidated entry is a JSON {}; expected a node document object",
                            json_kind(&doc)
                        ),
                        None,
                    ));
                    unreadable.push(path);
                    continue;
                };
                match probe::v3_kind(&path, d, key, &pointer, findings) {
                    Some(kind) => {
                        let attrs = probe::attributes(
                            &path,
                            d.get("attributes"),
                            key,
                            &format!("{pointer}/attributes"),
                            findings,
                        );
                        nodes.push(probe::node(
                            path,
                            kind,
                            format,
                            Origin::Consolidated,
                            attrs,
                            || doc.clone(),
                            keep_attributes,
                        ));
                    }
                    None => unreadable.push(path),
                }
            }
        }
        ZarrFormat::V2 => {
            let key = listing.key.clone();
            // (has .zgroup, has .zarray, its .zattrs)
            let mut by_node: BTreeMap<NodePath, (bool, bool, Option<Value>)> = BTreeMap::new();
            for (k, v) in listing.docs {
                let (prefix, file) = match k.rfind('/') {
                    Some(i) => (&k[..i], &k[i + 1..]),
                    None => ("", k.as_str()),
                };
                let Some(path) = NodePath::from_key_prefix(prefix) else {
                    continue;
                };
                let e = by_node.entry(path).or_default();
                match file {
                    ".zgroup" => e.0 = true,
                    ".zarray" => e.1 = true,
                    _ => e.2 = Some(v),
                }
            }
            let mut root_seen = false;
            for (path, (group, array, attrs)) in by_node {
                let pointer = format!(
                    "{}/{}",
                    listing.base,
                    pointer_token(&join_key(path.key_prefix(), ".zattrs"))
                );
                let kind = match (group, array) {
                    (true, false) => NodeKind::Group,
                    (false, true) => NodeKind::Array,
                    (false, false) => {
                        findings.push(Finding::new(
                            Rule::StoreConsolidated,
                            &path,
                            &key,
                            pointer,
                            "the consolidated metadata has `.zattrs` for a node without `.zgroup` or `.zarray`; expected one of them",
                            None,
                        ));
                        continue;
                    }
                    (true, true) => {
                        findings.push(Finding::new(
                            Rule::StoreLayout,
                            &path,
                            &key,
                            pointer,
                            "the consolidated metadata lists both `.zgroup` and `.zarray` for this node; expected exactly one",
                            None,
                        ));
                        root_seen |= path.is_root();
                        unreadable.push(path);
                        continue;
                    }
                };
                root_seen |= path.is_root();
                let attributes = probe::attributes(&path, attrs.as_ref(), &key, &pointer, findings);
                nodes.push(probe::node(
                    path,
                    kind,
                    format,
                    Origin::Consolidated,
                    attributes,
                    || attrs.clone().unwrap_or_default(),
                    keep_attributes,
                ));
            }
            if !root_seen {
                findings.push(Finding::new(
                    Rule::StoreConsolidated,
                    &NodePath::root(),
                    &key,
                    listing.base.clone(),
                    "the consolidated metadata does not list the root's `.zgroup` or `.zarray`; expected every node, the root included",
                    None,
                ));
            }
        }
    }
    (nodes, unreadable)
}
