//! Writing: a store that can be written ([`WritableStore`]), and changing a
//! node's attributes in every document that holds them
//! ([`update_attributes`]), editing each document's text in place and
//! replacing the documents as one change.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use serde_json::{Map, Value};
use zarr_links_model::document::parse_document;
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

    /// Keeps other writers out until the returned lock is dropped, where
    /// the store can (a local directory: see [`crate::LocalStore`]). Take
    /// it before reading what the change is computed from, so that two
    /// writers run one after the other. The default keeps nobody out.
    fn lock(&self) -> Result<WriteLock<'_>, WriteError> {
        Ok(WriteLock::none())
    }

    /// Replaces several documents as one change: each must still hold what
    /// it held when the change was planned ([`Replacement::before`]), else
    /// nothing is written ([`WriteError::Changed`]). Returns notes for
    /// people (for example an owner that could not be kept).
    ///
    /// The default checks every document, then [`WritableStore::put`]s
    /// them in order; if one fails after others were written, the error
    /// says which ([`WriteError::Incomplete`]). A local directory does
    /// better: under its lock, all or nothing, even across a crash.
    fn replace_all(&self, changes: &[Replacement]) -> Result<Vec<String>, WriteError> {
        for change in changes {
            let now = self.get(&change.key).map_err(WriteError::Store)?;
            if now != change.before {
                return Err(WriteError::Changed(change.key.clone()));
            }
        }
        let mut written: Vec<&str> = Vec::new();
        for change in changes {
            if let Err(e) = self.put(&change.key, &change.after) {
                if written.is_empty() {
                    return Err(WriteError::Store(e));
                }
                return Err(WriteError::Incomplete(format!(
                    "cannot write {e}; already written: {}; not written: {}",
                    written.join(", "),
                    changes
                        .iter()
                        .skip(written.len())
                        .map(|c| c.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            written.push(&change.key);
        }
        Ok(Vec::new())
    }
}

/// One document to replace ([`WritableStore::replace_all`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    /// The document's key.
    pub key: String,
    /// Its bytes when the change was planned; `None` when it did not exist.
    pub before: Option<Vec<u8>>,
    /// Its new bytes.
    pub after: Vec<u8>,
}

/// A writers' lock on a store ([`WritableStore::lock`]), released when
/// dropped.
pub struct WriteLock<'a> {
    /// What taking the lock cleaned up, for people: an interrupted change
    /// rolled back, temporary files of a crashed run removed.
    pub notes: Vec<String>,
    _held: Option<Box<dyn Send + 'a>>,
}

impl<'a> WriteLock<'a> {
    /// A lock that keeps nobody out (for stores that cannot lock).
    pub fn none() -> WriteLock<'a> {
        WriteLock {
            notes: Vec::new(),
            _held: None,
        }
    }

    /// A lock held as long as `held` lives.
    pub fn new(held: Box<dyn Send + 'a>, notes: Vec<String>) -> WriteLock<'a> {
        WriteLock {
            notes,
            _held: Some(held),
        }
    }
}

impl std::fmt::Debug for WriteLock<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteLock")
            .field("notes", &self.notes)
            .field("held", &self._held.is_some())
            .finish()
    }
}

/// A change to a node's attributes; it fails with a message to refuse.
pub type AttributeChange<'a> = dyn Fn(&mut Map<String, Value>) -> Result<(), String> + 'a;

