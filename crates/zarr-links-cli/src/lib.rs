//! `zarr-links`: validate, navigate, index and export GeoZarr linked datasets.
//!
//! The command line as a library: [`run`] takes the arguments (the program
//! name first) and returns the exit status, so that the `zarr-links` binary
//! and the Python package's `zarr-links` command are the same code.
//!
//! Exit codes (fixed by the specification): 0 valid, 1 invalid, 2 the store
//! could not be read or the command line was wrong.

use std::ffi::OsString;

use clap::{Parser, Subcommand};

mod export;
mod graph;
mod index;
mod navigate;
mod progress;
mod related;
mod source;
mod validate;

/// Parts of the commands that other front ends (the Python package) call,
/// so that both print and write the same.
pub mod shared {
    pub use crate::index::{planned_index, write_index};
    pub use crate::related::to_json as related_json;
    pub use crate::source::{load_store, Location, RemoteArgs, Wanted};
    pub use crate::validate::report_text;
}

/// Validate, navigate, index and export the links between arrays and groups of
/// a Zarr store (GeoZarr Linked Datasets convention).
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
    Export(Box<export::Args>),
}

/// Runs the command line on `args` (the program name first) and returns the
/// exit status. `--help` and `--version` print and return 0; a usage error
/// prints clap's message and returns 2.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match cli.command {
        Command::Validate(args) => validate::run(args),
        Command::Related(args) => related::run(args),
        Command::Graph(args) => graph::run(args),
        Command::Index(args) => index::run(args),
        Command::Export(args) => export::run(*args),
    }
}
