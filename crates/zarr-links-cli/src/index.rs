//! `zarr-links index`: compute the root group's `links:index` from the
//! declared links, print it, or write it into the store.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use serde_json::{Map, Value};
use zarr_links_graph::{IndexPlan, LinkGraph};
use zarr_links_model::attributes::INDEX;
use zarr_links_model::convention::{declare, Declared};
use zarr_links_model::document::json_kind;
use zarr_links_model::escape::terminal;
use zarr_links_model::{Hierarchy, NodeKind};
use zarr_links_store::{update_attributes, LocalStore, WritableStore, WriteError, Written};

use crate::navigate;
use crate::source::{load_local, Location, RemoteArgs, Wanted};

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
other attribute keeps its value, its key order and its formatting; a document \
that cannot be edited that way (a member given twice, a byte order mark, ...) is \
refused. With v2 consolidated metadata, the root's entry in `.zmetadata` is updated \
the same way. (Zarr v3 inline consolidated metadata lists the children only, so it \
needs no change.) A root `links:index` that is not an object is replaced only with \
--replace.

The documents are written all or none: one writer at a time (a lock on the store \
directory; a second writer waits), each document only if it still holds what was \
read, each replaced through a temporary file that keeps the owner and mode, and a \
journal so that the next writer rolls back a write that was killed halfway. \
Symbolic links and special files are never replaced. \
See https://zarr-links.github.io/zarr-links/security.html.

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
    navigate::fail("index", &format!("{}: {message}", location.shown()))
}

fn run_inner(args: &Args) -> Result<(), u8> {
    let location = Location::parse(&args.store).map_err(|e| navigate::fail("index", &e))?;
    if !args.write {
        let opened = navigate::open("index", &location, &args.remote, false)?;
        let plan = noted_plan(&location, &opened.hierarchy, args.replace)?;
        let mut s = serde_json::to_string_pretty(&Value::Object(plan.index))
            .expect("JSON values serialise");
        s.push('\n');
        return navigate::print("index", &s);
    }
    let Location::Local(path) = &location else {
        return Err(fail(
            &location,
            "--write is not supported for remote stores; write the index into a local copy of the store",
        ));
    };
    let shown = location.shown();
    let store = LocalStore::open(path).map_err(|e| navigate::fail("index", &e))?;
    // A writer holds the store's lock from before it reads the store until
    // it has written, so that two writers run one after the other.
    let lock = store
        .lock_with(&mut || {
            navigate::note(
                "index",
                &"another writer holds the store's lock (another `zarr-links index --write`?); waiting for it to finish",
            )
        })
        .map_err(|e| fail(&location, e))?;
    for n in &lock.notes {
        navigate::note("index", n);
    }
    let hierarchy =
        load_local(&store, Wanted::default()).map_err(|e| navigate::fail("index", &e))?;
    navigate::notes("index", &shown, &hierarchy);
    let plan = noted_plan(&location, &hierarchy, args.replace)?;
    let index = &plan.index;
    if index.is_empty() {
        println!(
            "{}: no links to index and no categories to keep; nothing written.",
            terminal(&shown)
        );
        return Ok(());
    }
    let (declared, written) =
        write_index(&store, &hierarchy, index, args.replace).map_err(|e| fail(&location, e))?;
    drop(lock);
    for n in &written.notes {
        navigate::note("index", n);
    }

    let entries: usize = index
        .values()
        .filter_map(Value::as_array)
        .map(Vec::len)
        .sum();
    let mut report = format!(
        "Wrote the root links:index of {} ({} categories, {entries} entries):\n",
        terminal(&shown),
        index.len()
    );
    for (name, members) in index {
        let n = members.as_array().map_or(0, Vec::len);
        let how = if plan.kept.contains(name) {
            "kept"
        } else {
            "computed"
        };
        report.push_str(&format!("  {:<16} {n:>4}  {how}\n", terminal(name)));
    }
    if let Some(d) = declared {
        report.push_str(&format!("  {}\n", d.describe()));
    }
    for key in &written.keys {
        report.push_str(&format!("  updated {}\n", terminal(key)));
    }
    navigate::print("index", &report)
}

/// The planned index ([`planned_index`]), with a note on standard error for
/// each computed category left out.
fn noted_plan(location: &Location, hierarchy: &Hierarchy, replace: bool) -> Result<IndexPlan, u8> {
    let plan = planned_index(hierarchy, replace).map_err(|e| fail(location, e))?;
    for n in &plan.not_added {
        let whose = if n.group == "/" {
            "the root's `links:index`".to_string()
        } else {
            format!("the `links:index` of {}", n.group)
        };
        navigate::note(
            "index",
            &format!(
                "the computed category `{}` ({} nodes) is not added: {whose} already has a `{}`, and a written category is never replaced (--replace replaces the root's)",
                n.name, n.computed, n.name
            ),
        );
    }
    Ok(plan)
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
    let current = root.links.as_deref().and_then(|v| v.index_json());
    Ok(graph.merged_index(current.as_ref(), replace))
}

/// Stores `index` as the root group's `links:index`, declaring the
/// convention when the declaration is missing, in the root's document and in
/// the consolidated metadata that copies it ([`update_attributes`]). Returns
/// what was declared, if anything, and what was written.
///
/// Without `replace`, the root's current `links:index` must be an object
/// whose categories `index` keeps exactly as they are written: a
/// `links:index` of another type, or a category with entries this tool
/// cannot read (which `index` would leave out), is refused rather than
/// lost. The Python package's `write_index()` calls this too, with a
/// zarr-python store.
pub fn write_index(
    store: &dyn WritableStore,
    hierarchy: &Hierarchy,
    index: &Map<String, Value>,
    replace: bool,
) -> Result<(Option<Declared>, Written), WriteError> {
    let root = hierarchy
        .root()
        .ok_or_else(|| WriteError::Refused("the root's metadata cannot be read".to_string()))?;
    let declared = std::cell::Cell::new(None);
    let written = update_attributes(store, root, &|attributes| {
        if !replace {
            keeps_current(attributes.get(INDEX), index)?;
        }
        declared.set(declare(attributes, root.format)?);
        attributes.insert(INDEX.to_string(), Value::Object(index.clone()));
        Ok(())
    })?;
    Ok((declared.get(), written))
}

/// Checks that writing `index` loses nothing of the `links:index` now in
/// the document (`current`): every category it has is in `index`, the same.
fn keeps_current(current: Option<&Value>, index: &Map<String, Value>) -> Result<(), String> {
    let current = match current {
        None => return Ok(()),
        Some(Value::Object(c)) => c,
        Some(other) => {
            return Err(format!(
                "the root's `links:index` is a JSON {}, not an object; it is replaced only with --replace",
                json_kind(other)
            ))
        }
    };
    for (name, written) in current {
        if index.get(name) == Some(written) {
            continue;
        }
        let what = match written {
            Value::Array(entries) => {
                let kept = index.get(name).and_then(Value::as_array);
                match entries
                    .iter()
                    .find(|e| !kept.is_some_and(|k| k.contains(e)))
                {
                    Some(entry) => {
                        format!("the entry {entry}, which is not a node path this tool can read")
                    }
                    None => "entries this tool cannot read".to_string(),
                }
            }
            other => format!(
                "a JSON {} instead of an array of node paths",
                json_kind(other)
            ),
        };
        return Err(format!(
            "the root's `links:index` category `{name}` holds {what}; writing the index would drop it. Fix it (`zarr-links validate` reports it) or pass --replace to replace the root's index"
        ));
    }
    Ok(())
}
