//! A store's metadata, loaded into memory: every node with its kind, where
//! its attributes were read from, and the convention's view of them. The
//! store loader builds it; the validator, the link graph and every front end
//! read it. No I/O happens here.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/stores.html>

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::finding::Finding;
use crate::node::NodeKind;
use crate::path::NodePath;
use crate::view::LinksView;

/// The Zarr format of a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ZarrFormat {
    /// Zarr v2: `.zgroup`, `.zarray`, `.zattrs`, optional `.zmetadata`.
    #[serde(rename = "2")]
    V2,
    /// Zarr v3: `zarr.json`, optional inline `consolidated_metadata`.
    #[serde(rename = "3")]
    V3,
}

impl ZarrFormat {
    /// 2 or 3.
    pub fn number(self) -> u8 {
        match self {
            ZarrFormat::V2 => 2,
            ZarrFormat::V3 => 3,
        }
    }
}

/// Which document a node's attributes were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The node's own document: `<path>/zarr.json` (v3) or `<path>/.zattrs` (v2).
    Own,
    /// The store's consolidated metadata: the root `zarr.json` (v3) or
    /// `.zmetadata` (v2).
    Consolidated,
}

/// One node of a store.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The node's absolute path.
    pub path: NodePath,
    /// Group or array.
    pub kind: NodeKind,
    /// The store's format.
    pub format: ZarrFormat,
    /// Where the attributes were read from.
    pub origin: Origin,
    /// The convention's view of the attributes; `None` when they have no
    /// `links:` attribute and do not mention the convention's uuid.
    pub links: Option<Box<LinksView>>,
    /// What is kept of the documents, for the few nodes that need it.
    kept: Option<Box<Kept>>,
}

/// The parts of a node's documents kept in memory (most nodes keep none).
#[derive(Debug, Clone, Default, PartialEq)]
struct Kept {
    document: Option<Value>,
    attributes: Option<Map<String, Value>>,
}

impl Node {
    /// A node with these attributes: the convention's view is read here,
    /// once. The document holding the attributes is kept (from `document`)
    /// only when the view is not schema-clean, so that a validator can run
    /// the schemas on it; the attributes are kept only when
    /// `keep_attributes` asks for them.
    pub fn read(
        path: NodePath,
        kind: NodeKind,
        format: ZarrFormat,
        origin: Origin,
        attributes: Option<&Map<String, Value>>,
        document: impl FnOnce() -> Value,
        keep_attributes: bool,
    ) -> Node {
        let empty = Map::new();
        let attrs = attributes.unwrap_or(&empty);
        let links = LinksView::concerns(attrs).then(|| Box::new(LinksView::read(kind, attrs)));
        let unclean = links.as_ref().is_some_and(|v| !v.schema_clean);
        let keep = keep_attributes && !attrs.is_empty();
        let kept = (unclean || keep).then(|| {
            Box::new(Kept {
                document: unclean.then(document),
                attributes: keep.then(|| attrs.clone()),
            })
        });
        Node {
            path,
            kind,
            format,
            origin,
            links,
            kept,
        }
    }

    /// A node that exists but whose document could not be read: a group
    /// with no attributes (the root's placeholder).
    pub fn placeholder(path: NodePath, format: ZarrFormat) -> Node {
        Node {
            path,
            kind: NodeKind::Group,
            format,
            origin: Origin::Own,
            links: None,
            kept: None,
        }
    }

    /// The document the attributes were read from, kept only when the view
    /// is not [schema-clean](LinksView::schema_clean), so that a validator
    /// can run the JSON Schemas on it: the whole `zarr.json` (v3) or the
    /// `.zattrs` object (v2), or the matching entry of consolidated metadata.
    pub fn document(&self) -> Option<&Value> {
        self.kept.as_ref().and_then(|k| k.document.as_ref())
    }

    /// All attributes, kept only when the loader was asked to keep them
    /// ([`LoadOptions`](../../zarr_links_store/load/struct.LoadOptions.html)).
    pub fn attributes(&self) -> Option<&Map<String, Value>> {
        self.kept.as_ref().and_then(|k| k.attributes.as_ref())
    }

    /// A node of a Zarr v3 store read from its own `zarr.json`, with these
    /// attributes. For tests and for front ends that hold attributes
    /// already (the document kept for the schemas is rebuilt from them).
    pub fn v3(path: &str, kind: NodeKind, attributes: Value) -> Node {
        let path = NodePath::parse(path).expect("a normalised absolute path");
        let attrs = attributes.as_object().cloned().unwrap_or_default();
        Node::read(
            path,
            kind,
            ZarrFormat::V3,
            Origin::Own,
            Some(&attrs),
            || serde_json::json!({"zarr_format": 3, "node_type": kind.as_str(), "attributes": attrs}),
            true,
        )
    }

    /// The store key of the document holding the node's attributes, e.g.
    /// `bands/B04/zarr.json`, `bands/B04/.zattrs` or `.zmetadata`.
    pub fn file(&self) -> String {
        let prefix = self.path.key_prefix();
        let name = match (self.origin, self.format) {
            (Origin::Consolidated, ZarrFormat::V3) => return "zarr.json".to_string(),
            (Origin::Consolidated, ZarrFormat::V2) => return ".zmetadata".to_string(),
            (Origin::Own, ZarrFormat::V3) => "zarr.json",
            (Origin::Own, ZarrFormat::V2) => ".zattrs",
        };
        crate::path::join_key(prefix, name)
    }

