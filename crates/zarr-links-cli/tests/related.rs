//! `zarr-links related` on the use-case conformance stores: the answers a
//! person expects.

use std::collections::BTreeSet;

use serde_json::Value;

mod common;
use common::{json_output, store, zarr_links};

fn related_json(store_name: &str, args: &[&str]) -> Vec<Value> {
    let s = store(store_name);
    let mut all = vec!["related", s.to_str().unwrap()];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    json_output(&all).as_array().unwrap().clone()
}

/// (source, type, direction, declared_on) of each row.
fn rows(v: &[Value]) -> BTreeSet<(String, String, String, String)> {
    v.iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            (s("source"), s("type"), s("direction"), s("declared_on"))
        })
        .collect()
}

const B04: &str = "/measurements/reflectance/r10m/b04";
const SENTINEL: [&str; 2] = ["sentinel2-l2a-v3", "sentinel2-l2a-v2"];
const CLIMATE: [&str; 2] = ["climate-model-v3", "climate-model-v2"];

/// A `quality_for` link to a group applies to every node below it: the
/// cloud and snow probabilities declared for the 20 m group are quality
/// layers of the 20 m band 4, listed "via" the group. The book shows this
/// answer from `spec/use-cases/sentinel2-r20m-b04-quality.txt`, which must
/// be the command's output (`UPDATE_BOOK=1` rewrites it).
// rule: links.reader.quality-scope
#[test]
fn quality_layers_of_a_group_apply_to_the_20m_band() {
    const B04_20M: &str = "/measurements/reflectance/r20m/b04";
    const GROUP: &str = "/measurements/reflectance/r20m";
    for s in SENTINEL {
        let v = related_json(s, &[B04_20M, "--type", "quality_for", "--direction", "in"]);
        let got: BTreeSet<(&str, &str, &str)> = v
            .iter()
            .map(|r| {
                (
                    r["source"].as_str().unwrap(),
                    r["target"].as_str().unwrap(),
                    r["via"].as_str().unwrap(),
                )
            })
            .collect();
        let want: BTreeSet<(&str, &str, &str)> = [
            ("/quality/probability/r20m/cld", GROUP, GROUP),
            ("/quality/probability/r20m/snw", GROUP, GROUP),
        ]
        .into();
        assert_eq!(got, want, "{s}");
    }
    // The node's own links carry no `via`.
    let v = related_json(
        SENTINEL[0],
        &[B04, "--type", "quality_for", "--direction", "in"],
    );
    assert!(v.iter().all(|r| r["via"].is_null()), "{v:?}");

    let out = zarr_links(&[
        "related",
        store(SENTINEL[0]).to_str().unwrap(),
        B04_20M,
        "--type",
        "quality_for",
        "--direction",
        "in",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("via the enclosing group /measurements/reflectance/r20m"));
    let book = common::repo_root().join("spec/use-cases/sentinel2-r20m-b04-quality.txt");
    if std::env::var_os("UPDATE_BOOK").is_some() {
        std::fs::write(&book, &text).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&book).unwrap_or_default(),
        text,
        "{} is not the command's output; rerun with UPDATE_BOOK=1",
        book.display()
    );
}

#[test]
fn b04_incoming_are_its_masks_and_products() {
    for s in SENTINEL {
        let v = related_json(s, &[B04, "--direction", "in"]);
        let want: BTreeSet<_> = [
            ("/quality/mask/r10m/b04", "quality_for"),
            ("/quality/detector_footprint/r10m/b04", "quality_for"),
            ("/classification/r20m/scl", "quality_for"),
            ("/quicklook/r10m/tci", "derived_from"),
            ("/measurements/reflectance/r20m/b04", "derived_from"),
            ("/measurements/reflectance/r20m/b04", "same_as"),
            ("/indices/ndvi", "derived_from"),
        ]
        .iter()
        .map(|(src, t)| {
            (
                src.to_string(),
                t.to_string(),
                "in".to_string(),
                src.to_string(),
            )
        })
        .collect();
        assert_eq!(rows(&v), want, "{s}");
        assert!(
            v.iter().all(|r| r["target"] == B04),
            "{s}: every incoming link targets B04"
        );
        for r in &v {
            let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                [
                    "source",
                    "target",
                    "type",
                    "direction",
                    "declared_on",
                    "derived",
                    "via"
                ]
            );
        }
    }
}

