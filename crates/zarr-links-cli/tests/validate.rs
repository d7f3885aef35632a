//! `zarr-links validate`: snapshots of the text and JSON output on the use-case
//! stores and on a broken copy, exit codes, open errors.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

mod common;
use common::copy_dir;

fn use_case(name: &str) -> PathBuf {
    let p = common::store(name);
    assert!(p.is_dir(), "missing {}", p.display());
    p
}

/// Runs the binary; returns (exit code, stdout, stderr), with `store` shown as `[STORE]`.
fn run(args: &[&str], store: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zarr-links"))
        .arg("validate")
        .args(args)
        .arg(store)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    let clean = |b: &[u8]| {
        let s = String::from_utf8(b.to_vec()).expect("UTF-8 output");
        s.replace(&store.display().to_string(), "[STORE]")
    };
    let (stdout, stderr) = (clean(&out.stdout), clean(&out.stderr));
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().expect("exit code"), stdout, stderr)
}

fn edit(p: &Path, f: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

#[test]
fn sentinel2_v3_is_valid() {
    let (code, out, err) = run(&[], &use_case("sentinel2-l2a-v3"));
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("sentinel2_v3_text", out);
    let (code, out, _) = run(&["--format", "json"], &use_case("sentinel2-l2a-v3"));
    assert_eq!(code, 0);
    insta::assert_snapshot!("sentinel2_v3_json", out);
}

#[test]
fn sentinel2_v2_consolidated_is_valid() {
    let (code, out, _) = run(&[], &use_case("sentinel2-l2a-v2"));
    assert_eq!(code, 0);
    insta::assert_snapshot!("sentinel2_v2_text", out);
}

#[test]
fn climate_stores_are_valid() {
    for name in ["climate-model-v3", "climate-model-v2"] {
        let (code, out, _) = run(&[], &use_case(name));
        assert_eq!(code, 0, "{name}: {out}");
        assert!(
            out.ends_with("valid: 0 errors, 0 warnings in 20 nodes\n"),
            "{name}: {out}"
        );
    }
}

/// A copy of the Sentinel-2 store with several defects and a warning.
fn broken_sentinel2() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("s2.zarr");
    copy_dir(&use_case("sentinel2-l2a-v3"), &root);
    // Edited by hand, without re-consolidating: drop the consolidated copy
    // so that the findings are about the edits themselves.
    edit(&root.join("zarr.json"), |d| {
        d.as_object_mut().unwrap().remove("consolidated_metadata");
    });
    edit(&root.join("quality/mask/r10m/b04/zarr.json"), |d| {
        d["attributes"]["links:relationships"][0]["target"] =
            json!("/measurements/reflectance/r10m/B04");
    });
    edit(&root.join("indices/ndvi/zarr.json"), |d| {
        d["attributes"]["links:relationships"][1]["type"] = json!("derivedFrom");
        d["attributes"]["links:relationships"][0]["source"] = json!("L2A");
    });
    edit(&root.join("quicklook/r10m/tci/zarr.json"), |d| {
        d["attributes"]["zarr_conventions"] = json!(["9500acb2-598d-48c1-ac4c-96f069e8299b"]);
    });
    edit(
        &root.join("measurements/reflectance/r10m/b04/zarr.json"),
        |d| {
            d["attributes"]["links:relationships"]
                .as_array_mut()
                .unwrap()
                .push(
                    json!({"target": "/measurements/reflectance/r20m/b04", "type": "derived_from"}),
                );
        },
    );
    std::fs::write(
        root.join("quality/mask/r10m/b02/zarr.json"),
        "{\"zarr_format\": 3, \"node_type\": \"arr",
    )
    .unwrap();
    (tmp, root)
}

#[test]
fn broken_sentinel2_text_and_json() {
    let (_tmp, root) = broken_sentinel2();
    let (code, out, err) = run(&[], &root);
    assert_eq!((code, err.as_str()), (1, ""));
    insta::assert_snapshot!("broken_sentinel2_text", out);
    let (code, out, _) = run(&["--format", "json"], &root);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).expect("one JSON object");
    assert_eq!(v["valid"], json!(false));
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"].is_string()
            && f["node"].is_string()
            && f["message"].is_string()
            && (f["severity"] == "error" || f["severity"] == "warning")));
    insta::assert_snapshot!("broken_sentinel2_json", out);
}

#[test]
fn a_store_without_the_convention_is_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("plain.zarr");
    std::fs::create_dir_all(root.join("temperature")).unwrap();
    std::fs::write(
        root.join("zarr.json"),
        r#"{"zarr_format": 3, "node_type": "group", "attributes": {"title": "plain"}}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("temperature/zarr.json"),
        r#"{"zarr_format": 3, "node_type": "array", "shape": [2], "data_type": "float32"}"#,
    )
    .unwrap();
    let (code, out, _) = run(&[], &root);
    assert_eq!(code, 0);
    insta::assert_snapshot!("unused_text", out);
    let (code, out, _) = run(&["--format", "json"], &root);
    assert_eq!(code, 0);
    insta::assert_snapshot!("unused_json", out);
}

#[test]
fn warnings_alone_exit_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("w.zarr");
    copy_dir(&use_case("sentinel2-l2a-v3"), &root);
    edit(&root.join("zarr.json"), |d| {
        d["attributes"]
            .as_object_mut()
            .unwrap()
            .remove("links:index");
    });
    let (code, out, _) = run(&[], &root);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning[links.index.root] zarr.json#/attributes: "),
        "{out}"
    );
    assert!(
        out.ends_with("valid: 0 errors, 1 warning in 164 nodes\n"),
        "{out}"
    );
}

#[test]
fn open_errors_exit_two_and_say_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope.zarr");
    let (code, out, err) = run(&[], &missing);
    assert_eq!((code, out.as_str()), (2, ""));
    insta::assert_snapshot!("missing_root", err);

    let inner = use_case("sentinel2-l2a-v3").join("measurements/reflectance");
    let (code, _, err) = run(&[], &inner);
    assert_eq!(code, 2);
    assert!(
        err.contains("is inside the store rooted at") && err.contains("; pass the root"),
        "{err}"
    );
    assert!(err.contains("sentinel2-l2a-v3/store"), "{err}");

    let file = tmp.path().join("file.zarr");
    std::fs::write(&file, "{}").unwrap();
    let (code, _, err) = run(&[], &file);
    assert_eq!(code, 2);
    insta::assert_snapshot!("root_is_a_file", err);

    let (code, _, err) = run(&[], tmp.path());
    assert_eq!(code, 2);
    assert!(err.contains("no Zarr metadata at the root"), "{err}");
}

#[test]
fn usage_errors_exit_two() {
    let out = Command::new(env!("CARGO_BIN_EXE_zarr-links"))
        .args(["validate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(env!("CARGO_BIN_EXE_zarr-links"))
        .args(["validate", "--format", "yaml", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(env!("CARGO_BIN_EXE_zarr-links"))
        .args(["validate", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(
        help.contains("--format <FORMAT>") && help.contains("Exit status: 0 valid"),
        "{help}"
    );
}
