//! Scale benchmark: full validation against merely reading and parsing the
//! same metadata files.
//!
//! Run with
//!
//! ```text
//! cargo bench -p zarr-links-validator
//! ```
//!
//! It generates synthetic Zarr v3 stores of 10,000 and 100,000 arrays (in
//! groups of 100, each array with three in-store links and one external
//! link, plus a root index) in the system temporary directory, then times,
//! with a warm page cache and taking the best of three runs:
//!
//! - `read+parse`: read every `zarr.json` and parse it with serde_json, one
//!   thread (the list of files is given, no directory walk);
//! - `read+parse (parallel)`: the same on all cores;
//! - `validate`: `zarr_links_validator::validate_path`, everything included
//!   (walk, read, parse, schemas, hierarchy rules, sorting);
//! - `peak MB`: the peak resident memory (`VmHWM`) of a fresh process that
//!   only validates the store, as `zarr-links validate` does, and the same
//!   per node.
//!
//! Set `ZARR_LINKS_BENCH_SIZES=1000,5000` to choose other sizes. The stores
//! are deleted afterwards, unless `ZARR_LINKS_BENCH_KEEP=DIR` asks to keep
//! them in `DIR` (for profiling with
//! `cargo run --release -p zarr-links-validator --example phases -- DIR/store-10000.zarr`).

/// The allocator of the `zarr-links` binary, so the benchmark measures what
/// users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const PER_GROUP: usize = 100;
const UUID: &str = "9500acb2-598d-48c1-ac4c-96f069e8299b";

fn array_path(i: usize) -> String {
    format!("/g{:05}/a{:03}", i / PER_GROUP, i % PER_GROUP)
}

fn write(p: &Path, v: &Value, files: &mut Vec<PathBuf>) {
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, serde_json::to_vec_pretty(v).expect("json")).expect("write");
    files.push(p.to_path_buf());
}

/// Writes the store; returns every metadata file written.
fn generate(root: &Path, arrays: usize) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let groups = arrays.div_ceil(PER_GROUP);
    let index: Vec<String> = (0..arrays).step_by(PER_GROUP).map(array_path).collect();
    write(
        &root.join("zarr.json"),
        &json!({"zarr_format": 3, "node_type": "group", "attributes": {
            "zarr_conventions": [{"uuid": UUID, "name": "links:"}],
            "title": "synthetic store",
            "links:index": {"first": index}
        }}),
        &mut files,
    );
    for g in 0..groups {
        write(
            &root.join(format!("g{g:05}")).join("zarr.json"),
            &json!({"zarr_format": 3, "node_type": "group", "attributes": {"description": format!("group {g}")}}),
            &mut files,
        );
    }
    for i in 0..arrays {
        let in_group = i % PER_GROUP;
        let base = i - in_group;
        // Links stay acyclic: derived_from and quality_for point at earlier arrays.
        let mut links = vec![
            json!({"target": array_path(base + (in_group + 1) % PER_GROUP.min(arrays - base)), "type": "same_as"}),
            json!({"target": format!("https://example.org/products/{i}.html"), "type": "describedby", "media_type": "text/html"}),
        ];
        if in_group > 0 {
            links.push(json!({"target": array_path(i - 1), "type": "derived_from", "description": "previous step"}));
            links.push(json!({"target": array_path(base), "type": "quality_for"}));
        } else {
            links.push(json!({"target": format!("/g{:05}", i / PER_GROUP), "type": "part_of"}));
            links.push(
                json!({"target": "s3://bucket/l1c.zarr#/measurements/b04", "type": "derived_from"}),
            );
        }
        let doc = json!({
            "zarr_format": 3,
            "node_type": "array",
            "shape": [10980, 10980],
            "data_type": "uint16",
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [1830, 1830]}},
            "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
            "fill_value": 0,
            "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "zstd", "configuration": {"level": 3, "checksum": false}}],
            "dimension_names": ["y", "x"],
            "attributes": {
                "zarr_conventions": [{"uuid": UUID, "name": "links:"}],
                "long_name": format!("array {i}"),
                "units": "1",
                "links:relationships": links
            }
        });
        write(
            &root.join(&array_path(i)[1..]).join("zarr.json"),
            &doc,
            &mut files,
        );
    }
    files
}