#[test]
fn b04_type_filter_keeps_quality_layers_only() {
    let v = related_json("sentinel2-l2a-v3", &[B04, "--type", "quality_for"]);
    let sources: BTreeSet<&str> = v.iter().map(|r| r["source"].as_str().unwrap()).collect();
    assert_eq!(
        sources,
        [
            "/classification/r20m/scl",
            "/quality/detector_footprint/r10m/b04",
            "/quality/mask/r10m/b04"
        ]
        .into()
    );
}

#[test]
fn b04_outgoing_is_its_level_1c_source() {
    let v = related_json(
        "sentinel2-l2a-v3",
        &[B04, "--direction", "out", "--type", "derived_from"],
    );
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["type"], "derived_from");
    assert_eq!(v[0]["direction"], "out");
    assert_eq!(v[0]["declared_on"], B04);
    assert!(
        v[0]["target"].as_str().unwrap().starts_with("s3://"),
        "external Level-1C band"
    );
}

#[test]
fn tci_is_derived_from_three_bands() {
    let v = related_json(
        "sentinel2-l2a-v3",
        &[
            "/quicklook/r10m/tci",
            "--direction",
            "out",
            "--type",
            "derived_from",
        ],
    );
    let targets: BTreeSet<&str> = v.iter().map(|r| r["target"].as_str().unwrap()).collect();
    assert_eq!(
        targets,
        [
            "/measurements/reflectance/r10m/b02",
            "/measurements/reflectance/r10m/b03",
            "/measurements/reflectance/r10m/b04"
        ]
        .into()
    );
}

#[test]
fn climate_temperature_and_precipitation() {
    for s in CLIMATE {
        let v = related_json(s, &["/temperature", "--direction", "in"]);
        assert_eq!(
            rows(&v),
            [(
                "/temperature_uncertainty".to_string(),
                "quality_for".to_string(),
                "in".to_string(),
                "/temperature_uncertainty".to_string()
            )]
            .into(),
            "{s}"
        );
        let v = related_json(s, &["/precipitation/daily/pr", "--direction", "in"]);
        assert_eq!(v.len(), 1, "{s}");
        assert_eq!(v[0]["source"], "/precipitation/monthly/pr");
        assert_eq!(v[0]["type"], "derived_from");
        // The cell-area array is the target of the CF cell_measures extension type.
        let v = related_json(s, &["/cell_area", "--direction", "in"]);
        let sources: BTreeSet<&str> = v.iter().map(|r| r["source"].as_str().unwrap()).collect();
        assert_eq!(
            sources,
            [
                "/precipitation/daily/pr",
                "/precipitation/monthly/pr",
                "/temperature"
            ]
            .into(),
            "{s}"
        );
        assert!(v.iter().all(|r| r["type"]
            == "https://zarr-links.github.io/zarr-links/interoperability.html#cell-measures"));
    }
}

