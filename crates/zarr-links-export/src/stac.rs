//! A store's links as STAC: `assets` and `links` ready to merge into the
//! product's STAC Item, or a whole Item (STAC 1.1.0, no extensions).
//!
//! - **Assets.** One asset for the store root (key `/`, href the base URL)
//!   and one for every other node a link or an index names, keyed by its
//!   path, with the node's URL as href, the Zarr media type
//!   (`application/vnd.zarr; version=3`), its `title` or `long_name`
//!   attribute as title, roles from its links ([`crosswalk::stac`]), and a
//!   description that lists the links it declares to other nodes of the
//!   store.
//! - **Links.** A `store` link to the root (STAC best practices for Zarr),
//!   then every link to a target outside the store, in node order, with the
//!   `rel` of the crosswalk, the target as `href`, `media_type` as `type`,
//!   and the link's title (or description), preceded by the node's path when
//!   another node than the root declares it.
//! - **Notes.** What STAC cannot say is kept and explained in
//!   `zarr_links:notes` under `properties` (see [`Note`]).
//!
//! A store without links or index gives empty `assets` and `links`.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/interoperability.html>

use serde_json::{json, Map, Value};
use zarr_links_model::view::Detail;
use zarr_links_model::Hierarchy;

use crate::crosswalk::{self, StacPlace, DATA_ROLES};
use crate::geo::{self, Bbox};
use crate::href::BaseUrl;
use crate::time::When;
use crate::{
    declared_links, described_nodes, reading_notes, zarr_media_type, Declared, Note, Side,
};

/// The STAC version the exporter writes.
pub const STAC_VERSION: &str = "1.1.0";

/// The member of `properties` that holds the notes.
pub const NOTES_KEY: &str = "zarr_links:notes";

/// What the STAC export needs besides the store.
#[derive(Debug, Clone)]
pub struct StacOptions {
    /// The store's URL; node URLs are joined to it.
    pub base: BaseUrl,
    /// Write a whole Item instead of `assets` and `links` only.
    pub item: Option<ItemOptions>,
}

/// The Item members that do not come from the store.
#[derive(Debug, Clone)]
pub struct ItemOptions {
    /// The Item's `id`.
    pub id: String,
    /// Its `datetime`, or `start_datetime` and `end_datetime`.
    pub when: When,
    /// Its bounding box; `None` to take it from the store's `proj:` and
    /// `spatial:` attributes ([`geo::footprint`]), or to write a null
    /// geometry when they give none.
    pub bbox: Option<Bbox>,
}

/// The STAC record of a store: `{"assets", "links"}` (and `properties` with
/// the notes, when there are any), or a whole Item. Deterministic: the same
/// store and options always give the same value.
pub fn export(hierarchy: &Hierarchy, options: &StacOptions) -> Value {
    let mut notes = reading_notes(hierarchy);
    let (assets, links) = assets_and_links(hierarchy, &options.base, &mut notes);
    let Some(item) = &options.item else {
        let mut out = Map::new();
        out.insert("assets".into(), Value::Object(assets));
        out.insert("links".into(), Value::Array(links));
        if !notes.is_empty() {
            out.insert(
                "properties".into(),
                json!({ NOTES_KEY: notes_json(&notes) }),
            );
        }
        return Value::Object(out);
    };
    let bbox = match item.bbox {
        Some(b) => Some(b),
        None => {
            let (b, more) = geo::footprint(hierarchy);
            notes.extend(more);
            b
        }
    };
    let mut properties = Map::new();
    if let Some(title) = hierarchy
        .root()
        .and_then(|r| r.attributes())
        .and_then(|a| a.get("title"))
        .and_then(Value::as_str)
    {
        properties.insert("title".into(), json!(title));
    }
    match &item.when {
        When::Instant(t) => {
            properties.insert("datetime".into(), json!(t.utc()));
        }
        When::Interval(a, b) => {
            properties.insert("datetime".into(), Value::Null);
            properties.insert("start_datetime".into(), json!(a.utc()));
            properties.insert("end_datetime".into(), json!(b.utc()));
        }
    }
    if !notes.is_empty() {
        properties.insert(NOTES_KEY.into(), notes_json(&notes));
    }
    let mut out = Map::new();
    out.insert("type".into(), json!("Feature"));
    out.insert("stac_version".into(), json!(STAC_VERSION));
    out.insert("id".into(), json!(item.id));
    match bbox {
        Some(b) => {
            out.insert("geometry".into(), b.geometry());
            out.insert("bbox".into(), b.to_json());
        }
        None => {
            out.insert("geometry".into(), Value::Null);
        }
    }
    out.insert("properties".into(), Value::Object(properties));
    out.insert("links".into(), Value::Array(links));
    out.insert("assets".into(), Value::Object(assets));
    Value::Object(out)
}

/// The notes as JSON: `{"node", "link"?, "note"}` each.
fn notes_json(notes: &[Note]) -> Value {
    Value::Array(
        notes
            .iter()
            .map(|n| {
                let mut o = Map::new();
                o.insert("node".into(), json!(n.node));
                if let Some(l) = n.link {
                    o.insert("link".into(), json!(l));
                }
                o.insert("note".into(), json!(n.text));
                Value::Object(o)
            })
            .collect(),
    )
}

