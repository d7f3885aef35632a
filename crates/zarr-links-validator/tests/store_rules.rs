//! Store-level rules and bad input: every malformed document, symbolic link
//! trick and unusable path gives a clear finding or open error, never a panic.

mod common;

use std::path::Path;

use common::*;
use serde_json::json;
use zarr_links_model::Rule;
use zarr_links_validator::{validate_path, OpenError, Report};

fn v3_store() -> tempfile::TempDir {
    build(Fmt::V3, &base())
}

fn run(dir: &Path) -> Report {
    validate_path(dir).expect("the store opens")
}

/// Asserts exactly one finding, with this rule, node and file.
fn one(r: &Report, rule: Rule, node: &str, file: &str) -> String {
    assert_eq!(r.findings.len(), 1, "{}", summary(r));
    let f = &r.findings[0];
    assert_eq!(
        (f.rule, f.node.as_str(), f.file.as_deref()),
        (rule, node, Some(file)),
        "{}",
        summary(r)
    );
    assert!(!r.valid);
    f.message.clone()
}

/// Every finding as (rule, node, file), in report order.
fn located(r: &Report) -> Vec<(Rule, &str, Option<&str>)> {
    r.findings
        .iter()
        .map(|f| (f.rule, f.node.as_str(), f.file.as_deref()))
        .collect()
}

const MASK: &str = "quality/mask/zarr.json";

#[test]
fn malformed_json() {
    let d = v3_store();
    std::fs::write(
        d.path().join(MASK),
        r#"{"zarr_format": 3, "node_type": "array",, }"#,
    )
    .unwrap();
    let m = one(&run(d.path()), Rule::StoreMetadata, "/quality/mask", MASK);
    assert!(
        m.contains("not valid JSON") && m.contains("line 1, column"),
        "{m}"
    );
}

#[test]
fn truncated_json_does_not_cascade_into_unresolved_targets() {
    let d = v3_store();
    // The index and /quality/mask's own link name /bands/B04: they must not be reported too.
    std::fs::write(
        d.path().join("bands/B04/zarr.json"),
        r#"{"zarr_format": 3, "node_type": "arr"#,
    )
    .unwrap();
    let m = one(
        &run(d.path()),
        Rule::StoreMetadata,
        "/bands/B04",
        "bands/B04/zarr.json",
    );
    assert!(m.contains("truncated"), "{m}");
}

#[test]
fn document_that_is_not_an_object() {
    let d = v3_store();
    std::fs::write(d.path().join(MASK), "[1, 2, 3]").unwrap();
    let m = one(&run(d.path()), Rule::StoreMetadata, "/quality/mask", MASK);
    assert!(m.contains("is a JSON array; expected a JSON object"), "{m}");
    // v2 attributes that are not an object.
    let d = build(Fmt::V2, &base());
    std::fs::write(d.path().join("quality/mask/.zattrs"), "\"links\"").unwrap();
    let m = one(
        &run(d.path()),
        Rule::StoreMetadata,
        "/quality/mask",
        "quality/mask/.zattrs",
    );
    assert!(m.contains("JSON string"), "{m}");
}

#[test]
fn invalid_utf8() {
    let d = v3_store();
    let mut bytes =
        br#"{"zarr_format": 3, "node_type": "array", "attributes": {"title": "caf"#.to_vec();
    bytes.extend([0xE9, b'"', b'}', b'}']);
    std::fs::write(d.path().join(MASK), bytes).unwrap();
    let m = one(&run(d.path()), Rule::StoreMetadata, "/quality/mask", MASK);
    assert!(m.contains("not valid UTF-8") && m.contains("0xE9"), "{m}");
}

