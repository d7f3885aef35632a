//! `zarr-links index`: compute the root group's `links:index` from the
//! declared links, print it, or write it into the store.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use serde_json::{Map, Value};
use zarr_links_graph::{IndexPlan, LinkGraph};
use zarr_links_model::attributes::INDEX;
use zarr_links_model::convention::{declare, Declared};
use zarr_links_model::{Hierarchy, NodeKind};
use zarr_links_store::{update_attributes, WritableStore, WriteError};

use crate::navigate;
use crate::source::{Location, RemoteArgs};

const LONG_ABOUT_HEAD: &str = "\
Compute a `links:index` for the root group from the links the store declares. \
Without --write, print it (the exact object --write would store). With --write, \
store it in the root group's attributes.
";

const LONG_ABOUT_TAIL: &str = "\
The root's current categories are kept as they are, in their place: a category someone \
wrote (a hand-made `bands` or `derived`) is never replaced or extended. A computed \
category is appended only when no `links:index` of the store, on the root or on any \
other group, has a category of that name yet; a note on standard error names each \
computed category left out and where the written one is. With --replace, the root's \
index becomes the computed categories alone; indexes on other groups are never changed.

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
    /// The store (Zarr v2 or v3, consolidated or not): its root directory,
    /// or, without --write, the URL of its root (`https://`,
    /// `s3://bucket/prefix`, `gs://`, `az://`, `file://`).
    pub store: std::ffi::OsString,
    /// Write the index into the root group's attributes (and consolidated
    /// metadata) instead of printing it.
    #[arg(long)]
    pub write: bool,
    /// Make the root's index the computed categories alone, dropping the
    /// categories it has now (indexes on other groups are not changed).
    #[arg(long)]
    pub replace: bool,
    /// How to read a remote store.
    #[command(flatten)]
    pub remote: RemoteArgs,
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

fn fail(location: &Location, message: impl std::fmt::Display) -> u8 {
    eprintln!("zarr-links index: {}: {message}", location.shown());
    2
}

fn run_inner(args: &Args) -> Result<(), u8> {
    let location = Location::parse(&args.store).map_err(|e| {
        eprintln!("zarr-links index: {e}");
        2
    })?;
    if args.write && matches!(location, Location::Remote(_)) {
        return Err(fail(
            &location,
            "--write is not supported for remote stores; write the index into a local copy of the store",
        ));
    }
    let opened = navigate::open("index", &location, &args.remote, false)?;
    let hierarchy = &opened.hierarchy;
    let plan = planned_index(hierarchy, args.replace).map_err(|e| fail(&location, e))?;
    for n in &plan.not_added {
        let whose = if n.group == "/" {
            "the root's `links:index`".to_string()
        } else {
            format!("the `links:index` of {}", n.group)
        };
        eprintln!(
            "note: the computed category `{}` ({} nodes) is not added: {whose} already has a `{}`, and a written category is never replaced (--replace replaces the root's)",
            n.name, n.computed, n.name
        );
    }
    let index = &plan.index;

    if !args.write {
        let mut s = serde_json::to_string_pretty(&Value::Object(index.clone()))
            .expect("JSON values serialise");
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

    let Some(store) = &opened.local else {
        return Err(fail(&location, "--write needs a local store"));
    };
    let (declared, written) =
        write_index(store, hierarchy, index).map_err(|e| fail(&location, e))?;

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
    for (name, members) in index {
        let n = members.as_array().map_or(0, Vec::len);
        let how = if plan.kept.contains(name) {
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
/// the root's current index with the computed categories that no index has
/// yet ([`LinkGraph::merged_index`]). Fails when the root's metadata cannot
/// be read or the root is an array. The Python package's `index()` calls
/// this too.
pub fn planned_index(hierarchy: &Hierarchy, replace: bool) -> Result<IndexPlan, String> {
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
        declared.set(declare(attributes, root.format)?);
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
