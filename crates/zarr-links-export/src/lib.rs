//! Crosswalks of the GeoZarr Linked Datasets convention to STAC and to Atom
//! with the link attributes of ESIP DCP-8: the mapping as data and pure
//! functions, with no I/O, so that every front end (the `zarr-links export`
//! command, later the WebAssembly page) writes the same records.
//!
//! - [`crosswalk`]: how each relationship type becomes a STAC link, a STAC
//!   asset role or an Atom `rel`; the book's crosswalk tables are generated
//!   from it (`cargo xtask book`).
//! - [`dcp8`]: DCP-8's table of standard links, written as link objects of
//!   this convention, with a comment on every value that differs.
//! - [`stac`]: the STAC `assets` and `links` of a store, or a whole Item.
//! - [`atom`]: an Atom feed with one entry per node that has links.
//! - [`href`]: the base URL of a store and the URLs of its nodes.
//! - [`time`]: RFC 3339 timestamps, checked and normalised to UTC.
//! - [`geo`]: a WGS 84 bounding box from the `proj:` and `spatial:`
//!   conventions.
//!
//! Both exporters read the store's links once, through
//! [`declared_links`], and never drop one silently: what a target
//! vocabulary cannot say is kept and explained in a [`Note`] inside the
//! output.
//!
//! Specification: <https://zarr-links.github.io/zarr-links/interoperability.html>

pub mod atom;
pub mod crosswalk;
pub mod dcp8;
pub mod geo;
pub mod href;
pub mod stac;
pub mod time;
mod xml;

use std::collections::BTreeSet;

use zarr_links_model::view::{Detail, LinkEntry};
use zarr_links_model::{Hierarchy, LinksView, Node, ZarrFormat};

/// Where a link's target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// A node of the same store: an absolute path such as `/bands/b04`.
    InStore,
    /// Outside the store: an absolute URI, including a node of another Zarr
    /// store (`s3://bucket/l1c.zarr#/bands/b04`).
    External,
}

impl Side {
    /// `in-store` or `external`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::InStore => "in-store",
            Side::External => "external",
        }
    }
}

/// One link the store declares, as the exporters read it.
#[derive(Debug, Clone, Copy)]
pub struct Declared<'h> {
    /// The node whose `links:relationships` holds the link.
    pub node: &'h Node,
    /// The link entry (position, target, type).
    pub entry: &'h LinkEntry,
    view: &'h LinksView,
}

impl<'h> Declared<'h> {
    /// Whether the target is a node of this store or outside it.
    pub fn side(&self) -> Side {
        if self.entry.target.in_store().is_some() {
            Side::InStore
        } else {
            Side::External
        }
    }

    /// An optional member of the link (`title`, `media_type`, ...), when it
    /// is a string.
    pub fn detail(&self, which: Detail) -> Option<&'h str> {
        self.view.detail(self.entry.position, which)
    }

    /// The text a link element without a description member shows: the
    /// link's `title`, else its `description`.
    pub fn label(&self) -> Option<&'h str> {
        self.detail(Detail::Title)
            .or_else(|| self.detail(Detail::Description))
    }
}

/// Every link the store declares that can be read, node by node in path
/// order, each node's links in the order written. A link that repeats the
/// target and type of an earlier link of its node is not repeated here
/// ([`reading_notes`] says so).
pub fn declared_links(hierarchy: &Hierarchy) -> impl Iterator<Item = Declared<'_>> {
    hierarchy.views().flat_map(|(node, view)| {
        view.links
            .iter()
            .map(move |entry| Declared { node, entry, view })
    })
}

/// Something the output could not say in its own vocabulary, or that the
/// exporter left out or changed, with where it comes from. Every output
/// carries its notes: STAC in `zarr_links:notes`, Atom in `zl:note`
/// elements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The node the note is about (`/` for the store as a whole).
    pub node: String,
    /// The position of the link in the node's `links:relationships`, when
    /// the note is about one link.
    pub link: Option<u32>,
    /// What happened, for people.
    pub text: String,
}

impl Note {
    /// A note about one link.
    pub fn link(d: &Declared<'_>, text: impl Into<String>) -> Note {
        Note {
            node: d.node.path.as_str().to_string(),
            link: Some(d.entry.position),
            text: text.into(),
        }
    }
}

/// Notes on what the store holds but neither exporter writes: link entries
/// that cannot be read (the validator reports them) and links that repeat
/// an earlier link of their node.
pub fn reading_notes(hierarchy: &Hierarchy) -> Vec<Note> {
    let mut notes = Vec::new();
    for (node, view) in hierarchy.views() {
        for s in view.skipped() {
            let link = s
                .pointer
                .strip_prefix("/links:relationships/")
                .and_then(|p| p.parse().ok());
            notes.push(Note {
                node: node.path.as_str().to_string(),
                link,
                text: format!(
                    "the entry at {} is not exported: {} (`zarr-links validate` reports it)",
                    s.pointer, s.reason
                ),
            });
        }
        for (dup, first) in view.duplicates() {
            notes.push(Note {
                node: node.path.as_str().to_string(),
                link: Some(dup.position),
                text: format!(
                    "repeats the target and type of link {first} of the node; exported once"
                ),
            });
        }
    }
    notes
}

/// The nodes a record describes, by position in [`Hierarchy::nodes`]: the
/// nodes that declare a link, the in-store targets that exist, the entries
/// of every `links:index`, and the root whenever any other node is
/// described. Empty for a store without links or index.
pub fn described_nodes(hierarchy: &Hierarchy) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    for (node, view) in hierarchy.views() {
        if !view.links.is_empty() {
            out.extend(hierarchy.position(node.path.as_str()));
        }
        for entry in view.links.iter() {
            if let Some(path) = entry.target.in_store() {
                out.extend(hierarchy.position(path));
            }
        }
        for category in view.index.iter().flatten() {
            for (_, path) in &category.entries {
                out.extend(hierarchy.position(path.as_str()));
            }
        }
    }
    if !out.is_empty() {
        out.extend(hierarchy.position("/"));
    }
    out
}

/// The media type of a Zarr store or node of this format, as the STAC
/// best practices for Zarr write it: `application/vnd.zarr; version=3`.
pub fn zarr_media_type(format: ZarrFormat) -> String {
    format!("application/vnd.zarr; version={}", format.number())
}
