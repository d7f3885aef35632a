//! The `zarr-links` binary: the command line of [`zarr_links_cli`].

use std::process::ExitCode;

/// mimalloc instead of the system allocator: validating a store means
/// hundreds of thousands of small allocations made on worker threads and
/// freed on another, where glibc's allocator spent a large share of the run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ExitCode::from(zarr_links_cli::run(std::env::args_os()))
}
