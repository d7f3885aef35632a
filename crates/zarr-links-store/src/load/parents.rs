//! The parent chain of every node (`links.store.parent`): what is a node
//! once the documents are read.
//!
//! - A document below an array is not a node: the keys below an array are
//!   the array's own (its chunks), so the node is dropped. When consolidated
//!   metadata lists one, that is reported; a walk never finds one, because
//!   it never lists an array.
//! - A node whose parent directory holds no node metadata (an "orphan") is
//!   kept, so that its links are checked and targets naming it resolve, and
//!   it is reported.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/stores.html#the-node-tree>

use std::collections::{BTreeSet, HashMap};

use zarr_links_model::hierarchy::pointer_token;
use zarr_links_model::path::join_key;
use zarr_links_model::{Finding, Node, NodeKind, NodePath, Origin, Rule, ZarrFormat};

/// Checks the parent chain of every node; returns the nodes that are nodes.
pub(super) fn check(
    nodes: Vec<Node>,
    unreadable: &BTreeSet<NodePath>,
    format: ZarrFormat,
    findings: &mut Vec<Finding>,
) -> Vec<Node> {
    let kinds: HashMap<&str, NodeKind> = nodes.iter().map(|n| (n.path.as_str(), n.kind)).collect();
    let mut keep = vec![true; nodes.len()];
    let mut found = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        let mut ancestors = std::iter::successors(node.path.parent(), NodePath::parent);
        if let Some(array) = ancestors
            .clone()
            .find(|a| kinds.get(a.as_str()) == Some(&NodeKind::Array))
        {
            keep[i] = false;
            if node.origin == Origin::Consolidated {
                let (file, pointer) = location(node, format);
                found.push(Finding::new(
                    Rule::StoreParent,
                    &node.path,
                    file,
                    pointer,
                    format!(
                        "the consolidated metadata lists {} below the array {array}; the keys below an array are the array's chunks, not nodes, so it was ignored",
                        node.path
                    ),
                    Some("remove the entry, or move the node out of the array and regenerate the consolidated metadata".to_string()),
                ));
            }
            continue;
        }
        let Some(parent) = ancestors.next() else {
            continue;
        };
        if kinds.contains_key(parent.as_str()) || unreadable.contains(&parent) {
            continue;
        }
        let (file, pointer) = location(node, format);
        let document = match format {
            ZarrFormat::V3 => join_key(parent.key_prefix(), "zarr.json"),
            ZarrFormat::V2 => join_key(parent.key_prefix(), ".zgroup"),
        };
        found.push(Finding::new(
            Rule::StoreParent,
            &node.path,
            file,
            pointer,
            format!(
                "the node {} has no parent group: {parent} holds no Zarr metadata; expected every key prefix between the root and a node to be a group",
                node.path
            ),
            Some(format!("add the group document `{document}`, or move the node")),
        ));
    }
    findings.extend(found);
    nodes
        .into_iter()
        .zip(keep)
        .filter_map(|(n, k)| k.then_some(n))
        .collect()
}

/// Where a node's metadata is: its own document, or its consolidated entry.
fn location(node: &Node, format: ZarrFormat) -> (String, String) {
    let prefix = node.path.key_prefix();
    let kind_file = match node.kind {
        NodeKind::Group => ".zgroup",
        NodeKind::Array => ".zarray",
    };
    match (node.origin, format) {
        (Origin::Own, ZarrFormat::V3) => (join_key(prefix, "zarr.json"), String::new()),
        (Origin::Own, ZarrFormat::V2) => (join_key(prefix, kind_file), String::new()),
        (Origin::Consolidated, ZarrFormat::V3) => (
            "zarr.json".to_string(),
            format!("/consolidated_metadata/metadata/{}", pointer_token(prefix)),
        ),
        (Origin::Consolidated, ZarrFormat::V2) => (
            ".zmetadata".to_string(),
            format!("/metadata/{}", pointer_token(&join_key(prefix, kind_file))),
        ),
    }
}
