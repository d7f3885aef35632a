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
    /// The document holding the listing: `zarr.json` or `.zmetadata`.
    pub key: String,
    /// The JSON pointer of the `metadata` object in it.
    pub base: String,
    /// The listed documents by the store key of the per-node document they
    /// copy: `zarr.json` and `<path>/zarr.json` in v3; `.zgroup`,
    /// `<path>/.zarray`, `<path>/.zattrs`, ... in v2.
    pub docs: BTreeMap<String, Value>,
    /// v3: the entries as written, by node (the root's own document is not
    /// an entry).
    entries: Vec<(NodePath, Value)>,
    /// Problems of the listing itself.
    pub findings: Vec<Finding>,
}

impl Listing {
    fn new(key: &str, base: &str) -> Listing {
        Listing {
            key: key.to_string(),
            base: base.to_string(),
            docs: BTreeMap::new(),
            entries: Vec::new(),
            findings: Vec::new(),
        }
    }
}

/// The listing of a v3 root document, if it has `consolidated_metadata`.
/// Problems with its shape are reported in `findings` and give no listing
/// (the per-node documents are then read instead).
pub(crate) fn v3(root: &Map<String, Value>, findings: &mut Vec<Finding>) -> Option<Listing> {
    let key = "zarr.json";
    let problem = |pointer: &str, message: String| {
        Finding::new(
            Rule::StoreConsolidated,
            &NodePath::root(),
            key,
            pointer,
            message,
            None,
        )
    };
    let metadata = match root.get("consolidated_metadata")? {
        Value::Null => return None,
        Value::Object(o) => match o.get("metadata") {
            Some(Value::Object(m)) => m,
            other => {
                findings.push(problem(
                    "/consolidated_metadata/metadata",
                    format!(
                        "found {}; expected the consolidated `metadata` object (the per-node documents were read instead)",
                        other.map_or("nothing", json_kind)
                    ),
                ));
                return None;
            }
        },
        other => {
            findings.push(problem(
                "/consolidated_metadata",
                format!(
                    "`consolidated_metadata` is a JSON {}; expected an object (the per-node documents were read instead)",
                    json_kind(other)
                ),
            ));
            return None;
        }
    };
    let base = "/consolidated_metadata/metadata";
    let mut listing = Listing::new(key, base);
    let mut own = root.clone();
    own.remove("consolidated_metadata");
    listing.docs.insert(key.to_string(), Value::Object(own));
    for (child, doc) in metadata {
        let pointer = format!("{base}/{}", pointer_token(child));
        // The same key rules as v2 (`crate::key_problem`): no leading or
        // trailing `/`, no empty, `.` or `..` segment, no backslash or NUL.
        let Some(path) =
            NodePath::from_key_prefix(child).filter(|p| !p.is_root() && crate::valid_key(child))
        else {
            listing.findings.push(Finding::new(
                Rule::StoreLayout,
                &NodePath::root(),
                key,
                pointer,
                format!(
                    "the consolidated metadata lists the node {child:?}; expected a path relative to the root without empty, `.` or `..` segments ({}; it was ignored)",
                    crate::key_problem(child).unwrap_or("it names the root")
                ),
                None,
            ));
            continue;
        };
        if doc.is_object() {
            listing
                .docs
                .insert(join_key(path.key_prefix(), "zarr.json"), doc.clone());
        }
        listing.entries.push((path, doc.clone()));
    }
    Some(listing)
}

/// The listing of a parsed v2 `.zmetadata` document. A `metadata` member
/// that is not an object is reported and gives no listing.
pub(crate) fn v2(doc: &Map<String, Value>, findings: &mut Vec<Finding>) -> Option<Listing> {
    let key = ".zmetadata";
    let metadata = match doc.get("metadata") {
        Some(Value::Object(m)) => m,
        other => {
            findings.push(Finding::new(
                Rule::StoreConsolidated,
                &NodePath::root(),
                key,
                "/metadata",
                format!(
                    "found {}; expected the consolidated `metadata` object (the per-node documents were read instead)",
                    other.map_or("nothing", json_kind)
                ),
                None,
            ));
            return None;
        }
    };
    let base = "/metadata";
    let mut listing = Listing::new(key, base);
    for (k, v) in metadata {
        let (prefix, file) = match k.rfind('/') {
            Some(i) => (&k[..i], &k[i + 1..]),
            None => ("", k.as_str()),
        };
        if !matches!(file, ".zgroup" | ".zarray" | ".zattrs") {
            continue;
        }
        if NodePath::from_key_prefix(prefix)
            .filter(|_| crate::valid_key(prefix))
            .is_none()
        {
            listing.findings.push(Finding::new(
                Rule::StoreLayout,
                &NodePath::root(),
                key,
                format!("{base}/{}", pointer_token(k)),
                format!(
                    "the consolidated metadata lists the key {k:?}; expected a key relative to the root without empty, `.` or `..` segments ({}; it was ignored)",
                    crate::key_problem(prefix).unwrap_or("it is not a node path")
                ),
                None,
            ));
            continue;
        }
        listing.docs.insert(k.clone(), v.clone());
    }
    Some(listing)
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
    findings.extend(listing.findings);
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
