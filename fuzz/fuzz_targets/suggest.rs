//! "Did you mean": the suggester's work stays bounded on long names and
//! many candidates, and the banded distance agrees with the full one.
//!
//! Input: one byte `r`, then lines: the asked name, then the store's paths.
//! Every line is repeated `1 + 8 r` times (up to a megabyte in all), so
//! that short inputs reach names of many thousand characters. A run that
//! is slow here (libFuzzer's `-timeout`) is a bug.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zarr_links_model::similar::{closest, distance_within, edit_distance, Paths};
use zarr_links_model::RelationType;

/// At most this many characters in all, after repeating.
const TOTAL: usize = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let Some((&r, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut lines = text.split('\n');
    let repeat = (1 + 8 * r as usize).min(TOTAL / rest.len().max(1)).max(1);
    let asked = lines.next().unwrap_or_default().repeat(repeat);
    let paths: Vec<String> = lines.take(512).map(|l| l.repeat(repeat)).collect();

    let suggester = Paths::new(paths.iter().map(String::as_str));
    let found = suggester.suggest(&asked, 5);
    assert!(found.len() <= 5);
    for i in found {
        assert_ne!(paths[i], asked, "the input itself is never suggested");
    }
    closest(&asked, paths.iter().map(String::as_str), str::to_lowercase);
    let _ = RelationType::parse(&asked);

    for p in paths.iter().take(8) {
        if asked.chars().count() <= 48 && p.chars().count() <= 48 {
            let full = edit_distance(&asked, p);
            for max in 0..6 {
                assert_eq!(
                    distance_within(&asked, p, max),
                    (full <= max).then_some(full)
                );
            }
        }
    }
});
