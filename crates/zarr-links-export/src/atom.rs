//! A store's links as an Atom feed (RFC 4287) whose `<link>`s carry the
//! attributes of ESIP Discovery Change Proposal 8.
//!
//! The feed has one entry per node that declares links. The entry's `id` is
//! the store's URL with the node path as fragment, its `title` the node
//! path, and it links to the node itself with `rel="alternate"` (Atom asks
//! an entry without content for one), unless the node declares an
//! `alternate` link of its own. Each link of the node becomes one `<link>`
//! with DCP-8's attributes, in DCP-8's order ([`LINK_ATTRIBUTES`]).
//!
//! The XLink namespace is declared on `<feed>`. What Atom cannot carry is
//! explained in `<zl:note>` elements at the head of the feed (namespace
//! [`NOTES_NS`]). The output is deterministic: the same store and options
//! always give the same text.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/interoperability.html>

use zarr_links_model::view::Detail;
use zarr_links_model::{Hierarchy, NodePath};

use crate::crosswalk;
use crate::href::BaseUrl;
use crate::time::Timestamp;
use crate::xml::Writer;
use crate::{declared_links, reading_notes, zarr_media_type, Declared, Note, Side};

/// The Atom namespace.
pub const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
/// The XLink namespace, for `xlink:role` and `xlink:arcrole`.
pub const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
/// The namespace of the exporter's notes (`<zl:note>`).
pub const NOTES_NS: &str = "https://zarr-links.github.io/zarr-links/ns/export";

/// Where the generator element points.
const GENERATOR_URI: &str = "https://github.com/zarr-links/zarr-links";

/// One attribute of an Atom `<link>` as DCP-8 defines it, and the link
/// member it is written from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkAttribute {
    /// The attribute of `<link>`.
    pub attribute: &'static str,
    /// What it means in DCP-8.
    pub dcp8: &'static str,
    /// The link member it comes from (Markdown).
    pub member: &'static str,
}

/// The attributes of an exported `<link>`, in DCP-8's order; the writer
/// takes their names from here, and the book's table is generated from it.
pub const LINK_ATTRIBUTES: [LinkAttribute; 6] = [
    LinkAttribute {
        attribute: "title",
        dcp8: "a descriptive title for display",
        member: "`title`, else `description`",
    },
    LinkAttribute {
        attribute: "rel",
        dcp8: "a generic purpose, a value of the IANA registry",
        member:
            "`type`: a registered type bare, a core type as its IRI, an extension type as it is",
    },
    LinkAttribute {
        attribute: "xlink:role",
        dcp8: "a specific purpose, in the Discovery namespace",
        member: "`role`",
    },
    LinkAttribute {
        attribute: "xlink:arcrole",
        dcp8: "the versioned service protocol of the URL; omitted for a plain GET",
        member: "`protocol`",
    },
    LinkAttribute {
        attribute: "href",
        dcp8: "the URL of the link",
        member: "`target`; an in-store path joined to the store's URL",
    },
    LinkAttribute {
        attribute: "type",
        dcp8: "the MIME type of the response",
        member: "`media_type`",
    },
];

/// One `<link>` of an entry: the DCP-8 attributes, in DCP-8's order
/// (`title`, `rel`, `xlink:role`, `xlink:arcrole`, `href`, `type`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtomLink {
    /// `title`: the link's title, else its description.
    pub title: Option<String>,
    /// `rel`: [`crosswalk::atom_rel`] of the type.
    pub rel: String,
    /// `xlink:role`: the link's `role`.
    pub role: Option<String>,
    /// `xlink:arcrole`: the link's `protocol`.
    pub arcrole: Option<String>,
    /// `href`: the target, an in-store path joined to the store's URL.
    pub href: String,
    /// `type`: the link's `media_type`.
    pub media_type: Option<String>,
}

/// The `<link>` a declared link becomes.
pub fn link(d: &Declared<'_>, base: &BaseUrl) -> AtomLink {
    let detail = |w| d.detail(w).map(str::to_string);
    AtomLink {
        title: d.label().map(str::to_string),
        rel: crosswalk::atom_rel(&d.entry.relation),
        role: detail(Detail::Role),
        arcrole: detail(Detail::Protocol),
        href: match d.side() {
            Side::InStore => base.node_url(d.entry.target.as_str()),
            Side::External => d.entry.target.as_str().to_string(),
        },
        media_type: detail(Detail::MediaType),
    }
}

/// What the Atom export needs besides the store.
#[derive(Debug, Clone)]
pub struct AtomOptions {
    /// The store's URL: the feed's `id`; entry ids and node URLs are made
    /// from it.
    pub base: BaseUrl,
    /// The feed's and entries' `updated`.
    pub updated: Timestamp,
    /// The feed's author (Atom requires one).
    pub author: String,
    /// The feed's title; default: the root's `title` attribute, else
    /// "Links of" and the base URL.
    pub title: Option<String>,
}

