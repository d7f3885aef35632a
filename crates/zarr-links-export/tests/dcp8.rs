//! Each row of the DCP-8 crosswalk (`dcp8::STANDARD_LINKS`), written as a
//! link object, is a valid link, and the Atom exporter writes it back as
//! the `<link>` DCP-8 describes: `rel` DCP-8's generic purpose (in the
//! registry's spelling), `xlink:role`, `xlink:arcrole` and `type` the row's
//! values.

mod common;

use serde_json::{json, Map, Value};
use zarr_links_export::atom::{self, AtomOptions, LINK_ATTRIBUTES};
use zarr_links_export::dcp8::{BLANK, STANDARD_LINKS};
use zarr_links_export::href::BaseUrl;
use zarr_links_export::time::Timestamp;
use zarr_links_model::{Hierarchy, Node, NodeKind, RelationType, ZarrFormat};

fn store_of_rows() -> Hierarchy {
    let links: Vec<Value> = STANDARD_LINKS
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut l = Map::new();
            l.insert("target".into(), json!(format!("https://example.org/{i}")));
            l.insert("type".into(), json!(row.r#type));
            l.insert("title".into(), json!(row.purpose));
            l.insert("role".into(), json!(row.role));
            if let Some(p) = row.protocol {
                l.insert("protocol".into(), json!(p));
            }
            if let Some(m) = row.media_type {
                l.insert("media_type".into(), json!(m));
            }
            Value::Object(l)
        })
        .collect();
    Hierarchy::new(
        "memory".into(),
        ZarrFormat::V3,
        false,
        vec![Node::v3(
            "/",
            NodeKind::Group,
            json!({
                "zarr_conventions": [{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b", "name": "links:"}],
                "links:relationships": links,
            }),
        )],
    )
}

#[test]
fn every_row_is_a_valid_link() {
    let report = zarr_links_validator::validate(&store_of_rows());
    let findings: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.id() != "links.index.root")
        .collect();
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn atom_writes_each_row_as_dcp8_describes() {
    let xml = atom::export(
        &store_of_rows(),
        &AtomOptions {
            base: BaseUrl::parse("https://example.org/s.zarr").unwrap(),
            updated: Timestamp::parse("2025-01-13T12:00:00Z").unwrap(),
            author: "test".into(),
            title: None,
        },
    );
    let (entries, notes) = common::entries(&xml);
    assert!(notes.is_empty(), "{xml}");
    assert_eq!(entries.len(), 1);
    for (i, row) in STANDARD_LINKS.iter().enumerate() {
        let href = format!("https://example.org/{i}");
        let link = entries[0]
            .links
            .iter()
            .find(|l| l.get("href") == Some(&href))
            .unwrap_or_else(|| panic!("row {i} is not in {xml}"));
        // `rel`: DCP-8's generic purpose, in the registry's spelling.
        assert_eq!(link["rel"], row.dcp8.rel.to_ascii_lowercase(), "row {i}");
        assert_eq!(link["rel"], row.r#type, "row {i}");
        assert!(RelationType::parse(row.r#type).unwrap().is_registered());
        assert_eq!(link.get("xlink:role").map(String::as_str), Some(row.role));
        assert_eq!(link.get("xlink:arcrole").map(String::as_str), row.protocol);
        assert_eq!(link.get("type").map(String::as_str), row.media_type);
        assert_eq!(link["title"], row.purpose);
        // The attributes in DCP-8's order.
        let line = xml
            .lines()
            .find(|l| l.contains(&format!("href=\"{href}\"")))
            .unwrap();
        let positions: Vec<usize> = LINK_ATTRIBUTES
            .iter()
            .filter_map(|a| line.find(&format!(" {}=\"", a.attribute)))
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{line}");
    }
}

#[test]
fn every_change_from_dcp8_is_commented() {
    for (i, row) in STANDARD_LINKS.iter().enumerate() {
        let says = |what: &str| row.changes.iter().any(|c| c.starts_with(what));
        // A value that differs from DCP-8's (or that DCP-8's copy lacks) has a comment.
        if row.dcp8.rel != row.r#type {
            assert!(says("type:"), "row {i}: rel changed without a comment");
        }
        if row.dcp8.role != row.role {
            assert!(says("role:"), "row {i}: role without a comment");
        }
        let protocol = row.protocol.unwrap_or("-");
        if row.dcp8.arcrole != protocol && !(row.dcp8.arcrole == "-" && row.protocol.is_none()) {
            assert!(
                says("protocol:") || says("no protocol:"),
                "row {i}: protocol without a comment"
            );
        }
        let media = row.media_type.unwrap_or("-");
        if row.dcp8.media_type != media {
            assert!(says("media type:"), "row {i}: media type without a comment");
        }
        assert!(row.role.starts_with("http://esipfed.org/ns/"), "row {i}");
        assert_ne!(row.dcp8.rel, BLANK);
    }
}

/// The IRIs of the core types (`crosswalk::core_type_iri`) name headings of
/// the book's chapter on relationship types: mdbook gives the heading
/// ``#### `derived_from` `` the id `derived_from`.
#[test]
fn core_type_iris_name_headings_of_the_book() {
    use zarr_links_export::crosswalk::core_type_iri;
    use zarr_links_model::CoreRelation;
    let page = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/relationships.md");
    let text = std::fs::read_to_string(&page).expect("spec/relationships.md exists");
    for c in CoreRelation::ALL {
        let iri = core_type_iri(c);
        let (page_url, anchor) = iri.split_once('#').unwrap();
        assert!(page_url.ends_with("/relationships.html"), "{iri}");
        assert_eq!(anchor, c.as_str());
        let heading = format!("`{anchor}`");
        assert!(
            text.lines()
                .any(|l| l.starts_with('#') && l.trim_start_matches('#').trim() == heading),
            "no heading {heading} in spec/relationships.md for {iri}"
        );
    }
}