/// Why a change was not written, or not completely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteError {
    /// A document cannot be edited as it is; the message says which and
    /// why. Nothing was written.
    Refused(String),
    /// The store could not be read or written. Nothing was written.
    Store(StoreError),
    /// The document with this key changed after it was read (another
    /// program wrote it). Nothing was written.
    Changed(String),
    /// Some documents were written and others not, and they could not all
    /// be put back; the message says exactly which files changed.
    Incomplete(String),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Refused(m) | WriteError::Incomplete(m) => f.write_str(m),
            WriteError::Store(e) => write!(f, "cannot write {e}; nothing was written"),
            WriteError::Changed(key) => write!(
                f,
                "{key} changed after it was read (another program wrote to the store); nothing was written: run the command again"
            ),
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
                let listed = root.as_ref().is_some_and(|d| {
                    d.value
                        .pointer("/consolidated_metadata/metadata")
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

/// A document read for editing: its bytes, text and value.
struct Document {
    bytes: Vec<u8>,
    text: String,
    value: Value,
}

/// Reads a document for editing, `None` when absent. A document with any
/// defect the validator reports under `links.store.metadata` (a byte order
/// mark, a member given twice, invalid UTF-8 or JSON, ...) is refused: it
/// could not be edited in place without guessing.
fn read(store: &dyn Store, key: &str) -> Result<Option<Document>, WriteError> {
    let Some(bytes) = store.get(key).map_err(WriteError::Store)? else {
        return Ok(None);
    };
    let refuse = |what: String| {
        WriteError::Refused(format!(
            "{key}: {what}; the document is not edited until that is fixed, so nothing was written"
        ))
    };
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(refuse(
            "the document starts with a UTF-8 byte order mark, which JSON text must not have (save the file as UTF-8 without one)".to_string(),
        ));
    }
    let parsed = parse_document(&bytes);
    if let Some((message, hint)) = parsed.issues.into_iter().next() {
        return Err(refuse(match hint {
            Some(h) => format!("{message} ({h})"),
            None => message,
        }));
    }
    let (Some(object), Ok(text)) = (parsed.object, std::str::from_utf8(&bytes)) else {
        return Err(refuse("the document is not a JSON object".to_string()));
    };
    Ok(Some(Document {
        text: text.to_string(),
        bytes,
        value: Value::Object(object),
    }))
}

/// One document of a change, planned: its key, its bytes as read, its new text.
struct Plan {
    key: String,
    before: Option<Vec<u8>>,
    after: String,
}

/// The new text of one holder, with the attributes changed by `change`.
/// Only the changed members are rewritten; when that cannot be done, the
/// change is refused rather than the document written again whole (which
/// would change how its numbers and strings are spelled).
fn plan(
    store: &dyn Store,
    holder: &Holder,
    change: &AttributeChange<'_>,
) -> Result<Plan, WriteError> {
    let key = &holder.key;
    let (document, mut value) = match read(store, key)? {
        Some(doc) => {
            let value = doc.value.clone();
            (Some(doc), value)
        }
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
    let Some(document) = document else {
        // A new document (a v2 `.zattrs` that did not exist).
        return Ok(Plan {
            key: key.clone(),
            before: None,
            after: reserialise(None, &value),
        });
    };
    let pointer: Vec<&str> = holder.pointer.iter().map(String::as_str).collect();
    let edited = match created_at {
        Some(depth) => edit_member(
            &document.text,
            &pointer[..depth],
            pointer[depth],
            &Value::Object(new),
        ),
        None => update_object(&document.text, &pointer, &old, &new),
    };
    match edited {
        Some(after) if same_document(&after, &value) => Ok(Plan {
            key: key.clone(),
            before: Some(document.bytes),
            after,
        }),
        _ => Err(WriteError::Refused(format!(
            "{key}: the attributes cannot be changed in place without rewriting the rest of the document; nothing was written"
        ))),
    }
}

/// What [`update_attributes`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// The keys written, in the order they were replaced.
    pub keys: Vec<String>,
    /// Notes for people from the store ([`WritableStore::replace_all`]).
    pub notes: Vec<String>,
}

/// Changes the attributes of `node` with `change`, in its own document and
/// in the consolidated metadata that copies them, editing each document's
/// text in place: members the change leaves alone keep their bytes. Every
/// document is planned before any is written, so a document that cannot be
/// edited stops the change with nothing written; then all are replaced as
/// one change ([`WritableStore::replace_all`]: the node's own document
/// first, the consolidated metadata last), and only if none changed since
/// it was read here.
///
/// Spec: <https://zarr-links.github.io/zarr-links/discovery.html>
pub fn update_attributes(
    store: &dyn WritableStore,
    node: &Node,
    change: &AttributeChange<'_>,
) -> Result<Written, WriteError> {
    let mut changes = Vec::new();
    for holder in holders(store, node)? {
        let planned = match plan(store, &holder, change) {
            Err(e) if holder.consolidated => return Err(consolidated(e)),
            other => other?,
        };
        changes.push(Replacement {
            key: planned.key,
            before: planned.before,
            after: planned.after.into_bytes(),
        });
    }
    let notes = store.replace_all(&changes)?;
    Ok(Written {
        keys: changes.into_iter().map(|c| c.key).collect(),
        notes,
    })
}
