//! Builds the committed seed corpora, `fuzz/seeds/<target>/`, from the
//! conformance suite (`conformance/**/store`):
//!
//! ```text
//! cargo run --manifest-path fuzz/Cargo.toml --example seeds
//! ```
//!
//! Every file it writes is named `c-*` and every `c-*` file is written
//! again on each run, so the seeds follow the suite; other files (the
//! reproducers of fixed crashes, `repro-*`) are left alone. The output is
//! the same on every run.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use zarr_links_fuzz::store::{encode, MemoryStore, Options};

/// Stores and documents larger than this are left out: small seeds keep the
/// fuzzer fast (libFuzzer's input size limit follows the largest seed).
const MAX_SEED: usize = 32 * 1024;

/// Documents larger than this are left out of the document and editor seeds.
const MAX_DOCUMENT: usize = 8 * 1024;

/// The metadata documents of a Zarr store.
const METADATA: [&str; 5] = ["zarr.json", ".zgroup", ".zarray", ".zattrs", ".zmetadata"];

fn stores(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("a readable conformance folder")
        .map(|e| e.expect("an entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if !p.is_dir() || p.is_symlink() {
            continue;
        }
        if p.file_name().is_some_and(|n| n == "store") {
            out.push(p);
        } else {
            stores(&p, out);
        }
    }
}

/// The store's files as keys; symbolic links become faults (they lead
/// outside the store or into a loop in the suite).
fn read_store(root: &Path, prefix: &str, store: &mut MemoryStore) {
    let mut entries: Vec<_> = fs::read_dir(root.join(prefix))
        .expect("a readable store")
        .map(|e| e.expect("an entry"))
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let key = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let kind = e.file_type().expect("a file type");
        if kind.is_symlink() {
            store.faults.insert(key);
        } else if kind.is_dir() {
            read_store(root, &key, store);
        } else {
            store
                .files
                .insert(key, fs::read(e.path()).expect("a readable file"));
        }
    }
}

