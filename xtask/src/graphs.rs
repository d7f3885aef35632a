//! `cargo xtask graphs`: the link-graph pictures of the book's use-case
//! pages, generated from the conformance stores, never drawn by hand.
//!
//! For each use case it writes `spec/use-cases/<name>.dot` (the output of
//! `zarr-links graph STORE --format dot --title TITLE`, through the same
//! library code) and renders it with Graphviz to `spec/use-cases/<name>.svg`.
//! `--check` compares the `.dot` files only (the SVG depends on the Graphviz
//! version) and fails with the command to run.

use std::path::Path;
use std::process::Command;

use zarr_links_graph::{render, LinkGraph};
use zarr_links_store::{load, LocalStore};

/// (store under `conformance/valid/use-cases/`, file stem, title). The drift
/// test `xtask/tests/graphs.rs` runs `cargo xtask graphs --check` on this list.
pub const PICTURES: [(&str, &str, &str); 2] = [
    (
        "sentinel2-l2a-v3",
        "sentinel2-l2a",
        "Sentinel-2 L2A: links between bands, masks and products",
    ),
    (
        "climate-model-v3",
        "climate-model",
        "Climate model output: links between variables",
    ),
];

/// The DOT text of one use case.
pub fn dot_of(root: &Path, store: &str, title: &str) -> Result<String, String> {
    let dir = root
        .join("conformance/valid/use-cases")
        .join(store)
        .join("store");
    let opened = LocalStore::open(&dir).map_err(|e| e.to_string())?;
    let loaded = load(&opened).map_err(|e| e.to_string())?;
    Ok(render::dot(&LinkGraph::build(&loaded), title))
}

/// `cargo xtask graphs [--check]`, or `cargo xtask all [--check]`: schema,
/// book and graphs in turn, so no generated file is forgotten.
pub fn command(root: &Path, cmd: &str, args: &[String]) -> Result<(), String> {
    let check = args.iter().any(|a| a == "--check");
    if cmd == "all" {
        crate::schema::run(root, check)?;
        crate::book::run(root, "book", args)?;
    }
    run(root, check)
}

/// Regenerates (or, with `check`, compares) the pictures.
pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let out_dir = root.join("spec/use-cases");
    let mut stale = Vec::new();
    for (store, stem, title) in PICTURES {
        let dot = dot_of(root, store, title)?;
        let dot_path = out_dir.join(format!("{stem}.dot"));
        let svg_path = out_dir.join(format!("{stem}.svg"));
        if check {
            if std::fs::read_to_string(&dot_path).ok().as_deref() != Some(dot.as_str()) {
                stale.push(dot_path.display().to_string());
            }
            continue;
        }
        std::fs::write(&dot_path, &dot).map_err(|e| format!("{}: {e}", dot_path.display()))?;
        let status = Command::new("dot")
            .arg("-Tsvg")
            .arg("-o")
            .arg(&svg_path)
            .arg(&dot_path)
            .status()
            .map_err(|e| {
                format!("cannot run Graphviz `dot` ({e}); install it (apt-get install graphviz)")
            })?;
        if !status.success() {
            return Err(format!("`dot -Tsvg {}` failed", dot_path.display()));
        }
        println!("wrote {} and {}", dot_path.display(), svg_path.display());
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "out of date: {}\nrun `cargo xtask graphs` and commit spec/use-cases/",
            stale.join(", ")
        ))
    }
}
