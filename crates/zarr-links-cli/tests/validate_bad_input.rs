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

/// Runs the binary with `args`, killing it if it has not ended after a
/// minute: a command that blocks fails the test instead of hanging it.
#[cfg(unix)]
fn run_guarded(args: &[&std::ffi::OsStr]) -> std::process::Output {
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_zarr-links"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("{args:?} blocked: still running after 60 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn a_fifo_is_reported_without_blocking() {
    let (_t, root) = store();
    // Nothing ever writes to these FIFOs: opening one for reading the usual
    // way would block forever.
    let mkfifo = |p: &Path| {
        let _ = std::fs::remove_file(p);
        assert!(Command::new("mkfifo").arg(p).status().unwrap().success());
    };
    mkfifo(&root.join("b04/zarr.json"));
    let m = one_finding(&root, "links.store.metadata", "b04/zarr.json");
    assert_eq!(
        m,
        "is a FIFO (named pipe); expected a regular file, so it was not read"
    );
    // Zarr v2: the root's attributes and consolidated metadata.
    let v2 = root.with_file_name("v2.zarr");
    std::fs::create_dir(&v2).unwrap();
    std::fs::write(v2.join(".zgroup"), r#"{"zarr_format": 2}"#).unwrap();
    mkfifo(&v2.join(".zattrs"));
    mkfifo(&v2.join(".zmetadata"));
    let out = run_guarded(&["validate".as_ref(), v2.as_os_str()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for file in [".zattrs", ".zmetadata"] {
        assert!(
            text.contains(&format!("{file}: is a FIFO (named pipe)")),
            "{file}: {text}"
        );
    }
    for args in [
        &["validate"][..],
        &["graph"],
        &["index"],
        &["related", "/b04"][..],
    ] {
        let mut full: Vec<&std::ffi::OsStr> = vec![args[0].as_ref(), root.as_os_str()];
        full.extend(args[1..].iter().map(std::ffi::OsStr::new));
        let out = run_guarded(&full);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(matches!(out.status.code(), Some(0..=2)), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn control_characters_from_the_store_are_printed_escaped() {
    let (_t, root) = store();
    // A link target that clears the screen and starts a new line.
    std::fs::write(
        root.join("b04/zarr.json"),
        r#"{"zarr_format": 3, "node_type": "array", "attributes": {
            "zarr_conventions": [{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b"}],
            "links:relationships": [{"target": "/b\u001b[2J\nfake\u202e", "type": "derived_from"}]}}"#,
    )
    .unwrap();
    for args in [&["validate"][..], &["related"], &["graph"]] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_zarr-links"));
        cmd.arg(args[0]).arg(&root);
        if args[0] == "related" {
            cmd.arg("/b04");
        }
        let out = cmd.output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains("\nfake"),
            "{args:?}: {text:?}"
        );
        // Escaped as `\u{1b}`, `\n`, `\u{202e}` (the graph's DOT output
        // doubles each backslash, as DOT strings need).
        let shown = text.replace("\\\\", "\\");
        assert!(
            shown.contains("/b\\u{1b}[2J\\nfake\\u{202e}"),
            "{args:?}: {text:?}"
        );
    }
}

#[cfg(unix)]
#[test]
fn an_unreadable_store_root_exits_2_with_the_path_and_the_reason() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let (t, root) = store();
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads every directory: run as `nobody` then.
    let as_root = std::fs::metadata(t.path()).unwrap().uid() == 0;
    let mut cmd = if as_root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_zarr-links"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_zarr-links"))
    };
    let out = cmd.arg("validate").arg(&root).output();
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = match out {
        Ok(out) => out,
        Err(e) if as_root => {
            eprintln!("skipped: cannot run as another user without setpriv ({e})");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "{}: cannot list the directory: Permission denied",
            root.display()
        )),
        "{err}"
    );
}
