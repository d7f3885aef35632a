//! `zarr-links validate` (placeholder until its issue lands).

use std::process::ExitCode;

/// Arguments of `zarr-links validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store's root directory.
    pub store: std::path::PathBuf,
}

/// Runs the command.
pub fn run(_args: Args) -> ExitCode {
    eprintln!("zarr-links validate: not implemented yet");
    ExitCode::from(2)
}
