//! The async driver of the store loader: it answers the loader's requests
//! with object-store calls, at most `concurrency` in flight, and feeds the
//! answers back as they arrive. The loader decides what to read; this
//! module only reads it, confined to the store's prefix and within the size
//! limit.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/implementers.html#remote-stores>

use std::sync::Mutex;

use futures::stream::FuturesUnordered;
use futures::{FutureExt, StreamExt};
use object_store::path::Path;
use object_store::{GetOptions, ObjectStore};
use zarr_links_model::{Finding, Hierarchy, NodePath, Rule};
use zarr_links_store::{
    valid_key, Answer, DirEntry, LoadOptions, Loader, OpenError, Poll, Request, StoreError,
    MAX_DOCUMENT_BYTES,
};

use crate::errors::{self, Fatal};
use crate::open::Endpoint;
use crate::{Progress, Remote};

/// Keys a listing returned that lie outside the directory listed: (the
/// prefix listed, the foreign key).
type Foreign = Mutex<Vec<(String, String)>>;

pub(crate) fn load(
    remote: &Remote,
    mut options: LoadOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Hierarchy, OpenError> {
    options.listing &= remote.listing();
    let endpoint = &remote.endpoint;
    let mut loader = Loader::new(endpoint.url.clone(), options);
    let foreign = Foreign::default();
    remote
        .runtime
        .block_on(drive(remote, &mut loader, &foreign, progress))
        .map_err(|f| OpenError::Unreadable(f.to_string()))?;
    let mut hierarchy = loader.finish().map_err(|e| match e {
        OpenError::NoMetadata(_) => OpenError::Unreadable(format!(
            "{}: no Zarr metadata at the root (none of `zarr.json`, `.zmetadata`, `.zgroup`, `.zarray` exists there); give the URL of a Zarr store's root",
            endpoint.url
        )),
        other => other,
    })?;
    let foreign = foreign.into_inner().unwrap_or_else(|e| e.into_inner());
    for (prefix, key) in foreign {
        let node = NodePath::from_key_prefix(&prefix).unwrap_or_else(NodePath::root);
        hierarchy.findings.push(Finding::new(
            Rule::StoreLayout,
            &node,
            prefix.clone(),
            "",
            format!(
                "listing this directory returned {key:?}, which is not an entry of it; expected only keys under {}, so it was not read",
                endpoint.url_of(&prefix)
            ),
            None,
        ));
    }
    hierarchy.findings.sort();
    hierarchy.findings.dedup();
    Ok(hierarchy)
}

/// Asks, reads and feeds until the loader is done, or a request fails in a
/// way that makes the whole store unreadable.
async fn drive(
    remote: &Remote,
    loader: &mut Loader,
    foreign: &Foreign,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), Fatal> {
    let mut in_flight = FuturesUnordered::new();
    let mut answered = 0;
    loop {
        let free = remote.concurrency - in_flight.len();
        if free > 0 {
            match loader.poll(free) {
                Poll::Requests(requests) => {
                    let endpoint = &remote.endpoint;
                    in_flight.extend(requests.into_iter().map(|r| answer(endpoint, r, foreign)));
                    continue;
                }
                Poll::Done => return Ok(()),
                Poll::Pending => {}
            }
        }
        let Some(first) = in_flight.next().await else {
            return Err(Fatal::internal(
                "the store loader waits for answers it was given",
            ));
        };
        let mut answers = vec![first?];
        while let Some(Some(next)) = in_flight.next().now_or_never() {
            answers.push(next?);
        }
        answered += answers.len();
        loader.feed(answers);
        progress(Progress {
            answered,
            in_flight: in_flight.len(),
        });
    }
}

/// The object path of `key`, or why it is not read.
pub(crate) fn path_of(remote: &Endpoint, key: &str) -> Result<Path, StoreError> {
    if !valid_key(key) {
        return Err(StoreError::InvalidKey(key.to_string()));
    }
    let full = if remote.prefix.as_ref().is_empty() {
        key.to_string()
    } else if key.is_empty() {
        remote.prefix.to_string()
    } else {
        format!("{}/{key}", remote.prefix)
    };
    // `parse` keeps the key as it is (no percent-encoding) and refuses
    // control characters.
    let path = Path::parse(&full).map_err(|_| StoreError::InvalidKey(key.to_string()))?;
    if !path.prefix_matches(&remote.prefix) {
        return Err(StoreError::InvalidKey(key.to_string()));
    }
    Ok(path)
}

async fn answer(remote: &Endpoint, request: Request, foreign: &Foreign) -> Result<Answer, Fatal> {
    match request {
        Request::Get(key) => {
            let result = match path_of(remote, &key) {
                Err(e) => Err(e),
                Ok(path) => get(remote, &key, &path).await?,
            };
            Ok(Answer::Got { key, result })
        }
        Request::List(prefix) => {
            let result = match path_of(remote, &prefix) {
                Err(e) => Err(e),
                Ok(path) => list(remote, &prefix, &path, foreign).await?,
            };
            Ok(Answer::Listed { prefix, result })
        }
    }
}

/// Reads one document: `None` when it does not exist; refused when it is
/// larger than [`MAX_DOCUMENT_BYTES`], by its announced size or once that
/// many bytes have arrived.
pub(crate) async fn get(
    remote: &Endpoint,
    key: &str,
    path: &Path,
) -> Result<Result<Option<Vec<u8>>, StoreError>, Fatal> {
    let too_large = |size: u64| StoreError::TooLarge {
        key: key.to_string(),
        size,
    };
    let response = match remote.store.get_opts(path, GetOptions::default()).await {
        Ok(r) => r,
        Err(object_store::Error::NotFound { .. }) => return Ok(Ok(None)),
        Err(e) => return Err(errors::request(remote, key, &e)),
    };
    let limit = MAX_DOCUMENT_BYTES as u64;
    if response.meta.size > limit {
        return Ok(Err(too_large(response.meta.size)));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(response.meta.size).unwrap_or(0));
    let mut stream = response.into_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| errors::request(remote, key, &e))?;
        if (bytes.len() + chunk.len()) as u64 > limit {
            return Ok(Err(too_large((bytes.len() + chunk.len()) as u64)));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Ok(Some(bytes)))
}

