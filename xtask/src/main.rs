//! Repository chores, run as `cargo xtask <command>`.
//!
//! - `cargo xtask schema`: regenerate `schema/` from the model types.
//! - `cargo xtask schema --check`: fail if `schema/` differs from the types.
//! - `cargo xtask wasm`: build the book's WebAssembly validator ([`wasm`]).
//! - `cargo xtask site`: lay out and check the published site ([`site`]).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod book;
mod crosswalks;
mod graphs;
mod schema;
mod site;
mod wasm;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  schema [--check]   regenerate schema/ from the Rust types (--check: only compare)
  book [--check]     regenerate the book's generated files: spec/reference/rules.md (the rule
                     index), spec/reference/relation-types.md, spec/reference/crosswalks.md (the
                     exporter's crosswalk tables), the example exports in spec/examples/ and the
                     use-case store trees (--check: only compare)
  rules [--check]    the same as book
  mdbook-preprocess  the mdbook preprocessor for r[...] requirement markers (used by book.toml)
  graphs [--check]   regenerate the use-case link-graph pictures spec/use-cases/*.dot and *.svg
                     from the conformance stores (needs Graphviz `dot`; --check: compare .dot)
  all [--check]      every generated file: schema, book, graphs
  site               after `mdbook build`: lay out the published site in book/ (the book at /
                     and /v<VERSION>/, the schemas at /schema/ and /v<VERSION>/schema/) and
                     check that spec_url, schema_url and each schema's $id name a file of it
  wasm               build the validator for WebAssembly with its JavaScript glue into
                     spec/validate/pkg/ (the book's validate page; git-ignored),
                     installing wasm-bindgen-cli at the Cargo.lock version when missing;
                     prints the size, raw and gzipped (WASM_OPT=path/to/wasm-opt: also run it)
";

/// The repository root (the parent of `xtask/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the repository")
        .to_path_buf()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("schema") => schema::run(&root(), args.iter().any(|a| a == "--check")),
        Some(cmd @ ("book" | "rules" | "mdbook-preprocess")) => book::run(&root(), cmd, &args[1..]),
        Some(cmd @ ("graphs" | "all")) => graphs::command(&root(), cmd, &args[1..]),
        Some("wasm") => wasm::command(&root(), &args[1..]),
        Some("site") => site::run(&root()),
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
