//! `zarr-links related`: the nodes linked to one node.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use std::fmt::Write;

use serde_json::Value;
use zarr_links_graph::{Direction, LinkGraph, NodeClass, NodeId, Related};
use zarr_links_model::escape::terminal;
use zarr_links_model::RelationType;

use crate::navigate::{self, TextOrJson};
use crate::source::{Location, RemoteArgs};

/// Which links to list, relative to NODE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DirectionArg {
    /// Links from NODE: "NODE <type> other", declared on NODE or derived.
    Out,
    /// Links to NODE: "other <type> NODE".
    In,
    /// Both.
    Both,
}

const LONG_ABOUT: &str = "\
List the nodes linked to one node of a store: the links it states, the links other \
nodes state about it, and the inverse links a reader derives (`part_of` <-> `contains`, \
`same_as` <-> `same_as`). `derived_from` and `quality_for` have no named inverse: they \
appear as incoming links of their target, with the declared type.

A fact is listed once: when a derived inverse restates a declared link that is also \
listed, only the declared link is shown. Ask for `--direction out` or the inverse \
`--type` to see the derived form.

A `quality_for` link to a group applies to every node below the group, so the \
incoming links of a node include the `quality_for` links to its enclosing groups, \
marked \"via the enclosing group\".

Example: which masks and products use band B04?
  zarr-links related STORE /measurements/reflectance/r10m/b04 --direction in
Which quality layers apply to the 20 m band 4?
  zarr-links related STORE /measurements/reflectance/r20m/b04 --type quality_for --direction in

Exit status: 0 (also when nothing is linked), 2 when the store cannot be read, the node \
does not exist (similar paths are suggested) or the type is unknown.";

/// Arguments of `zarr-links related`.
#[derive(Debug, clap::Args)]
#[command(about = "List the nodes linked to one node, by type and direction", long_about = LONG_ABOUT)]
pub struct Args {
    /// The store (Zarr v2 or v3, consolidated or not): its root directory,
    /// or the URL of its root (`https://`, `s3://bucket/prefix`, `gs://`,
    /// `az://`, `file://`).
    pub store: std::ffi::OsString,
    /// The node, as an absolute path from the store root, e.g.
    /// `/measurements/reflectance/r10m/b04` (`/` is the root group). An
    /// external target's URI works too.
    pub node: String,
    /// Only links of this type: a core type (`derived_from`, `quality_for`,
    /// `same_as`, `part_of`, `contains`), an IANA type such as `describedby`,
    /// or an extension type URI.
    #[arg(long = "type", value_name = "TYPE")]
    pub r#type: Option<String>,
    /// `out`: links from NODE ("NODE <type> other"); `in`: links to NODE
    /// ("other <type> NODE"); `both`.
    #[arg(long, value_enum, default_value_t = DirectionArg::Both)]
    pub direction: DirectionArg,
    /// `text`: a table for people; `json`: an array of objects with `source`,
    /// `target`, `type`, `direction` (`out`/`in` relative to NODE),
    /// `declared_on` (the node whose metadata states the link), `derived`,
    /// and `via` (for a `quality_for` link to a group that encloses NODE,
    /// that group; else null).
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
    /// Check that the external targets listed answer: an `http(s)` URL with
    /// a HEAD request, an object in a bucket with a HEAD of the object, a
    /// node of another Zarr store (`store-uri#/path`) by opening that store
    /// once and reading the node's metadata. Rows say whether each answered
    /// (JSON: `reachable` and `reach`). Without this flag nothing external
    /// is ever fetched.
    #[arg(long)]
    pub check_external: bool,
    /// How to read a remote store.
    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// Runs the command.
pub fn run(args: Args) -> u8 {
    match run_inner(&args) {
        Ok(()) => 0,
        Err(code) => code,
    }
}

fn run_inner(args: &Args) -> Result<(), u8> {
    let r#type = match &args.r#type {
        None => None,
        Some(t) => match RelationType::parse(t) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!(
                    "zarr-links related: --type: {}; use a core type (derived_from, quality_for, same_as, part_of, contains), an IANA link relation such as describedby, or an absolute URI",
                    terminal(&e.to_string())
                );
                return Err(2);
            }
        },
    };
    let location = Location::parse(&args.store).map_err(|e| {
        eprintln!("zarr-links related: {e}");
        2
    })?;
    let progress = crate::progress::allowed(args.format == TextOrJson::Text);
    let opened = navigate::open("related", &location, &args.remote, progress)?;
    let g = LinkGraph::build(&opened.hierarchy);
    let node = navigate::find_node("related", &opened.shown, &g, &args.node)?;
    let direction = match args.direction {
        DirectionArg::Out => Direction::Out,
        DirectionArg::In => Direction::In,
        DirectionArg::Both => Direction::Both,
    };
    let rows = g.related(node, direction, r#type.as_ref());
    let reach = if args.check_external {
        let external: Vec<String> = rows
            .iter()
            .filter(|r| g.class(r.other) == NodeClass::External)
            .map(|r| g.name(r.other).to_string())
            .collect();
        check(external, &args.remote)?
    } else {
        Reached::new()
    };
    let text = match args.format {
        TextOrJson::Json => {
            let mut value = to_json(&g, &rows);
            if args.check_external {
                add_reach(&mut value, &reach);
            }
            let mut s = serde_json::to_string_pretty(&value).expect("JSON values serialise");
            s.push('\n');
            s
        }
        TextOrJson::Text => to_text(&g, node, args, &rows, &reach),
    };
    navigate::print("related", &text)
}