    /// The JSON pointer, inside [`Node::file`], of the document that
    /// [`Node::document`] holds: `""` for the node's own document, the
    /// entry's pointer for consolidated metadata.
    pub fn document_pointer(&self) -> String {
        match (self.origin, self.format) {
            (Origin::Own, _) => String::new(),
            (Origin::Consolidated, ZarrFormat::V3) if self.path.is_root() => String::new(),
            (Origin::Consolidated, ZarrFormat::V3) => format!(
                "/consolidated_metadata/metadata/{}",
                pointer_token(self.path.key_prefix())
            ),
            (Origin::Consolidated, ZarrFormat::V2) => format!(
                "/metadata/{}",
                pointer_token(&crate::path::join_key(self.path.key_prefix(), ".zattrs"))
            ),
        }
    }

    /// The JSON pointer, inside [`Node::file`], of a location given relative
    /// to the attributes object, such as `/links:relationships/0/target`.
    pub fn pointer(&self, within_attributes: &str) -> String {
        let attributes = match self.format {
            ZarrFormat::V3 => "/attributes",
            ZarrFormat::V2 => "",
        };
        format!("{}{attributes}{within_attributes}", self.document_pointer())
    }

    /// A finding under `rule` located at `within_attributes` (a pointer
    /// relative to the attributes object).
    pub fn finding(
        &self,
        rule: crate::Rule,
        within_attributes: &str,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Finding {
        Finding::new(
            rule,
            &self.path,
            self.file(),
            self.pointer(within_attributes),
            message,
            hint,
        )
    }
}

/// How much of a store its hierarchy shows.
///
/// Spec: <https://zarr-links.github.io/zarr-links/implementers.html>
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Coverage {
    /// Every node: the store was listed and every metadata document read
    /// (and compared with consolidated metadata, when there is some).
    #[default]
    Complete,
    /// The nodes and attributes of consolidated metadata, trusted: the
    /// per-node documents were not read.
    Consolidated,
    /// The store could not be listed and has no consolidated metadata: the
    /// nodes reached from the root through `links:index` entries, link
    /// targets and their parent groups. Other nodes were not seen.
    Reached,
}

/// All nodes of a store, in path order, with what went wrong reading them.
#[derive(Debug, Clone, PartialEq)]
pub struct Hierarchy {
    /// What the store is, for messages: its path or URL.
    pub store: String,
    /// The store's Zarr format.
    pub format: ZarrFormat,
    /// Whether the nodes came from consolidated metadata.
    pub consolidated: bool,
    /// How much of the store the nodes are.
    pub coverage: Coverage,
    nodes: Vec<Node>,
    /// Nodes that exist (their metadata document is there) but whose kind
    /// could not be read. They are not in the node list; links to them are
    /// neither resolved nor checked, since the problem is already reported.
    pub unreadable: BTreeSet<NodePath>,
    /// Every problem found while reading the store (rules
    /// `links.store.metadata`, `links.store.layout`,
    /// `links.store.consolidated`), in no particular order.
    pub findings: Vec<Finding>,
}

impl Hierarchy {
    /// A hierarchy of these nodes, which are sorted by path. Of several
    /// nodes with the same path, one is kept.
    pub fn new(
        store: String,
        format: ZarrFormat,
        consolidated: bool,
        mut nodes: Vec<Node>,
    ) -> Self {
        nodes.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        nodes.dedup_by(|b, a| a.path == b.path);
        nodes.shrink_to_fit();
        Hierarchy {
            store,
            format,
            consolidated,
            coverage: Coverage::Complete,
            nodes,
            unreadable: BTreeSet::new(),
            findings: Vec::new(),
        }
    }

    /// Every node, in path order. The root `/` comes first when present.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The position of the node at `path` in [`Hierarchy::nodes`].
    pub fn position(&self, path: &str) -> Option<usize> {
        self.nodes
            .binary_search_by(|n| n.path.as_str().cmp(path))
            .ok()
    }

    /// The node at `path`, if there is one.
    pub fn get(&self, path: &NodePath) -> Option<&Node> {
        self.position(path.as_str()).map(|i| &self.nodes[i])
    }

    /// The root group or array, when its document could be read.
    pub fn root(&self) -> Option<&Node> {
        self.nodes.first().filter(|n| n.path.is_root())
    }

    /// Whether any node carries a `links:` attribute.
    pub fn uses_links(&self) -> bool {
        self.views().any(|(_, v)| v.uses_links)
    }

    /// Whether any node uses or declares the convention in any form.
    pub fn convention_used(&self) -> bool {
        self.views().any(|(_, v)| v.mentions_convention())
    }

    /// Every node that has a view, with it.
    pub fn views(&self) -> impl Iterator<Item = (&Node, &LinksView)> {
        self.nodes
            .iter()
            .filter_map(|n| n.links.as_deref().map(|v| (n, v)))
    }
}

/// Escapes one JSON pointer token (RFC 6901): `~` becomes `~0`, `/` becomes `~1`.
pub fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}
