//! The store loader over a hostile in-memory store (Zarr v2, v3,
//! consolidated, with faults): it never panics or loops, asks only for
//! valid metadata keys, lists each prefix once and reads each key at most
//! twice (once in the walk, once more when a group's own consolidated
//! metadata covers it and the loader compares them after the walk), and
//! gives the same hierarchy however its requests are batched, ordered and
//! answered.

#![no_main]

use std::collections::{HashMap, VecDeque};

use libfuzzer_sys::fuzz_target;
use zarr_links_fuzz::checks::store_rule;
use zarr_links_fuzz::store::decode;
use zarr_links_model::{Coverage, Hierarchy, NodePath};
use zarr_links_store::{load_with, valid_key, Loader, OpenError, Poll, Request, Store};

/// The documents a loader may read: metadata, never chunks.
const METADATA: [&str; 5] = ["zarr.json", ".zgroup", ".zarray", ".zattrs", ".zmetadata"];

fn sorted(mut r: Result<Hierarchy, OpenError>) -> Result<Hierarchy, OpenError> {
    if let Ok(h) = &mut r {
        h.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    r
}

fuzz_target!(|data: &[u8]| {
    let Some((options, store)) = decode(data) else {
        return;
    };
    let load_options = options.load_options();
    let reference = sorted(load_with(&store, load_options.clone()));

    let mut loader = Loader::new(store.describe(), load_options.clone());
    let mut asked: HashMap<Request, u8> = HashMap::new();
    let mut outstanding: VecDeque<Request> = VecDeque::new();
    loop {
        match loader.poll(options.batch()) {
            Poll::Requests(requests) => {
                assert!(!requests.is_empty(), "an empty batch of requests");
                assert!(requests.len() <= options.batch());
                for r in &requests {
                    match r {
                        Request::Get(key) => {
                            assert!(valid_key(key) && !key.is_empty(), "asked for {key:?}");
                            let name = key.rsplit('/').next().unwrap();
                            assert!(METADATA.contains(&name), "asked for {key:?}");
                        }
                        Request::List(prefix) => {
                            assert!(load_options.listing, "listed {prefix:?} without listing");
                            assert!(valid_key(prefix), "listed {prefix:?}");
                        }
                    }
                    let times = asked.entry(r.clone()).or_default();
                    *times += 1;
                    let most = if matches!(r, Request::Get(_)) { 2 } else { 1 };
                    assert!(*times <= most, "asked {times} times for {r:?}");
                }
                outstanding.extend(requests);
            }
            Poll::Pending => assert!(!outstanding.is_empty(), "pending, yet all is answered"),
            Poll::Done => {
                assert!(outstanding.is_empty(), "done before every answer");
                break;
            }
        }
        let n = if options.one_by_one() {
            1
        } else {
            outstanding.len()
        };
        let answers: Vec<_> = (0..n)
            .filter_map(|_| {
                if options.reverse() {
                    outstanding.pop_back()
                } else {
                    outstanding.pop_front()
                }
            })
            .map(|r| r.answer(&store))
            .collect();
        loader.feed(answers);
    }
    let driven = sorted(loader.finish());
    assert_eq!(
        reference, driven,
        "the hierarchy depends on how the requests were answered"
    );

    let Ok(h) = driven else {
        return;
    };
    for f in &h.findings {
        assert!(store_rule(f.rule), "the loader reported {f:?}");
    }
    for w in h.nodes().windows(2) {
        assert!(w[0].path < w[1].path, "nodes sorted and given once");
    }
    for n in h.nodes() {
        assert_eq!(NodePath::parse(n.path.as_str()).as_ref(), Ok(&n.path));
        assert!(load_options.keep_attributes || n.attributes().is_none());
    }
    if !load_options.listing && !h.consolidated {
        assert_eq!(h.coverage, Coverage::Reached);
    }
});
