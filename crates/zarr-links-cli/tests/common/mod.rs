//! Helpers shared by the command-line tests.

#![allow(dead_code)] // each test binary uses a different subset

use std::path::PathBuf;
use std::process::{Command, Output};

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A use-case store of the conformance suite, e.g. `sentinel2-l2a-v3`.
pub fn store(name: &str) -> PathBuf {
    repo_root()
        .join("conformance/valid/use-cases")
        .join(name)
        .join("store")
}

/// Runs the `zarr-links` binary built for these tests.
pub fn zarr_links(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zarr-links"))
        .args(args)
        .output()
        .expect("the binary runs")
}