/// External targets with whether they answered (`true`, `false`) and how
/// or why; targets not fetched are absent.
type Reached = std::collections::BTreeMap<String, (bool, String)>;

/// Checks the external targets of the rows (`--check-external`).
#[cfg(feature = "remote")]
fn check(targets: Vec<String>, remote: &RemoteArgs) -> Result<Reached, u8> {
    use crate::source::Reach;
    let checked = crate::source::check_targets(targets, remote);
    let mut out = Reached::new();
    for (target, reach) in checked.targets {
        match reach {
            Reach::Reachable(how) => out.insert(target, (true, how)),
            Reach::Unreachable(why) => {
                eprintln!(
                    "zarr-links related: warning[{}]: external target {target:?} cannot be reached: {why}",
                    zarr_links_model::Rule::TargetReachable
                );
                out.insert(target, (false, why))
            }
            Reach::NotChecked(_) => None,
        };
    }
    Ok(out)
}

/// `--check-external` in a build without remote stores.
#[cfg(not(feature = "remote"))]
fn check(_: Vec<String>, _: &RemoteArgs) -> Result<Reached, u8> {
    eprintln!("zarr-links related: {}", crate::source::NO_CHECK_EXTERNAL);
    Err(2)
}

/// Adds `reachable` and `reach` to the JSON rows whose other end was checked.
fn add_reach(rows: &mut Value, reach: &Reached) {
    for row in rows.as_array_mut().into_iter().flatten() {
        let other = if row["direction"] == "out" {
            &row["target"]
        } else {
            &row["source"]
        };
        let found = other.as_str().and_then(|o| reach.get(o)).cloned();
        if let (Some((ok, how)), Some(obj)) = (found, row.as_object_mut()) {
            obj.insert("reachable".to_string(), Value::Bool(ok));
            obj.insert("reach".to_string(), Value::String(how));
        }
    }
}

/// The JSON form: one object per row ([`zarr_links_graph::render::related_json`]).
pub fn to_json(g: &LinkGraph<'_>, rows: &[Related<'_>]) -> Value {
    zarr_links_graph::render::related_json(g, rows)
}

/// The table for people; every name and type from the store is escaped
/// ([`terminal`]).
fn to_text(
    g: &LinkGraph<'_>,
    node: NodeId,
    args: &Args,
    rows: &[Related<'_>],
    reach: &Reached,
) -> String {
    let name = terminal(g.name(node));
    let mut filter = match args.direction {
        DirectionArg::Out => "links from it".to_string(),
        DirectionArg::In => "links to it".to_string(),
        DirectionArg::Both => "links from and to it".to_string(),
    };
    if let Some(t) = &args.r#type {
        filter.push_str(&format!(" of type {}", terminal(t)));
    }
    let mut out = String::new();
    let class = g.class(node).as_str();
    if rows.is_empty() {
        let _ = writeln!(out, "{name} ({class}): no {filter}.");
        return out;
    }
    let n = rows.len();
    let filter = if n == 1 {
        filter.replacen("links", "link", 1)
    } else {
        filter
    };
    let _ = writeln!(out, "{name} ({class}): {n} {filter}\n");
    let type_width = rows
        .iter()
        .map(|r| terminal(g.edge_type(r.edge).as_str()).len())
        .max()
        .unwrap_or(0)
        .max(4);
    let _ = writeln!(out, "  {:<4}  {:<type_width$}  NODE", "DIR", "TYPE");
    for r in rows {
        let mut note = String::new();
        match g.class(r.other) {
            NodeClass::External => match reach.get(g.name(r.other)) {
                Some((true, how)) => {
                    note.push_str(&format!("external; answers: {}", terminal(how)))
                }
                Some((false, why)) => {
                    note.push_str(&format!("external; does not answer: {}", terminal(why)))
                }
                None => note.push_str("external"),
            },
            NodeClass::Missing => note.push_str("missing: no such node in the store"),
            _ => {}
        }
        if r.edge.derived {
            if !note.is_empty() {
                note.push_str("; ");
            }
            let declared = terminal(g.name(r.edge.declared_on()));
            let _ = write!(note, "derived inverse of the link declared on {declared}");
        }
        if let Some(group) = r.via {
            if !note.is_empty() {
                note.push_str("; ");
            }
            let _ = write!(note, "via the enclosing group {}", terminal(g.name(group)));
        }
        let note = if note.is_empty() {
            note
        } else {
            format!("  ({note})")
        };
        let _ = writeln!(
            out,
            "  {:<4}  {:<type_width$}  {}{note}",
            r.side.as_str(),
            terminal(g.edge_type(r.edge).as_str()),
            terminal(g.name(r.other))
        );
    }
    let _ = writeln!(
        out,
        "\n  out: \"{name} <TYPE> NODE\"; in: \"NODE <TYPE> {name}\"."
    );
    out
}
