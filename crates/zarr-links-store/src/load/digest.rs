//! The parallel step of loading: each answer is parsed and interpreted for
//! the purpose it was asked for ([`digest`], on any thread), then folded
//! into the loader's state ([`Loader::integrate`], in order).
//!
//! Spec: <https://zarr-links.github.io/zarr-links/stores.html>

use serde_json::Value;
use zarr_links_model::document::{read_parts, Wanted};
use zarr_links_model::{Finding, Node, NodeKind, NodePath, Origin, ZarrFormat};

use super::agreement::{Agreement, Compared};
use super::consolidated::{self, Listing};
use super::machine::{Loader, Purpose, Seen};
use super::probe::{self, Read};
use super::Answer;
use crate::{DirEntry, StoreError};

/// What the parallel step needs to know.
pub(super) struct Ctx<'a> {
    pub(super) format: Option<ZarrFormat>,
    pub(super) keep_attributes: bool,
    /// The consolidated listing that per-node documents are compared with.
    pub(super) agreement: Option<&'a Agreement>,
    /// Whether groups' own consolidated metadata is read (to compare it
    /// with their subtrees).
    pub(super) nested: bool,
}

impl Ctx<'_> {
    pub(super) fn compare(&self, key: &str, read: &Read) -> Option<Compared> {
        match (self.agreement, read) {
            (Some(a), Read::Object(doc)) => Some(a.compare(key, doc)),
            _ => None,
        }
    }
}

/// A node document, interpreted.
#[derive(Debug)]
pub(super) enum Built {
    Node(Node),
    /// A node whose kind could not be read.
    Unknown(NodePath),
    /// Not a node: no document.
    NotANode(NodePath),
}

#[derive(Debug)]
pub(super) enum Outcome {
    RootV3(Read),
    RootV2Kind(String, Read),
    RootV2Attributes(Read),
    RootV2Consolidated(Read),
    Listed(NodePath, Result<Vec<DirEntry>, StoreError>),
    NodeV3 {
        key: String,
        seen: Seen,
        compared: Option<Compared>,
        built: Built,
        /// The group's own consolidated metadata.
        nested: Option<Listing>,
    },
    /// A v2 group's own `.zmetadata`, read.
    NestedV2(Option<Listing>),
    /// A document read again for nested consolidated metadata.
    Recheck {
        path: NodePath,
        key: String,
        read: Read,
    },
    NodeV2Kind {
        path: NodePath,
        key: String,
        seen: Seen,
        compared: Option<Compared>,
    },
    NodeV2Attributes {
        key: String,
        seen: Seen,
        compared: Option<Compared>,
        node: Option<Node>,
    },
}

#[derive(Debug)]
pub(super) struct Digest {
    pub(super) outcome: Outcome,
    pub(super) findings: Vec<Finding>,
}