#[test]
fn byte_order_mark_is_reported_and_the_rest_still_checked() {
    let d = v3_store();
    let doc = json!({"zarr_format": 3, "node_type": "array", "attributes": {
        "zarr_conventions": [cmo()], "links:relationships": [{"target": "/bands/B4", "type": "quality_for"}]}});
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(serde_json::to_vec(&doc).unwrap());
    std::fs::write(d.path().join(MASK), bytes).unwrap();
    let r = run(d.path());
    let rules: Vec<_> = r
        .findings
        .iter()
        .map(|f| (f.rule, f.pointer.as_str()))
        .collect();
    assert_eq!(
        rules,
        [
            (Rule::StoreMetadata, ""),
            (
                Rule::TargetResolves,
                "/attributes/links:relationships/0/target"
            )
        ],
        "{}",
        summary(&r)
    );
    assert!(r.findings[0].message.contains("byte order mark"));
}

#[test]
fn huge_document_is_refused_unread() {
    let d = v3_store();
    let filler = "x".repeat(zarr_links_store::MAX_DOCUMENT_BYTES);
    let doc = format!(
        r#"{{"zarr_format": 3, "node_type": "array", "attributes": {{"filler": "{filler}"}}}}"#
    );
    std::fs::write(d.path().join(MASK), doc).unwrap();
    let m = one(&run(d.path()), Rule::StoreMetadata, "/quality/mask", MASK);
    assert!(m.contains("16 MiB"), "{m}");
}

#[test]
fn json_nested_100000_deep_is_refused_without_overflow() {
    let d = v3_store();
    let depth = 100_000;
    let doc = format!(
        r#"{{"zarr_format": 3, "node_type": "array", "attributes": {{"deep": {}{}}}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    std::fs::write(d.path().join(MASK), doc).unwrap();
    let m = one(&run(d.path()), Rule::StoreMetadata, "/quality/mask", MASK);
    assert!(m.contains("nested 128 levels deep or more"), "{m}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed() {
    let d = v3_store();
    // A link to its own ancestor, and a link to itself.
    std::os::unix::fs::symlink("..", d.path().join("bands/up")).unwrap();
    std::os::unix::fs::symlink("self", d.path().join("quality/self")).unwrap();
    let r = run(d.path());
    let got = located(&r);
    assert_eq!(
        got,
        [
            (Rule::StoreLayout, "/bands/up", Some("bands/up")),
            (Rule::StoreLayout, "/quality/self", Some("quality/self")),
        ],
        "{}",
        summary(&r)
    );
    assert!(
        r.findings[0].message.contains("loop"),
        "{}",
        r.findings[0].message
    );
    assert!(
        r.findings[1].message.contains("loop"),
        "{}",
        r.findings[1].message
    );
}

#[cfg(unix)]
// rule: links.reader.confined
#[test]
fn symlink_outside_the_root_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    // If it were read, this would be a node with a broken document.
    std::fs::create_dir(outside.path().join("secret")).unwrap();
    std::fs::write(outside.path().join("secret/zarr.json"), "not json").unwrap();
    let d = v3_store();
    std::os::unix::fs::symlink(outside.path().join("secret"), d.path().join("bands/B12")).unwrap();
    // A file symlink too, where a node document should be.
    std::fs::create_dir(d.path().join("bands/B11")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret/zarr.json"),
        d.path().join("bands/B11/zarr.json"),
    )
    .unwrap();
    let r = run(d.path());
    let got = located(&r);
    assert_eq!(
        got,
        [
            (Rule::StoreLayout, "/bands/B11", Some("bands/B11/zarr.json")),
            (Rule::StoreLayout, "/bands/B12", Some("bands/B12")),
        ],
        "{}",
        summary(&r)
    );
    assert!(
        r.findings
            .iter()
            .all(|f| f.message.contains("outside the store root")),
        "{}",
        summary(&r)
    );
}

#[cfg(unix)]
#[test]
fn symlinks_inside_the_root_are_followed() {
    // A node document that is a relative link to a file beside it. (A link
    // to a directory inside the root makes an alias: the walk, which lists
    // every directory, reaches the directory itself too.)
    let d = v3_store();
    let dir = d.path().join("bands/B04");
    std::fs::rename(dir.join("zarr.json"), dir.join("metadata.json")).unwrap();
    std::os::unix::fs::symlink("metadata.json", dir.join("zarr.json")).unwrap();
    let r = run(d.path());
    assert!(r.valid && r.findings.is_empty(), "{}", summary(&r));
    assert_eq!(r.nodes, 7);
}

#[cfg(unix)]
#[test]
fn a_directory_reached_twice_is_read_once_at_its_first_path() {
    let d = v3_store();
    std::os::unix::fs::symlink("B04", d.path().join("bands/red")).unwrap();
    let r = run(d.path());
    assert_eq!(
        one(&r, Rule::StoreLayout, "/bands/red", "bands/red"),
        "/bands/red is the same directory as /bands/B04 (a symbolic link alias); its nodes are read once, as /bands/B04"
    );
    assert_eq!(r.nodes, 7);
}

#[test]
fn missing_root() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("nope.zarr");
    let e = validate_path(&p).unwrap_err();
    assert_eq!(e, OpenError::Missing(p.clone()));
    assert!(e.to_string().contains("no such directory"), "{e}");
}

