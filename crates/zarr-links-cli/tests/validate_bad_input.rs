//! `zarr-links validate` on bad input: every case exits with the right code,
//! reports the right rule and file, and never panics.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A small valid v3 store: a root group with an index and one array.
fn store() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("s.zarr");
    std::fs::create_dir_all(root.join("b04")).unwrap();
    std::fs::write(
        root.join("zarr.json"),
        r#"{"zarr_format": 3, "node_type": "group", "attributes": {
            "zarr_conventions": [{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b"}],
            "links:index": {"bands": ["/b04"]}}}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("b04/zarr.json"),
        r#"{"zarr_format": 3, "node_type": "array"}"#,
    )
    .unwrap();
    (tmp, root)
}

/// Runs `validate --format json`; returns the exit code, the report (if
/// any) and stderr.
fn run(root: &Path) -> (i32, Option<Value>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zarr-links"))
        .args(["validate", "--format", "json"])
        .arg(root)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report = serde_json::from_slice(&out.stdout).ok();
    (out.status.code().expect("exit code"), report, stderr)
}

/// Asserts exit 1 and exactly one finding with this rule and file; returns its message.
fn one_finding(root: &Path, rule: &str, file: &str) -> String {
    let (code, report, err) = run(root);
    let report = report.unwrap_or_else(|| panic!("no report; stderr: {err}"));
    assert_eq!(code, 1, "{report:#}");
    let f = report["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{report:#}");
    assert_eq!(
        (f[0]["rule"].as_str(), f[0]["file"].as_str()),
        (Some(rule), Some(file)),
        "{report:#}"
    );
    f[0]["message"].as_str().unwrap().to_string()
}

#[test]
fn malformed_json() {
    let (_t, root) = store();
    std::fs::write(root.join("b04/zarr.json"), "{\"zarr_format\": 3,, }").unwrap();
    let m = one_finding(&root, "links.store.metadata", "b04/zarr.json");
    assert!(m.contains("not valid JSON"), "{m}");
}

#[test]
fn truncated_json() {
    let (_t, root) = store();
    std::fs::write(root.join("b04/zarr.json"), "{\"zarr_format\": 3, \"node_").unwrap();
    let m = one_finding(&root, "links.store.metadata", "b04/zarr.json");
    assert!(m.contains("truncated"), "{m}");
}

#[test]
fn non_object_document() {
    let (_t, root) = store();
    std::fs::write(root.join("b04/zarr.json"), "null").unwrap();
    let m = one_finding(&root, "links.store.metadata", "b04/zarr.json");
    assert!(m.contains("JSON null; expected a JSON object"), "{m}");
}

#[test]
fn invalid_utf8() {
    let (_t, root) = store();
    std::fs::write(
        root.join("b04/zarr.json"),
        b"{\"zarr_format\": 3, \"node_type\": \"array\", \"x\": \"\xff\"}",
    )
    .unwrap();
    let m = one_finding(&root, "links.store.metadata", "b04/zarr.json");
    assert!(m.contains("not valid UTF-8"), "{m}");
}

#[test]
fn byte_order_mark() {
    let (_t, root) = store();
    std::fs::write(
        root.join("b04/zarr.json"),
        b"\xef\xbb\xbf{\"zarr_format\": 3, \"node_type\": \"array\"}",
    )
    .unwrap();
    let m = one_finding(&root, "links.store.metadata", "b04/zarr.json");
    assert!(m.contains("byte order mark"), "{m}");
}

#[test]
fn huge_metadata_file() {
    let (_t, root) = store();
    let big = format!(
        "{{\"zarr_format\": 3, \"node_type\": \"array\", \"pad\": \"{}\"}}",
        " ".repeat(17 << 20)
    );
    std::fs::write(root.join("b04/zarr.json"), big).unwrap();
    let m = one_finding(&root, "links.store.metadata", "b04/zarr.json");
    assert!(m.contains("16 MiB"), "{m}");
}

#[test]
fn json_nested_100000_deep() {
    let (_t, root) = store();
    let deep = format!(
        "{{\"zarr_format\": 3, \"node_type\": \"array\", \"x\": {}{}}}",
        "{\"a\":".repeat(100_000),
        "}".repeat(100_000)
    );
    std::fs::write(root.join("b04/zarr.json"), deep).unwrap();
    let m = one_finding(&root, "links.store.metadata", "b04/zarr.json");
    assert!(m.contains("nested 128 levels deep or more"), "{m}");
}

#[cfg(unix)]
#[test]
fn symlink_loop() {
    let (_t, root) = store();
    std::os::unix::fs::symlink("../..", root.join("b04/up")).unwrap();
    std::os::unix::fs::symlink("loop2", root.join("loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", root.join("loop2")).unwrap();
    let (code, report, _) = run(&root);
    let report = report.unwrap();
    assert_eq!(code, 1, "{report:#}");
    let f: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["file"].as_str().unwrap()))
        .collect();
    assert_eq!(
        f,
        [
            ("links.store.layout", "loop1"),
            ("links.store.layout", "loop2")
        ],
        "{report:#}"
    );
}

#[cfg(unix)]
#[test]
fn symlink_pointing_outside_the_store() {
    let (t, root) = store();
    std::fs::create_dir(t.path().join("outside")).unwrap();
    std::fs::write(
        t.path().join("outside/zarr.json"),
        r#"{"zarr_format": 3, "node_type": "array"}"#,
    )
    .unwrap();
    std::os::unix::fs::symlink(t.path().join("outside"), root.join("b08")).unwrap();
    let m = one_finding(&root, "links.store.layout", "b08");
    assert!(m.contains("outside the store root"), "{m}");
}

#[test]
fn missing_root() {
    let (t, _root) = store();
    let (code, report, err) = run(&t.path().join("missing.zarr"));
    assert_eq!((code, report), (2, None));
    assert!(err.contains("missing.zarr: no such directory"), "{err}");
}

#[test]
fn a_file_where_a_directory_should_be() {
    let (_t, root) = store();
    // The root itself is a file.
    let (code, report, err) = run(&root.join("zarr.json"));
    assert_eq!((code, report), (2, None));
    assert!(err.contains("is a file, not a directory"), "{err}");
    // A node document is a directory.
    std::fs::remove_file(root.join("b04/zarr.json")).unwrap();
    std::fs::create_dir(root.join("b04/zarr.json")).unwrap();
    let m = one_finding(&root, "links.store.metadata", "b04/zarr.json");
    assert!(m.contains("is a directory"), "{m}");
}