#[test]
fn unknown_node_exits_2_with_suggestions() {
    let s = store("sentinel2-l2a-v3");
    let out = zarr_links(&[
        "related",
        s.to_str().unwrap(),
        "/measurements/reflectance/r10m/B4",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("has no node /measurements/reflectance/r10m/B4"),
        "{err}"
    );
    assert!(err.contains(s.to_str().unwrap()), "names the store: {err}");
    let first = err
        .lines()
        .skip_while(|l| !l.contains("Did you mean"))
        .nth(1)
        .unwrap_or("");
    assert_eq!(first.trim(), B04, "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn path_without_leading_slash_is_read_as_absolute_with_a_note() {
    let s = store("sentinel2-l2a-v3");
    let out = zarr_links(&[
        "related",
        s.to_str().unwrap(),
        "measurements/reflectance/r10m/b04",
        "--format",
        "json",
    ]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "reading \"measurements/reflectance/r10m/b04\" as /measurements/reflectance/r10m/b04"
        ),
        "{err}"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let absolute = related_json("sentinel2-l2a-v3", &[B04]);
    assert_eq!(v, Value::Array(absolute));
}

#[test]
fn unknown_type_exits_2_with_a_hint() {
    let s = store("sentinel2-l2a-v3");
    let out = zarr_links(&["related", s.to_str().unwrap(), B04, "--type", "quality-for"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean \"quality_for\""), "{err}");
}

#[test]
fn missing_store_exits_2_and_names_it() {
    let out = zarr_links(&["related", "/nonexistent/store.zarr", "/"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/store.zarr"));
}

#[test]
fn node_without_links_says_so() {
    let s = store("sentinel2-l2a-v3");
    let out = zarr_links(&["related", s.to_str().unwrap(), "/measurements"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "/measurements (group): no links from and to it.\n"
    );
}

#[test]
fn text_table_for_b04_incoming() {
    let s = store("sentinel2-l2a-v3");
    let out = zarr_links(&["related", s.to_str().unwrap(), B04, "--direction", "in"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    // The rows a person reads, in order.
    let types: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("  in "))
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "derived_from",
            "derived_from",
            "derived_from",
            "quality_for",
            "quality_for",
            "quality_for",
            "same_as"
        ]
    );
    insta::assert_snapshot!(text);
}

#[test]
fn help_describes_every_flag() {
    let out = zarr_links(&["related", "--help"]);
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "--type <TYPE>",
        "--direction <DIRECTION>",
        "--format <FORMAT>",
        "<STORE>",
        "<NODE>",
        "Exit status",
        "declared_on",
    ] {
        assert!(help.contains(needle), "missing {needle:?} in:\n{help}");
    }
}

/// A small v3 store: `/parts/tile` declares `part_of /mosaic`.
fn composition_store() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let decl = r#"[{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b", "name": "links:"}]"#;
    let group = |attrs: &str| {
        format!(r#"{{"zarr_format": 3, "node_type": "group", "attributes": {attrs}}}"#)
    };
    let write = |rel: &str, text: String| {
        let p = tmp.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("zarr.json", group("{}"));
    write("mosaic/zarr.json", group("{}"));
    write("parts/zarr.json", group("{}"));
    write(
        "parts/tile/zarr.json",
        group(&format!(
            r#"{{"zarr_conventions": {decl}, "links:relationships": [{{"target": "/mosaic", "type": "part_of"}}]}}"#
        )),
    );
    tmp
}

#[test]
fn derived_inverse_is_shown_once_and_marked() {
    let tmp = composition_store();
    let dir = tmp.path().to_str().unwrap();
    let json = |args: &[&str]| -> Vec<Value> {
        let mut all = vec!["related", dir, "/mosaic", "--format", "json"];
        all.extend_from_slice(args);
        json_output(&all).as_array().unwrap().clone()
    };
    // Both directions: the declared statement only.
    let both = json(&[]);
    assert_eq!(both.len(), 1);
    assert_eq!(
        both[0],
        serde_json::json!({"source": "/parts/tile", "target": "/mosaic", "type": "part_of",
            "direction": "in", "declared_on": "/parts/tile", "derived": false, "via": null})
    );
    // Outgoing, or by the inverse type: the derived `contains`, declared on the tile.
    let want = serde_json::json!([{"source": "/mosaic", "target": "/parts/tile", "type": "contains",
        "direction": "out", "declared_on": "/parts/tile", "derived": true, "via": null}]);
    assert_eq!(Value::Array(json(&["--direction", "out"])), want);
    assert_eq!(Value::Array(json(&["--type", "contains"])), want);
    let out = zarr_links(&["related", dir, "/mosaic", "--direction", "out"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "contains  /parts/tile  (derived inverse of the link declared on /parts/tile)"
        ),
        "{text}"
    );
}

#[test]
fn a_link_target_that_does_not_exist_is_not_a_node() {
    let tmp = composition_store();
    // Point the tile at a group that does not exist as well.
    let p = tmp.path().join("parts/tile/zarr.json");
    let text = std::fs::read_to_string(&p).unwrap().replace(
        r#"{"target": "/mosaic", "type": "part_of"}"#,
        r#"{"target": "/mosaic", "type": "part_of"}, {"target": "/mosaics", "type": "part_of"}"#,
    );
    std::fs::write(&p, text).unwrap();
    let out = zarr_links(&["related", tmp.path().to_str().unwrap(), "/mosaics"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("has no node /mosaics, although 1 link(s)"),
        "{err}"
    );
    assert!(err.contains("Did you mean:\n    /mosaic"), "{err}");
}
