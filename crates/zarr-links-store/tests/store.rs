//! The `Store` trait, the local backend's confinement, and loading through
//! an in-memory backend (what a later HTTP or S3 backend would do).

use std::collections::BTreeMap;

use zarr_links_model::Coverage;
use zarr_links_model::{NodeKind, NodePath, Rule, ZarrFormat};
use zarr_links_store::{
    load, load_with, DirEntry, LoadOptions, Loader, LocalStore, OpenError, Poll, Store, StoreError,
};

/// A store held in memory: keys to bytes.
struct MemoryStore(BTreeMap<String, Vec<u8>>);

impl Store for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.0.get(key).cloned())
    }

    fn list_dir(&self, prefix: &str) -> Result<Vec<DirEntry>, StoreError> {
        let start = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}/")
        };
        let mut names: BTreeMap<String, bool> = BTreeMap::new();
        for k in self.0.keys().filter(|k| k.starts_with(&start)) {
            let rest = &k[start.len()..];
            match rest.split_once('/') {
                Some((dir, _)) => names.insert(dir.to_string(), true),
                None => names.insert(rest.to_string(), false),
            };
        }
        Ok(names
            .into_iter()
            .map(|(name, is_dir)| DirEntry {
                name,
                is_dir,
                problem: None,
                identity: None,
            })
            .collect())
    }

    fn describe(&self) -> String {
        "memory".into()
    }
}

fn mem(entries: &[(&str, &str)]) -> MemoryStore {
    MemoryStore(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect(),
    )
}

#[test]
fn loads_v3_from_any_backend() {
    let s = mem(&[
        (
            "zarr.json",
            r#"{"zarr_format": 3, "node_type": "group", "attributes": {"title": "t"}}"#,
        ),
        (
            "bands/zarr.json",
            r#"{"zarr_format": 3, "node_type": "group"}"#,
        ),
        (
            "bands/B04/zarr.json",
            r#"{"zarr_format": 3, "node_type": "array", "attributes": {"a": 1}}"#,
        ),
        ("bands/B04/c/0/0", "chunk bytes are never read"),
        ("notanode/readme.txt", "x"),
    ]);
    let l = load(&s).unwrap();
    assert_eq!(l.store, "memory");
    assert_eq!(l.format, ZarrFormat::V3);
    let paths: Vec<&str> = l.nodes().iter().map(|n| n.path.as_str()).collect();
    assert_eq!(paths, ["/", "/bands", "/bands/B04"]);
    let b04 = l.get(&NodePath::parse("/bands/B04").unwrap()).unwrap();
    assert_eq!(b04.kind, NodeKind::Array);
    assert_eq!(
        (b04.file().as_str(), b04.pointer("").as_str()),
        ("bands/B04/zarr.json", "/attributes")
    );
    assert!(l.findings.is_empty(), "{:?}", l.findings);
}

