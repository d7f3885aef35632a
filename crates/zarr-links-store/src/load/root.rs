//! The first steps of loading: the root's documents, which say the store's
//! Zarr format, whether it has consolidated metadata, and where the walk
//! starts.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/stores.html>

use serde_json::Value;
use zarr_links_model::{NodeKind, NodePath, Origin, ZarrFormat};

use super::agreement::Agreement;
use super::consolidated;
use super::machine::{both_group_and_array, Loader, Purpose, Stage};
use super::probe::{self, Read};

impl Loader {
    pub(super) fn root_v3(&mut self, read: Read) {
        let root = NodePath::root();
        match read {
            Read::Absent => {}
            Read::Broken => {
                self.format = Some(ZarrFormat::V3);
                self.unreadable.insert(root);
            }
            Read::Object(doc) => {
                self.format = Some(ZarrFormat::V3);
                let mut findings = Vec::new();
                let kind = probe::v3_kind(&root, &doc, "zarr.json", "", &mut findings);
                self.root_kind = kind;
                match kind {
                    Some(kind) => {
                        let attrs = probe::attributes(
                            &root,
                            doc.get("attributes"),
                            "zarr.json",
                            "/attributes",
                            &mut findings,
                        );
                        self.nodes.push(probe::node(
                            root.clone(),
                            kind,
                            ZarrFormat::V3,
                            Origin::Own,
                            attrs,
                            || Value::Object(doc.clone()),
                            self.options.keep_attributes,
                        ));
                    }
                    None => {
                        self.unreadable.insert(root.clone());
                    }
                }
                self.findings.extend(findings);
                let mut findings = Vec::new();
                if let Some(listing) = consolidated::v3(&root, &doc, &mut findings) {
                    let mut a = Agreement::new(listing, ZarrFormat::V3);
                    a.node(&root, kind.is_some());
                    a.document("zarr.json", &doc);
                    self.agreement = Some(a);
                }
                self.findings.extend(findings);
                self.root_document = Some(doc);
            }
        }
    }

    pub(super) fn root_v2_kind(&mut self) {
        let root = NodePath::root();
        let (group, array) = (
            self.root_v2.group.as_ref().is_some_and(Read::present),
            self.root_v2.array.as_ref().is_some_and(Read::present),
        );
        let kind = match (group, array) {
            (false, false) => {
                self.no_metadata = true;
                self.stage = Stage::Done;
                return;
            }
            (true, false) => Some(NodeKind::Group),
            (false, true) => Some(NodeKind::Array),
            (true, true) => {
                self.findings.push(both_group_and_array(&root, ".zarray"));
                None
            }
        };
        self.format = Some(ZarrFormat::V2);
        self.root_kind = kind;
        if kind.is_none() {
            self.unreadable.insert(root.clone());
        } else {
            self.ask(Purpose::RootV2Attributes, ".zattrs");
        }
        if !self.zmetadata_asked {
            self.ask(Purpose::RootV2Consolidated, ".zmetadata");
        }
        self.stage = Stage::RootV2Attributes;
    }

    /// Compares the root's v2 documents with the consolidated listing.
    pub(super) fn compare_root_v2(&mut self) {
        let root = NodePath::root();
        let group = self.root_v2.group.take();
        let array = self.root_v2.array.take();
        let attributes = self.root_zattrs.take();
        let Some(a) = self.agreement.as_mut() else {
            return;
        };
        a.node(&root, self.root_kind.is_some());
        for (key, read) in [
            (".zgroup", group),
            (".zarray", array),
            (".zattrs", attributes),
        ] {
            match read {
                Some(Read::Object(doc)) => a.document(key, &doc),
                Some(Read::Broken) => a.broken(key),
                _ => {}
            }
        }
    }

    /// After the root: takes the nodes from consolidated metadata when it
    /// is trusted, else walks the tree from the root (listing each group),
    /// or, when the store cannot be listed, discovers the nodes the root
    /// leads to.
    pub(super) fn walk_root(&mut self) {
        let root = NodePath::root();
        if self.agreement.is_some() && !(self.options.verify_consolidated && self.options.listing) {
            self.trusted = true;
            self.stage = Stage::Done;
            return;
        }
        if !self.options.listing {
            self.discovered.insert(root);
            self.discover();
            return;
        }
        if self.root_kind == Some(NodeKind::Group) || self.unreadable.contains(&root) {
            self.level.push(root);
        }
        self.start_listing();
    }
}
