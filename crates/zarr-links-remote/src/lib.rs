//! Reading GeoZarr linked datasets from remote stores: HTTP(S), S3 (and
//! S3-compatible services), Google Cloud Storage and Azure Blob Storage,
//! through the [`object_store`] crate.
//!
//! [`Remote::open`] turns a URL into a store; [`Remote::load`] reads its
//! metadata into a [`Hierarchy`] by driving the same sans-I/O
//! [`zarr_links_store::Loader`] as the local backend, so every rule, finding
//! and message is the same. This crate adds only the transport:
//!
//! - **Few requests.** Consolidated metadata is read first and trusted (v3:
//!   inline in the root `zarr.json`, one GET; v2: `.zmetadata`, two GETs).
//!   Otherwise object stores are listed by delimiter, one listing per group,
//!   and the documents are fetched concurrently, with at most
//!   [`RemoteOptions::concurrency`] requests in flight.
//! - **Plain HTTP cannot list.** The loader then reaches the nodes from the
//!   root as a reader discovers them (`links:index` entries, link targets
//!   and their parent groups), and the hierarchy's coverage says so
//!   ([`zarr_links_model::Coverage::Reached`]).
//! - **Safety.** No key outside the store's prefix is ever read, even when a
//!   listing names one (it is reported instead); redirects stay on the same
//!   origin unless [`RemoteOptions::follow_redirects`]; documents larger than
//!   [`zarr_links_store::MAX_DOCUMENT_BYTES`] are refused by their announced
//!   size and while streaming; every request has a timeout and a bounded
//!   number of retries. A store that cannot be reached (refused connection,
//!   timeout, access denied, nothing at the root) is an [`OpenError`] whose
//!   message names the URL.
//! - **External targets** are fetched only when asked ([`check_external`]).
//!
//! The async runtime (tokio, one current-thread runtime per [`Remote`]) and
//! the HTTP stack stay in this crate; the model, graph and validator crates
//! know nothing of them.
//!
//! ```no_run
//! use zarr_links_remote::{Remote, RemoteOptions};
//! let remote = Remote::open("s3://bucket/data.zarr", &RemoteOptions::default())?;
//! let hierarchy = remote.load(remote.load_options(false), &mut |_| {})?;
//! println!("{} nodes in {} requests", hierarchy.nodes().len(), remote.requests());
//! # Ok::<(), zarr_links_store::OpenError>(())
//! ```
//!
//! Spec: <https://zarr-links.github.io/zarr-links/implementers.html#remote-stores>

mod client;
mod driver;
mod errors;
mod external;
mod open;
mod profile;

use std::time::Duration;

use zarr_links_model::Hierarchy;
use zarr_links_store::{LoadOptions, OpenError};

pub use external::{check_external, check_targets, ExternalCheck, Reach};
pub use open::Backend;

/// How to reach remote stores. The defaults suit a command line: 32
/// requests in flight, 30 s per request, 3 retries, redirects only on the
/// same origin, credentials from the environment.
///
/// Spec: <https://zarr-links.github.io/zarr-links/implementers.html#remote-stores>
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteOptions {
    /// Send unsigned requests (public buckets): no credentials are looked
    /// up. The same as `AWS_SKIP_SIGNATURE=true` for S3.
    pub anonymous: bool,
    /// Requests in flight at a time, per store (at least 1).
    pub concurrency: usize,
    /// The longest one request may take, body included.
    pub timeout: Duration,
    /// The longest establishing a connection may take.
    pub connect_timeout: Duration,
    /// How many times a failed request (connection error, timeout, HTTP 5xx,
    /// 429) is tried again, with a jittered backoff.
    pub retries: usize,
    /// Follow redirects to other hosts. Off: a redirect to another origin is
    /// an error naming both URLs.
    pub follow_redirects: bool,
    /// The endpoint of an S3-compatible service, e.g.
    /// `http://127.0.0.1:9000`; it overrides `AWS_ENDPOINT_URL`. Only for
    /// `s3://` stores.
    pub endpoint: Option<String>,
}

impl Default for RemoteOptions {
    fn default() -> Self {
        RemoteOptions {
            anonymous: false,
            concurrency: 32,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            retries: 3,
            follow_redirects: false,
            endpoint: None,
        }
    }
}

impl RemoteOptions {
    fn settings(&self) -> client::Settings {
        client::Settings {
            timeout: self.timeout,
            connect_timeout: self.connect_timeout.min(self.timeout),
            follow_redirects: self.follow_redirects,
        }
    }
}

/// What [`Remote::load`] has done so far, for a progress display.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Requests answered (documents read, directories listed).
    pub answered: usize,
    /// Requests in flight.
    pub in_flight: usize,
}

/// One remote store, with the runtime its requests run on.
///
/// Spec: <https://zarr-links.github.io/zarr-links/implementers.html#remote-stores>
pub struct Remote {
    endpoint: open::Endpoint,
    /// Requests in flight at a time.
    concurrency: usize,
    runtime: tokio::runtime::Runtime,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("url", &self.endpoint.url)
            .field("backend", &self.endpoint.backend)
            .field("prefix", &self.endpoint.prefix)
            .finish_non_exhaustive()
    }
}

impl Remote {
    /// Opens the store at `url` (`http(s)://`, `s3://`, `gs://`, `az://`
    /// and the other forms [`object_store`] knows). Nothing is requested
    /// yet, except credentials where the environment says to fetch them.
    /// Fails on a URL that names no store (a query string, a fragment, an
    /// unknown scheme) or credentials that cannot be read.
    pub fn open(url: &str, options: &RemoteOptions) -> Result<Remote, OpenError> {
        let endpoint = open::endpoint(url, options)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                OpenError::Unreadable(format!("{url}: cannot start the I/O runtime: {e}"))
            })?;
        Ok(Remote {
            endpoint,
            concurrency: options.concurrency.max(1),
            runtime,
        })
    }

    /// The URL as given, without a trailing `/`.
    pub fn url(&self) -> &str {
        &self.endpoint.url
    }

    /// The kind of service.
    pub fn backend(&self) -> Backend {
        self.endpoint.backend
    }

    /// Whether the store can be listed (every backend but plain HTTP).
    pub fn listing(&self) -> bool {
        self.endpoint.backend != Backend::Http
    }

    /// The load options for this store: listing when the backend can list,
    /// consolidated metadata trusted unless `verify_consolidated` (which
    /// reads every per-node document too, and needs listing).
    pub fn load_options(&self, verify_consolidated: bool) -> LoadOptions {
        LoadOptions {
            keep_attributes: false,
            listing: self.listing(),
            verify_consolidated,
        }
    }

    /// Reads the store's metadata into a hierarchy, as the local backend
    /// does. `options.listing` is ignored where the backend cannot list.
    /// `progress` is called after every group of answers.
    ///
    /// Fails with a message naming the URL when the store cannot be read
    /// at all: no Zarr metadata at the root, a refused connection, a
    /// timeout, access denied, a server error that outlasts the retries, or
    /// a redirect to another host.
    pub fn load(
        &self,
        options: LoadOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Hierarchy, OpenError> {
        driver::load(self, options, progress)
    }

    /// How many HTTP requests this store has sent so far (every attempt,
    /// retries included).
    pub fn requests(&self) -> usize {
        self.endpoint.counter.get()
    }
}
