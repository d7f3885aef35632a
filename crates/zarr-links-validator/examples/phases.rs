//! Times the phases of validation on one store:
//! `cargo run --release -p zarr-links-validator --example phases -- STORE`.

use std::time::Instant;

fn main() {
    let path = std::env::args_os().nth(1).expect("usage: phases STORE");
    let path = std::path::Path::new(&path);
    for _ in 0..3 {
        let t = Instant::now();
        let store = zarr_links_store::LocalStore::open(path).expect("opens");
        let hierarchy = zarr_links_store::load(&store).expect("loads");
        let t_load = t.elapsed();
        let t2 = Instant::now();
        let report = zarr_links_validator::validate(&hierarchy);
        let t_val = t2.elapsed();
        let t3 = Instant::now();
        drop(hierarchy);
        let t_drop = t3.elapsed();
        println!(
            "load {:.1} ms, rules {:.1} ms, free {:.1} ms, {} nodes, {} findings",
            t_load.as_secs_f64() * 1e3,
            t_val.as_secs_f64() * 1e3,
            t_drop.as_secs_f64() * 1e3,
            report.nodes,
            report.findings.len()
        );
    }
}
