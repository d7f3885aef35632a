//! `zarr-links index`: compute the root group's `links:index` from the
//! declared links, print it, or write it into the store.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Map, Value};
use zarr_links_graph::LinkGraph;
use zarr_links_model::attributes::{INDEX, ZARR_CONVENTIONS};
use zarr_links_model::{ConventionMetadata, NodeKind, NodePath, ZarrFormat, CONVENTION_UUID};

use crate::navigate;
use crate::write::{
    edit_member, read_document, remove_member, reserialise, same_document, write_atomic, Document,
};

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
pub fn run(args: Args) -> ExitCode {
    match run_inner(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

fn fail(args: &Args, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("zarr-links index: {}: {message}", args.store.display());
    ExitCode::from(2)
}

/// The index to store: the computed categories, merged into the current
/// index unless `replace`. Returns it with the names of the kept categories.
pub fn merged_index(
    graph: &LinkGraph,
    current: Option<&Value>,
    replace: bool,
) -> (Map<String, Value>, Vec<String>) {
    let computed = graph.computed_index().0;
    let mut kept = Vec::new();
    let mut out = Map::new();
    if let (Some(Value::Object(current)), false) = (current, replace) {
        for (name, entries) in current {
            match computed.get(name) {
                Some(c) => {
                    out.insert(name.clone(), c.clone());
                }
                None => {
                    kept.push(name.clone());
                    out.insert(name.clone(), entries.clone());
                }
            }
        }
    }
    for (name, entries) in computed {
        if !out.contains_key(&name) {
            out.insert(name, entries);
        }
    }
    (out, kept)
}

/// Makes sure `attributes` declare the convention. Returns what changed.
fn declare(attributes: &mut Map<String, Value>) -> Result<Option<&'static str>, String> {
    let cmo = serde_json::to_value(ConventionMetadata::links()).expect("CMO serialises");
    match attributes.get_mut(ZARR_CONVENTIONS) {
        None => {
            attributes.insert(ZARR_CONVENTIONS.to_string(), Value::Array(vec![cmo]));
            Ok(Some(
                "added `zarr_conventions` with the convention's declaration",
            ))
        }
        Some(Value::Array(list)) => {
            let declared = list
                .iter()
                .any(|c| c.get("uuid").and_then(Value::as_str) == Some(CONVENTION_UUID));
            if declared {
                return Ok(None);
            }
            if let Some(legacy) = list
                .iter_mut()
                .find(|c| c.as_str() == Some(CONVENTION_UUID))
            {
                *legacy = cmo;
                return Ok(Some(
                    "replaced the legacy uuid string in `zarr_conventions` by the convention's declaration object",
                ));
            }
            list.push(cmo);
            Ok(Some(
                "added the convention's declaration to `zarr_conventions`",
            ))
        }
        Some(_) => {
            Err("the root's `zarr_conventions` attribute is not an array; fix it first".to_string())
        }
    }
}

/// One file to write.
struct Planned {
    path: PathBuf,
    text: String,
}

/// The new text of a document whose attributes object sits at `pointer`
/// (`[]` for a `.zattrs`, `["attributes"]` in a `zarr.json`, `["metadata",
/// ".zattrs"]` in a `.zmetadata`), with `links:index` set and the
/// declaration made.
fn plan(
    doc: &Document,
    pointer: &[&str],
    index: &Map<String, Value>,
) -> Result<(Planned, Option<&'static str>), String> {
    let shown = doc.path.display();
    let mut value = doc.value.clone();
    // Walk to the attributes object, creating the last level if missing.
    let mut at = &mut value;
    let mut created_at: Option<usize> = None;
    for (depth, key) in pointer.iter().enumerate() {
        let Value::Object(map) = at else {
            return Err(format!(
                "{shown}: `{}` is not a JSON object",
                pointer[..depth].join("/")
            ));
        };
        if !map.contains_key(*key) {
            if depth + 1 < pointer.len() {
                return Err(format!(
                    "{shown} has no `{}` object",
                    pointer[..=depth].join("/")
                ));
            }
            map.insert((*key).to_string(), Value::Object(Map::new()));
            created_at.get_or_insert(depth);
        }
        at = map.get_mut(*key).expect("just checked");
    }
    let Value::Object(attributes) = at else {
        return Err(format!(
            "{shown}: the attributes at `{}` are not a JSON object",
            pointer.join("/")
        ));
    };
    let old_index = match attributes.get(INDEX) {
        Some(Value::Object(m)) => Some(m.clone()),
        _ => None,
    };
    let declared = declare(attributes).map_err(|e| format!("{shown}: {e}"))?;
    attributes.insert(INDEX.to_string(), Value::Object(index.clone()));
    let new_attributes = Value::Object(attributes.clone());

    let edited = doc.text.as_deref().and_then(|text| {
        if let Some(depth) = created_at {
            return edit_member(text, &pointer[..depth], pointer[depth], &new_attributes);
        }
        let mut t = text.to_string();
        if declared.is_some() {
            let conventions = new_attributes.get(ZARR_CONVENTIONS).expect("declared");
            t = edit_member(&t, pointer, ZARR_CONVENTIONS, conventions)?;
        }
        match old_index.as_ref() {
            // Edit only the categories that change, so kept ones stay as written.
            Some(old) => {
                let mut inner: Vec<&str> = pointer.to_vec();
                inner.push(INDEX);
                for name in old.keys().filter(|k| !index.contains_key(*k)) {
                    t = remove_member(&t, &inner, name)?;
                }
                for (name, entries) in index {
                    if old.get(name) != Some(entries) {
                        t = edit_member(&t, &inner, name, entries)?;
                    }
                }
                Some(t)
            }
            None => edit_member(&t, pointer, INDEX, &Value::Object(index.clone())),
        }
    });
    let text = match edited {
        Some(t) if same_document(&t, &value) => t,
        _ => reserialise(doc.text.as_deref(), &value),
    };
    Ok((
        Planned {
            path: doc.path.clone(),
            text,
        },
        declared,
    ))
}

fn run_inner(args: &Args) -> Result<(), ExitCode> {
    let opened = navigate::open("index", &args.store)?;
    let hierarchy = &opened.loaded.hierarchy;
    let root = hierarchy.get(&NodePath::root());
    if root.is_some_and(|r| r.kind == NodeKind::Array) {
        return Err(fail(
            args,
            "the root is an array; `links:index` goes on a group",
        ));
    }
    let current = root.and_then(|r| r.attributes.get(INDEX));
    let (index, kept) = merged_index(&opened.graph, current, args.replace);

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

    let dir: &Path = opened.store.root();
    let mut planned = Vec::new();
    let mut declared = None;
    let result = (|| -> Result<(), String> {
        match hierarchy.format {
            ZarrFormat::V3 => {
                let doc = read_document(&dir.join("zarr.json"))?;
                let (p, d) = plan(&doc, &["attributes"], &index)?;
                planned.push(p);
                declared = d;
            }
            ZarrFormat::V2 => {
                let doc = read_document(&dir.join(".zattrs"))?;
                let (p, d) = plan(&doc, &[], &index)?;
                planned.push(p);
                declared = d;
                let zmetadata = dir.join(".zmetadata");
                if zmetadata.exists() || fs_is_symlink(&zmetadata) {
                    let doc = read_document(&zmetadata).map_err(|e| {
                        format!("cannot update the consolidated metadata: {e}; nothing was written")
                    })?;
                    let (p, _) = plan(&doc, &["metadata", ".zattrs"], &index).map_err(|e| {
                        format!("cannot update the consolidated metadata: {e}; nothing was written")
                    })?;
                    planned.push(p);
                }
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        return Err(fail(args, e));
    }
    for p in &planned {
        if let Err(e) = write_atomic(&p.path, p.text.as_bytes()) {
            return Err(fail(
                args,
                format!("cannot write {}: {e}", p.path.display()),
            ));
        }
    }

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
        report.push_str(&format!("  {d}\n"));
    }
    for p in &planned {
        let file = p.path.strip_prefix(dir).unwrap_or(&p.path);
        report.push_str(&format!("  updated {}\n", file.display()));
    }
    navigate::print("index", &report)
}

fn fs_is_symlink(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
}
