//! `zarr-links index` on the use-case conformance stores: the computed
//! categories, and `--write` on copies of v2 and v3 stores. One command's
//! behaviour, end to end.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use serde_json::{Map, Value};
use zarr_links_model::ConventionMetadata;
use zarr_links_store::{LocalStore, FAULT_VARIABLE, JOURNAL};

mod common;
use common::{command, copy_dir, json_output, store, zarr_links};

/// Every file of a directory tree, by relative path, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn json_file(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

/// The root attributes of a store, as stored in each root document.
fn root_attributes(dir: &Path) -> Vec<(String, Map<String, Value>)> {
    let mut out = Vec::new();
    if dir.join("zarr.json").exists() {
        let v = json_file(&dir.join("zarr.json"));
        out.push((
            "zarr.json".into(),
            v["attributes"].as_object().cloned().unwrap_or_default(),
        ));
    } else {
        let v = if dir.join(".zattrs").exists() {
            json_file(&dir.join(".zattrs"))
        } else {
            Value::Object(Map::new())
        };
        out.push((".zattrs".into(), v.as_object().unwrap().clone()));
        if dir.join(".zmetadata").exists() {
            let v = json_file(&dir.join(".zmetadata"));
            out.push((
                ".zmetadata".into(),
                v["metadata"][".zattrs"]
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            ));
        }
    }
    out
}