#[test]
fn root_is_a_file() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("store.zarr");
    std::fs::write(&p, "{}").unwrap();
    let e = validate_path(&p).unwrap_err();
    assert_eq!(e, OpenError::NotADirectory(p));
    assert!(e.to_string().contains("is a file, not a directory"), "{e}");
}

#[test]
fn a_directory_where_a_metadata_file_should_be() {
    let d = v3_store();
    std::fs::remove_file(d.path().join(MASK)).unwrap();
    std::fs::create_dir(d.path().join(MASK)).unwrap();
    let r = run(d.path());
    // The mask is unreadable, so nothing else about it is reported.
    let m = one(&r, Rule::StoreMetadata, "/quality/mask", MASK);
    assert!(
        m.contains("is a directory; expected a metadata file"),
        "{m}"
    );
}

#[test]
fn a_file_where_a_directory_should_be() {
    // The consolidated metadata lists /bands/B04/sub, but bands/B04 is... a
    // directory holding the file `sub`, not a node directory.
    let mut nodes = base();
    nodes.insert("/bands/sub".into(), ("array", json!({})));
    let d = tempfile::tempdir().unwrap();
    write_v3_consolidated(d.path(), &nodes);
    std::fs::remove_dir_all(d.path().join("bands/sub")).unwrap();
    std::fs::write(d.path().join("bands/sub"), "a file").unwrap();
    let r = run(d.path());
    let m = one(&r, Rule::StoreConsolidated, "/bands/sub", "zarr.json");
    assert_eq!(
        r.findings[0].pointer,
        "/consolidated_metadata/metadata/bands~1sub"
    );
    assert!(m.contains("no such file"), "{m}");
}

#[test]
fn a_path_inside_a_store_names_the_root() {
    let d = v3_store();
    let inner = d.path().join("bands/B04");
    match validate_path(&inner).unwrap_err() {
        OpenError::InsideStore { path, root } => {
            assert_eq!(path, inner);
            assert_eq!(root, d.path().to_path_buf());
        }
        e => panic!("unexpected {e:?}"),
    }
    let e = validate_path(&inner).unwrap_err().to_string();
    assert!(
        e.contains("is inside the store rooted at") && e.ends_with("pass the root"),
        "{e}"
    );
    // A chunk directory below an array too.
    std::fs::create_dir_all(d.path().join("bands/B04/c/0")).unwrap();
    assert!(matches!(
        validate_path(&d.path().join("bands/B04/c/0")),
        Err(OpenError::InsideStore { .. })
    ));
}

#[test]
fn a_directory_without_zarr_metadata() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("README"), "hi").unwrap();
    let e = validate_path(d.path()).unwrap_err();
    assert!(matches!(e, OpenError::NoMetadata(_)), "{e:?}");
    assert!(
        e.to_string().contains("no Zarr metadata at the root"),
        "{e}"
    );
}

