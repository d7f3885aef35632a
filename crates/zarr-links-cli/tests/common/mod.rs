//! Helpers shared by the command-line tests.

#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
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

/// The `zarr-links` binary built for these tests, as a command to run.
pub fn command(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zarr-links"));
    c.args(args);
    c
}

/// Runs the `zarr-links` binary built for these tests.
pub fn zarr_links(args: &[&str]) -> Output {
    command(args).output().expect("the binary runs")
}

/// Runs the binary, requires exit status 0, and parses its standard output
/// as JSON.
pub fn json_output(args: &[&str]) -> serde_json::Value {
    let out = zarr_links(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the output is JSON")
}

/// Copies a directory tree (files and directories; the stores of the suite
/// hold nothing else).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
