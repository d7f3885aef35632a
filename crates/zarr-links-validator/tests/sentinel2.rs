//! The Sentinel-2 L2A and climate use-case stores are valid; each
//! deliberately broken copy of the Sentinel-2 store gives exactly one error,
//! naming the right rule, node, file and pointer (Zarr v3, and Zarr v2 with
//! consolidated metadata).

mod common;

use std::path::{Path, PathBuf};

use common::{copy_tree, summary};
use serde_json::{json, Map, Value};
use zarr_links_model::hierarchy::pointer_token;
use zarr_links_model::Rule;
use zarr_links_validator::validate_path;

fn use_case(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../conformance/valid/use-cases")
        .join(name)
        .join("store");
    assert!(p.is_dir(), "missing use-case store {}", p.display());
    p
}

#[test]
fn the_use_case_stores_are_valid() {
    for name in [
        "sentinel2-l2a-v3",
        "sentinel2-l2a-v2",
        "climate-model-v3",
        "climate-model-v2",
    ] {
        let r = validate_path(&use_case(name)).expect("opens");
        assert!(r.valid && r.convention_used, "{name}:\n{}", summary(&r));
        assert_eq!(r.errors, 0, "{name}");
        if name.starts_with("sentinel2") {
            assert!(r.nodes >= 150, "{name}: {} nodes", r.nodes);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Fmt {
    V3,
    V2,
}

fn read(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn write(p: &Path, v: &Value) {
    std::fs::write(p, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

/// Edits one node's attributes, keeping consolidated metadata in step.
fn edit(root: &Path, fmt: Fmt, node: &str, f: &dyn Fn(&mut Map<String, Value>)) {
    let prefix = node.trim_start_matches('/');
    match fmt {
        Fmt::V3 => {
            let p = root.join(prefix).join("zarr.json");
            let mut doc = read(&p);
            let attrs = doc
                .as_object_mut()
                .unwrap()
                .entry("attributes")
                .or_insert(json!({}));
            f(attrs.as_object_mut().unwrap());
            let attrs = attrs.clone();
            write(&p, &doc);
            let root_doc = root.join("zarr.json");
            let mut top = read(&root_doc);
            if !prefix.is_empty() && top.get("consolidated_metadata").is_some() {
                top["consolidated_metadata"]["metadata"][prefix]["attributes"] = attrs;
                write(&root_doc, &top);
            }
        }
        Fmt::V2 => {
            let key = if prefix.is_empty() {
                ".zattrs".to_string()
            } else {
                format!("{prefix}/.zattrs")
            };
            let p = root.join(&key);
            let mut attrs = if p.exists() { read(&p) } else { json!({}) };
            f(attrs.as_object_mut().unwrap());
            write(&p, &attrs);
            let zm = root.join(".zmetadata");
            if zm.exists() {
                let mut meta = read(&zm);
                meta["metadata"][key.as_str()] = attrs;
                write(&zm, &meta);
            }
        }
    }
}

/// The file and pointer where a node's attributes live.
fn loc(fmt: Fmt, consolidated: bool, node: &str, within: &str) -> (String, String) {
    let prefix = node.trim_start_matches('/');
    match (fmt, consolidated) {
        (Fmt::V3, true) if !prefix.is_empty() => (
            "zarr.json".into(),
            format!(
                "/consolidated_metadata/metadata/{}/attributes{within}",
                pointer_token(prefix)
            ),
        ),
        (Fmt::V3, _) => (
            if prefix.is_empty() {
                "zarr.json".into()
            } else {
                format!("{prefix}/zarr.json")
            },
            format!("/attributes{within}"),
        ),
        (Fmt::V2, true) => {
            let key = if prefix.is_empty() {
                ".zattrs".to_string()
            } else {
                format!("{prefix}/.zattrs")
            };
            (
                ".zmetadata".into(),
                format!("/metadata/{}{within}", pointer_token(&key)),
            )
        }
        (Fmt::V2, false) => (
            if prefix.is_empty() {
                ".zattrs".into()
            } else {
                format!("{prefix}/.zattrs")
            },
            within.to_string(),
        ),
    }
}

fn links(a: &mut Map<String, Value>) -> &mut Vec<Value> {
    a.get_mut("links:relationships")
        .unwrap()
        .as_array_mut()
        .unwrap()
}

fn declare(a: &mut Map<String, Value>) {
    a.entry("zarr_conventions")
        .or_insert(json!([]))
        .as_array_mut()
        .unwrap()
        .push(json!({"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b"}));
}

struct Variant {
    name: &'static str,
    node: &'static str,
    edit: fn(&mut Map<String, Value>),
    rule: Rule,
    /// Where the error is reported, when not on the edited node.
    on: Option<&'static str>,
    within: &'static str,
}

const MASK: &str = "/quality/mask/r10m/b04";
const NDVI: &str = "/indices/ndvi";
const B04: &str = "/measurements/reflectance/r10m/b04";

fn variants() -> Vec<Variant> {
    vec![
        Variant {
            name: "misspelt target",
            node: MASK,
            edit: |a| links(a)[0]["target"] = json!("/measurements/reflectance/r10m/B04"),
            rule: Rule::TargetResolves,
            on: None,
            within: "/links:relationships/0/target",
        },
        Variant {
            name: "relative target",
            node: MASK,
            edit: |a| links(a)[0]["target"] = json!("../../../measurements/reflectance/r10m/b04"),
            rule: Rule::TargetForm,
            on: None,
            within: "/links:relationships/0/target",
        },
        Variant {
            name: "target leaves the root",
            node: MASK,
            edit: |a| links(a)[0]["target"] = json!("/measurements/../../b04"),
            rule: Rule::TargetEscape,
            on: None,
            within: "/links:relationships/0/target",
        },
        Variant {
            name: "self link",
            node: MASK,
            edit: |a| links(a)[0]["target"] = json!(MASK),
            rule: Rule::TargetSelf,
            on: None,
            within: "/links:relationships/0/target",
        },
        Variant {
            name: "misspelt type",
            node: NDVI,
            edit: |a| links(a)[1]["type"] = json!("derived-from"),
            rule: Rule::LinkType,
            on: None,
            within: "/links:relationships/1/type",
        },
        Variant {
            name: "legacy declaration",
            node: "/quicklook/r10m/tci",
            edit: |a| {
                a.insert(
                    "zarr_conventions".into(),
                    json!(["9500acb2-598d-48c1-ac4c-96f069e8299b"]),
                );
            },
            rule: Rule::DeclarationObjectForm,
            on: None,
            within: "/zarr_conventions/0",
        },
        Variant {
            name: "no declaration",
            node: "/classification/r20m/scl",
            edit: |a| {
                a.remove("zarr_conventions");
            },
            rule: Rule::DeclarationRequired,
            on: None,
            within: "",
        },
        Variant {
            name: "derived_from cycle",
            node: B04,
            edit: |a| {
                links(a).push(
                    json!({"target": "/measurements/reflectance/r20m/b04", "type": "derived_from"}),
                )
            },
            rule: Rule::CycleDerivedFrom,
            on: None,
            within: "/links:relationships/1/target",
        },
        Variant {
            name: "quality_for on a group",
            node: "/quality",
            edit: |a| {
                declare(a);
                a.insert(
                    "links:relationships".into(),
                    json!([{"target": B04, "type": "quality_for"}]),
                );
            },
            rule: Rule::KindQualityFor,
            on: None,
            within: "/links:relationships/0/type",
        },
        Variant {
            name: "index entry that does not exist",
            node: "/",
            edit: |a| {
                a["links:index"]["bands"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!("/measurements/reflectance/r10m/b13"));
            },
            rule: Rule::IndexResolves,
            on: None,
            within: "/links:index/bands/12",
        },
        Variant {
            name: "external target with a space",
            node: B04,
            edit: |a| links(a)[0]["target"] = json!("s3://eopf samples/l1c.zarr#/b04"),
            rule: Rule::TargetUri,
            on: None,
            within: "/links:relationships/0/target",
        },
    ]
}

fn broken_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("store");
    copy_tree(&use_case(name), &root);
    (tmp, root)
}

#[test]
fn each_broken_variant_gives_one_error_with_rule_node_and_pointer() {
    for (store, fmt) in [("sentinel2-l2a-v3", Fmt::V3), ("sentinel2-l2a-v2", Fmt::V2)] {
        for v in variants() {
            let (_tmp, root) = broken_copy(store);
            edit(&root, fmt, v.node, &v.edit);
            let r = validate_path(&root).unwrap();
            let ctx = format!("{store}, {}:\n{}", v.name, summary(&r));
            assert!(!r.valid, "{ctx}");
            assert_eq!((r.errors, r.findings.len()), (1, 1), "{ctx}");
            let f = &r.findings[0];
            let node = v.on.unwrap_or(v.node);
            let (file, pointer) = loc(fmt, r.consolidated, node, v.within);
            assert_eq!((f.rule, f.node.as_str()), (v.rule, node), "{ctx}");
            assert_eq!(
                (f.file.as_deref(), f.pointer.as_str()),
                (Some(file.as_str()), pointer.as_str()),
                "{ctx}"
            );
        }
    }
}

#[test]
fn a_truncated_band_document_is_one_error() {
    let (_tmp, root) = broken_copy("sentinel2-l2a-v3");
    let p = root.join("measurements/reflectance/r10m/b04/zarr.json");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, &text[..text.len() / 2]).unwrap();
    let r = validate_path(&root).unwrap();
    assert_eq!(r.findings.len(), 1, "{}", summary(&r));
    assert_eq!(
        (r.findings[0].rule, r.findings[0].node.as_str()),
        (Rule::StoreMetadata, B04)
    );
}

#[test]
fn v2_attributes_changed_without_reconsolidating() {
    let (_tmp, root) = broken_copy("sentinel2-l2a-v2");
    let p = root.join("quality/mask/r10m/b04/.zattrs");
    let mut a = read(&p);
    a["links:relationships"][0]["target"] = json!("/measurements/reflectance/r10m/b03");
    write(&p, &a);
    let r = validate_path(&root).unwrap();
    assert_eq!(r.findings.len(), 1, "{}", summary(&r));
    let f = &r.findings[0];
    assert_eq!(
        (f.rule, f.node.as_str(), f.file.as_deref()),
        (Rule::StoreConsolidated, MASK, Some(".zmetadata"))
    );
    assert!(
        f.message.contains("/links:relationships/0/target"),
        "{}",
        f.message
    );
}
