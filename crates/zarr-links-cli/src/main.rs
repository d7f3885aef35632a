//! `zarr-links`: validate, navigate and index GeoZarr linked datasets.
//!
//! Exit codes (fixed by the specification): 0 valid, 1 invalid, 2 the store
//! could not be read or the command line was wrong.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc instead of the system allocator: validating a store means
/// hundreds of thousands of small JSON maps, allocated on worker threads and
/// freed on another, where glibc's allocator spent a large share of the run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod graph;
mod index;
mod navigate;
mod related;
mod validate;

/// Validate, navigate and index the links between arrays and groups of a Zarr
/// store (GeoZarr Linked Datasets convention).
#[derive(Debug, Parser)]
#[command(name = "zarr-links", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Validate(validate::Args),
    Related(related::Args),
    Graph(graph::Args),
    Index(index::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate(args) => validate::run(args),
        Command::Related(args) => related::run(args),
        Command::Graph(args) => graph::run(args),
        Command::Index(args) => index::run(args),
    }
}
