//! The convention's attributes of one node, read once into a typed view.
//!
//! [`LinksView::read`] is the one place in the code that reads
//! `zarr_conventions` (for this convention's declaration),
//! `links:relationships` and `links:index` from a node's attributes. The
//! loader calls it once per node document; the validator, the link graph,
//! the index writer and every front end read the resulting view and never
//! walk the raw JSON again.
//!
//! The view keeps what can be read and lists what cannot
//! ([`LinksView::skipped`]), so a reader can navigate a store with errors.
//! It also says whether the JSON Schemas certainly accept the attributes
//! ([`LinksView::schema_clean`]): when they do, a validator need not run the
//! schema engine on the node at all.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/relationships.html>

use serde_json::{Map, Value};

use crate::attributes::{RELATIONSHIPS, ZARR_CONVENTIONS};
use crate::convention::{CONVENTION_UUID, PREFIX};
use crate::hierarchy::pointer_token;
use crate::path::{NodePath, Target};
use crate::relation::RelationType;

/// This convention's declaration in a node's `zarr_conventions`, as written.
///
/// Spec: <https://zarr-links.github.io/zarr-links/declaration.html>
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declaration {
    /// The position of the first Convention Metadata Object that carries the
    /// convention's uuid.
    pub cmo: Option<u32>,
    /// The position of the convention's uuid written as a bare string (the
    /// legacy form), if any.
    pub legacy: Option<u32>,
}

/// One readable entry of `links:relationships`.
///
/// Spec: <https://zarr-links.github.io/zarr-links/relationships.html>
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkEntry {
    /// The entry's position in `links:relationships`.
    pub position: u32,
    /// The parsed target.
    pub target: Target,
    /// The parsed relationship type.
    pub relation: RelationType,
}

/// An optional member of a link.
///
/// Spec: <https://zarr-links.github.io/zarr-links/relationships.html#the-link-object>
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Detail {
    /// `description`: what the link means, for people.
    Description,
    /// `title`: a short title for display (DCP-8 `title`).
    Title,
    /// `media_type`: the target's media type (DCP-8 `type`).
    MediaType,
    /// `role`: the specific purpose (DCP-8 `xlink:role`).
    Role,
    /// `protocol`: the service protocol (DCP-8 `xlink:arcrole`).
    Protocol,
}

impl Detail {
    /// Every optional member, in the specification's order.
    pub const ALL: [Detail; 5] = [
        Detail::Description,
        Detail::Title,
        Detail::MediaType,
        Detail::Role,
        Detail::Protocol,
    ];

    /// The member's name in the link object.
    pub fn as_str(self) -> &'static str {
        match self {
            Detail::Description => "description",
            Detail::Title => "title",
            Detail::MediaType => "media_type",
            Detail::Role => "role",
            Detail::Protocol => "protocol",
        }
    }
}

impl LinkEntry {
    /// The JSON pointer of this entry inside the node's attributes, such as
    /// `/links:relationships/2`.
    pub fn pointer(&self) -> String {
        link_pointer(self.position)
    }

    /// The target as written.
    pub fn target_str(&self) -> &str {
        self.target.as_str()
    }
}

/// The JSON pointer of entry `position` of `links:relationships`.
pub fn link_pointer(position: u32) -> String {
    format!("/{}/{position}", pointer_token(RELATIONSHIPS))
}

/// One category of a `links:index`, with its readable entries.
///
/// Spec: <https://zarr-links.github.io/zarr-links/discovery.html>
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// The category name, e.g. `bands`.
    pub name: String,
    /// The entries that are normalised in-store paths, with their positions,
    /// in the order written (repeats included).
    pub entries: Vec<(u32, NodePath)>,
}

/// A `links:` entry the view could not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The JSON pointer of the entry inside the node's attributes, such as
    /// `/links:relationships/2`.
    pub pointer: String,
    /// Why it was left out.
    pub reason: String,
}

/// The unusual parts of a node's attributes, kept apart so that the common
/// view stays small.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Issues {
    pub(crate) odd_names: Vec<(u32, String)>,
    pub(crate) unknown_attributes: Vec<String>,
    pub(crate) unknown_members: Vec<(u32, String)>,
    pub(crate) duplicates: Vec<(LinkEntry, u32)>,
    pub(crate) type_case: Vec<(u32, String)>,
    pub(crate) skipped: Vec<Skipped>,
}

