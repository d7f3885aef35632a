//! Writing: a store that can be written ([`WritableStore`]), and changing a
//! node's attributes in every document that holds them
//! ([`update_attributes`]), editing each document's text in place.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use serde_json::{Map, Value};
use zarr_links_model::path::join_key;
use zarr_links_model::{Node, ZarrFormat};

use crate::edit::{edit_member, reserialise, same_document, update_object};
use crate::{Store, StoreError};

/// A store whose documents can be replaced.
///
/// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
pub trait WritableStore: Store {
    /// Replaces the document at `key` with `bytes`, or creates it.
    /// Implementations make the change atomic: a reader sees the old or the
    /// new document, never part of one.
    fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError>;
}

/// A change to a node's attributes; it fails with a message to refuse.
pub type AttributeChange<'a> = dyn Fn(&mut Map<String, Value>) -> Result<(), String> + 'a;

/// Why a change was not written. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteError {
    /// A document cannot be edited as it is; the message says which and why.
    Refused(String),
    /// The store could not be read or written.
    Store(StoreError),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Refused(m) => f.write_str(m),
            WriteError::Store(e) => write!(f, "cannot write {e}"),
        }
    }
}

impl std::error::Error for WriteError {}

/// One document holding a node's attributes: its key, the member names
/// leading to the attributes object, and whether it must exist.
struct Holder {
    key: String,
    pointer: Vec<String>,
    required: bool,
    /// Whether this is a copy in consolidated metadata.
    consolidated: bool,
}

/// Every document that holds the attributes of `node`: its own document
/// and, when the store has consolidated metadata, the copy there.
fn holders(store: &dyn Store, node: &Node) -> Result<Vec<Holder>, WriteError> {
    let prefix = node.path.key_prefix();
    let mut out = Vec::new();
    match node.format {
        ZarrFormat::V3 => {
            out.push(Holder {
                key: join_key(prefix, "zarr.json"),
                pointer: vec!["attributes".into()],
                required: true,
                consolidated: false,
            });
            if !node.path.is_root() {
                // The root's inline consolidated metadata copies its children.
                let root = read(store, "zarr.json")?;
                let listed = root.as_ref().is_some_and(|(_, v)| {
                    v.pointer("/consolidated_metadata/metadata")
                        .and_then(|m| m.get(prefix))
                        .is_some()
                });
                if listed {
                    out.push(Holder {
                        key: "zarr.json".into(),
                        pointer: vec![
                            "consolidated_metadata".into(),
                            "metadata".into(),
                            prefix.to_string(),
                            "attributes".into(),
                        ],
                        required: true,
                        consolidated: true,
                    });
                }
            }
        }
        ZarrFormat::V2 => {
            out.push(Holder {
                key: join_key(prefix, ".zattrs"),
                pointer: Vec::new(),
                required: false,
                consolidated: false,
            });
            if store.get(".zmetadata").map_err(consolidated)?.is_some() {
                out.push(Holder {
                    key: ".zmetadata".into(),
                    pointer: vec!["metadata".into(), join_key(prefix, ".zattrs")],
                    required: true,
                    consolidated: true,
                });
            }
        }
    }
    Ok(out)
}

fn consolidated(e: impl std::fmt::Display) -> WriteError {
    WriteError::Refused(format!(
        "cannot update the consolidated metadata: {e}; nothing was written"
    ))
}

/// Reads a document for editing: its text and value, `None` when absent.
fn read(store: &dyn Store, key: &str) -> Result<Option<(String, Value)>, WriteError> {
    let Some(bytes) = store.get(key).map_err(WriteError::Store)? else {
        return Ok(None);
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| WriteError::Refused(format!("{key} is not valid UTF-8; fix it first")))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| WriteError::Refused(format!("{key} is not valid JSON ({e}); fix it first")))?;
    if !value.is_object() {
        return Err(WriteError::Refused(format!(
            "{key} is not a JSON object; fix it first"
        )));
    }
    Ok(Some((text, value)))
}

/// The new text of one holder, with the attributes changed by `change`.
fn plan(
    store: &dyn Store,
    holder: &Holder,
    change: &AttributeChange<'_>,
) -> Result<String, WriteError> {
    let key = &holder.key;
    let (text, mut value) = match read(store, key)? {
        Some(doc) => (Some(doc.0), doc.1),
        None if holder.required => {
            return Err(WriteError::Refused(format!("{key} does not exist")))
        }
        None => (None, Value::Object(Map::new())),
    };
    // Walk to the attributes object, creating the last level if missing.
    let mut at = &mut value;
    let mut created_at: Option<usize> = None;
    for (depth, name) in holder.pointer.iter().enumerate() {
        let Value::Object(map) = at else {
            return Err(WriteError::Refused(format!(
                "{key}: `{}` is not a JSON object",
                holder.pointer[..depth].join("/")
            )));
        };
        if !map.contains_key(name) {
            if depth + 1 < holder.pointer.len() {
                return Err(WriteError::Refused(format!(
                    "{key} has no `{}` object",
                    holder.pointer[..=depth].join("/")
                )));
            }
            map.insert(name.clone(), Value::Object(Map::new()));
            created_at.get_or_insert(depth);
        }
        at = map.get_mut(name).expect("just checked");
    }
    let Value::Object(attributes) = at else {
        return Err(WriteError::Refused(format!(
            "{key}: the attributes at `{}` are not a JSON object",
            holder.pointer.join("/")
        )));
    };
    let old = attributes.clone();
    change(attributes).map_err(|e| WriteError::Refused(format!("{key}: {e}")))?;
    let new = attributes.clone();
    let pointer: Vec<&str> = holder.pointer.iter().map(String::as_str).collect();
    let edited = text.as_deref().and_then(|t| match created_at {
        Some(depth) => edit_member(
            t,
            &pointer[..depth],
            pointer[depth],
            &Value::Object(new.clone()),
        ),
        None => update_object(t, &pointer, &old, &new),
    });
    Ok(match edited {
        Some(t) if same_document(&t, &value) => t,
        _ => reserialise(text.as_deref(), &value),
    })
}

/// Changes the attributes of `node` with `change`, in its own document and
/// in the consolidated metadata that copies them, editing each document's
/// text in place: members the change leaves alone keep their bytes. Every
/// document is planned before any is written, so a document that cannot be
/// edited stops the change with nothing written. Returns the keys written.
///
/// Spec: <https://zarr-links.github.io/zarr-links/discovery.html>
pub fn update_attributes(
    store: &dyn WritableStore,
    node: &Node,
    change: &AttributeChange<'_>,
) -> Result<Vec<String>, WriteError> {
    let mut planned = Vec::new();
    for holder in holders(store, node)? {
        let text = match plan(store, &holder, change) {
            Err(e) if holder.consolidated => return Err(consolidated(e)),
            other => other?,
        };
        planned.push((holder.key, text));
    }
    let mut written = Vec::new();
    for (key, text) in planned {
        store
            .put(&key, text.as_bytes())
            .map_err(WriteError::Store)?;
        written.push(key);
    }
    Ok(written)
}