/// Text on one line: line breaks and tabs become spaces.
fn one_line(s: &str) -> String {
    s.split(['\n', '\r', '\t'])
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The line of an asset's description for a link between two nodes.
fn describe(d: &Declared<'_>, hierarchy: &Hierarchy) -> String {
    let target = d.entry.target.as_str();
    let mut line = format!("- `{}` `{target}`", d.entry.relation);
    if hierarchy.position(target).is_none() {
        line.push_str(" (not in the store)");
    }
    let texts: Vec<String> = [Detail::Title, Detail::Description]
        .into_iter()
        .filter_map(|w| d.detail(w))
        .map(one_line)
        .collect();
    if !texts.is_empty() {
        line.push_str(&format!(": {}", texts.join(". ")));
    }
    let extra: Vec<String> = [
        (Detail::MediaType, "media type"),
        (Detail::Role, "role"),
        (Detail::Protocol, "protocol"),
    ]
    .into_iter()
    .filter_map(|(w, name)| d.detail(w).map(|v| format!("{name} `{}`", one_line(v))))
    .collect();
    if !extra.is_empty() {
        line.push_str(&format!(" ({})", extra.join("; ")));
    }
    line
}

/// The assets and the links of the record, adding notes on what STAC
/// cannot carry.
fn assets_and_links(
    hierarchy: &Hierarchy,
    base: &BaseUrl,
    notes: &mut Vec<Note>,
) -> (Map<String, Value>, Vec<Value>) {
    let described = described_nodes(hierarchy);
    let media_type = zarr_media_type(hierarchy.format);
    // Per described node: roles and description lines, from its links.
    let mut roles: Vec<Vec<&'static str>> = vec![Vec::new(); hierarchy.nodes().len()];
    let mut lines: Vec<Vec<String>> = vec![Vec::new(); hierarchy.nodes().len()];
    let mut links = Vec::new();
    if !described.is_empty() {
        links.push(json!({
            "rel": "store",
            "href": base.as_str(),
            "type": media_type,
            "title": "Zarr store",
        }));
    }
    for d in declared_links(hierarchy) {
        let at = hierarchy
            .position(d.node.path.as_str())
            .expect("a declaring node is in the hierarchy");
        let mapping = crosswalk::stac(&d.entry.relation, d.side());
        for r in mapping.roles {
            if !roles[at].contains(r) {
                roles[at].push(r);
            }
        }
        match mapping.place {
            StacPlace::Asset => lines[at].push(describe(&d, hierarchy)),
            StacPlace::Link(rel) => {
                debug_assert_eq!(d.side(), Side::External);
                let mut link = Map::new();
                link.insert("rel".into(), json!(rel));
                link.insert("href".into(), json!(d.entry.target.as_str()));
                if let Some(t) = d.detail(Detail::MediaType) {
                    link.insert("type".into(), json!(t));
                }
                let label = d.label().map(one_line);
                let title = match (d.node.path.is_root(), label) {
                    (true, label) => label,
                    (false, Some(l)) => Some(format!("{}: {l}", d.node.path)),
                    (false, None) => Some(d.node.path.as_str().to_string()),
                };
                if let Some(t) = title {
                    link.insert("title".into(), json!(t));
                }
                links.push(Value::Object(link));
                if let Some(n) = mapping.note {
                    notes.push(Note::link(&d, n));
                }
                if d.detail(Detail::Title).is_some() && d.detail(Detail::Description).is_some() {
                    notes.push(Note::link(
                        &d,
                        "the link's description is not carried: a STAC link has a title only",
                    ));
                }
                for (w, what) in [(Detail::Role, "role"), (Detail::Protocol, "protocol")] {
                    if let Some(v) = d.detail(w) {
                        notes.push(Note::link(
                            &d,
                            format!(
                                "the link's {what} {v:?} is not carried: a STAC link has no member \
                                 for it (the Atom export writes it as xlink:{})",
                                if w == Detail::Role { "role" } else { "arcrole" }
                            ),
                        ));
                    }
                }
            }
        }
    }
    let mut assets = Map::new();
    for at in described {
        let node = &hierarchy.nodes()[at];
        let path = node.path.as_str();
        let mut asset = Map::new();
        asset.insert("href".into(), json!(base.node_url(path)));
        asset.insert("type".into(), json!(media_type));
        let attrs = node.attributes();
        let title = ["title", "long_name"]
            .iter()
            .find_map(|k| attrs.and_then(|a| a.get(*k)).and_then(Value::as_str));
        if let Some(t) = title {
            asset.insert("title".into(), json!(one_line(t)));
        }
        if !lines[at].is_empty() {
            asset.insert(
                "description".into(),
                json!(format!(
                    "Links of {path} to other nodes of the store:\n\n{}",
                    lines[at].join("\n")
                )),
            );
        }
        let r: &[&str] = if roles[at].is_empty() {
            DATA_ROLES
        } else {
            &roles[at]
        };
        asset.insert("roles".into(), json!(r));
        assets.insert(path.to_string(), Value::Object(asset));
    }
    (assets, links)
}
