//! `zarr-links graph` on the use-case conformance stores: the drawing holds
//! the declared links, grouped by parent group, and Graphviz renders it.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod common;
use common::{store, zarr_links};

fn graph(name: &str, format: &str) -> String {
    let s = store(name);
    let out = zarr_links(&[
        "graph",
        s.to_str().unwrap(),
        "--format",
        format,
        "--title",
        name,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const STORES: [&str; 4] = [
    "sentinel2-l2a-v3",
    "sentinel2-l2a-v2",
    "climate-model-v3",
    "climate-model-v2",
];

/// The declared links of a store, read from `graph --format json`.
fn declared(name: &str) -> BTreeSet<(String, String, String)> {
    let v: Value = serde_json::from_str(&graph(name, "json")).unwrap();
    v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["derived"] == false)
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_string();
            (s("source"), s("type"), s("target"))
        })
        .collect()
}

#[test]
fn json_lists_the_declared_links() {
    for name in ["sentinel2-l2a-v3", "sentinel2-l2a-v2"] {
        let d = declared(name);
        // 46 derived_from, 36 quality_for, 12 same_as (the resampled bands),
        // 2 part_of and 2 contains (the wind vector), describedby and
        // license on the root.
        assert_eq!(d.len(), 100, "{name}");
        let count = |t: &str| d.iter().filter(|(_, ty, _)| ty == t).count();
        assert_eq!(
            [
                "derived_from",
                "quality_for",
                "same_as",
                "part_of",
                "contains"
            ]
            .map(count),
            [46, 36, 12, 2, 2],
            "{name}"
        );
        for (src, t) in [
            ("/quality/mask/r10m/b04", "quality_for"),
            ("/classification/r20m/scl", "quality_for"),
            ("/quicklook/r10m/tci", "derived_from"),
            ("/measurements/reflectance/r20m/b04", "derived_from"),
            ("/indices/ndvi", "derived_from"),
        ] {
            assert!(
                d.contains(&(
                    src.into(),
                    t.into(),
                    "/measurements/reflectance/r10m/b04".into()
                )),
                "{name}: {src} {t} b04"
            );
        }
        let v: Value = serde_json::from_str(&graph(name, "json")).unwrap();
        let bands: Vec<&Value> = v["index"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["category"] == "bands")
            .collect();
        assert_eq!(bands.len(), 1);
        assert_eq!(bands[0]["group"], "/");
        assert_eq!(bands[0]["members"].as_array().unwrap().len(), 12);
    }
    let d = declared("climate-model-v3");
    assert!(d.contains(&(
        "/temperature_uncertainty".into(),
        "quality_for".into(),
        "/temperature".into()
    )));
    assert!(d.contains(&(
        "/precipitation/monthly/pr".into(),
        "derived_from".into(),
        "/precipitation/daily/pr".into()
    )));
    assert_eq!(
        declared("climate-model-v2"),
        d,
        "v2 and v3 stores hold the same links"
    );
}

#[test]
fn dot_draws_each_declared_link_once_in_parent_boxes() {
    for name in STORES {
        let dot = graph(name, "dot");
        let d = declared(name);
        assert_eq!(
            dot.matches(" -> ").count(),
            d.len(),
            "{name}: one arrow per declared link"
        );
        let externals: BTreeSet<&str> = d
            .iter()
            .map(|e| e.2.as_str())
            .filter(|t| !t.starts_with('/'))
            .collect();
        assert_eq!(
            dot.matches("shape=note").count(),
            externals.len(),
            "{name}: one note per external target"
        );
        if name.starts_with("sentinel2") {
            assert!(dot.contains("label=\"/measurements/reflectance/r10m\"; style=\"rounded\""));
            assert!(dot.contains("label=\"/quality/mask/r10m\"; style=\"rounded\""));
        } else {
            assert!(dot.contains("label=\"/precipitation/daily\"; style=\"rounded\""));
        }
    }
}

/// `dot` is needed; CI installs Graphviz (`.ci/run`) and sets
/// `ZARR_LINKS_REQUIRE_DOT=1` so that a missing `dot` fails there.
fn dot_available() -> bool {
    let found = Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("ZARR_LINKS_REQUIRE_DOT").is_none(),
            "ZARR_LINKS_REQUIRE_DOT is set but Graphviz `dot` is not installed (apt-get install graphviz)"
        );
        eprintln!("skipping: Graphviz `dot` is not installed (apt-get install graphviz)");
    }
    found
}

fn render_with_dot(input: &str) -> Output {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn dot_output_renders_with_graphviz_without_warnings() {
    if !dot_available() {
        return;
    }
    for name in STORES {
        let out = render_with_dot(&graph(name, "dot"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && err.trim().is_empty(),
            "{name}: dot failed: {err}"
        );
        let svg = String::from_utf8(out.stdout).unwrap();
        assert!(svg.contains("<svg"), "{name}");
        assert!(
            svg.contains(">b04</text>") || name.starts_with("climate"),
            "{name}: node labels drawn"
        );
    }
    // The check can fail: broken DOT is rejected.
    let out = render_with_dot("digraph { a -> }");
    assert!(!out.status.success());
}

#[test]
fn mermaid_has_one_arrow_per_link_and_balanced_subgraphs() {
    for name in STORES {
        let m = graph(name, "mermaid");
        let d = declared(name);
        assert!(m.contains("\nflowchart LR\n"));
        let arrows = m
            .lines()
            .filter(|l| l.contains(" -->|") || l.contains(" -.->|"))
            .count();
        assert_eq!(arrows, d.len(), "{name}");
        assert_eq!(m.matches("linkStyle ").count(), d.len(), "{name}");
        let opened = m
            .lines()
            .filter(|l| l.trim_start().starts_with("subgraph "))
            .count();
        let closed = m.lines().filter(|l| l.trim() == "end").count();
        assert_eq!(opened, closed, "{name}");
        assert!(
            !m.contains("#cell-measures"),
            "{name}: `#` is written as an entity code"
        );
    }
}

#[test]
fn missing_store_exits_2() {
    let out = zarr_links(&["graph", "/nonexistent/store.zarr"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/store.zarr"));
}

#[test]
fn help_describes_every_flag() {
    let out = zarr_links(&["graph", "--help"]);
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "--format <FORMAT>",
        "--title <TITLE>",
        "dot",
        "mermaid",
        "json",
        "External targets",
    ] {
        assert!(help.contains(needle), "missing {needle:?} in:\n{help}");
    }
}
