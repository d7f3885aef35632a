//! Validates a store and prints the JSON report:
//! `cargo run -p zarr-links-validator --example validate -- STORE`.

fn main() {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: validate STORE");
        std::process::exit(2);
    };
    match zarr_links_validator::validate_path(std::path::Path::new(&path)) {
        Ok(r) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&r).expect("a report serialises")
            );
            std::process::exit(if r.valid { 0 } else { 1 });
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}
