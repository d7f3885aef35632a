//! The cost of "did you mean": a store whose links name targets that do not
//! exist, among many long node names, validated whole (every wrong target
//! gets a suggestion from the nodes of the store).
//!
//! ```text
//! cargo bench -p zarr-links-validator --bench suggest
//! ```
//!
//! Each row is one synthetic Zarr v3 store in the system temporary
//! directory: one group of `names` arrays whose names are `length`
//! characters long, and one array with `wrong` links to near misses of them
//! (one character changed). It prints the best of three `validate_path`
//! times and, against the first row, how the time grew with the work the
//! rows add. The search is bounded (a length filter, a banded edit distance
//! with a cutoff of at most 16 edits): the time grows about linearly with
//! wrong targets × names × length, not with the square of the length.
//! Set `ZARR_LINKS_BENCH_KEEP=DIR` to keep the stores (for timing another
//! build of `zarr-links validate` on them).

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;

const UUID: &str = "9500acb2-598d-48c1-ac4c-96f069e8299b";

fn name(i: usize, length: usize) -> String {
    let stem = format!("n{i:05}");
    format!("{stem}{}", "x".repeat(length - stem.len()))
}

fn write(p: &Path, v: &serde_json::Value) {
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, serde_json::to_vec_pretty(v).expect("json")).expect("write");
}

fn array(attributes: serde_json::Value) -> serde_json::Value {
    json!({"zarr_format": 3, "node_type": "array", "shape": [1], "data_type": "uint8",
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [1]}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": 0, "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
        "attributes": attributes})
}

fn generate(root: &Path, names: usize, length: usize, wrong: usize) {
    let group = json!({"zarr_format": 3, "node_type": "group", "attributes": {}});
    write(&root.join("zarr.json"), &group);
    write(&root.join("g/zarr.json"), &group);
    for i in 0..names {
        write(
            &root.join("g").join(name(i, length)).join("zarr.json"),
            &array(json!({})),
        );
    }
    // Near misses: the last character of an existing name changed.
    let links: Vec<_> = (0..wrong)
        .map(|i| {
            let mut n = name(i % names, length);
            n.pop();
            n.push('y');
            json!({"target": format!("/g/{n}"), "type": "derived_from"})
        })
        .collect();
    write(
        &root.join("links/zarr.json"),
        &array(json!({"zarr_conventions": [{"uuid": UUID}], "links:relationships": links})),
    );
}

fn best_of_3(root: &Path) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut errors = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let report = zarr_links_validator::validate_path(root).expect("opens");
        best = best.min(start.elapsed());
        errors = report
            .findings
            .iter()
            .filter(|f| {
                f.rule == zarr_links_model::Rule::TargetResolves
                    && f.message.contains("did you mean")
            })
            .count();
    }
    (best, errors)
}

fn main() {
    // (names, length, wrong targets)
    let rows = [
        (1_000, 50, 100),
        (1_000, 50, 400),
        (1_000, 200, 400),
        (2_000, 200, 400),
    ];
    println!("zarr-links-validator suggestion benchmark (best of 3)");
    println!(
        "{:>6} {:>7} {:>6} {:>10} {:>8} {:>14} {:>12}",
        "names", "length", "wrong", "findings", "ms", "work vs row 1", "time vs row 1"
    );
    let mut first: Option<(f64, f64)> = None;
    for (names, length, wrong) in rows {
        let tmp = tempfile::Builder::new()
            .prefix("zarr-links-suggest")
            .tempdir()
            .expect("tempdir");
        let root: PathBuf = match std::env::var_os("ZARR_LINKS_BENCH_KEEP") {
            Some(dir) => PathBuf::from(dir).join(format!("suggest-{names}-{length}-{wrong}.zarr")),
            None => tmp.path().join("store.zarr"),
        };
        let _ = std::fs::remove_dir_all(&root);
        generate(&root, names, length, wrong);
        let (time, findings) = best_of_3(&root);
        assert_eq!(
            findings, wrong,
            "one unresolved target with a suggestion per link"
        );
        let work = (names * length * wrong) as f64;
        let ms = time.as_secs_f64() * 1e3;
        let (w0, t0) = *first.get_or_insert((work, ms));
        println!(
            "{names:>6} {length:>7} {wrong:>6} {findings:>10} {ms:>8.1} {:>14.1} {:>12.2}",
            work / w0,
            ms / t0
        );
    }
}