fn printed_index(dir: &Path, extra: &[&str]) -> Map<String, Value> {
    let mut args = vec!["index", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    json_output(&args).as_object().unwrap().clone()
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect()
}

fn assert_valid(dir: &Path) {
    let report = zarr_links_validator::validate_path(dir).unwrap();
    assert!(
        report.valid,
        "{} does not validate: {report:?}",
        dir.display()
    );
}

/// The Sentinel-2 store has hand-made `quality` and `derived` categories:
/// `index` keeps them as written and adds only the computed categories no
/// index has; `--replace` gives the computed categories alone.
#[test]
fn sentinel_index_keeps_curated_categories_and_adds_only_new_ones() {
    for name in ["sentinel2-l2a-v3", "sentinel2-l2a-v2"] {
        let original = root_attributes(&store(name))[0].1["links:index"]
            .as_object()
            .unwrap()
            .clone();
        let index = printed_index(&store(name), &[]);
        let keys: Vec<&str> = index.keys().map(String::as_str).collect();
        let mut expected: Vec<&str> = original.keys().map(String::as_str).collect();
        expected.extend(["sources", "alternates", "composites"]);
        assert_eq!(keys, expected, "{name}: kept in place, new ones appended");
        for (category, entries) in &original {
            assert_eq!(&index[category], entries, "{name}: {category} as written");
        }
        let sources = strings(&index["sources"]);
        assert!(sources.contains(&"/measurements/reflectance/r10m/b04"));
        assert!(
            !sources.contains(&"/measurements/reflectance/r20m/b04"),
            "a resampled band is derived, not a source"
        );
        assert!(!sources.contains(&"/indices/ndvi"));

        // The note names what was left out and why.
        let out = zarr_links(&["index", store(name).to_str().unwrap()]);
        let err = String::from_utf8(out.stderr).unwrap();
        for category in ["quality", "derived"] {
            assert!(
                err.contains(&format!("computed category `{category}`")),
                "{name}: {err}"
            );
        }
        for category in ["sources", "alternates", "composites"] {
            assert!(!err.contains(&format!("`{category}`")), "{name}: {err}");
        }
        assert_eq!(
            strings(&index["composites"]),
            ["/conditions/meteorology/ecmwf/wind10"]
        );

        // --replace: the computed categories alone, sorted and unique.
        let replaced = printed_index(&store(name), &["--replace"]);
        assert_eq!(
            replaced.keys().collect::<Vec<_>>(),
            ["quality", "derived", "sources", "alternates", "composites"]
        );
        let quality = strings(&replaced["quality"]);
        for q in [
            "/quality/mask/r10m/b04",
            "/quality/detector_footprint/r10m/b04",
            "/classification/r20m/scl",
            "/quality/probability/r20m/cld",
        ] {
            assert!(quality.contains(&q), "{name}: quality has {q}");
        }
        let derived = strings(&replaced["derived"]);
        for d in [
            "/indices/ndvi",
            "/quicklook/r10m/tci",
            "/measurements/reflectance/r20m/b04",
        ] {
            assert!(derived.contains(&d), "{name}: derived has {d}");
        }
        assert!(derived.len() > original["derived"].as_array().unwrap().len());
        for list in [&quality, &derived] {
            let mut sorted = list.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(list, &sorted, "{name}: sorted and unique");
        }
    }
}

/// A category on a group other than the root counts as written: the
/// computed category of that name is not added to the root.
#[test]
fn a_category_on_another_group_is_not_added_to_the_root() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    copy_dir(&store("climate-model-v3"), &dir);
    let group = dir.join("precipitation").join("zarr.json");
    let mut doc = json_file(&group);
    doc["attributes"]["links:index"] =
        serde_json::json!({"derived": ["/precipitation/monthly/pr"]});
    let conventions = json_file(&dir.join("zarr.json"))["attributes"]["zarr_conventions"].clone();
    doc["attributes"]["zarr_conventions"] = conventions;
    fs::write(&group, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    let root = dir.join("zarr.json");
    let mut doc = json_file(&root);
    doc["attributes"]["links:index"] = serde_json::json!({"variables": ["/temperature"]});
    fs::write(&root, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    assert_valid(&dir);

    let index = printed_index(&dir, &[]);
    assert_eq!(index["variables"], serde_json::json!(["/temperature"]));
    assert!(
        index.contains_key("quality"),
        "no index has `quality`: {index:?}"
    );
    assert!(
        !index.contains_key("derived"),
        "/precipitation has a `derived` category: {index:?}"
    );
    let out = zarr_links(&["index", dir.to_str().unwrap()]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("/precipitation"), "{err}");
    // --replace puts every computed category on the root.
    assert!(printed_index(&dir, &["--replace"]).contains_key("derived"));
}

#[test]
fn climate_index() {
    for name in ["climate-model-v3", "climate-model-v2"] {
        let index = printed_index(&store(name), &["--replace"]);
        assert_eq!(
            Value::Object(index),
            serde_json::json!({
                "quality": ["/temperature_uncertainty"],
                "derived": ["/precipitation/monthly/pr"],
                "sources": ["/precipitation/daily/pr", "/temperature"]
            }),
            "{name}"
        );
    }
}

/// Runs `index --write` on a copy and checks everything the issue asks.
fn write_on_copy(name: &str, extra: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    copy_dir(&store(name), &dir);
    assert_valid(&dir);
    let before_files = files(&dir);
    let before = root_attributes(&dir);
    let expected = printed_index(&dir, extra);

    let mut args = vec!["index", dir.to_str().unwrap(), "--write"];
    args.extend_from_slice(extra);
    let out = zarr_links(&args);
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let after = root_attributes(&dir);
    assert_eq!(before.len(), after.len());
    for ((doc, b), (_, a)) in before.iter().zip(&after) {
        // Every other attribute: same keys, same order, same values.
        let b_keys: Vec<&String> = b.keys().filter(|k| *k != "links:index").collect();
        let a_keys: Vec<&String> = a.keys().filter(|k| *k != "links:index").collect();
        assert_eq!(a_keys, b_keys, "{name} {doc}: key order");
        for k in b_keys {
            assert_eq!(a[k], b[k], "{name} {doc}: attribute {k}");
        }
        assert_eq!(
            a.keys().position(|k| k == "links:index"),
            b.keys().position(|k| k == "links:index"),
            "{name} {doc}: index stays in place"
        );
        assert_eq!(
            a["links:index"],
            Value::Object(expected.clone()),
            "{name} {doc}: the printed index is what was written"
        );
    }
    // Nothing else in the store changed, and no temporary file is left.
    let after_files = files(&dir);
    let changed: Vec<&String> = after_files
        .keys()
        .filter(|k| before_files.get(*k) != after_files.get(*k))
        .collect();
    let allowed = ["zarr.json", ".zattrs", ".zmetadata"];
    assert!(
        changed.iter().all(|k| allowed.contains(&k.as_str())),
        "{name}: changed {changed:?}"
    );
    assert_eq!(
        after_files.keys().collect::<Vec<_>>(),
        before_files.keys().collect::<Vec<_>>(),
        "{name}: same files"
    );
    assert_valid(&dir);
    // Writing again changes nothing.
    let out = zarr_links(&args);
    assert!(out.status.success());
    assert_eq!(
        files(&dir),
        after_files,
        "{name}: a second --write is a no-op"
    );
}

#[test]
fn write_v3_keeps_every_other_attribute_and_validates() {
    write_on_copy("sentinel2-l2a-v3", &[]);
    write_on_copy("climate-model-v3", &["--replace"]);
}

#[test]
fn write_v2_updates_zattrs_and_consolidated_metadata_and_validates() {
    assert!(
        store("sentinel2-l2a-v2").join(".zmetadata").exists(),
        "the v2 Sentinel-2 store is consolidated"
    );
    write_on_copy("sentinel2-l2a-v2", &[]);
    write_on_copy("climate-model-v2", &[]);
}

#[test]
fn write_keeps_the_formatting_of_untouched_attributes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    copy_dir(&store("sentinel2-l2a-v3"), &dir);
    let before = fs::read_to_string(dir.join("zarr.json")).unwrap();
    let kept_line =
        "\"classification\": [\"/classification/r20m/scl\", \"/classification/r60m/scl\"],";
    assert!(
        before.contains(kept_line),
        "the store writes short lists on one line"
    );
    let out = zarr_links(&["index", dir.to_str().unwrap(), "--write"]);
    assert!(out.status.success());
    let after = fs::read_to_string(dir.join("zarr.json")).unwrap();
    assert!(
        after.contains(kept_line),
        "a kept category is left as written"
    );
    let head = before.split("\"links:index\"").next().unwrap();
    assert!(
        after.starts_with(head),
        "everything before the index is byte-identical"
    );
    let tail = &before[before.find("\"links:relationships\"").unwrap()..];
    assert!(
        after.ends_with(tail),
        "everything after the index is byte-identical"
    );
}

#[test]
fn write_adds_the_declaration_when_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    copy_dir(&store("climate-model-v3"), &dir);
    // Strip the root's links: attributes and declaration, keep the rest.
    let mut doc = json_file(&dir.join("zarr.json"));
    let attrs = doc["attributes"].as_object_mut().unwrap();
    attrs.retain(|k, _| !k.starts_with("links:") && k != "zarr_conventions");
    let others: Vec<String> = attrs.keys().cloned().collect();
    assert!(!others.is_empty());
    fs::write(
        dir.join("zarr.json"),
        serde_json::to_string_pretty(&doc).unwrap(),
    )
    .unwrap();

    let out = zarr_links(&["index", dir.to_str().unwrap(), "--write"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("added `zarr_conventions`"));
    let after = json_file(&dir.join("zarr.json"));
    let a = after["attributes"].as_object().unwrap();
    let keys: Vec<&String> = a.keys().collect();
    assert_eq!(
        keys[..others.len()]
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>(),
        others
    );
    assert_eq!(
        a["zarr_conventions"],
        serde_json::json!([ConventionMetadata::links()])
    );
    assert!(a["links:index"]["quality"].is_array());
    assert_valid(&dir);
}

/// In Zarr v2 the declaration sits in `.zattrs`, an attributes object, so
/// its `schema_url` names the attributes schema, not the whole-document one
/// (which requires `zarr_format` and `node_type`); the edit keeps the
/// file's own four-space indentation.
#[test]
fn write_declares_v2_with_the_attributes_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    copy_dir(&store("climate-model-v2"), &dir);
    let mut attrs = json_file(&dir.join(".zattrs"));
    attrs
        .as_object_mut()
        .unwrap()
        .retain(|k, _| !k.starts_with("links:") && k != "zarr_conventions");
    // Four spaces per level: twice the two of to_string_pretty.
    let text: String = serde_json::to_string_pretty(&attrs)
        .unwrap()
        .lines()
        .map(|l| {
            let body = l.trim_start_matches(' ');
            format!("{}{body}\n", " ".repeat(2 * (l.len() - body.len())))
        })
        .collect();
    fs::write(dir.join(".zattrs"), &text).unwrap();

    let out = zarr_links(&["index", dir.to_str().unwrap(), "--write"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = fs::read_to_string(dir.join(".zattrs")).unwrap();
    let after: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(
        after["zarr_conventions"],
        serde_json::json!([ConventionMetadata::links_for(
            zarr_links_model::ZarrFormat::V2
        )])
    );
    let url = after["zarr_conventions"][0]["schema_url"].as_str().unwrap();
    assert!(url.ends_with("/links-attributes.schema.json"), "{url}");
    assert!(
        written.contains("\n    \"zarr_conventions\": [\n        {"),
        "indented like the file:\n{written}"
    );
    assert_valid(&dir);
}

#[test]
fn write_refuses_unreadable_consolidated_metadata_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    copy_dir(&store("sentinel2-l2a-v2"), &dir);
    // Consolidated metadata without the `metadata` object.
    fs::write(
        dir.join(".zmetadata"),
        "{\"zarr_consolidated_format\": 1}\n",
    )
    .unwrap();
    let before = files(&dir);
    let out = zarr_links(&["index", dir.to_str().unwrap(), "--write"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(".zmetadata") && err.contains("nothing was written"),
        "{err}"
    );
    assert!(
        err.contains(dir.to_str().unwrap()),
        "names the store: {err}"
    );
    assert_eq!(files(&dir), before);
}

#[test]
fn help_documents_the_algorithm_and_the_flags() {
    let out = zarr_links(&["index", "--help"]);
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "--write",
        "--replace",
        "quality ",
        "derived ",
        "sources ",
        "all or none",
        "security.html",
        ".zmetadata",
        "Exit status",
    ] {
        assert!(help.contains(needle), "missing {needle:?} in:\n{help}");
    }
}

#[test]
fn write_v3_with_inline_consolidated_metadata_leaves_it_alone() {
    // Zarr v3 inline consolidated metadata lists the children only; the root's
    // attributes live in the root document, so only `attributes` changes.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    copy_dir(&store("climate-model-v3"), &dir);
    let mut metadata = Map::new();
    for (rel, bytes) in files(&dir) {
        if let Some(prefix) = rel.strip_suffix("/zarr.json") {
            metadata.insert(prefix.to_string(), serde_json::from_slice(&bytes).unwrap());
        }
    }
    assert!(metadata.contains_key("temperature"));
    let mut root = json_file(&dir.join("zarr.json"));
    root.as_object_mut().unwrap().insert(
        "consolidated_metadata".into(),
        serde_json::json!({"kind": "inline", "must_understand": false, "metadata": metadata}),
    );
    fs::write(
        dir.join("zarr.json"),
        serde_json::to_string_pretty(&root).unwrap() + "\n",
    )
    .unwrap();
    assert_valid(&dir);

    let out = zarr_links(&["index", dir.to_str().unwrap(), "--write"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = json_file(&dir.join("zarr.json"));
    assert_eq!(
        after["consolidated_metadata"],
        root["consolidated_metadata"]
    );
    assert!(after["attributes"]["links:index"]["sources"].is_array());
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&after), keys(&root));
    assert_valid(&dir);
}

// ----- --write under faults, crashes, concurrent writers ---------------------

/// A copy of a use-case store in a temporary directory.
fn copy_of(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    copy_dir(&store(name), &dir);
    (tmp, dir)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `index STORE --write` with the writer's fault injection set to `fault`.
fn write_with_fault(dir: &Path, fault: &str) -> Output {
    command(&["index", dir.to_str().unwrap(), "--write"])
        .env(FAULT_VARIABLE, fault)
        .output()
        .unwrap()
}

#[test]
fn a_failed_write_leaves_every_document_as_it_was() {
    // v2 with consolidated metadata: `.zattrs`, then `.zmetadata`. A failed
    // write or flush of either temporary file, or a failed rename of either
    // document (the second after the first succeeded), leaves both old
    // documents and no other file.
    for fault in [
        "write:1", "write:2", "fsync:1", "fsync:2", "rename:1", "rename:2",
    ] {
        let (_tmp, dir) = copy_of("sentinel2-l2a-v2");
        let before = files(&dir);
        let out = write_with_fault(&dir, fault);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{fault}: {err}");
        assert!(
            err.contains("injected failure") && err.contains("nothing was written"),
            "{fault}: {err}"
        );
        assert_eq!(files(&dir), before, "{fault}: the store is unchanged");
    }
    // The same write without a fault succeeds: the faults stopped it.
    let (_tmp, dir) = copy_of("sentinel2-l2a-v2");
    let before = files(&dir);
    let out = write_with_fault(&dir, "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(files(&dir)[".zmetadata"], before[".zmetadata"]);
}

#[cfg(unix)]
#[test]
fn a_write_killed_halfway_is_rolled_back_by_the_next_writer() {
    let (_tmp, dir) = copy_of("sentinel2-l2a-v2");
    let before = files(&dir);
    // The process ends (abort, as a crash) right after `.zattrs` was renamed,
    // before `.zmetadata` was: the two disagree.
    let out = write_with_fault(&dir, "abort-after-rename:1");
    assert!(!out.status.success());
    let crashed = files(&dir);
    assert_ne!(
        crashed[".zattrs"], before[".zattrs"],
        "the first document is new"
    );
    assert_eq!(
        crashed[".zmetadata"], before[".zmetadata"],
        "the second is old"
    );
    assert!(crashed.contains_key(JOURNAL), "{:?}", crashed.keys());

    // The next writer, once it holds the lock, puts the old documents back
    // and removes what the crashed one left.
    let local = LocalStore::open(&dir).unwrap();
    let lock = local.lock().unwrap();
    assert!(
        lock.notes
            .iter()
            .any(|n| n.contains("was interrupted") && n.contains("restored .zmetadata, .zattrs")),
        "{:?}",
        lock.notes
    );
    drop(lock);
    assert_eq!(
        files(&dir),
        before,
        "back to the old documents, nothing else"
    );

    // And the same through the command: crash again, then write.
    let out = write_with_fault(&dir, "abort-after-rename:1");
    assert!(!out.status.success());
    let out = zarr_links(&["index", dir.to_str().unwrap(), "--write"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("note: an earlier write (process")
            && err.contains("restored .zmetadata, .zattrs"),
        "{err}"
    );
    assert!(!files(&dir).contains_key(JOURNAL));
    assert_valid(&dir);
}

#[cfg(unix)]
#[test]
fn a_second_writer_waits_for_the_first() {
    use std::io::BufRead;
    let (_tmp, dir) = copy_of("sentinel2-l2a-v2");
    let before = files(&dir);
    let local = LocalStore::open(&dir).unwrap();
    let lock = local.lock().unwrap();
    let mut child = command(&["index", dir.to_str().unwrap(), "--write"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    // The child says it waits: it reached the lock and is held there.
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.contains("waiting for it to finish"), "{line}");
    assert_eq!(
        files(&dir),
        before,
        "nothing is written while the lock is held"
    );
    drop(lock);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{rest}");
    assert_ne!(files(&dir)[".zattrs"], before[".zattrs"], "then it writes");
    assert_valid(&dir);
}

#[test]
fn a_document_given_a_member_twice_is_not_rewritten() {
    let (_tmp, dir) = copy_of("climate-model-v2");
    let path = dir.join(".zattrs");
    let text = fs::read_to_string(&path).unwrap();
    // A second `links:index` first: JSON parsers keep one of the two, so
    // rewriting the document would silently drop the other.
    let doubled = text.replacen(
        '{',
        "{\n  \"links:index\": {\"mine\": [\"/temperature\"]},\n  \"n\": 1.2345678901234567890123456789e+29,",
        1,
    );
    fs::write(&path, &doubled).unwrap();
    let before = files(&dir);
    let out = zarr_links(&["index", dir.to_str().unwrap(), "--write"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(".zattrs")
            && err.contains("links:index")
            && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(files(&dir), before);
}

#[test]
fn an_index_that_is_not_an_object_is_replaced_only_with_replace() {
    let (_tmp, dir) = copy_of("climate-model-v3");
    let path = dir.join("zarr.json");
    let mut root = json_file(&path);
    root["attributes"]["links:index"] = serde_json::json!(["/temperature"]);
    fs::write(&path, serde_json::to_string_pretty(&root).unwrap()).unwrap();
    let before = files(&dir);
    let out = zarr_links(&["index", dir.to_str().unwrap(), "--write"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("the root's `links:index` is a JSON array, not an object; it is replaced only with --replace"),
        "{err}"
    );
    assert_eq!(files(&dir), before);
    let out = zarr_links(&["index", dir.to_str().unwrap(), "--write", "--replace"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(json_file(&path)["attributes"]["links:index"].is_object());
    assert_valid(&dir);
}

#[cfg(unix)]
#[test]
fn the_written_documents_keep_their_owner_and_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let (tmp, dir) = copy_of("sentinel2-l2a-v2");
    // Files this process creates are its own: root's when it runs as root.
    let as_root = fs::metadata(tmp.path()).unwrap().uid() == 0;
    for name in [".zattrs", ".zmetadata"] {
        let p = dir.join(name);
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        if as_root {
            // A store that belongs to another user, written by root.
            std::os::unix::fs::chown(&p, Some(4321), Some(4322)).unwrap();
        }
    }
    let before: Vec<_> = [".zattrs", ".zmetadata"]
        .map(|n| fs::metadata(dir.join(n)).unwrap())
        .into();
    let out = zarr_links(&["index", dir.to_str().unwrap(), "--write"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for (name, b) in [".zattrs", ".zmetadata"].iter().zip(&before) {
        let a = fs::metadata(dir.join(name)).unwrap();
        assert_ne!(a.ino(), b.ino(), "{name} was replaced");
        assert_eq!(a.mode() & 0o7777, 0o640, "{name}");
        assert_eq!((a.uid(), a.gid()), (b.uid(), b.gid()), "{name}");
    }
}
