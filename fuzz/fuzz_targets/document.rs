//! The metadata document parser: `parse_document` never panics and always
//! says what is wrong, and the loader's fast path `read_parts` accepts only
//! documents that the full parse reads cleanly, and reads the same members.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use zarr_links_model::document::{parse_document, read_parts, Wanted};

/// The attributes the convention reads (the fast path keeps only these).
fn relevant(key: &str) -> bool {
    key == "zarr_conventions" || key.starts_with("links:")
}

fn kept(attributes: &Map<String, Value>, all: bool) -> String {
    let kept: Map<String, Value> = attributes
        .iter()
        .filter(|(k, _)| all || relevant(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    serde_json::to_string(&kept).unwrap()
}

fuzz_target!(|data: &[u8]| {
    let full = parse_document(data);
    assert!(
        full.object.is_some() || !full.issues.is_empty(),
        "a document that is not read has an issue"
    );
    for (message, hint) in &full.issues {
        assert!(!message.is_empty() && hint.as_ref().is_none_or(|h| !h.is_empty()));
    }
    if !data.starts_with(b"\xEF\xBB\xBF") {
        // A byte order mark adds one issue, and the rest is read the same.
        let mut marked = b"\xEF\xBB\xBF".to_vec();
        marked.extend_from_slice(data);
        let again = parse_document(&marked);
        assert_eq!(again.object, full.object);
        assert_eq!(again.issues.len(), full.issues.len() + 1);
    }
    let clean = full.issues.is_empty();
    for wanted in [Wanted::NodeV3, Wanted::AttributesV2, Wanted::Nothing] {
        for all in [false, true] {
            let Some(parts) = read_parts(data, wanted, all) else {
                continue;
            };
            assert!(
                clean,
                "the fast path accepts a document the full parse finds fault with: {:?}",
                full.issues
            );
            let object = full.object.as_ref().expect("a clean document is an object");
            match wanted {
                Wanted::NodeV3 => {
                    assert_eq!(parts.node_type.as_ref(), object.get("node_type"));
                    assert_eq!(parts.zarr_format.as_ref(), object.get("zarr_format"));
                    match object.get("attributes") {
                        None => assert!(parts.attributes.is_none()),
                        Some(Value::Object(a)) => assert_eq!(
                            serde_json::to_string(parts.attributes.as_ref().unwrap()).unwrap(),
                            kept(a, all)
                        ),
                        Some(other) => panic!("attributes read from a {other:?}"),
                    }
                }
                Wanted::AttributesV2 => assert_eq!(
                    serde_json::to_string(parts.attributes.as_ref().unwrap()).unwrap(),
                    kept(object, all)
                ),
                Wanted::Nothing => {}
            }
        }
    }
});