fn read_parse(files: &[PathBuf]) -> usize {
    files
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).expect("read");
            let v: Value = serde_json::from_slice(&bytes).expect("parse");
            usize::from(v.is_object())
        })
        .sum()
}

fn read_parse_parallel(files: &[PathBuf]) -> usize {
    zarr_links_store::par_map(files.iter().collect(), |p| {
        let bytes = std::fs::read(p).expect("read");
        let v: Value = serde_json::from_slice(&bytes).expect("parse");
        usize::from(v.is_object())
    })
    .into_iter()
    .sum()
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = f();
        best = best.min(t.elapsed());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The environment variable that makes the benchmark a child process that
/// validates one store and prints its peak resident memory in kB.
const CHILD: &str = "ZARR_LINKS_BENCH_VALIDATE";

/// The peak resident memory of this process, in kB (Linux).
fn peak_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Validates `root` in a fresh process and returns its peak memory in kB.
fn peak_of_validation(root: &Path) -> Option<u64> {
    let out = std::process::Command::new(std::env::current_exe().ok()?)
        .env(CHILD, root)
        .output()
        .ok()?;
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

fn main() {
    if let Some(store) = std::env::var_os(CHILD) {
        let report = zarr_links_validator::validate_path(Path::new(&store)).expect("opens");
        assert!(report.valid);
        println!("{}", peak_kb().unwrap_or(0));
        return;
    }
    // `cargo bench` passes `--bench`; anything else (e.g. a filter) is ignored.
    let sizes: Vec<usize> = std::env::var("ZARR_LINKS_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000]);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "zarr-links-validator scale benchmark ({threads} threads available; best of 3, warm cache)"
    );
    println!(
        "{:>8} {:>7} {:>14} {:>14} {:>12} {:>10} {:>10} {:>10} {:>9} {:>10}",
        "arrays",
        "files",
        "read+parse ms",
        "(parallel) ms",
        "validate ms",
        "ratio",
        "ratio(par)",
        "µs/array",
        "peak MB",
        "bytes/node"
    );
    let mut per_array = Vec::new();
    for &n in &sizes {
        let tmp = tempfile::Builder::new()
            .prefix("zarr-links-bench")
            .tempdir()
            .expect("tempdir");
        let root = match std::env::var_os("ZARR_LINKS_BENCH_KEEP") {
            // Keep the store for profiling, e.g. with the `phases` example.
            Some(dir) => PathBuf::from(dir).join(format!("store-{n}.zarr")),
            None => tmp.path().join("store.zarr"),
        };
        let _ = std::fs::remove_dir_all(&root);
        let files = generate(&root, n);
        // Warm the page cache.
        read_parse(&files);
        let (base, count) = best_of(3, || read_parse(&files));
        assert_eq!(count, files.len());
        let (base_par, _) = best_of(3, || read_parse_parallel(&files));
        let (val, report) = best_of(3, || {
            zarr_links_validator::validate_path(&root).expect("opens")
        });
        assert!(
            report.valid,
            "the synthetic store is valid: {:?}",
            report.findings.first()
        );
        assert_eq!(report.nodes, files.len());
        let us = val.as_secs_f64() * 1e6 / n as f64;
        per_array.push((n, us));
        let peak = peak_of_validation(&root).unwrap_or(0);
        println!(
            "{:>8} {:>7} {:>14.1} {:>14.1} {:>12.1} {:>10.2} {:>10.2} {:>10.2} {:>9.1} {:>10.0}",
            n,
            files.len(),
            ms(base),
            ms(base_par),
            ms(val),
            val.as_secs_f64() / base.as_secs_f64(),
            val.as_secs_f64() / base_par.as_secs_f64(),
            us,
            peak as f64 / 1024.0,
            peak as f64 * 1024.0 / files.len() as f64
        );
    }
    if let (Some(first), Some(last)) = (per_array.first(), per_array.last()) {
        if first.0 != last.0 {
            println!(
                "growth: {}× the arrays took {:.2}× the time per array ({:.2} → {:.2} µs)",
                last.0 / first.0,
                last.1 / first.1,
                first.1,
                last.1
            );
        }
    }
}
