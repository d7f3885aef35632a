//! `zarr-links graph`: the whole link graph as Graphviz DOT, Mermaid or JSON.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use zarr_links_graph::render;

use crate::navigate;
use crate::source::{Location, RemoteArgs};

/// Output format of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Graphviz DOT; render with `dot -Tsvg -o links.svg`.
    Dot,
    /// A Mermaid flowchart, for Markdown pages that render Mermaid.
    Mermaid,
    /// One JSON object: `nodes`, `edges` (declared and derived, marked), `index`, `skipped`.
    Json,
}

const LONG_ABOUT: &str = "\
Print the whole link graph of a store.

The drawings (dot, mermaid) show every node that takes part in a declared link, \
in one box per parent group, and every declared link once as an arrow labelled with \
its type, from the node that states it. Derived inverses are not drawn, since they \
restate declared links. External targets (URIs) are drawn outside the boxes as notes; \
in-store targets that do not exist are drawn dashed and red. Nodes without links are \
left out.

The JSON form also lists the derived inverses (\"derived\": true), every `links:index` \
category and the entries that could not be read.

Example:
  zarr-links graph STORE --format dot | dot -Tsvg -o links.svg";

/// Arguments of `zarr-links graph`.
#[derive(Debug, clap::Args)]
#[command(about = "Print the whole link graph (Graphviz DOT, Mermaid or JSON)", long_about = LONG_ABOUT)]
pub struct Args {
    /// The store (Zarr v2 or v3, consolidated or not): its root directory,
    /// or the URL of its root (`https://`, `s3://bucket/prefix`, `gs://`,
    /// `az://`, `file://`).
    pub store: std::ffi::OsString,
    /// `dot` (Graphviz), `mermaid` (flowchart) or `json`.
    #[arg(long, value_enum, default_value_t = Format::Dot)]
    pub format: Format,
    /// The title drawn above the graph (dot, mermaid). Default: the store path as given.
    #[arg(long)]
    pub title: Option<String>,
    /// How to read a remote store.
    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// Runs the command.
pub fn run(args: Args) -> u8 {
    let location = match Location::parse(&args.store) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("zarr-links graph: {e}");
            return 2;
        }
    };
    let progress = crate::progress::allowed(args.format != Format::Json);
    let opened = match navigate::open("graph", &location, &args.remote, progress) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let title = args.title.clone().unwrap_or_else(|| opened.shown.clone());
    let g = &zarr_links_graph::LinkGraph::build(&opened.hierarchy);
    let text = match args.format {
        Format::Dot => render::dot(g, &title),
        Format::Mermaid => render::mermaid(g, &title),
        Format::Json => {
            let mut s =
                serde_json::to_string_pretty(&render::json(g)).expect("JSON values serialise");
            s.push('\n');
            s
        }
    };
    match navigate::print("graph", &text) {
        Ok(()) => 0,
        Err(code) => code,
    }
}
