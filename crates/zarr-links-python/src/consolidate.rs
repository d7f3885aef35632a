//! Consolidating one node: after `add_link` has written a node's attributes
//! through zarr-python, its entry in the store's consolidated metadata is
//! made equal to the node's document again, and nothing else changes.
//!
//! Why not `zarr.consolidate_metadata`: it rewrites every node's entry in
//! zarr-python's normal form (default codec settings spelled out or dropped,
//! `storage_transformers` added, ...). On a store whose documents another
//! tool wrote, the entries then no longer agree with the documents, and the
//! validator rightly reports `links.store.consolidated`: 129 errors on each
//! of the Sentinel-2 use-case stores, for a single added link. Here only the
//! entry of the node that changed is edited, in the text of the
//! consolidated document (every other byte is kept), with the store crate's
//! editing functions.

use serde_json::{Map, Value};
use zarr_links_model::path::join_key;
use zarr_links_model::{NodePath, ZarrFormat};
use zarr_links_store::edit::{edit_member, reserialise, update_object};
use zarr_links_store::{WritableStore, WriteError};

/// Reads a JSON object document, `None` when the key does not exist.
fn read(store: &dyn WritableStore, key: &str) -> Result<Option<(String, Value)>, WriteError> {
    let Some(bytes) = store.get(key).map_err(WriteError::Store)? else {
        return Ok(None);
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| WriteError::Refused(format!("{key} is not valid UTF-8")))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| WriteError::Refused(format!("{key} is not valid JSON ({e})")))?;
    if !value.is_object() {
        return Err(WriteError::Refused(format!("{key} is not a JSON object")));
    }
    Ok(Some((text, value)))
}

/// Sets the entry `name` of the object at `pointer` in the document `(text,
/// value)` to `new`, editing as little text as possible.
fn set_entry(text: &str, value: &mut Value, pointer: &[&str], name: &str, new: Value) -> String {
    let mut at = &mut *value;
    for p in pointer {
        at = &mut at[*p];
    }
    let old = at.get(name).cloned();
    at[name] = new.clone();
    let mut full: Vec<&str> = pointer.to_vec();
    full.push(name);
    let edited = match old {
        Some(Value::Object(old)) => match &new {
            Value::Object(new) => update_object(text, &full, &old, new),
            _ => edit_member(text, pointer, name, &new),
        },
        _ => edit_member(text, pointer, name, &new),
    };
    // The edit keeps the entry's members where they stood, so the order
    // may differ from `new`'s; member order carries no meaning here (JSON
    // objects compare as maps, with `preserve_order` too).
    match edited {
        Some(t) if serde_json::from_str::<Value>(&t).is_ok_and(|v| v == *value) => t,
        _ => reserialise(Some(text), value),
    }
}

/// Makes the consolidated metadata's entry for `node` equal to the node's
/// own documents (v3: its `zarr.json`, less a group's own
/// `consolidated_metadata`; v2: its `.zgroup` or `.zarray`, and `.zattrs`). Returns the key written, or
/// `None` when the store has no consolidated metadata, or it does not list
/// the node (v3 inline consolidated metadata lists only the root's
/// descendants; the root needs nothing).
pub fn consolidate_node(
    store: &dyn WritableStore,
    node: &NodePath,
    format: ZarrFormat,
) -> Result<Option<String>, WriteError> {
    let prefix = node.key_prefix();
    match format {
        ZarrFormat::V3 => {
            if node.is_root() {
                return Ok(None);
            }
            let Some((text, mut root)) = read(store, "zarr.json")? else {
                return Ok(None);
            };
            let Some(entry) = root
                .pointer("/consolidated_metadata/metadata")
                .and_then(|m| m.get(prefix))
                .cloned()
            else {
                return Ok(None);
            };
            let key = join_key(prefix, "zarr.json");
            let Some((_, Value::Object(mut document))) = read(store, &key)? else {
                return Err(WriteError::Refused(format!("{key} does not exist")));
            };
            document.remove("consolidated_metadata");
            if let Some(nested) = entry.get("consolidated_metadata") {
                document.insert("consolidated_metadata".into(), nested.clone());
            }
            let new = set_entry(
                &text,
                &mut root,
                &["consolidated_metadata", "metadata"],
                prefix,
                Value::Object(document),
            );
            store
                .put("zarr.json", new.as_bytes())
                .map_err(WriteError::Store)?;
            Ok(Some("zarr.json".into()))
        }
        ZarrFormat::V2 => {
            let Some((mut text, mut consolidated)) = read(store, ".zmetadata")? else {
                return Ok(None);
            };
            let listed = |consolidated: &Value, file: &str| {
                consolidated
                    .pointer("/metadata")
                    .and_then(|m| m.get(join_key(prefix, file)))
                    .is_some()
            };
            if !listed(&consolidated, ".zgroup") && !listed(&consolidated, ".zarray") {
                return Ok(None);
            }
            // zarr-python writes the node's `.zarray` (or `.zgroup`) again
            // with its `.zattrs`, so every document of the node is copied.
            for file in [".zgroup", ".zarray", ".zattrs"] {
                let key = join_key(prefix, file);
                let document = match read(store, &key)? {
                    Some((_, value)) => value,
                    None if file == ".zattrs" => Value::Object(Map::new()),
                    None => continue,
                };
                if file != ".zattrs" && !listed(&consolidated, file) {
                    continue;
                }
                text = set_entry(&text, &mut consolidated, &["metadata"], &key, document);
            }
            store
                .put(".zmetadata", text.as_bytes())
                .map_err(WriteError::Store)?;
            Ok(Some(".zmetadata".into()))
        }
    }
}
