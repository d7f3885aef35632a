//! Shared by `related`, `graph` and `index`: open a store, build its link
//! graph, and find the node the user named.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use zarr_links_graph::{LinkGraph, NodeClass, NodeId};
use zarr_links_model::escape::terminal;
use zarr_links_model::Hierarchy;

use crate::source::{load_store, Loaded, Location, RemoteArgs, Wanted};

/// Output format of `related`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TextOrJson {
    /// A table for people.
    Text,
    /// JSON for tools.
    Json,
}

/// Prints `message` on standard error, after `zarr-links COMMAND: `, with
/// every control character escaped ([`terminal`]): messages carry paths and
/// names from the store. Returns exit code 2.
pub fn fail(command: &str, message: &dyn std::fmt::Display) -> u8 {
    eprintln!("zarr-links {command}: {}", terminal(&message.to_string()));
    2
}

/// Prints a note on standard error, escaped as [`fail`] does.
pub fn note(command: &str, message: &dyn std::fmt::Display) {
    eprintln!(
        "zarr-links {command}: note: {}",
        terminal(&message.to_string())
    );
}

/// Opens and loads the store, and notes how many problems it has. On
/// failure prints a message naming the store and returns exit code 2.
/// `progress`: whether a remote store's loading may be shown on the
/// terminal.
pub fn open(
    command: &str,
    location: &Location,
    remote: &RemoteArgs,
    progress: bool,
) -> Result<Loaded, u8> {
    open_with(command, location, remote, progress, false)
}

/// [`open`], keeping every node's attributes when `keep_attributes`
/// (`export` reads more than the convention's members).
pub fn open_with(
    command: &str,
    location: &Location,
    remote: &RemoteArgs,
    progress: bool,
    keep_attributes: bool,
) -> Result<Loaded, u8> {
    let wanted = Wanted {
        keep_attributes,
        ..Wanted::default()
    };
    let loaded = load_store(location, remote, wanted, progress).map_err(|e| fail(command, &e))?;
    notes(command, &loaded.shown, &loaded.hierarchy);
    Ok(loaded)
}

/// Notes on standard error how many problems a loaded store has, and that
/// only part of it was read when it cannot be listed.
pub fn notes(command: &str, shown: &str, hierarchy: &Hierarchy) {
    let skipped: usize = hierarchy.views().map(|(_, v)| v.skipped().len()).sum();
    let unread = skipped + hierarchy.findings.len();
    if unread > 0 {
        note(
            command,
            &format!(
                "{shown} has {unread} problem(s) in its metadata or links; \
                 what could not be read is left out. Run `zarr-links validate {shown}` for details."
            ),
        );
    }
    if hierarchy.coverage == zarr_links_model::Coverage::Reached {
        note(
            command,
            &format!(
                "{shown} cannot be listed and has no consolidated metadata; \
                 only the {} node(s) reached from the root (through `links:index` entries, link targets \
                 and their parent groups) were read.",
                hierarchy.nodes().len()
            ),
        );
    }
}

/// Finds the node the user named. Accepts a path without its leading `/`
/// or with a trailing `/` (with a note). Otherwise prints what to do, with
/// similar paths, and returns exit code 2.
pub fn find_node(
    command: &str,
    shown: &str,
    graph: &LinkGraph<'_>,
    given: &str,
) -> Result<NodeId, u8> {
    let missing = graph
        .find(given)
        .filter(|id| graph.class(*id) == NodeClass::Missing);
    if let Some(id) = graph.find(given).filter(|id| missing != Some(*id)) {
        return Ok(id);
    }
    let mut fixed = given.trim_end_matches('/').to_string();
    if !fixed.starts_with('/') && !fixed.contains(':') {
        fixed.insert(0, '/');
    }
    if fixed != given {
        if let Some(id) = graph.find(&fixed).filter(|id| graph.class(*id).in_store()) {
            note(
                command,
                &format!("reading {given:?} as {fixed} (node paths are absolute: they start at the store root with `/`)"),
            );
            return Ok(id);
        }
    }
    let store = terminal(shown);
    let mut message = format!(
        "zarr-links {command}: {store} has no node {}",
        terminal(given)
    );
    if !given.starts_with('/') && !given.contains(':') {
        message.push_str(" (node paths are absolute: they start at the store root with `/`)");
    }
    if let Some(id) = missing {
        let n = graph.in_edges(id).filter(|(_, e)| !e.derived).count();
        let indexed = graph
            .categories()
            .iter()
            .filter(|c| c.members.contains(&id))
            .count();
        message.push_str(&format!(
            ", although {n} link(s) and {indexed} index categories name it; `zarr-links validate {store}` reports them"
        ));
    }
    let similar = graph.suggest(given, 5);
    if similar.is_empty() {
        message.push_str(&format!(
            "\n  List the linked nodes with `zarr-links graph {store} --format json`."
        ));
    } else {
        message.push_str("\n  Did you mean:");
        for id in similar {
            message.push_str(&format!("\n    {}", terminal(graph.name(id))));
        }
    }
    eprintln!("{message}");
    Err(2)
}

/// Writes `text` to stdout, ignoring a closed pipe (`| head`). Returns exit
/// code 2 on any other write error.
pub fn print(command: &str, text: &str) -> Result<(), u8> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(fail(command, &format!("cannot write the output: {e}"))),
    }
}