#[test]
fn a_node_that_is_both_group_and_array() {
    let d = build(Fmt::V2, &base());
    std::fs::write(d.path().join("bands/B04/.zgroup"), r#"{"zarr_format": 2}"#).unwrap();
    let r = run(d.path());
    one(&r, Rule::StoreLayout, "/bands/B04", "bands/B04/.zarray");
}

#[test]
fn an_unknown_node_type() {
    let d = v3_store();
    write_pretty(
        &d.path().join(MASK),
        &json!({"zarr_format": 3, "node_type": "table"}),
    );
    let r = run(d.path());
    one(&r, Rule::StoreMetadata, "/quality/mask", MASK);
    assert_eq!(r.findings[0].pointer, "/node_type");
}

#[test]
fn consolidated_v3_is_used_and_compared() {
    let d = tempfile::tempdir().unwrap();
    write_v3_consolidated(d.path(), &base());
    let r = run(d.path());
    assert!(
        r.valid && r.consolidated && r.findings.is_empty(),
        "{}",
        summary(&r)
    );
    assert_eq!(r.nodes, 7);

    // Change a per-node document only.
    let mut nodes = base();
    attrs(&mut nodes, "/quality/mask")["links:relationships"][0]["target"] = json!("/bands/B08");
    write_v3(d.path(), &nodes);
    write_pretty(&d.path().join("zarr.json"), &{
        let d2 = tempfile::tempdir().unwrap();
        write_v3_consolidated(d2.path(), &base());
        serde_json::from_slice(&std::fs::read(d2.path().join("zarr.json")).unwrap()).unwrap()
    });
    let r = run(d.path());
    let m = one(&r, Rule::StoreConsolidated, "/quality/mask", "zarr.json");
    assert_eq!(
        r.findings[0].pointer,
        "/consolidated_metadata/metadata/quality~1mask"
    );
    assert!(
        m.contains("/attributes/links:relationships/0/target") && m.contains("\"/bands/B08\""),
        "{m}"
    );
}

#[test]
fn consolidated_v3_errors_point_into_the_consolidated_document() {
    let mut nodes = base();
    attrs(&mut nodes, "/quality/mask")["links:relationships"][0]["target"] = json!("/bands/B4");
    let d = tempfile::tempdir().unwrap();
    write_v3_consolidated(d.path(), &nodes);
    let r = run(d.path());
    let m = one(&r, Rule::TargetResolves, "/quality/mask", "zarr.json");
    assert_eq!(
        r.findings[0].pointer,
        "/consolidated_metadata/metadata/quality~1mask/attributes/links:relationships/0/target"
    );
    assert!(m.contains("did you mean"), "{m}");
}

#[test]
fn consolidated_v3_missing_and_extra_nodes() {
    let d = tempfile::tempdir().unwrap();
    write_v3_consolidated(d.path(), &base());
    // A node on disk that the consolidated metadata does not list.
    write_pretty(
        &d.path().join("bands/B02/zarr.json"),
        &json!({"zarr_format": 3, "node_type": "array"}),
    );
    // A node listed but removed from disk.
    std::fs::remove_dir_all(d.path().join("bands/B08")).unwrap();
    let r = run(d.path());
    let got: Vec<_> = r
        .findings
        .iter()
        .map(|f| (f.rule, f.node.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (Rule::StoreConsolidated, "/bands/B02"),
            (Rule::StoreConsolidated, "/bands/B08")
        ],
        "{}",
        summary(&r)
    );
}

// rule: links.reader.confined
#[test]
fn consolidated_keys_never_leave_the_root() {
    let d = tempfile::tempdir().unwrap();
    write_v3_consolidated(d.path(), &base());
    let mut root: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("zarr.json")).unwrap()).unwrap();
    root["consolidated_metadata"]["metadata"]["../outside"] =
        json!({"zarr_format": 3, "node_type": "array"});
    write_pretty(&d.path().join("zarr.json"), &root);
    let r = run(d.path());
    let m = one(&r, Rule::StoreConsolidated, "/", "zarr.json");
    assert!(m.contains("\"../outside\""), "{m}");
}

