//! Store access for the GeoZarr Linked Datasets convention.
//!
//! - [`Store`]: a small key/value view of a Zarr store (get a key, list a
//!   directory). The rules never touch files; a later HTTP or S3 backend
//!   implements this trait and everything else works unchanged.
//! - [`LocalStore`]: a local directory store. It never writes, never reads
//!   outside its root, and refuses symbolic links that leave the root or loop.
//! - [`load`]: reads a store's metadata (Zarr v2 or v3, consolidated or not)
//!   into a [`zarr_links_model::Hierarchy`], collecting every per-document
//!   problem as a finding instead of failing. The [`Loader`] behind it does
//!   no I/O itself, so other drivers (remote, Python, WebAssembly) reuse it.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/stores.html>

use std::fmt;
use std::path::PathBuf;

pub mod edit;
pub mod load;
#[cfg(feature = "fs")]
mod local;
mod parallel;
pub mod write;

pub use load::{load, load_with, Answer, LoadOptions, Loader, Poll, Request};
#[cfg(feature = "fs")]
#[doc(hidden)]
pub use local::commit::FAULT_VARIABLE;
#[cfg(feature = "fs")]
pub use local::commit::JOURNAL;
#[cfg(feature = "fs")]
pub use local::{write_atomic, LocalStore};
pub use parallel::par_map;
pub use write::{update_attributes, Replacement, WritableStore, WriteError, WriteLock, Written};
pub use zarr_links_model::document::{
    json_kind, parse_document, ParsedDocument, MAX_DOCUMENT_BYTES, MAX_NESTING,
};
pub use zarr_links_model::path::join_key;

/// One entry of a store directory, as [`Store::list_dir`] returns it.
///
/// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DirEntry {
    /// The entry's name (one key segment).
    pub name: String,
    /// Whether the entry is a directory (a key prefix with children).
    pub is_dir: bool,
    /// Why the entry may not be followed, when it may not: for a local
    /// store, a symbolic link that leads outside the root, into a loop, or
    /// nowhere. Such entries are reported as `links.store.layout` findings.
    pub problem: Option<String>,
    /// For a directory, what identifies it on its file system (device and
    /// inode numbers for a local store), when the store can tell. Two
    /// entries with the same identity are the same directory reached twice
    /// (through a symbolic link): the loader reads it once, at the first
    /// path in its walk, and reports the other paths as aliases. Stores
    /// without such aliases (object stores, memory) give `None`.
    pub identity: Option<(u64, u64)>,
}

/// Why one key could not be read.
///
/// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The key is not a valid store key ([`key_problem`] says why: an
    /// empty, `.` or `..` segment, a backslash or a NUL character). Such
    /// keys are never looked up, so nothing outside the root is read.
    InvalidKey(String),
    /// The key leads outside the store root (through a symbolic link).
    Outside {
        /// The key.
        key: String,
        /// Where it leads.
        resolved: String,
    },
    /// Following the key runs into a loop of symbolic links.
    Loop(String),
    /// A symbolic link on the way is not followed although it may lead
    /// back inside the root: an absolute link, or one that leaves the root
    /// and comes back. Only relative links that stay inside are followed.
    NotFollowed {
        /// The key.
        key: String,
        /// The link's text, as far as it can be read.
        link: String,
    },
    /// The key names something other than a regular file (a FIFO, a
    /// socket, a device): it is not opened for reading, so it can neither
    /// block nor have side effects.
    NotAFile {
        /// The key.
        key: String,
        /// What it is, e.g. "a FIFO (named pipe)".
        what: String,
    },
    /// The document is larger than [`MAX_DOCUMENT_BYTES`].
    TooLarge {
        /// The key.
        key: String,
        /// Its size in bytes.
        size: u64,
    },
    /// The key names a directory where a file was expected.
    IsADirectory(String),
    /// A part of the key that should be a directory is a file.
    NotADirectory(String),
    /// Any other I/O error.
    Io {
        /// The key.
        key: String,
        /// The operating system's message.
        message: String,
    },
}

impl StoreError {
    /// The key the error is about.
    pub fn key(&self) -> &str {
        match self {
            StoreError::InvalidKey(k)
            | StoreError::Loop(k)
            | StoreError::IsADirectory(k)
            | StoreError::NotADirectory(k) => k,
            StoreError::Outside { key, .. }
            | StoreError::NotFollowed { key, .. }
            | StoreError::NotAFile { key, .. }
            | StoreError::TooLarge { key, .. }
            | StoreError::Io { key, .. } => key,
        }
    }

    /// The rule a store breaks when reading this key fails this way:
    /// `links.store.layout` for symbolic links leaving the root or looping,
    /// `links.store.metadata` for everything else.
    pub fn rule(&self) -> zarr_links_model::Rule {
        match self {
            StoreError::Outside { .. }
            | StoreError::NotFollowed { .. }
            | StoreError::Loop(_)
            | StoreError::InvalidKey(_) => zarr_links_model::Rule::StoreLayout,
            _ => zarr_links_model::Rule::StoreMetadata,
        }
    }
}

