//! The library queries behind `zarr-links related`, on the real Sentinel-2
//! and climate stores, loaded by the same reader the validator uses.

use std::path::PathBuf;

use zarr_links_graph::{LinkGraph, NodeClass};
use zarr_links_store::{load, LocalStore};

fn hierarchy(name: &str) -> zarr_links_model::Hierarchy {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../conformance/valid/use-cases")
        .join(name)
        .join("store");
    let store = LocalStore::open(&dir).unwrap();
    let loaded = load(&store).unwrap();
    assert!(loaded.findings.is_empty(), "{name}: {:?}", loaded.findings);
    loaded
}

#[test]
fn lineage_of_the_20m_true_colour_image_reaches_the_level_1c_product() {
    for name in ["sentinel2-l2a-v3", "sentinel2-l2a-v2"] {
        let h = hierarchy(name);
        let g = LinkGraph::build(&h);
        let tci = g.find("/quicklook/r20m/tci").unwrap();
        let steps: Vec<(usize, &str)> = g
            .lineage(tci)
            .iter()
            .map(|s| (s.depth, g.name(s.node)))
            .collect();
        let at =
            |d: usize| -> Vec<&str> { steps.iter().filter(|s| s.0 == d).map(|s| s.1).collect() };
        assert_eq!(
            at(1),
            [
                "/measurements/reflectance/r20m/b02",
                "/measurements/reflectance/r20m/b03",
                "/measurements/reflectance/r20m/b04"
            ],
            "{name}"
        );
        assert_eq!(
            at(2),
            [
                "/measurements/reflectance/r10m/b02",
                "/measurements/reflectance/r10m/b03",
                "/measurements/reflectance/r10m/b04"
            ],
            "{name}"
        );
        // The 10 m bands come from the Level-1C product in another store.
        let third = at(3);
        assert_eq!(third.len(), 3, "{name}: {third:?}");
        for n in third {
            assert!(
                n.starts_with("s3://") && n.contains(".zarr#/measurements/reflectance/r10m/"),
                "{n}"
            );
            assert_eq!(g.class(g.find(n).unwrap()), NodeClass::External);
        }
        assert_eq!(steps.len(), 9, "{name}: nothing further up");
    }
}

#[test]
fn quality_layers_of_b04() {
    let h = hierarchy("sentinel2-l2a-v3");
    let g = LinkGraph::build(&h);
    let b04 = g.find("/measurements/reflectance/r10m/b04").unwrap();
    let layers: Vec<(&str, bool)> = g
        .quality_layers(b04)
        .iter()
        .map(|q| (g.name(q.layer), q.inherited))
        .collect();
    assert_eq!(
        layers,
        [
            ("/classification/r20m/scl", false),
            ("/quality/detector_footprint/r10m/b04", false),
            ("/quality/mask/r10m/b04", false)
        ]
    );
}

#[test]
fn index_categories_of_the_stores() {
    let h = hierarchy("sentinel2-l2a-v3");
    let g = LinkGraph::build(&h);
    let bands = g.category_members("bands");
    assert_eq!(bands.len(), 1);
    assert_eq!(g.name(bands[0].0), "/");
    assert!(bands[0]
        .1
        .iter()
        .any(|m| g.name(*m) == "/measurements/reflectance/r10m/b04"));
    assert!(bands[0].1.iter().all(|m| g.class(*m) == NodeClass::Array));
    let h = hierarchy("climate-model-v2");
    let g = LinkGraph::build(&h);
    let quality: Vec<&str> = g.category_members("quality")[0]
        .1
        .iter()
        .map(|m| g.name(*m))
        .collect();
    assert_eq!(quality, ["/temperature_uncertainty"]);
    let t = g.find("/temperature").unwrap();
    let layers: Vec<&str> = g
        .quality_layers(t)
        .iter()
        .map(|q| g.name(q.layer))
        .collect();
    assert_eq!(layers, ["/temperature_uncertainty"]);
}