/// Lists one directory. Entries outside it (a server may return anything)
/// are left out and remembered in `foreign`; a folder marker (an object
/// named like the directory) is left out.
async fn list(
    remote: &Endpoint,
    prefix: &str,
    dir: &Path,
    foreign: &Foreign,
) -> Result<Result<Vec<DirEntry>, StoreError>, Fatal> {
    let at = (!dir.as_ref().is_empty()).then_some(dir);
    let listed = match remote.store.list_with_delimiter(at).await {
        Ok(l) => l,
        Err(object_store::Error::InvalidPath { source }) => {
            // A key that is no valid path (`a//b`, a control character)
            // makes the whole listing unusable.
            return Ok(Err(StoreError::Io {
                key: prefix.to_string(),
                message: format!("the listing holds a key that is not a valid path: {source}"),
            }));
        }
        Err(e) => return Err(errors::request(remote, prefix, &e)),
    };
    let mut entries = Vec::new();
    let mut outside = Vec::new();
    let dirs = listed.common_prefixes.into_iter().map(|p| (p, true));
    let files = listed.objects.into_iter().map(|o| (o.location, false));
    for (location, is_dir) in dirs.chain(files) {
        if location == *dir {
            continue;
        }
        let child = location
            .prefix_match(dir)
            .map(|mut rest| (rest.next(), rest.next()));
        match child {
            Some((Some(name), None)) => entries.push(DirEntry {
                name: name.as_ref().to_string(),
                is_dir,
                problem: None,
                identity: None,
            }),
            _ => outside.push((prefix.to_string(), location.to_string())),
        }
    }
    if !outside.is_empty() {
        foreign
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(outside);
    }
    entries.sort();
    entries.dedup_by(|a, b| a.name == b.name && a.is_dir == b.is_dir);
    Ok(Ok(entries))
}
