//! Times the phases of validation on one store:
//! `cargo run --release -p zarr-links-validator --example phases -- STORE`.

use std::time::Instant;

fn main() {
    let path = std::env::args_os().nth(1).expect("usage: phases STORE");
    let path = std::path::Path::new(&path);
    for _ in 0..3 {
        let t = Instant::now();
        let store = zarr_links_store::LocalStore::open(path).expect("opens");
        let loaded = zarr_links_store::load(&store).expect("loads");
        let t_load = t.elapsed();
        let t2 = Instant::now();
        let report = zarr_links_validator::validate_hierarchy(&loaded);
        let t_val = t2.elapsed();
        // The schema checks alone, on one thread.
        let t3 = Instant::now();
        let mut n = 0;
        for node in loaded.hierarchy.nodes.values() {
            n += zarr_links_validator::schema_checks::check(
                loaded.hierarchy.format,
                node.kind,
                &node.attributes,
            )
            .len();
        }
        let t_schema = t3.elapsed();
        println!(
            "load {:.1} ms, rules {:.1} ms (schema alone, one thread: {:.1} ms), {} nodes, {} findings {n}",
            t_load.as_secs_f64() * 1e3,
            t_val.as_secs_f64() * 1e3,
            t_schema.as_secs_f64() * 1e3,
            report.nodes,
            report.findings.len()
        );
    }
}
