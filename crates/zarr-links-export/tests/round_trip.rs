//! The round-trip property, on every store of the conformance suite (valid
//! and invalid): every link the store declares appears exactly once in the
//! STAC export and exactly once in the Atom export, with its type mapped as
//! the crosswalk says; nothing else appears; and the STAC Item has the
//! members STAC requires.
//!
//! The expectations are computed from the store's links, never counted by
//! hand, so the test holds when the stores change.

mod common;

use std::collections::BTreeMap;

use serde_json::Value;
use zarr_links_export::atom::{self, AtomOptions};
use zarr_links_export::crosswalk::{self, StacPlace, DATA_ROLES, QUALITY_ROLES};
use zarr_links_export::href::BaseUrl;
use zarr_links_export::stac::{self, ItemOptions, StacOptions, NOTES_KEY};
use zarr_links_export::time::{Timestamp, When};
use zarr_links_export::{declared_links, Side};
use zarr_links_model::view::Detail;
use zarr_links_model::{CoreRelation, Hierarchy};

const BASE: &str = "https://example.org/data/store.zarr";

fn base() -> BaseUrl {
    BaseUrl::parse(BASE).unwrap()
}

fn stac_of(h: &Hierarchy, item: bool) -> Value {
    let item = item.then(|| ItemOptions {
        id: "item".into(),
        when: When::parse("2025-01-13T10:33:09Z").unwrap(),
        bbox: None,
    });
    stac::export(h, &StacOptions { base: base(), item })
}

fn atom_of(h: &Hierarchy) -> String {
    atom::export(
        h,
        &AtomOptions {
            base: base(),
            updated: Timestamp::parse("2025-01-13T12:00:00Z").unwrap(),
            author: "test".into(),
            title: None,
        },
    )
}

