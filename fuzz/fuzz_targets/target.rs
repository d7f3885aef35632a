//! Link targets, node paths, index entries, relation types and media
//! types: the parsers never panic, and what they accept reads back the
//! same.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zarr_links_model::link::plain_media_type;
use zarr_links_model::path::{parse_index_entry, parse_target, TargetError};
use zarr_links_model::relation::is_extension;
use zarr_links_model::{NodePath, RelationType};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    match parse_target(s) {
        Ok(t) => {
            assert_eq!(t.as_str(), s);
            assert_eq!(t.in_store().is_some(), !t.is_external());
            if let Some(p) = t.in_store() {
                assert_eq!(
                    NodePath::parse(p).map(|p| p.as_str().to_string()),
                    Ok(s.to_string())
                );
            } else {
                let colon = s.find(':').expect("a URI has a scheme");
                assert!(colon > 0 && colon + 1 < s.len());
            }
        }
        Err(e) => {
            e.rule();
            assert!(!e.to_string().is_empty());
            if let TargetError::Uri { offset, found } = e {
                assert_eq!(s[offset..].chars().next(), Some(found));
            }
        }
    }
    match NodePath::parse(s) {
        Ok(p) => {
            assert_eq!(p.as_str(), s);
            assert_eq!(parse_index_entry(s).as_ref(), Ok(&p));
            assert_eq!(NodePath::from_key_prefix(p.key_prefix()).as_ref(), Some(&p));
            match (p.parent(), p.name()) {
                (Some(parent), Some(name)) => assert_eq!(parent.child(name), p),
                (None, None) => assert!(p.is_root()),
                other => panic!("parent and name disagree: {other:?}"),
            }
        }
        Err(e) => {
            e.target_rule();
            assert!(parse_index_entry(s).is_err());
        }
    }
    match RelationType::parse(s) {
        Ok(t) => {
            let again = RelationType::parse(t.as_str()).expect("a type reads back");
            assert_eq!(again, t);
            assert!(t.as_str().eq_ignore_ascii_case(s));
            assert_eq!(
                t.is_extension(),
                is_extension(s) && t.core().is_none() && !t.is_registered()
            );
        }
        Err(e) => {
            assert_eq!(e.value, s);
            if let Some(suggestion) = e.suggestion {
                assert!(RelationType::parse(suggestion).is_ok());
            }
        }
    }
    if plain_media_type(s) {
        let (ty, sub) = s.split_once('/').unwrap();
        assert!(!ty.is_empty() && !sub.is_empty() && !sub.contains('/'));
    }
});
