//! The whole path of the command line on a hostile in-memory store: load,
//! validate, then build the link graph and ask it everything `related`,
//! `graph` and `index` ask, drawing it as DOT, Mermaid and JSON.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zarr_links_fuzz::{checks, store::decode};
use zarr_links_graph::LinkGraph;
use zarr_links_store::load_with;

fuzz_target!(|data: &[u8]| {
    let Some((options, store)) = decode(data) else {
        return;
    };
    let Ok(hierarchy) = load_with(&store, options.load_options()) else {
        return;
    };
    let report = zarr_links_validator::validate(&hierarchy);
    checks::report(&report, &hierarchy);
    for node in hierarchy.nodes().iter().take(16) {
        zarr_links_validator::check_node(node);
    }
    // The title is the store's location as the user wrote it: any text.
    let title = store.files.keys().next().map_or("memory", String::as_str);
    checks::graph(&LinkGraph::build(&hierarchy), title);
});
