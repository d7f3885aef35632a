//! Helpers to build small stores in temporary directories.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use zarr_links_validator::{validate_path, Finding, Report};

pub const UUID: &str = "9500acb2-598d-48c1-ac4c-96f069e8299b";

pub fn cmo() -> Value {
    json!({"uuid": UUID, "name": "links:"})
}

/// Node path → (kind, attributes).
pub type Nodes = BTreeMap<String, (&'static str, Value)>;

/// A small, valid store that uses the convention.
pub fn base() -> Nodes {
    let mut n = Nodes::new();
    n.insert(
        "/".into(),
        ("group", json!({"zarr_conventions": [cmo()], "links:index": {"bands": ["/bands/B04", "/bands/B08"], "quality": ["/quality/mask"]}})),
    );
    n.insert("/bands".into(), ("group", json!({})));
    n.insert("/bands/B04".into(), ("array", json!({"long_name": "red"})));
    n.insert("/bands/B08".into(), ("array", json!({})));
    n.insert("/quality".into(), ("group", json!({})));
    n.insert(
        "/quality/mask".into(),
        ("array", json!({"zarr_conventions": [cmo()], "links:relationships": [{"target": "/bands/B04", "type": "quality_for"}]})),
    );
    n.insert(
        "/ndvi".into(),
        (
            "array",
            json!({"zarr_conventions": [cmo()], "links:relationships": [
                {"target": "/bands/B04", "type": "derived_from"},
                {"target": "/bands/B08", "type": "derived_from"},
                {"target": "https://example.org/ndvi.html", "type": "describedby", "media_type": "text/html"}
            ]}),
        ),
    );
    n
}

pub fn attrs<'a>(n: &'a mut Nodes, path: &str) -> &'a mut serde_json::Map<String, Value> {
    n.get_mut(path)
        .expect("node exists")
        .1
        .as_object_mut()
        .expect("object")
}

/// Adds `links` to a node, declaring the convention.
pub fn add_links(n: &mut Nodes, path: &str, links: Value) {
    let a = attrs(n, path);
    a.entry("zarr_conventions").or_insert(json!([cmo()]));
    let list = a.entry("links:relationships").or_insert(json!([]));
    for l in links.as_array().expect("array").iter() {
        list.as_array_mut().expect("array").push(l.clone());
    }
}

fn dir_of(root: &Path, path: &str) -> PathBuf {
    let mut d = root.to_path_buf();
    for s in path.split('/').filter(|s| !s.is_empty()) {
        d.push(s);
    }
    d
}

pub fn write_pretty(p: &Path, v: &Value) {
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, serde_json::to_string_pretty(v).expect("json")).expect("write");
}

/// Writes a Zarr v3 store.
pub fn write_v3(root: &Path, nodes: &Nodes) {
    for (path, (kind, a)) in nodes {
        let mut doc = json!({"zarr_format": 3, "node_type": kind, "attributes": a});
        if *kind == "array" {
            doc["shape"] = json!([4, 4]);
            doc["data_type"] = json!("uint8");
        }
        write_pretty(&dir_of(root, path).join("zarr.json"), &doc);
    }
}

/// Writes a Zarr v2 store (no consolidated metadata).
pub fn write_v2(root: &Path, nodes: &Nodes) {
    for (path, (kind, a)) in nodes {
        let d = dir_of(root, path);
        if *kind == "group" {
            write_pretty(&d.join(".zgroup"), &json!({"zarr_format": 2}));
        } else {
            write_pretty(
                &d.join(".zarray"),
                &json!({"zarr_format": 2, "shape": [4, 4], "dtype": "|u1", "chunks": [4, 4]}),
            );
        }
        if a.as_object().is_some_and(|m| !m.is_empty()) {
            write_pretty(&d.join(".zattrs"), a);
        }
    }
}

/// Writes a Zarr v3 store with inline consolidated metadata at the root.
pub fn write_v3_consolidated(root: &Path, nodes: &Nodes) {
    write_v3(root, nodes);
    let mut meta = serde_json::Map::new();
    for (path, (kind, a)) in nodes {
        if path == "/" {
            continue;
        }
        let mut doc = json!({"zarr_format": 3, "node_type": kind, "attributes": a});
        if *kind == "array" {
            doc["shape"] = json!([4, 4]);
            doc["data_type"] = json!("uint8");
        }
        meta.insert(path[1..].to_string(), doc);
    }
    let (_, a) = &nodes["/"];
    let doc = json!({"zarr_format": 3, "node_type": "group", "attributes": a,
        "consolidated_metadata": {"kind": "inline", "must_understand": false, "metadata": meta}});
    write_pretty(&root.join("zarr.json"), &doc);
}

/// Writes a Zarr v2 store with `.zmetadata`.
pub fn write_v2_consolidated(root: &Path, nodes: &Nodes) {
    write_v2(root, nodes);
    let mut meta = serde_json::Map::new();
    for (path, (kind, a)) in nodes {
        let prefix = if path == "/" {
            String::new()
        } else {
            format!("{}/", &path[1..])
        };
        if *kind == "group" {
            meta.insert(format!("{prefix}.zgroup"), json!({"zarr_format": 2}));
        } else {
            meta.insert(
                format!("{prefix}.zarray"),
                json!({"zarr_format": 2, "shape": [4, 4], "dtype": "|u1", "chunks": [4, 4]}),
            );
        }
        if a.as_object().is_some_and(|m| !m.is_empty()) {
            meta.insert(format!("{prefix}.zattrs"), a.clone());
        }
    }
    write_pretty(
        &root.join(".zmetadata"),
        &json!({"zarr_consolidated_format": 1, "metadata": meta}),
    );
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fmt {
    V2,
    V3,
}

pub fn build(fmt: Fmt, nodes: &Nodes) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    match fmt {
        Fmt::V2 => write_v2(dir.path(), nodes),
        Fmt::V3 => write_v3(dir.path(), nodes),
    }
    dir
}

pub fn check(fmt: Fmt, nodes: &Nodes) -> Report {
    let dir = build(fmt, nodes);
    validate_path(dir.path()).expect("store opens")
}

/// The file and pointer prefix of a node's attributes.
pub fn loc(fmt: Fmt, node: &str, within: &str) -> (String, String) {
    let prefix = if node == "/" {
        String::new()
    } else {
        format!("{}/", &node[1..])
    };
    match fmt {
        Fmt::V3 => (format!("{prefix}zarr.json"), format!("/attributes{within}")),
        Fmt::V2 => (format!("{prefix}.zattrs"), within.to_string()),
    }
}

pub fn summary(r: &Report) -> String {
    r.findings
        .iter()
        .map(|f: &Finding| {
            format!(
                "{} {} {} {:?}#{} {}",
                f.severity.as_str(),
                f.rule,
                f.node,
                f.file,
                f.pointer,
                f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Copies a directory tree (no symlinks expected).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let t = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_tree(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).expect("copy");
        }
    }
}
