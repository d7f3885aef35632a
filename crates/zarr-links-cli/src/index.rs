//! `zarr-links index`: compute the root group's `links:index` from the
//! declared links, print it, or write it into the store.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use std::path::PathBuf;

use serde_json::{Map, Value};
use zarr_links_graph::LinkGraph;
use zarr_links_model::attributes::INDEX;
use zarr_links_model::convention::{declare, Declared};
use zarr_links_model::{Hierarchy, NodeKind};
use zarr_links_store::{update_attributes, WritableStore, WriteError};

use crate::navigate;

const LONG_ABOUT_HEAD: &str = "\
Compute a `links:index` for the root group from the links the store declares. \
Without --write, print it (the exact object --write would store). With --write, \
store it in the root group's attributes.
";

const LONG_ABOUT_TAIL: &str = "\
Categories the root's current index has and the computation does not produce (for \
example a hand-made `bands`) are kept as they are, in their place; --replace drops \
them. Computed categories replace same-named ones in place; new ones are appended.

--write edits the root's `zarr.json` (Zarr v3) or `.zattrs` (Zarr v2) in place: only \
`links:index` changes, and `zarr_conventions` when the convention's declaration is \
missing (it is added; a legacy uuid string is turned into the object form). Every \
other attribute keeps its value, its key order and its formatting. Each file is \
replaced atomically (temporary file, flush, rename). With v2 consolidated metadata, \
the root's entry in `.zmetadata` is updated the same way; if `.zmetadata` cannot be \
read, nothing is written. (Zarr v3 inline consolidated metadata lists the children \
only, so it needs no change.) Symbolic links are never replaced.

The index is computed from the links that can be read; if the store has errors, \
`zarr-links validate STORE` lists them, and the note printed here says how many.

Exit status: 0 done (also when there is nothing to index: nothing is written), \
2 the store cannot be read or written, or the root is an array.";

/// Arguments of `zarr-links index`.
#[derive(Debug, clap::Args)]
#[command(
    about = "Compute the root group's links:index from the declared links; print or write it",
    long_about = long_about()
)]
pub struct Args {
    /// The store's root directory (Zarr v2 or v3, consolidated or not).
    pub store: PathBuf,
    /// Write the index into the root group's attributes (and consolidated
    /// metadata) instead of printing it.
    #[arg(long)]
    pub write: bool,
    /// Drop the root index's categories that the computation does not
    /// produce, instead of keeping them.
    #[arg(long)]
    pub replace: bool,
}

/// The long help, with the category algorithm from the graph crate.
pub fn long_about() -> String {
    format!(
        "{LONG_ABOUT_HEAD}\n{}\n\n{LONG_ABOUT_TAIL}",
        zarr_links_graph::COMPUTED_INDEX_DOC
    )
}

/// Runs the command.
pub fn run(args: Args) -> u8 {
    match run_inner(&args) {
        Ok(()) => 0,
        Err(code) => code,
    }
}

fn fail(args: &Args, message: impl std::fmt::Display) -> u8 {
    eprintln!("zarr-links index: {}: {message}", args.store.display());
    2
}

fn run_inner(args: &Args) -> Result<(), u8> {
    let opened = navigate::open("index", &args.store)?;
    let hierarchy = &opened.hierarchy;
    let (index, kept) = planned_index(hierarchy, args.replace).map_err(|e| fail(args, e))?;

    if !args.write {
        let mut s =
            serde_json::to_string_pretty(&Value::Object(index)).expect("JSON values serialise");
        s.push('\n');
        return navigate::print("index", &s);
    }
    if index.is_empty() {
        println!(
            "{}: no links to index and no categories to keep; nothing written.",
            opened.shown
        );
        return Ok(());
    }

    let (declared, written) =
        write_index(&opened.store, hierarchy, &index).map_err(|e| fail(args, e))?;

    let entries: usize = index
        .values()
        .filter_map(Value::as_array)
        .map(Vec::len)
        .sum();
    let mut report = format!(
        "Wrote the root links:index of {} ({} categories, {entries} entries):\n",
        opened.shown,
        index.len()
    );
    for (name, members) in &index {
        let n = members.as_array().map_or(0, Vec::len);
        let how = if kept.contains(name) {
            "kept"
        } else {
            "computed"
        };
        report.push_str(&format!("  {name:<16} {n:>4}  {how}\n"));
    }
    if let Some(d) = declared {
        report.push_str(&format!("  {}\n", d.describe()));
    }
    for key in &written {
        report.push_str(&format!("  updated {key}\n"));
    }
    navigate::print("index", &report)
}

/// The root `links:index` that `index` prints and `index --write` stores:
/// the categories computed from the declared links, merged into the root's
/// current index ([`LinkGraph::merged_index`]), and the names of the
/// categories kept from it. Fails when the root's metadata cannot be read or
/// the root is an array. The Python package's `index()` calls this too.
pub fn planned_index(
    hierarchy: &Hierarchy,
    replace: bool,
) -> Result<(Map<String, Value>, Vec<String>), String> {
    let Some(root) = hierarchy.root() else {
        return Err("the root's metadata cannot be read".to_string());
    };
    if root.kind == NodeKind::Array {
        return Err("the root is an array; `links:index` goes on a group".to_string());
    }
    let graph = LinkGraph::build(hierarchy);
    let current = root
        .links
        .as_deref()
        .and_then(|v| v.index.as_ref())
        .map(|_| current_index(root));
    Ok(graph.merged_index(current.as_ref(), replace))
}

/// Stores `index` as the root group's `links:index`, declaring the
/// convention when the declaration is missing, in the root's document and in
/// the consolidated metadata that copies it ([`update_attributes`]). Returns
/// what was declared, if anything, and the keys written. The Python
/// package's `write_index()` calls this too, with a zarr-python store.
pub fn write_index(
    store: &dyn WritableStore,
    hierarchy: &Hierarchy,
    index: &Map<String, Value>,
) -> Result<(Option<Declared>, Vec<String>), WriteError> {
    let root = hierarchy
        .root()
        .ok_or_else(|| WriteError::Refused("the root's metadata cannot be read".to_string()))?;
    let declared = std::cell::Cell::new(None);
    let written = update_attributes(store, root, &|attributes| {
        declared.set(declare(attributes)?);
        attributes.insert(INDEX.to_string(), Value::Object(index.clone()));
        Ok(())
    })?;
    Ok((declared.get(), written))
}

/// The root's current `links:index`, as its categories were read.
fn current_index(root: &zarr_links_model::Node) -> Map<String, Value> {
    let view = root
        .links
        .as_deref()
        .expect("a root with an index has a view");
    view.index
        .iter()
        .flatten()
        .map(|c| {
            let entries = c
                .entries
                .iter()
                .map(|(_, p)| Value::String(p.as_str().to_string()))
                .collect();
            (c.name.clone(), Value::Array(entries))
        })
        .collect()
}