/// Parses one answer and interprets it for its purpose. Pure: runs on any
/// thread.
pub(super) fn digest(ctx: &Ctx, purpose: Purpose, answer: Answer) -> Digest {
    let mut findings = Vec::new();
    let root = NodePath::root();
    let (key, result) = match answer {
        Answer::Listed { result, .. } => {
            let Purpose::List(group) = purpose else {
                unreachable!("a listing is asked for with Purpose::List")
            };
            return Digest {
                outcome: Outcome::Listed(group, result),
                findings,
            };
        }
        Answer::Got { key, result } => (key, result),
    };
    let outcome = match purpose {
        Purpose::RootV3 => Outcome::RootV3(probe::read(&root, &key, result, &mut findings)),
        Purpose::RootV2Kind => {
            let read = probe::read(&root, &key, result, &mut findings);
            Outcome::RootV2Kind(key, read)
        }
        Purpose::RootV2Attributes => {
            Outcome::RootV2Attributes(probe::read(&root, &key, result, &mut findings))
        }
        Purpose::RootV2Consolidated => {
            Outcome::RootV2Consolidated(probe::read(&root, &key, result, &mut findings))
        }
        Purpose::NodeV3(path) => {
            // The fast path: only the members the convention reads, unless
            // the whole document is compared with consolidated metadata.
            if let (Ok(Some(bytes)), None) = (&result, ctx.agreement) {
                if let Some(parts) = read_parts(bytes, Wanted::NodeV3, ctx.keep_attributes) {
                    let nested = parts.consolidated.as_ref().and_then(|c| {
                        nested_v3(ctx, &path, parts.node_type.as_ref(), c, &mut findings)
                    });
                    let built = match probe::kind_of(
                        &path,
                        parts.node_type.as_ref(),
                        parts.zarr_format.as_ref(),
                        &key,
                        "",
                        &mut findings,
                    ) {
                        None => Built::Unknown(path),
                        Some(kind) => Built::Node(probe::node(
                            path,
                            kind,
                            ZarrFormat::V3,
                            Origin::Own,
                            parts.attributes.as_ref(),
                            || probe::whole(bytes),
                            ctx.keep_attributes,
                        )),
                    };
                    return Digest {
                        outcome: Outcome::NodeV3 {
                            key,
                            seen: Seen::Present,
                            compared: None,
                            built,
                            nested,
                        },
                        findings,
                    };
                }
            }
            let read = probe::read(&path, &key, result, &mut findings);
            let compared = ctx.compare(&key, &read);
            let nested = match &read {
                Read::Object(doc) => doc
                    .get("consolidated_metadata")
                    .filter(|c| !c.is_null())
                    .and_then(|c| nested_v3(ctx, &path, doc.get("node_type"), c, &mut findings)),
                _ => None,
            };
            let built = match &read {
                Read::Absent => Built::NotANode(path),
                Read::Broken => Built::Unknown(path),
                Read::Object(doc) => match probe::v3_kind(&path, doc, &key, "", &mut findings) {
                    None => Built::Unknown(path),
                    Some(kind) => {
                        let attrs = probe::attributes(
                            &path,
                            doc.get("attributes"),
                            &key,
                            "/attributes",
                            &mut findings,
                        );
                        Built::Node(probe::node(
                            path,
                            kind,
                            ZarrFormat::V3,
                            Origin::Own,
                            attrs,
                            || Value::Object(doc.clone()),
                            ctx.keep_attributes,
                        ))
                    }
                },
            };
            Outcome::NodeV3 {
                seen: Seen::of(&read),
                key,
                compared,
                built,
                nested,
            }
        }
        Purpose::NestedV2(group) => {
            let read = probe::read(&group, &key, result, &mut findings);
            Outcome::NestedV2(match read {
                Read::Object(doc) => consolidated::v2(&group, &doc, &mut findings),
                _ => None,
            })
        }
        Purpose::Recheck(path) => {
            // Problems of the document were reported when it was first read.
            let read = probe::read(&path, &key, result, &mut Vec::new());
            Outcome::Recheck { path, key, read }
        }
        Purpose::NodeV2Kind(path) => {
            if let (Ok(Some(bytes)), None) = (&result, ctx.agreement) {
                if read_parts(bytes, Wanted::Nothing, false).is_some() {
                    return Digest {
                        outcome: Outcome::NodeV2Kind {
                            compared: None,
                            seen: Seen::Present,
                            path,
                            key,
                        },
                        findings,
                    };
                }
            }
            let read = probe::read(&path, &key, result, &mut findings);
            Outcome::NodeV2Kind {
                compared: ctx.compare(&key, &read),
                seen: Seen::of(&read),
                path,
                key,
            }
        }
        Purpose::NodeV2Attributes(path, kind) => {
            let format = ctx.format.unwrap_or(ZarrFormat::V2);
            if let (Ok(Some(bytes)), None) = (&result, ctx.agreement) {
                if let Some(parts) = read_parts(bytes, Wanted::AttributesV2, ctx.keep_attributes) {
                    let node = kind.map(|kind| {
                        probe::node(
                            path,
                            kind,
                            format,
                            Origin::Own,
                            parts.attributes.as_ref(),
                            || probe::whole(bytes),
                            ctx.keep_attributes,
                        )
                    });
                    return Digest {
                        outcome: Outcome::NodeV2Attributes {
                            compared: None,
                            seen: Seen::Present,
                            key,
                            node,
                        },
                        findings,
                    };
                }
            }
            let read = probe::read(&path, &key, result, &mut findings);
            let node = kind.map(|kind| {
                let attrs = match &read {
                    Read::Object(m) => Some(m),
                    _ => None,
                };
                probe::node(
                    path,
                    kind,
                    format,
                    Origin::Own,
                    attrs,
                    || Value::Object(attrs.cloned().unwrap_or_default()),
                    ctx.keep_attributes,
                )
            });
            Outcome::NodeV2Attributes {
                compared: ctx.compare(&key, &read),
                seen: Seen::of(&read),
                key,
                node,
            }
        }
        Purpose::List(_) => unreachable!("a Get is never asked for with Purpose::List"),
    };
    Digest { outcome, findings }
}