#[test]
fn loads_v2_from_any_backend() {
    let s = mem(&[
        (".zgroup", r#"{"zarr_format": 2}"#),
        (".zattrs", r#"{"title": "t"}"#),
        ("b04/.zarray", r#"{"zarr_format": 2}"#),
        ("b04/.zattrs", "[]"),
    ]);
    let l = load(&s).unwrap();
    assert_eq!(l.format, ZarrFormat::V2);
    assert_eq!(l.nodes().len(), 2);
    assert_eq!(l.findings.len(), 1);
    assert_eq!(
        (l.findings[0].rule, l.findings[0].file.as_deref()),
        (Rule::StoreMetadata, Some("b04/.zattrs"))
    );
}

/// An object store lists `//x` (key `/x`) as a directory with an empty
/// name under the root; following it would list the root again, forever.
/// Found by the `load` fuzz target.
#[test]
fn a_listed_directory_with_an_empty_name_is_reported_not_followed() {
    let s = mem(&[
        ("zarr.json", r#"{"zarr_format": 3, "node_type": "group"}"#),
        ("/x", "{}"),
        ("a/zarr.json", r#"{"zarr_format": 3, "node_type": "group"}"#),
        (
            "a/../zarr.json",
            r#"{"zarr_format": 3, "node_type": "group"}"#,
        ),
    ]);
    let mut loader = Loader::new("memory", LoadOptions::default());
    let mut polls = 0;
    loop {
        polls += 1;
        assert!(polls < 100, "the loader keeps asking");
        match loader.poll(16) {
            Poll::Requests(batch) => loader.feed(batch.into_iter().map(|r| r.answer(&s)).collect()),
            Poll::Pending => unreachable!("every request was answered"),
            Poll::Done => break,
        }
    }
    let l = loader.finish().unwrap();
    let paths: Vec<&str> = l.nodes().iter().map(|n| n.path.as_str()).collect();
    assert_eq!(paths, ["/", "/a"]);
    let layout: Vec<&str> = l
        .findings
        .iter()
        .filter(|f| f.rule == Rule::StoreLayout)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(layout.len(), 2, "{:?}", l.findings);
    assert!(
        layout.iter().any(|m| m.contains("named \"\"")),
        "{layout:?}"
    );
    assert!(
        layout.iter().any(|m| m.contains("named \"..\"")),
        "{layout:?}"
    );
}

#[test]
fn no_metadata_is_an_open_error() {
    let s = mem(&[("data/x", "1")]);
    assert_eq!(
        load(&s).unwrap_err(),
        OpenError::NoMetadata("memory".into())
    );
}

// rule: links.reader.confined
#[test]
fn local_keys_are_confined() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("zarr.json"), "{}").unwrap();
    let s = LocalStore::open(d.path()).unwrap();
    for bad in [
        "../zarr.json",
        "a/../zarr.json",
        "a//b",
        "./zarr.json",
        "/zarr.json",
        "",
    ] {
        assert!(
            matches!(s.get(bad), Err(StoreError::InvalidKey(_))),
            "{bad:?}"
        );
    }
    assert!(matches!(s.list_dir(".."), Err(StoreError::InvalidKey(_))));
    assert_eq!(s.get("missing.json").unwrap(), None);
    assert_eq!(s.get("zarr.json").unwrap().as_deref(), Some(&b"{}"[..]));
    assert_eq!(s.describe(), d.path().display().to_string());
}

#[test]
fn local_listing_is_sorted_and_typed() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("zarr.json"), "{}").unwrap();
    std::fs::create_dir(d.path().join("b")).unwrap();
    std::fs::create_dir(d.path().join("a")).unwrap();
    std::fs::write(d.path().join("c.txt"), "").unwrap();
    let s = LocalStore::open(d.path()).unwrap();
    let got: Vec<(String, bool)> = s
        .list_dir("")
        .unwrap()
        .into_iter()
        .map(|e| (e.name, e.is_dir))
        .collect();
    assert_eq!(
        got,
        [
            ("a".into(), true),
            ("b".into(), true),
            ("c.txt".into(), false),
            ("zarr.json".into(), false)
        ]
    );
    // A file where a directory is expected.
    assert!(matches!(
        s.list_dir("c.txt"),
        Err(StoreError::NotADirectory(_))
    ));
    assert!(matches!(
        s.get("c.txt/zarr.json"),
        Err(StoreError::NotADirectory(_))
    ));
}

#[test]
fn documents_over_the_limit_are_refused() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("zarr.json"),
        vec![b' '; zarr_links_store::MAX_DOCUMENT_BYTES + 1],
    )
    .unwrap();
    let s = LocalStore::open(d.path()).unwrap();
    assert!(matches!(
        s.get("zarr.json"),
        Err(StoreError::TooLarge { .. })
    ));
}