impl StoreError {
    /// What went wrong, without the key (the finding names the file).
    pub fn detail(&self) -> String {
        match self {
            StoreError::InvalidKey(key) => format!(
                "not a valid store key: {}; it was not read",
                key_problem(key).unwrap_or("it is empty")
            ),
            StoreError::Outside { resolved, .. } => format!(
                "a symbolic link leads outside the store root (to {resolved}); expected every key to stay inside the root, so it was not read"
            ),
            StoreError::Loop(_) => "symbolic links form a loop; expected a finite tree".to_string(),
            StoreError::NotFollowed { link, .. } => format!(
                "a symbolic link on the way ({link}) is absolute or leaves the store root before coming back; only relative links that stay inside the root are followed, so it was not read"
            ),
            StoreError::NotAFile { what, .. } => {
                format!("is {what}; expected a regular file, so it was not read")
            }
            StoreError::TooLarge { size, .. } => format!(
                "the document is {size} bytes; metadata documents larger than {MAX_DOCUMENT_BYTES} bytes (16 MiB) are refused"
            ),
            StoreError::IsADirectory(_) => "is a directory; expected a metadata file".to_string(),
            StoreError::NotADirectory(_) => {
                "a part of this path is a file where a directory was expected".to_string()
            }
            StoreError::Io { message, .. } => message.clone(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key(), self.detail())
    }
}

impl std::error::Error for StoreError {}

/// Why a store could not be opened at all. The command line exits with code 2.
///
/// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// The path does not exist.
    Missing(PathBuf),
    /// The path is a file, not a directory.
    NotADirectory(PathBuf),
    /// The path is a node inside a store, not the store's root.
    InsideStore {
        /// The path given.
        path: PathBuf,
        /// The root of the store that contains it.
        root: PathBuf,
    },
    /// There is no Zarr metadata (`zarr.json`, `.zgroup`, `.zarray`) at the root.
    NoMetadata(String),
    /// The root's metadata could not be read at all.
    Unreadable(String),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Missing(p) => write!(f, "{}: no such directory; pass the root directory of a Zarr store", p.display()),
            OpenError::NotADirectory(p) => write!(
                f,
                "{}: is a file, not a directory; pass the root directory of a Zarr store",
                p.display()
            ),
            OpenError::InsideStore { path, root } => write!(
                f,
                "{} is inside the store rooted at {}; pass the root",
                path.display(),
                root.display()
            ),
            OpenError::NoMetadata(s) => write!(
                f,
                "{s}: no Zarr metadata at the root (expected `zarr.json` for Zarr v3, or `.zgroup`/`.zarray` for Zarr v2); pass the root directory of a Zarr store"
            ),
            OpenError::Unreadable(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for OpenError {}

/// A read-only view of a Zarr store as keys and directories.
///
/// Keys are `/`-separated and relative to the store root, e.g.
/// `bands/B04/zarr.json`; the root's own directory is the prefix `""`.
/// Implementations must never read anything outside the store and never
/// write.
///
/// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
pub trait Store: Send + Sync {
    /// The bytes stored under `key`, or `None` when there is no such key.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// The entries directly under `prefix` (`""` for the root), sorted by name.
    fn list_dir(&self, prefix: &str) -> Result<Vec<DirEntry>, StoreError>;
    /// What the store is, for messages: e.g. its root path.
    fn describe(&self) -> String;
}

/// Checks that a key is made of non-empty segments other than `.` and
/// `..`, without backslashes or NUL characters ([`key_problem`] says what
/// is wrong with one that is not).
pub fn valid_key(key: &str) -> bool {
    key_problem(key).is_none()
}

/// What is wrong with a store key, or `None` for a valid one (`""`, the
/// root's prefix, is valid). Keys are `/`-separated segments; a segment may
/// not be empty (a leading, trailing or doubled `/`), `.` or `..`, and no
/// key may hold a backslash (a path separator on Windows) or a NUL
/// character (which ends a path for the operating system).
///
/// ```
/// use zarr_links_store::key_problem;
/// assert_eq!(key_problem("bands/b04/zarr.json"), None);
/// assert_eq!(key_problem("/bands"), Some("it starts with `/`"));
/// assert_eq!(key_problem("a\\b"), Some("it holds a backslash (`\\`)"));
/// ```
pub fn key_problem(key: &str) -> Option<&'static str> {
    if key.is_empty() {
        return None;
    }
    if key.contains('\0') {
        return Some("it holds a NUL character");
    }
    if key.contains('\\') {
        return Some("it holds a backslash (`\\`)");
    }
    if key.starts_with('/') {
        return Some("it starts with `/`");
    }
    if key.ends_with('/') {
        return Some("it ends with `/`");
    }
    key.split('/').find_map(|s| match s {
        "" => Some("it has an empty segment (`//`)"),
        "." => Some("it has a `.` segment"),
        ".." => Some("it has a `..` segment"),
        _ => None,
    })
}