/// Strings the target parser should see: every link `target`, `type` and
/// `media_type`, and every `links:index` entry.
fn strings(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("target" | "type" | "media_type", Value::String(s)) => {
                        out.insert(s.clone());
                    }
                    ("links:index", Value::Object(index)) => {
                        for entries in index.values() {
                            for e in entries.as_array().into_iter().flatten() {
                                if let Value::String(s) = e {
                                    out.insert(s.clone());
                                }
                            }
                        }
                    }
                    _ => strings(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// The seeds of one target, by file name (without the `c-` prefix).
type Seeds = BTreeMap<String, Vec<u8>>;

fn write(dir: &Path, seeds: &Seeds) {
    fs::create_dir_all(dir).expect("a seeds folder");
    for e in fs::read_dir(dir).expect("a seeds folder") {
        let p = e.expect("an entry").path();
        if p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("c-"))
        {
            fs::remove_file(&p).expect("an old seed removed");
        }
    }
    for (name, bytes) in seeds {
        fs::write(dir.join(format!("c-{name}")), bytes).expect("a seed written");
    }
    let total: usize = seeds.values().map(Vec::len).sum();
    println!("{}: {} seeds, {total} bytes", dir.display(), seeds.len());
}

/// A few fixed pseudo-random inputs (the graph target builds a store from
/// any bytes).
fn noise(seed: u32, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

fn main() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR"));
    let conformance = fuzz.join("../conformance");
    let mut found = Vec::new();
    stores(&conformance, &mut found);

    let mut by_target: BTreeMap<&str, Seeds> = BTreeMap::new();
    // Distinct documents, by content: those of the `stores` cases (the
    // malformed ones) and, from other cases, at most two that use the
    // convention.
    let mut documents: BTreeMap<Vec<u8>, String> = BTreeMap::new();
    let mut targets = BTreeSet::new();
    let mut skipped = Vec::new();
    for root in &found {
        let case = root
            .parent()
            .and_then(|p| p.strip_prefix(&conformance).ok())
            .expect("a case folder")
            .to_string_lossy()
            .replace('/', "_");
        let mut store = MemoryStore::default();
        read_store(root, "", &mut store);
        let mut taken = 0;
        for (key, bytes) in &store.files {
            let name = key.rsplit('/').next().unwrap_or(key);
            if !METADATA.contains(&name) {
                continue;
            }
            if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
                strings(&v, &mut targets);
            }
            let uses = String::from_utf8_lossy(bytes).contains("links:");
            let wanted = case.contains("_stores_") || (uses && taken < 2);
            if wanted && bytes.len() <= MAX_DOCUMENT && !documents.contains_key(bytes) {
                taken += 1;
                let name = format!("{case}_{}", key.replace('/', "_"));
                documents.insert(bytes.clone(), name);
            }
        }
        let framed = encode(Options::default(), &store);
        if framed.len() > MAX_SEED {
            skipped.push(case);
            continue;
        }
        by_target
            .entry("load")
            .or_default()
            .insert(case.clone(), framed.clone());
        by_target
            .entry("validate")
            .or_default()
            .insert(case, framed);
    }

    let mut edit = Seeds::new();
    for (i, (bytes, name)) in documents.iter().enumerate() {
        by_target
            .entry("document")
            .or_default()
            .insert(name.clone(), bytes.clone());
        // The editor's seeds: node documents, each behind 8 bytes that choose
        // the operation, the object, the member and the value.
        let node = name.ends_with("zarr.json") || name.ends_with(".zattrs");
        if node && String::from_utf8_lossy(bytes).contains("links:") {
            let mut seed = vec![8];
            seed.extend(noise(i as u32, 8));
            seed.extend_from_slice(bytes);
            edit.insert(name.clone(), seed);
        }
    }
    by_target.insert("edit", edit);

    targets.extend(
        [
            "",
            "/",
            "s3://bucket/l1c.zarr#/measurements/reflectance/r10m/b04",
            "https://example.org/a%2",
            "/a/./b",
            "/a/../../b",
            "quality-for",
            "application/json; charset=utf-8",
        ]
        .map(String::from),
    );
    by_target.insert(
        "target",
        targets
            .into_iter()
            .enumerate()
            .map(|(i, s)| (format!("{i:04}"), s.into_bytes()))
            .collect(),
    );

    // The suggester: a misspelt path among the Sentinel-2 store's paths,
    // and long names (the first byte repeats every line 1 + 8 r times).
    let mut sentinel = MemoryStore::default();
    read_store(
        &conformance.join("valid/use-cases/sentinel2-l2a-v3/store"),
        "",
        &mut sentinel,
    );
    let paths: Vec<String> = sentinel
        .files
        .keys()
        .filter_map(|k| k.strip_suffix("zarr.json"))
        .map(|p| format!("/{}", p.trim_end_matches('/')))
        .collect();
    let mut suggest = Seeds::new();
    for (name, r, asked) in [
        ("misspelt", 0u8, "/measurements/reflectance/r10m/b4"),
        ("relative", 0, "r10m/B04"),
        ("long", 255, "/measurements/reflectance/r10m/b0"),
    ] {
        let mut seed = vec![r];
        seed.extend_from_slice(asked.as_bytes());
        for p in &paths {
            seed.push(b'\n');
            seed.extend_from_slice(p.as_bytes());
        }
        suggest.insert(name.to_string(), seed);
    }
    suggest.insert(
        "same-length".to_string(),
        b"\xffabcdefgh\nabcdefgi\nbbcdefgh".to_vec(),
    );
    by_target.insert("suggest", suggest);

    by_target.insert(
        "graph",
        (0..8)
            .map(|i| (format!("{i}"), noise(100 + i, 64 << (i % 4))))
            .collect(),
    );

    for (target, seeds) in &by_target {
        write(&fuzz.join("seeds").join(target), seeds);
    }
    if !skipped.is_empty() {
        println!("stores larger than {MAX_SEED} bytes, left out: {skipped:?}");
    }
}
