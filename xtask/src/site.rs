//! `cargo xtask site`: lays out the published site in `book/` after
//! `mdbook build`, and checks that every URL the convention publishes names
//! a file of it.
//!
//! The layout: the book of the current version at the root (the latest) and
//! again under `v<VERSION>/`, which is what `spec_url` names and never
//! changes once published; the JSON Schemas under `schema/` (latest) and
//! `v<VERSION>/schema/`, which is what `schema_url` and each schema's `$id`
//! name. Deploying `book/` as it is then publishes every URL.

use std::path::{Path, PathBuf};

use zarr_links_model::convention::{SCHEMA_URL, SITE_URL, SPEC_URL, VERSION};
use zarr_links_model::schema::{ATTRIBUTES_SCHEMA_FILE, NODE_SCHEMA_FILE};

/// Runs the command: `root/book` must hold a built book.
pub fn run(root: &Path) -> Result<(), String> {
    let site = root.join("book");
    if !site.join("index.html").is_file() {
        return Err(format!(
            "{} holds no built book; run `mdbook build` first",
            site.display()
        ));
    }
    let versioned = site.join(format!("v{VERSION}"));
    if versioned.exists() {
        std::fs::remove_dir_all(&versioned).map_err(|e| format!("{}: {e}", versioned.display()))?;
    }
    // The book's own files, before the schemas are added.
    let pages = files_below(&site)?;
    for rel in &pages {
        copy(&site.join(rel), &versioned.join(rel))?;
    }
    for file in [NODE_SCHEMA_FILE, ATTRIBUTES_SCHEMA_FILE] {
        let from = root.join("schema").join(file);
        copy(&from, &site.join("schema").join(file))?;
        copy(&from, &versioned.join("schema").join(file))?;
    }
    let mut urls = vec![
        SITE_URL.to_string(),
        SPEC_URL.to_string(),
        SCHEMA_URL.to_string(),
    ];
    for file in [NODE_SCHEMA_FILE, ATTRIBUTES_SCHEMA_FILE] {
        let text = std::fs::read_to_string(root.join("schema").join(file))
            .map_err(|e| format!("schema/{file}: {e}"))?;
        let schema: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("schema/{file}: {e}"))?;
        match schema.get("$id").and_then(|v| v.as_str()) {
            Some(id) => urls.push(id.to_string()),
            None => return Err(format!("schema/{file} has no $id")),
        }
    }
    urls.dedup();
    for url in &urls {
        let file = published_file(&site, url)?;
        if !file.is_file() {
            return Err(format!(
                "{url} is published by the convention, but the site has no {}",
                file.display()
            ));
        }
    }
    println!(
        "site laid out in {}: the book at / and /v{VERSION}/ ({} files each), the schemas at \
         /schema/ and /v{VERSION}/schema/; {} published URLs checked:",
        site.display(),
        pages.len(),
        urls.len()
    );
    for url in &urls {
        println!("  {url}");
    }
    Ok(())
}

/// The file of the site that `url` names: below [`SITE_URL`], with
/// `index.html` for a URL that ends in `/`.
fn published_file(site: &Path, url: &str) -> Result<PathBuf, String> {
    let rel = url
        .strip_prefix(SITE_URL)
        .ok_or_else(|| format!("{url} is not below the site {SITE_URL}"))?;
    let mut file = site.join(rel);
    if rel.is_empty() || rel.ends_with('/') {
        file.push("index.html");
    }
    Ok(file)
}

/// Every file below `dir`, as paths relative to it, in a stable order.
fn files_below(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut todo = vec![PathBuf::new()];
    while let Some(rel) = todo.pop() {
        let here = dir.join(&rel);
        let entries = std::fs::read_dir(&here).map_err(|e| format!("{}: {e}", here.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", here.display()))?;
            let kind = entry
                .file_type()
                .map_err(|e| format!("{}: {e}", entry.path().display()))?;
            let child = rel.join(entry.file_name());
            if kind.is_dir() {
                todo.push(child);
            } else if kind.is_file() {
                out.push(child);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("{} -> {}: {e}", from.display(), to.display()))
}