#[test]
fn parse_document_reports_each_defect() {
    use zarr_links_store::parse_document;
    let ok = parse_document(br#"{"a": 1}"#);
    assert!(ok.object.is_some() && ok.issues.is_empty());
    let bom = parse_document(b"\xef\xbb\xbf{}");
    assert!(bom.object.is_some() && bom.issues.len() == 1);
    for bad in [&b"{"[..], b"[]", b"\"x\"", b"{\"a\": \xff}", b"", b"{} {}"] {
        let p = parse_document(bad);
        assert!(
            p.object.is_none() && p.issues.len() == 1,
            "{bad:?}: {:?}",
            p.issues
        );
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let p = parse_document(format!("{{\"a\": {deep}}}").as_bytes());
    assert!(
        p.issues[0].0.contains("nested 128 levels deep or more"),
        "{:?}",
        p.issues
    );
}

/// Counts every key read.
struct Counting<S> {
    inner: S,
    reads: std::sync::Mutex<Vec<String>>,
}

impl<S: Store> Store for Counting<S> {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let r = self.inner.get(key)?;
        if r.is_some() {
            self.reads.lock().unwrap().push(key.to_string());
        }
        Ok(r)
    }
    fn list_dir(&self, prefix: &str) -> Result<Vec<DirEntry>, StoreError> {
        self.inner.list_dir(prefix)
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

fn use_case(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../conformance/valid/use-cases")
        .join(name)
        .join("store")
}

#[test]
fn each_document_is_read_once_and_no_chunk_is_read() {
    for name in ["sentinel2-l2a-v3", "sentinel2-l2a-v2"] {
        let path = use_case(name);
        assert!(path.is_dir(), "{}", path.display());
        let s = Counting {
            inner: LocalStore::open(&path).unwrap(),
            reads: Default::default(),
        };
        let l = load(&s).unwrap();
        assert!(l.findings.is_empty(), "{name}: {:?}", l.findings);
        let mut reads = s.reads.into_inner().unwrap();
        let n = reads.len();
        reads.sort();
        reads.dedup();
        assert_eq!(n, reads.len(), "{name}: a document was read twice");
        let metadata = ["zarr.json", ".zgroup", ".zarray", ".zattrs", ".zmetadata"];
        assert!(
            reads
                .iter()
                .all(|k| metadata.iter().any(|m| k.ends_with(m))),
            "{name}: read a key that is not metadata"
        );
        assert!(
            n >= l.nodes().len(),
            "{name}: {n} reads for {} nodes",
            l.nodes().len()
        );
    }
}

/// A store that records every request made of it.
struct Recording<S> {
    inner: S,
    log: std::sync::Mutex<Vec<String>>,
}

impl<S: Store> Store for Recording<S> {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.log.lock().unwrap().push(format!("GET {key}"));
        self.inner.get(key)
    }
    fn list_dir(&self, prefix: &str) -> Result<Vec<DirEntry>, StoreError> {
        self.log.lock().unwrap().push(format!("LIST {prefix}"));
        self.inner.list_dir(prefix)
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

fn recording<S: Store>(inner: S) -> Recording<S> {
    Recording {
        inner,
        log: Default::default(),
    }
}

const CMO: &str = r#"[{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b"}]"#;

#[test]
fn without_listing_nodes_are_reached_from_the_root() {
    let group = |attrs: &str| {
        format!(r#"{{"zarr_format": 3, "node_type": "group", "attributes": {attrs}}}"#)
    };
    let array = |attrs: &str| {
        format!(r#"{{"zarr_format": 3, "node_type": "array", "attributes": {attrs}}}"#)
    };
    let root = group(&format!(
        r#"{{"zarr_conventions": {CMO}, "links:index": {{"masks": ["/quality/mask"]}}}}"#
    ));
    let mask = array(&format!(
        r#"{{"zarr_conventions": {CMO}, "links:relationships": [{{"target": "/bands/b04", "type": "quality_for"}}, {{"target": "/bands/gone", "type": "quality_for"}}]}}"#
    ));
    let (quality, bands, b04, other) = (group("{}"), group("{}"), array("{}"), array("{}"));
    let s = recording(mem(&[
        ("zarr.json", &root),
        ("quality/zarr.json", &quality),
        ("quality/mask/zarr.json", &mask),
        ("bands/zarr.json", &bands),
        ("bands/b04/zarr.json", &b04),
        ("unlinked/zarr.json", &other),
    ]));
    let options = LoadOptions {
        listing: false,
        ..LoadOptions::default()
    };
    let h = load_with(&s, options).unwrap();
    let paths: Vec<&str> = h.nodes().iter().map(|n| n.path.as_str()).collect();
    assert_eq!(
        paths,
        ["/", "/bands", "/bands/b04", "/quality", "/quality/mask"]
    );
    assert_eq!(h.coverage, Coverage::Reached);
    let log = s.log.into_inner().unwrap();
    assert!(log.iter().all(|r| r.starts_with("GET ")), "{log:?}");
    assert!(
        log.contains(&"GET bands/gone/zarr.json".to_string()),
        "{log:?}"
    );
    assert!(!log.iter().any(|r| r.contains("unlinked")), "{log:?}");
    let n = log.len();
    let mut unique = log.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(n, unique.len(), "a key was asked twice: {log:?}");
}

#[test]
fn trusted_consolidated_metadata_costs_at_most_two_reads() {
    for name in ["sentinel2-l2a-v2", "../stores/consolidated_v2"] {
        let s = recording(LocalStore::open(&use_case(name)).unwrap());
        let options = LoadOptions {
            verify_consolidated: false,
            ..LoadOptions::default()
        };
        let h = load_with(&s, options).unwrap();
        let log = s.log.into_inner().unwrap();
        assert_eq!(log, ["GET zarr.json", "GET .zmetadata"], "{name}");
        assert_eq!(h.coverage, Coverage::Consolidated);
        let full = load(&LocalStore::open(&use_case(name)).unwrap()).unwrap();
        assert_eq!(h.nodes().len(), full.nodes().len(), "{name}");
        assert!(h.findings.is_empty(), "{name}: {:?}", h.findings);
    }
    let consolidated_v3 = use_case("../stores/consolidated_v3");
    let s = recording(LocalStore::open(&consolidated_v3).unwrap());
    let options = LoadOptions {
        verify_consolidated: false,
        ..LoadOptions::default()
    };
    let h = load_with(&s, options).unwrap();
    assert_eq!(s.log.into_inner().unwrap(), ["GET zarr.json"]);
    assert!(h.consolidated && h.nodes().len() > 1);
}

#[test]
fn without_listing_a_v2_store_is_reached_too() {
    let s = recording(mem(&[
        (".zgroup", r#"{"zarr_format": 2}"#),
        (
            ".zattrs",
            &format!(
                r#"{{"zarr_conventions": {CMO}, "links:index": {{"bands": ["/bands/b04"]}}}}"#
            ),
        ),
        ("bands/.zgroup", r#"{"zarr_format": 2}"#),
        ("bands/b04/.zarray", r#"{"zarr_format": 2}"#),
        ("other/.zarray", r#"{"zarr_format": 2}"#),
    ]));
    let options = LoadOptions {
        listing: false,
        ..LoadOptions::default()
    };
    let h = load_with(&s, options).unwrap();
    let paths: Vec<&str> = h.nodes().iter().map(|n| n.path.as_str()).collect();
    assert_eq!(paths, ["/", "/bands", "/bands/b04"]);
    assert_eq!(h.coverage, Coverage::Reached);
    assert!(h.findings.is_empty(), "{:?}", h.findings);
    let log = s.log.into_inner().unwrap();
    assert!(log.iter().all(|r| r.starts_with("GET ")), "{log:?}");
}

/// A v3 store at `tmp/store` with a group `g`, and beside it `tmp/outside`,
/// a group holding a child `secret` that only a read outside the root finds.
#[cfg(unix)]
fn store_beside_a_secret() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let group = r#"{"zarr_format": 3, "node_type": "group"}"#;
    for dir in ["store", "store/g", "outside", "outside/secret"] {
        let d = tmp.path().join(dir);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("zarr.json"), group).unwrap();
    }
    let root = tmp.path().join("store");
    (tmp, root)
}

#[cfg(unix)]
#[test]
fn a_directory_swapped_for_a_link_after_listing_is_not_read_through() {
    let (tmp, root) = store_beside_a_secret();
    let store = LocalStore::open(&root).unwrap();
    let listed = store.list_dir("").unwrap();
    assert!(listed.iter().any(|e| e.name == "g" && e.is_dir));
    // Between the listing and the reads, `g` becomes a link out of the root.
    std::fs::rename(root.join("g"), tmp.path().join("g-moved")).unwrap();
    std::os::unix::fs::symlink("../outside", root.join("g")).unwrap();
    for key in ["g/zarr.json", "g/secret/zarr.json"] {
        let e = store.get(key).unwrap_err();
        assert!(matches!(e, StoreError::Outside { .. }), "{key}: {e:?}");
    }
    assert!(store.list_dir("g").is_err());
    // An absolute link is not followed either.
    std::fs::remove_file(root.join("g")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("outside"), root.join("g")).unwrap();
    assert!(store.get("g/secret/zarr.json").is_err());
}

#[cfg(unix)]
#[test]
fn loading_while_a_directory_is_swapped_for_a_link_never_reads_outside() {
    // The race of issue 11: another process swaps `g` for a link out of
    // the root and back, as fast as it can, while the store is loaded. A
    // check-then-open reader lets some loads see `g/secret`; a confined one
    // never does, whatever the interleaving.
    let (tmp, root) = store_beside_a_secret();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swapper = {
        let (root, moved, stop) = (root.clone(), tmp.path().join("g-moved"), stop.clone());
        std::thread::spawn(move || {
            let mut swaps = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                std::fs::rename(root.join("g"), &moved).unwrap();
                std::os::unix::fs::symlink("../outside", root.join("g")).unwrap();
                std::fs::remove_file(root.join("g")).unwrap();
                std::fs::rename(&moved, root.join("g")).unwrap();
                swaps += 1;
            }
            swaps
        })
    };
    let mut loads = 0;
    for _ in 0..150 {
        let Ok(store) = LocalStore::open(&root) else {
            continue;
        };
        if let Ok(h) = load(&store) {
            loads += 1;
            let paths: Vec<&str> = h.nodes().iter().map(|n| n.path.as_str()).collect();
            assert!(
                !paths.iter().any(|p| p.contains("secret")),
                "read outside the root: {paths:?}"
            );
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let swaps = swapper.join().unwrap();
    assert!(loads > 0 && swaps > 0, "{loads} loads, {swaps} swaps");
}

#[test]
fn a_document_changed_after_it_was_read_stops_the_write() {
    use zarr_links_store::{update_attributes, WriteError};
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(".zgroup"), r#"{"zarr_format": 2}"#).unwrap();
    let attrs = tmp.path().join(".zattrs");
    std::fs::write(&attrs, r#"{"a": 1}"#).unwrap();
    let store = LocalStore::open(tmp.path()).unwrap();
    let h = load(&store).unwrap();
    // Another program writes `.zattrs` after it was read for the change.
    let e = update_attributes(&store, h.root().unwrap(), &|a| {
        std::fs::write(&attrs, r#"{"a": 2}"#).unwrap();
        a.insert("b".into(), serde_json::json!(1));
        Ok(())
    })
    .unwrap_err();
    assert_eq!(e, WriteError::Changed(".zattrs".into()));
    assert_eq!(
        e.to_string(),
        ".zattrs changed after it was read (another program wrote to the store); nothing was written: run the command again"
    );
    assert_eq!(std::fs::read_to_string(&attrs).unwrap(), r#"{"a": 2}"#);
    let mut names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, [".zattrs", ".zgroup"]);
}

/// A writable store in memory whose `put` fails for one key.
struct FailingStore {
    files: std::sync::Mutex<BTreeMap<String, Vec<u8>>>,
    fails: &'static str,
}

impl Store for FailingStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.files.lock().unwrap().get(key).cloned())
    }

    fn list_dir(&self, _prefix: &str) -> Result<Vec<DirEntry>, StoreError> {
        Ok(Vec::new())
    }

    fn describe(&self) -> String {
        "memory".into()
    }
}

impl zarr_links_store::WritableStore for FailingStore {
    fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        if key == self.fails {
            return Err(StoreError::Io {
                key: key.into(),
                message: "disk full".into(),
            });
        }
        self.files
            .lock()
            .unwrap()
            .insert(key.into(), bytes.to_vec());
        Ok(())
    }
}

#[test]
fn a_store_that_cannot_write_all_or_nothing_says_which_files_changed() {
    use zarr_links_store::{Replacement, WritableStore, WriteError};
    let files = [("a", "1"), ("b", "2"), ("c", "3")];
    let store = FailingStore {
        files: std::sync::Mutex::new(
            files
                .iter()
                .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
                .collect(),
        ),
        fails: "b",
    };
    let change = |key: &str, before: &str| Replacement {
        key: key.into(),
        before: Some(before.as_bytes().to_vec()),
        after: b"new".to_vec(),
    };
    let e = store
        .replace_all(&[change("a", "1"), change("b", "2"), change("c", "3")])
        .unwrap_err();
    assert_eq!(
        e,
        WriteError::Incomplete(
            "cannot write b: disk full; already written: a; not written: b, c".into()
        )
    );
    // A document that changed since it was read stops the change first.
    let e = store
        .replace_all(&[change("c", "3"), change("a", "1")])
        .unwrap_err();
    assert_eq!(e, WriteError::Changed("a".into()));
    assert_eq!(store.get("c").unwrap().unwrap(), b"3");
}