/// A store of a root group and one array `/a` with these links.
fn store_with(relationships: Value) -> Hierarchy {
    use zarr_links_model::{Node, NodeKind, ZarrFormat};
    let attrs = serde_json::json!({
        "zarr_conventions": [{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b"}],
        "links:relationships": relationships,
    });
    Hierarchy::new(
        "memory".into(),
        ZarrFormat::V3,
        false,
        vec![
            Node::v3("/", NodeKind::Group, serde_json::json!({})),
            Node::v3("/a", NodeKind::Array, attrs),
        ],
    )
}

/// Counts of each value, for comparing multisets.
fn counts<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeMap<T, usize> {
    let mut m = BTreeMap::new();
    for i in items {
        *m.entry(i).or_insert(0) += 1;
    }
    m
}

#[test]
fn every_link_appears_once_in_stac() {
    let mut checked = 0;
    for (case, path) in common::all_stores() {
        let Some(h) = common::load(&path) else {
            continue;
        };
        let v = stac_of(&h, false);
        // Item links: (rel, href) of every external link, once each.
        let want_links = counts(declared_links(&h).filter_map(|d| {
            match crosswalk::stac(&d.entry.relation, d.side()).place {
                StacPlace::Link(rel) => Some((rel, d.entry.target.as_str().to_string())),
                StacPlace::Asset => None,
            }
        }));
        let got_links = counts(
            v["links"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|l| l["rel"] != "store")
                .map(|l| {
                    (
                        l["rel"].as_str().unwrap().to_string(),
                        l["href"].as_str().unwrap().to_string(),
                    )
                }),
        );
        assert_eq!(got_links, want_links, "{case}: Item links");
        // In-store links: one description line each, on the declaring node's asset.
        let want_lines = counts(
            declared_links(&h)
                .filter(|d| d.side() == Side::InStore)
                .map(|d| {
                    (
                        d.node.path.as_str().to_string(),
                        format!("- `{}` `{}`", d.entry.relation, d.entry.target),
                    )
                }),
        );
        let assets = v["assets"].as_object().unwrap();
        let got_lines = counts(assets.iter().flat_map(|(key, a)| {
            a["description"]
                .as_str()
                .unwrap_or("")
                .lines()
                .filter(|l| l.starts_with("- `"))
                .map(|l| {
                    // The line up to the end of the target's code span.
                    let end = l[3..].find("` `").map(|i| i + 6).unwrap();
                    let close = l[end..].find('`').unwrap() + end + 1;
                    (key.clone(), l[..close].to_string())
                })
                .collect::<Vec<_>>()
        }));
        assert_eq!(got_lines, want_lines, "{case}: asset descriptions");
        // Roles: quality layers, and data for the rest.
        for (key, a) in assets {
            let declares_quality = declared_links(&h).any(|d| {
                d.node.path.as_str() == key
                    && d.entry.relation.core() == Some(CoreRelation::QualityFor)
            });
            let want: &[&str] = if declares_quality {
                QUALITY_ROLES
            } else {
                DATA_ROLES
            };
            assert_eq!(
                a["roles"],
                serde_json::json!(want),
                "{case}: roles of {key}"
            );
            assert_eq!(
                a["href"].as_str().unwrap(),
                base().node_url(key),
                "{case}: href of {key}"
            );
        }
        // The root asset is there exactly when anything is described.
        assert_eq!(
            assets.contains_key("/"),
            !assets.is_empty(),
            "{case}: root asset"
        );
        checked += 1;
    }
    assert!(checked > 100, "only {checked} stores checked");
}

#[test]
fn every_link_appears_once_in_atom() {
    for (case, path) in common::all_stores() {
        let Some(h) = common::load(&path) else {
            continue;
        };
        let xml = atom_of(&h);
        let (entries, _) = common::entries(&xml);
        let by_node: BTreeMap<&str, &common::Entry> =
            entries.iter().map(|e| (e.title.as_str(), e)).collect();
        assert_eq!(by_node.len(), entries.len(), "{case}: one entry per node");
        // Every link, with all its DCP-8 attributes, in its node's entry.
        let want = counts(declared_links(&h).map(|d| {
            let detail = |w| d.detail(w).map(str::to_string);
            let href = match d.side() {
                Side::InStore => base().node_url(d.entry.target.as_str()),
                Side::External => d.entry.target.as_str().to_string(),
            };
            let attrs: BTreeMap<String, String> = [
                ("title", d.label().map(str::to_string)),
                ("rel", Some(crosswalk::atom_rel(&d.entry.relation))),
                ("xlink:role", detail(Detail::Role)),
                ("xlink:arcrole", detail(Detail::Protocol)),
                ("href", Some(href)),
                ("type", detail(Detail::MediaType)),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
            .collect();
            (d.node.path.as_str().to_string(), attrs)
        }));
        let got = counts(entries.iter().flat_map(|e| {
            let own = base().node_url(&e.title);
            e.links
                .iter()
                .filter(move |l| {
                    !(l.get("rel").map(String::as_str) == Some("alternate")
                        && l.get("href") == Some(&own)
                        && !l.contains_key("title"))
                })
                .map(|l| (e.title.clone(), l.clone()))
                .collect::<Vec<_>>()
        }));
        assert_eq!(got, want, "{case}: Atom links");
        for e in &entries {
            assert_eq!(e.id, base().node_id(&e.title), "{case}: entry id");
            assert!(
                e.links
                    .iter()
                    .any(|l| l.get("rel").map(String::as_str) == Some("alternate")),
                "{case}: entry {} has no alternate link",
                e.title
            );
        }
    }
}

#[test]
fn items_have_what_stac_requires() {
    for (case, path) in common::all_stores() {
        let Some(h) = common::load(&path) else {
            continue;
        };
        let v = stac_of(&h, true);
        // rustac fills in missing members before it validates; check the raw keys.
        for key in [
            "type",
            "stac_version",
            "id",
            "geometry",
            "properties",
            "links",
            "assets",
        ] {
            assert!(v.get(key).is_some(), "{case}: no {key}");
        }
        assert_eq!(v["type"], "Feature");
        assert_eq!(v["stac_version"], "1.1.0");
        assert!(v.get("stac_extensions").is_none(), "{case}: extensions");
        assert!(v["properties"].get("datetime").is_some());
        assert_eq!(
            v["geometry"].is_null(),
            v.get("bbox").is_none(),
            "{case}: bbox exactly when there is a geometry"
        );
        if let Some(notes) = v["properties"].get(NOTES_KEY) {
            assert!(!notes.as_array().unwrap().is_empty(), "{case}: empty notes");
        }
    }
}

#[test]
fn a_store_without_links_gives_empty_records() {
    let h =
        common::load(&common::conformance().join("valid/no-convention/plain_store/store")).unwrap();
    assert_eq!(
        stac_of(&h, false),
        serde_json::json!({"assets": {}, "links": []})
    );
    let xml = atom_of(&h);
    assert!(!xml.contains("<entry>"), "{xml}");
    assert!(xml.contains("<author>"), "{xml}");
}

#[test]
fn links_without_a_stac_counterpart_are_kept_with_a_note() {
    let h = store_with(serde_json::json!([
        {"target": "s3://other/l1c.zarr#/masks", "type": "quality_for"},
        {"target": "s3://other/product.zarr", "type": "part_of"},
        {"target": "https://example.org/catalog", "type": "collection"},
        {"target": "https://example.org/doc", "type": "describedby",
         "title": "Doc", "description": "More", "role": "r", "protocol": "p"}
    ]));
    let v = stac_of(&h, false);
    let rels: Vec<&str> = v["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    assert_eq!(
        rels,
        [
            "store",
            "https://zarr-links.github.io/zarr-links/relationships.html#quality_for",
            "https://zarr-links.github.io/zarr-links/relationships.html#part_of",
            "related",
            "describedby"
        ]
    );
    let notes = v["properties"][NOTES_KEY].as_array().unwrap();
    let about = |link: u64| {
        notes
            .iter()
            .filter(|n| n["node"] == "/a" && n["link"] == link)
            .count()
    };
    // One note each for the three types; description, role and protocol of the last.
    assert_eq!(
        (about(0), about(1), about(2), about(3)),
        (1, 1, 1, 3),
        "{notes:#?}"
    );
    assert_eq!(
        v["assets"]["/a"]["roles"],
        serde_json::json!(["metadata", "quality"])
    );
    // Atom: nothing is lost, so only the description gets a note.
    let xml = atom_of(&h);
    let (_, notes) = common::entries(&xml);
    assert_eq!(notes.len(), 1, "{xml}");
    assert!(xml.contains("xmlns:zl="), "{xml}");
}

#[test]
fn control_characters_are_replaced_and_noted() {
    let h = store_with(serde_json::json!([
        {"target": "https://example.org/a", "type": "related", "title": "bell\u{7} & <tab>\t", "role": "x\u{1b}y"}
    ]));
    let xml = atom_of(&h);
    assert!(
        xml.contains("title=\"bell\u{FFFD} &amp; &lt;tab&gt;&#9;\""),
        "{xml}"
    );
    assert!(xml.contains("xlink:role=\"x\u{FFFD}y\""), "{xml}");
    let (_, notes) = common::entries(&xml);
    assert_eq!(notes.len(), 1, "{xml}");
    assert_eq!(notes[0].attributes["node"], "/a");
    assert_eq!(notes[0].attributes["link"], "0");
    assert!(
        notes[0].text.starts_with("2 character(s)"),
        "{}",
        notes[0].text
    );
    // The feed's own title too: its note alone declares the notes' namespace.
    let clean =
        store_with(serde_json::json!([{"target": "https://example.org/a", "type": "related"}]));
    let xml = atom::export(
        &clean,
        &AtomOptions {
            base: base(),
            updated: Timestamp::parse("2025-01-13T12:00:00Z").unwrap(),
            author: "test".into(),
            title: Some("title\u{1}".into()),
        },
    );
    let (_, notes) = common::entries(&xml);
    assert_eq!(notes.len(), 1, "{xml}");
    assert_eq!(notes[0].attributes.get("link"), None);
    assert!(
        xml.contains(&format!("xmlns:zl=\"{}\"", atom::NOTES_NS)),
        "{xml}"
    );
}
