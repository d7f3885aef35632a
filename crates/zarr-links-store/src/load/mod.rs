//! Loading a store's metadata into a [`Hierarchy`], without doing any I/O.
//!
//! [`Loader`] is a state machine in the "sans-I/O" style: it says which keys
//! it needs ([`Loader::poll`]), a driver reads them from wherever the store
//! is and hands the answers back ([`Loader::feed`]), and at the end
//! [`Loader::finish`] gives the hierarchy. The same loader therefore serves
//! a local directory ([`load`], in this crate), an object store over HTTP or
//! S3 (an async driver), zarr-python store objects (the Python package) and
//! the browser's `fetch` (the WebAssembly page).
//!
//! The loader
//!
//! 1. reads the root: `zarr.json` (Zarr v3), else `.zgroup`, `.zarray` and
//!    `.zattrs` (Zarr v2), and the consolidated metadata (`.zmetadata`, or
//!    the v3 root's inline `consolidated_metadata`);
//! 2. walks the tree breadth first, listing each group and reading the
//!    metadata documents of the directories below it (arrays are never
//!    listed, so no chunk key is ever read);
//! 3. with consolidated metadata, takes the nodes from it and compares every
//!    per-node document with its copy ([`agreement`]).
//!
//! Each document is read and parsed once; the convention's attributes are
//! read into a [`zarr_links_model::LinksView`] at once, and the parsed JSON
//! is dropped unless the validator will need it. Every unreadable,
//! malformed or misplaced document becomes a finding; only a store without
//! Zarr metadata at its root is an [`OpenError`].
//!
//! Spec: <https://zarr-links.github.io/zarr-links/stores.html>

mod agreement;
mod consolidated;
mod digest;
mod machine;
mod parents;
mod probe;
mod root;

use crate::{par_map, DirEntry, OpenError, Store, StoreError};
pub use zarr_links_model::hierarchy::Coverage;
use zarr_links_model::Hierarchy;

pub use machine::Loader;

/// What the loader needs from the store.
///
/// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Request {
    /// The bytes of a key, or "absent".
    Get(String),
    /// The entries directly under a key prefix (`""` for the root).
    List(String),
}

impl Request {
    /// Answers the request from a synchronous store.
    pub fn answer(self, store: &dyn Store) -> Answer {
        match self {
            Request::Get(key) => {
                let result = store.get(&key);
                Answer::Got { key, result }
            }
            Request::List(prefix) => {
                let result = store.list_dir(&prefix);
                Answer::Listed { prefix, result }
            }
        }
    }
}

/// The store's answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The answer to [`Request::Get`]: the bytes, `None` when the key does
    /// not exist, or why it could not be read.
    Got {
        /// The key asked for.
        key: String,
        /// What reading it gave.
        result: Result<Option<Vec<u8>>, StoreError>,
    },
    /// The answer to [`Request::List`].
    Listed {
        /// The prefix asked for.
        prefix: String,
        /// The entries, or why the prefix could not be listed.
        result: Result<Vec<DirEntry>, StoreError>,
    },
}

/// What the loader wants next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Poll {
    /// Answer these requests (in any order, all of them).
    Requests(Vec<Request>),
    /// Answers to earlier requests are needed before there are more.
    Pending,
    /// Loading is finished: call [`Loader::finish`].
    Done,
}

/// How to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    /// Keep every node's attributes in [`Node::attributes`] (for front
    /// ends that show or export them). The validator does not need them.
    pub keep_attributes: bool,
    /// Whether the store can list the entries under a prefix (a directory,
    /// S3, GCS, Azure). Without listing (plain HTTP), the loader reaches the
    /// nodes from the root instead, as a reader discovers them: the root's
    /// `links:index`, link targets and their parent groups, and reports the
    /// result as [`Coverage::Reached`].
    pub listing: bool,
    /// With consolidated metadata, also read every per-node document and
    /// compare it with its copy (`links.store.consolidated`). Needs
    /// listing. When off, the consolidated metadata is trusted and no
    /// per-node document is read ([`Coverage::Consolidated`]): a
    /// consolidated store costs at most two reads.
    pub verify_consolidated: bool,
}

impl Default for LoadOptions {
    /// Keep no attributes; list; verify consolidated metadata.
    fn default() -> Self {
        LoadOptions {
            keep_attributes: false,
            listing: true,
            verify_consolidated: true,
        }
    }
}

/// Reads a store's metadata through a synchronous [`Store`], answering the
/// loader's requests in batches (in parallel when the `parallel` feature is
/// on).
///
/// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
pub fn load(store: &dyn Store) -> Result<Hierarchy, OpenError> {
    load_with(store, LoadOptions::default())
}

/// [`load`], with options.
pub fn load_with(store: &dyn Store, options: LoadOptions) -> Result<Hierarchy, OpenError> {
    /// Requests answered at a time: enough to keep every core busy, few
    /// enough that the documents in flight take little memory.
    const BATCH: usize = 2048;
    let mut loader = Loader::new(store.describe(), options);
    loop {
        match loader.poll(BATCH) {
            Poll::Requests(batch) => {
                let answers = par_map(batch, |r| r.answer(store));
                loader.feed(answers);
            }
            Poll::Pending => unreachable!("every request of a batch is answered before polling"),
            Poll::Done => return loader.finish(),
        }
    }
}
