//! Where a store's metadata comes from: a local path, read by the Rust
//! local backend as the command line reads it, or a zarr-python store,
//! read through zarr-python's own store API by the Python side
//! (`zarr_links._stores.ZarrStoreReader`) while the Rust loader decides what
//! to read.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};
use zarr_links_model::Hierarchy;
use zarr_links_store::{
    load, Answer, DirEntry, LoadOptions, Loader, LocalStore, Poll, Request, Store, StoreError,
    WritableStore, MAX_DOCUMENT_BYTES,
};

use zarr_links_cli::shared::{load_store, Location, RemoteArgs, Wanted};

use crate::error;

/// Requests handed to Python at a time. The reader answers a batch
/// concurrently (zarr-python's store methods are coroutines), so a batch is
/// one round trip however many keys it holds.
const BATCH: usize = 512;

/// A store argument, as the Python wrappers pass it: a `str` is a local
/// path or the URL of a remote store (read as the command line reads it);
/// anything else is a reader object with `describe`, `listing`,
/// `answer(requests)` and `put(key, data)`.
pub enum Source<'py> {
    /// A local directory (also from a `file://` URL).
    Path(PathBuf),
    /// The URL of a remote store (`https://`, `s3://`, `gs://`, `az://`).
    Url(String),
    /// A zarr-python store, behind `zarr_links._stores.ZarrStoreReader`.
    Reader(Bound<'py, PyAny>),
}

impl<'py> Source<'py> {
    /// Reads the argument.
    pub fn from_python(store: &Bound<'py, PyAny>) -> PyResult<Source<'py>> {
        if store.is_instance_of::<PyString>() {
            let given: String = store.extract()?;
            match Location::parse(std::ffi::OsStr::new(&given)).map_err(error)? {
                Location::Local(path) => Ok(Source::Path(path)),
                Location::Remote(url) => Ok(Source::Url(url)),
            }
        } else {
            Ok(Source::Reader(store.clone()))
        }
    }

    /// How the store is named in reports and messages.
    pub fn describe(&self) -> PyResult<String> {
        match self {
            Source::Path(p) => Ok(p.display().to_string()),
            Source::Url(u) => Ok(u.clone()),
            Source::Reader(r) => r.getattr("describe")?.extract(),
        }
    }
}

/// A loaded store, with what is needed to write to it.
pub struct Loaded {
    /// The metadata.
    pub hierarchy: Hierarchy,
    /// The store, for writing.
    pub writer: Writer,
}

/// A store that can be written, or a remote one, which cannot.
pub enum Writer {
    /// The local directory, opened.
    Local(LocalStore),
    /// A zarr-python store.
    Python(PyWriter),
    /// A remote store, read by URL: not written.
    Remote(String),
}

/// Loads the store's metadata. A store that cannot be opened at all raises
/// `ZarrLinksError`; problems of single documents are in the hierarchy's
/// findings, as for the command line.
pub fn load_source(py: Python<'_>, source: &Source<'_>) -> PyResult<Loaded> {
    match source {
        Source::Path(path) => {
            let (hierarchy, store) = py
                .detach(|| {
                    let store = LocalStore::open(path)?;
                    let hierarchy = load(&store)?;
                    Ok((hierarchy, store))
                })
                .map_err(|e: zarr_links_store::OpenError| error(e.to_string()))?;
            Ok(Loaded {
                hierarchy,
                writer: Writer::Local(store),
            })
        }
        Source::Url(url) => {
            let location = Location::Remote(url.clone());
            let loaded = py
                .detach(|| load_store(&location, &RemoteArgs::default(), Wanted::default(), false))
                .map_err(error)?;
            Ok(Loaded {
                hierarchy: loaded.hierarchy,
                writer: Writer::Remote(url.clone()),
            })
        }
        Source::Reader(reader) => {
            let describe = source.describe()?;
            // A store that cannot list is read from its root as a reader
            // discovers it (coverage "reached").
            let listing: bool = reader.getattr("listing")?.extract()?;
            let options = LoadOptions {
                listing,
                ..LoadOptions::default()
            };
            let mut loader = Loader::new(describe, options);
            loop {
                match loader.poll(BATCH) {
                    Poll::Requests(requests) => {
                        let answers = answer(py, reader, requests)?;
                        py.detach(|| loader.feed(answers));
                    }
                    Poll::Pending => {
                        return Err(error(
                            "internal error: the store loader is waiting for answers it was given",
                        ))
                    }
                    Poll::Done => break,
                }
            }
            let hierarchy = py
                .detach(|| loader.finish())
                .map_err(|e| error(e.to_string()))?;
            Ok(Loaded {
                hierarchy,
                writer: Writer::Python(PyWriter::new(reader)),
            })
        }
    }
}

/// Asks the Python reader for a batch of requests and turns its answers
/// into the loader's. An exception raised by the reader itself (not by one
/// of its reads) propagates unchanged, so that Ctrl-C stops the run.
fn answer(
    py: Python<'_>,
    reader: &Bound<'_, PyAny>,
    requests: Vec<Request>,
) -> PyResult<Vec<Answer>> {
    let asked = PyList::empty(py);
    for r in &requests {
        let (kind, key) = match r {
            Request::Get(key) => ("get", key),
            Request::List(prefix) => ("list", prefix),
        };
        asked.append((kind, key.as_str()))?;
    }
    let results = reader.call_method1("answer", (asked,))?;
    let results = results.cast::<PyList>()?;
    if results.len() != requests.len() {
        return Err(error(format!(
            "internal error: the store reader gave {} answers to {} requests",
            results.len(),
            requests.len()
        )));
    }
    requests
        .into_iter()
        .zip(results.iter())
        .map(|(request, result)| match request {
            Request::Get(key) => {
                let result = got(&key, &result)?;
                Ok(Answer::Got { key, result })
            }
            Request::List(prefix) => {
                let result = listed(&prefix, &result)?;
                Ok(Answer::Listed { prefix, result })
            }
        })
        .collect()
}

/// An exception the reader caught while reading `key`, as a store error.
fn read_error(key: &str, exception: &Bound<'_, PyAny>) -> StoreError {
    let kind = exception
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "error".to_string());
    let message = exception.str().map(|s| s.to_string()).unwrap_or_default();
    StoreError::Io {
        key: key.to_string(),
        message: if message.is_empty() {
            kind
        } else {
            format!("{kind}: {message}")
        },
    }
}