impl Loader {
    pub(super) fn integrate(&mut self, d: Digest) {
        self.findings.extend(d.findings);
        match d.outcome {
            Outcome::RootV3(read) => self.root_v3(read),
            Outcome::RootV2Kind(key, read) => {
                if key == ".zgroup" {
                    self.root_v2.group = Some(read);
                } else {
                    self.root_v2.array = Some(read);
                }
            }
            Outcome::RootV2Attributes(read) => {
                let root = NodePath::root();
                let kind = self.root_kind.expect("asked for a root of known kind");
                let attrs = match &read {
                    Read::Object(m) => Some(m),
                    _ => None,
                };
                self.nodes.push(probe::node(
                    root,
                    kind,
                    ZarrFormat::V2,
                    Origin::Own,
                    attrs,
                    || Value::Object(attrs.cloned().unwrap_or_default()),
                    self.options.keep_attributes,
                ));
                self.root_zattrs = Some(read);
            }
            Outcome::RootV2Consolidated(read) => {
                if let Read::Object(doc) = read {
                    let mut findings = Vec::new();
                    if let Some(listing) = consolidated::v2(&NodePath::root(), &doc, &mut findings)
                    {
                        self.agreement = Some(Agreement::new(listing, ZarrFormat::V2));
                    }
                    self.findings.extend(findings);
                }
            }
            Outcome::Listed(group, result) => self.listed(group, result),
            Outcome::NestedV2(listing) => {
                if let Some(listing) = listing {
                    self.nested.push(Agreement::new(listing, ZarrFormat::V2));
                }
            }
            Outcome::Recheck { path, key, read } => self.recheck(&path, &key, read),
            Outcome::NodeV3 {
                key,
                seen,
                compared,
                built,
                nested,
            } => {
                if let Some(listing) = nested {
                    self.nested.push(Agreement::new(listing, ZarrFormat::V3));
                }
                let path = match &built {
                    Built::Node(n) => n.path.clone(),
                    Built::Unknown(p) | Built::NotANode(p) => p.clone(),
                };
                if let Some(a) = self.agreement.as_mut() {
                    if seen != Seen::Absent {
                        a.node(&path, !matches!(built, Built::Unknown(_)));
                    }
                    if seen == Seen::Broken {
                        a.broken(&key);
                    }
                    if let Some(c) = compared {
                        a.record(&key, c);
                    }
                }
                match built {
                    Built::Node(node) => {
                        if node.kind == NodeKind::Group {
                            self.level.push(node.path.clone());
                        }
                        self.nodes.push(node);
                    }
                    Built::Unknown(p) => {
                        self.level.push(p.clone());
                        self.unreadable.insert(p);
                    }
                    Built::NotANode(p) => {
                        // Not a node: listed all the same, for nodes below
                        // it whose parent chain is broken.
                        if self.options.listing {
                            self.level.push(p);
                        }
                    }
                }
            }
            Outcome::NodeV2Kind {
                path,
                key,
                seen,
                compared,
            } => {
                let k = self.v2_kinds.entry(path).or_default();
                if key.ends_with(".zgroup") {
                    k.group = Some(seen);
                } else {
                    k.array = Some(seen);
                }
                if let Some(c) = compared {
                    k.compared.push((key, c));
                }
            }
            Outcome::NodeV2Attributes {
                key,
                seen,
                compared,
                node,
            } => {
                if let Some(a) = self.agreement.as_mut() {
                    if seen == Seen::Broken {
                        a.broken(&key);
                    }
                    if let Some(c) = compared {
                        a.record(&key, c);
                    }
                }
                if let Some(node) = node {
                    self.nodes.push(node);
                }
            }
        }
    }
}

/// A v3 group's own consolidated metadata, when nested listings are read.
fn nested_v3(
    ctx: &Ctx,
    path: &NodePath,
    node_type: Option<&Value>,
    consolidated_metadata: &Value,
    findings: &mut Vec<Finding>,
) -> Option<Listing> {
    if !ctx.nested || path.is_root() || node_type.and_then(Value::as_str) != Some("group") {
        return None;
    }
    let mut doc = serde_json::Map::new();
    doc.insert(
        "consolidated_metadata".to_string(),
        consolidated_metadata.clone(),
    );
    consolidated::v3(path, &doc, findings)
}
