//! `zarr-links graph` (placeholder until its issue lands).

use std::process::ExitCode;

/// Arguments of `zarr-links graph`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store's root directory.
    pub store: std::path::PathBuf,
}

/// Runs the command.
pub fn run(_args: Args) -> ExitCode {
    eprintln!("zarr-links graph: not implemented yet");
    ExitCode::from(2)
}