/// One `get` answer: bytes, None (no such key) or the exception reading it raised.
fn got(key: &str, result: &Bound<'_, PyAny>) -> PyResult<Result<Option<Vec<u8>>, StoreError>> {
    if result.is_none() {
        return Ok(Ok(None));
    }
    if let Ok(bytes) = result.cast::<PyBytes>() {
        let bytes = bytes.as_bytes();
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Ok(Err(StoreError::TooLarge {
                key: key.to_string(),
                size: bytes.len() as u64,
            }));
        }
        return Ok(Ok(Some(bytes.to_vec())));
    }
    if result.is_instance_of::<pyo3::exceptions::PyBaseException>() {
        return Ok(Err(read_error(key, result)));
    }
    Err(error(format!(
        "internal error: the store reader answered {key} with a {}",
        result.get_type().name()?
    )))
}

/// One `list` answer: the child names, or the exception listing raised.
/// zarr-python lists names only, without saying which are directories, so
/// every name is a directory to the loader; a name that is a file is then
/// probed for metadata, finds none and is left alone.
fn listed(prefix: &str, result: &Bound<'_, PyAny>) -> PyResult<Result<Vec<DirEntry>, StoreError>> {
    if result.is_instance_of::<pyo3::exceptions::PyBaseException>() {
        return Ok(Err(read_error(prefix, result)));
    }
    let names: Vec<String> = result.extract()?;
    let mut entries: Vec<DirEntry> = names
        .into_iter()
        .map(|name| name.trim_end_matches('/').to_string())
        .filter(|name| !name.is_empty())
        .map(|name| DirEntry {
            name,
            is_dir: true,
            problem: None,
            identity: None,
        })
        .collect();
    entries.sort();
    entries.dedup();
    Ok(Ok(entries))
}

/// A zarr-python store as a writable [`Store`], for `write_index`: the few
/// reads and writes of an attribute update go through the Python reader one
/// at a time, on the calling thread.
/// (`Store` wants `Send + Sync`, hence a `Py` handle and `Python::attach`,
/// which is free on the thread that already holds the interpreter.)
pub struct PyWriter {
    reader: Py<PyAny>,
}

impl PyWriter {
    /// A writer over a store reader.
    pub fn new(reader: &Bound<'_, PyAny>) -> PyWriter {
        PyWriter {
            reader: reader.clone().unbind(),
        }
    }

    fn ask(&self, request: Request) -> Result<Answer, StoreError> {
        let key = match &request {
            Request::Get(k) | Request::List(k) => k.clone(),
        };
        Python::attach(|py| {
            answer(py, self.reader.bind(py), vec![request])
                .map_err(|e| StoreError::Io {
                    key,
                    message: e.to_string(),
                })
                .map(|mut answers| answers.remove(0))
        })
    }
}

impl Store for PyWriter {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self.ask(Request::Get(key.to_string()))? {
            Answer::Got { result, .. } => result,
            Answer::Listed { .. } => unreachable!("a get is answered by a get"),
        }
    }

    fn list_dir(&self, prefix: &str) -> Result<Vec<DirEntry>, StoreError> {
        match self.ask(Request::List(prefix.to_string()))? {
            Answer::Listed { result, .. } => result,
            Answer::Got { .. } => unreachable!("a list is answered by a list"),
        }
    }

    fn describe(&self) -> String {
        Python::attach(|py| {
            self.reader
                .bind(py)
                .getattr("describe")
                .and_then(|d| d.extract())
                .unwrap_or_else(|_| "a zarr-python store".to_string())
        })
    }
}

impl WritableStore for PyWriter {
    fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        Python::attach(|py| {
            self.reader
                .bind(py)
                .call_method1("put", (key, PyBytes::new(py, bytes)))
                .map(|_| ())
                .map_err(|e| StoreError::Io {
                    key: key.to_string(),
                    message: e.to_string(),
                })
        })
    }
}

/// Why a remote store is not written.
pub fn not_writable(url: &str) -> PyErr {
    error(format!(
        "{url}: writing is not supported for remote stores; write the index into a local copy of the store"
    ))
}

impl Writer {
    /// The store, to write to; an error for a remote store.
    pub fn store(&self) -> PyResult<&dyn WritableStore> {
        match self {
            Writer::Local(s) => Ok(s),
            Writer::Python(s) => Ok(s),
            Writer::Remote(url) => Err(not_writable(url)),
        }
    }
}