/// The convention's attributes of one node. See the [module documentation](self).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinksView {
    /// Whether the node carries any `links:` attribute.
    pub uses_links: bool,
    /// This convention's declaration (the names of its objects are in
    /// [`LinksView::odd_names`]).
    pub declaration: Declaration,
    /// The readable entries of `links:relationships`, in order, each
    /// (target, type) pair once: an entry that repeats an earlier one is in
    /// [`LinksView::duplicates`] instead.
    pub links: Box<[LinkEntry]>,
    /// The optional members of the links, as (link position, member, value
    /// as written), by position.
    pub(crate) details: Box<[(u32, Detail, Box<str>)]>,
    /// Whether the node has a `links:index` attribute (of any value).
    pub has_index: bool,
    /// The readable categories of `links:index`, in order; `None` when the
    /// node has no `links:index` object.
    pub index: Option<Box<[Category]>>,
    /// What is unusual about the attributes; `None` for most nodes.
    pub(crate) issues: Option<Box<Issues>>,
    /// `true` only when the convention's JSON Schemas certainly accept these
    /// attributes. It is conservative: `false` means "run the schemas", not
    /// "invalid". A test checks it against the schemas on a corpus.
    pub schema_clean: bool,
}

impl LinksView {
    /// Whether `attributes` concern this convention at all: a `links:`
    /// attribute, or a `zarr_conventions` that names the convention's uuid in
    /// any form. Nodes for which this is false need no view.
    pub fn concerns(attributes: &Map<String, Value>) -> bool {
        attributes.keys().any(|k| k.starts_with(PREFIX))
            || match attributes.get(ZARR_CONVENTIONS) {
                Some(Value::Array(items)) => items.iter().any(|x| {
                    x.as_str() == Some(CONVENTION_UUID)
                        || x.get("uuid").and_then(Value::as_str) == Some(CONVENTION_UUID)
                }),
                _ => false,
            }
    }

    /// Whether the node declares or uses the convention in any form: a
    /// `links:` attribute, or the uuid in `zarr_conventions` (object or
    /// legacy string).
    pub fn mentions_convention(&self) -> bool {
        self.uses_links || self.declaration.cmo.is_some() || self.declaration.legacy.is_some()
    }

    /// The `name` of every Convention Metadata Object that carries the
    /// convention's uuid, when it is a string other than `links:`, with the
    /// object's position in `zarr_conventions`.
    pub fn odd_names(&self) -> &[(u32, String)] {
        self.issues.as_ref().map_or(&[], |i| &i.odd_names)
    }

    /// The readable categories of `links:index` as a JSON object (each
    /// category's normalised entries, in order), as `zarr-links index`
    /// merges them; `None` when the node has no `links:index` object.
    pub fn index_json(&self) -> Option<Map<String, Value>> {
        let categories = self.index.as_ref()?;
        Some(
            categories
                .iter()
                .map(|c| {
                    let entries = c
                        .entries
                        .iter()
                        .map(|(_, p)| Value::String(p.as_str().to_string()))
                        .collect();
                    (c.name.clone(), Value::Array(entries))
                })
                .collect(),
        )
    }

    /// `links:` attributes other than `links:relationships` and `links:index`.
    pub fn unknown_attributes(&self) -> &[String] {
        self.issues.as_ref().map_or(&[], |i| &i.unknown_attributes)
    }

    /// Link members without a prefix that this specification does not
    /// define, as (link position, member name).
    pub fn unknown_members(&self) -> &[(u32, String)] {
        self.issues.as_ref().map_or(&[], |i| &i.unknown_members)
    }

    /// Links that repeat the (target, type) of an earlier link of the node,
    /// with the earlier link's position.
    pub fn duplicates(&self) -> &[(LinkEntry, u32)] {
        self.issues.as_ref().map_or(&[], |i| &i.duplicates)
    }

    /// Registered relation types written in another letter case than the
    /// registry's, as (link position, type as written).
    pub fn type_case(&self) -> &[(u32, String)] {
        self.issues.as_ref().map_or(&[], |i| &i.type_case)
    }

    /// The value of an optional member of the link at `position`, when it
    /// is a string.
    pub fn detail(&self, position: u32, which: Detail) -> Option<&str> {
        let start = self.details.partition_point(|(p, _, _)| *p < position);
        self.details[start..]
            .iter()
            .take_while(|(p, _, _)| *p == position)
            .find(|(_, d, _)| *d == which)
            .map(|(_, _, v)| &**v)
    }

    /// Entries that could not be read.
    pub fn skipped(&self) -> &[Skipped] {
        self.issues.as_ref().map_or(&[], |i| &i.skipped)
    }

    pub(crate) fn issues(&mut self) -> &mut Issues {
        self.issues.get_or_insert_with(Default::default)
    }
}

mod read;