/// The Atom feed of a store's links, as XML text.
pub fn export(hierarchy: &Hierarchy, options: &AtomOptions) -> String {
    let base = &options.base;
    let updated = options.updated.as_str();
    let zarr = zarr_media_type(hierarchy.format);
    let mut notes = reading_notes(hierarchy);

    // The entries first, so that their notes can head the feed.
    let mut body = Writer::default();
    let links: Vec<Declared<'_>> = declared_links(hierarchy).collect();
    let mut i = 0;
    while i < links.len() {
        let node = links[i].node;
        let end = i + links[i..]
            .iter()
            .take_while(|d| std::ptr::eq(d.node, node))
            .count();
        let path = node.path.as_str();
        body.open(1, "entry", &[]);
        body.leaf(2, "id", &[], &base.node_id(path));
        body.leaf(2, "title", &[], path);
        body.leaf(2, "updated", &[], updated);
        let own_alternate = links[i..end]
            .iter()
            .any(|d| d.entry.relation.is_registered() && d.entry.relation.as_str() == "alternate");
        if !own_alternate {
            body.empty(
                2,
                "link",
                &[
                    ("rel", Some("alternate")),
                    ("href", Some(&base.node_url(path))),
                    ("type", Some(&zarr)),
                ],
            );
        }
        replaced_note(&mut body, &mut notes, &node.path, None);
        for d in &links[i..end] {
            let l = link(d, base);
            let values = [
                l.title.as_deref(),
                Some(l.rel.as_str()),
                l.role.as_deref(),
                l.arcrole.as_deref(),
                Some(l.href.as_str()),
                l.media_type.as_deref(),
            ];
            let attributes: Vec<(&str, Option<&str>)> = LINK_ATTRIBUTES
                .iter()
                .map(|a| a.attribute)
                .zip(values)
                .collect();
            body.empty(2, "link", &attributes);
            replaced_note(&mut body, &mut notes, &node.path, Some(d));
            if d.detail(Detail::Title).is_some() && d.detail(Detail::Description).is_some() {
                notes.push(Note::link(
                    d,
                    "the link's description is not carried: an Atom link has a title only",
                ));
            }
        }
        body.close(1, "entry");
        i = end;
    }

    let title = options.title.clone().unwrap_or_else(|| {
        hierarchy
            .root()
            .and_then(|r| r.attributes())
            .and_then(|a| a.get("title"))
            .and_then(|t| t.as_str())
            .map_or_else(|| format!("Links of {base}"), str::to_string)
    });
    // The feed's own text may need replacements too; count them first, so
    // that the notes (and their namespace) are known before `<feed>`.
    let mut head_replaced = 0;
    for text in [&title, &options.author] {
        crate::xml::escape(text, false, &mut head_replaced);
    }
    if head_replaced > 0 {
        notes.push(Note {
            node: "/".to_string(),
            link: None,
            text: replaced_text(head_replaced, "the feed's title or author"),
        });
    }
    let mut head = Writer::default();
    head.out
        .push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let notes_ns = (!notes.is_empty()).then_some(NOTES_NS);
    head.open(
        0,
        "feed",
        &[
            ("xmlns", Some(ATOM_NS)),
            ("xmlns:xlink", Some(XLINK_NS)),
            ("xmlns:zl", notes_ns),
        ],
    );
    head.leaf(1, "id", &[], base.as_str());
    head.leaf(1, "title", &[], &title);
    head.leaf(1, "updated", &[], updated);
    head.open(1, "author", &[]);
    head.leaf(2, "name", &[], &options.author);
    head.close(1, "author");
    head.leaf(
        1,
        "generator",
        &[("uri", Some(GENERATOR_URI))],
        "zarr-links",
    );
    head.empty(
        1,
        "link",
        &[
            ("rel", Some("alternate")),
            ("href", Some(base.as_str())),
            ("type", Some(&zarr)),
        ],
    );
    for n in &notes {
        let link = n.link.map(|l| l.to_string());
        head.leaf(
            1,
            "zl:note",
            &[("node", Some(&n.node)), ("link", link.as_deref())],
            &n.text,
        );
    }
    let mut out = head.out;
    out.push_str(&body.out);
    out.push_str("</feed>\n");
    out
}

fn replaced_text(n: usize, place: &str) -> String {
    format!(
        "{n} character(s) that XML 1.0 cannot carry (control characters) in {place} were written as U+FFFD"
    )
}

/// Adds a note when the writer replaced characters since the last call.
fn replaced_note(
    w: &mut Writer,
    notes: &mut Vec<Note>,
    node: &NodePath,
    link: Option<&Declared<'_>>,
) {
    let n = w.take_replaced();
    if n == 0 {
        return;
    }
    match link {
        Some(d) => notes.push(Note::link(d, replaced_text(n, "this link"))),
        None => notes.push(Note {
            node: node.as_str().to_string(),
            link: None,
            text: replaced_text(n, "the node's path"),
        }),
    }
}