#[test]
fn consolidated_v2_is_used_and_compared() {
    let d = tempfile::tempdir().unwrap();
    write_v2_consolidated(d.path(), &base());
    let r = run(d.path());
    assert!(
        r.valid && r.consolidated && r.findings.is_empty(),
        "{}",
        summary(&r)
    );
    assert_eq!((r.nodes, r.zarr_format), (7, 2));
    // Attributes changed on disk only.
    write_pretty(
        &d.path().join("bands/B04/.zattrs"),
        &json!({"long_name": "rouge"}),
    );
    let r = run(d.path());
    let m = one(&r, Rule::StoreConsolidated, "/bands/B04", ".zmetadata");
    assert_eq!(r.findings[0].pointer, "/metadata/bands~1B04~1.zattrs");
    assert!(m.contains("\"red\"") && m.contains("\"rouge\""), "{m}");
}

#[test]
fn bad_consolidated_document() {
    let d = tempfile::tempdir().unwrap();
    write_v2_consolidated(d.path(), &base());
    std::fs::write(d.path().join(".zmetadata"), "{\"metadata\": ").unwrap();
    let r = run(d.path());
    // Reported, then the per-node documents are used.
    one(&r, Rule::StoreMetadata, "/", ".zmetadata");
    assert!(!r.consolidated);
}

/// Every file of a tree with its size and modification time.
fn snapshot(root: &Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let m = std::fs::symlink_metadata(e.path()).unwrap();
            out.push((
                e.path().display().to_string(),
                m.len(),
                m.modified().unwrap(),
            ));
            if m.is_dir() {
                stack.push(e.path());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn validation_never_writes_to_the_store() {
    let d = tempfile::tempdir().unwrap();
    write_v2_consolidated(d.path(), &base());
    let before = snapshot(d.path());
    let _ = run(d.path());
    assert_eq!(before, snapshot(d.path()));
}

#[test]
fn convention_used_in_v2_root_only_declaration() {
    // A declaration without links attributes is fine, and counts as using it.
    let mut nodes = Nodes::new();
    nodes.insert(
        "/".into(),
        (
            "group",
            json!({"zarr_conventions": [cmo()], "links:index": {}}),
        ),
    );
    let r = check(Fmt::V2, &nodes);
    assert!(r.valid && r.convention_used, "{}", summary(&r));
}

/// A node whose parent directory holds no metadata is read (its links are
/// checked, a target naming it resolves) and reported once; the nodes below
/// it are not reported again. A node below an array is not a node at all.
#[test]
fn parent_chain_of_nodes() {
    for fmt in [Fmt::V3, Fmt::V2] {
        let mut n = base();
        n.insert(
            "/loose/deeper/mask".into(),
            (
                "array",
                json!({"zarr_conventions": [cmo()], "links:relationships": [{"target": "/bands/B08", "type": "quality_for"}]}),
            ),
        );
        n.insert("/loose/deeper/mask/inner".into(), ("group", json!({})));
        add_links(
            &mut n,
            "/quality/mask",
            json!([{"target": "/loose/deeper/mask", "type": "same_as"}]),
        );
        let r = check(fmt, &n);
        let parents: Vec<(&str, &str)> = r
            .findings
            .iter()
            .filter(|f| f.rule == Rule::StoreParent)
            .map(|f| (f.node.as_str(), f.message.as_str()))
            .collect();
        assert_eq!(parents.len(), 1, "{fmt:?}: {}", summary(&r));
        assert_eq!(parents[0].0, "/loose/deeper/mask");
        assert!(
            parents[0]
                .1
                .contains("/loose/deeper holds no Zarr metadata"),
            "{}",
            parents[0].1
        );
        // The orphan's own link is read, and the link to it resolves.
        assert!(
            !r.findings.iter().any(|f| f.rule == Rule::TargetResolves),
            "{fmt:?}: {}",
            summary(&r)
        );
        assert_eq!(r.errors, 1, "{fmt:?}: {}", summary(&r));
    }
}
