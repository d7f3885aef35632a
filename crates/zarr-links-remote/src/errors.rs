//! Why a remote store cannot be read, in words that name the URL and say
//! what to do.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/implementers.html#remote-stores>

use std::error::Error as StdError;
use std::fmt;

use object_store::client::{HttpError, HttpErrorKind};

use crate::open::Endpoint;
use crate::Backend;

/// A failure that makes the whole store unreadable (the command exits
/// with 2), as opposed to a problem of one document (a finding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fatal(String);

impl Fatal {
    pub(crate) fn internal(message: &str) -> Fatal {
        Fatal(format!("internal error: {message}"))
    }
}

impl fmt::Display for Fatal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Every message of an error's chain, outermost first.
fn chain(e: &(dyn StdError + 'static)) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = Some(e);
    while let Some(c) = current {
        out.push(c.to_string());
        current = c.source();
    }
    out
}

/// The transport error in an error's chain, if any.
fn http_error<'a>(e: &'a (dyn StdError + 'static)) -> Option<&'a HttpError> {
    let mut current = Some(e);
    while let Some(c) = current {
        if let Some(h) = c.downcast_ref::<HttpError>() {
            return Some(h);
        }
        current = c.source();
    }
    None
}

/// What went wrong, in a few words.
pub(crate) fn explain(
    e: &object_store::Error,
    timeout: std::time::Duration,
    retries: usize,
) -> String {
    match e {
        object_store::Error::NotFound { .. } => return "not found (HTTP 404)".to_string(),
        object_store::Error::PermissionDenied { .. } => {
            return "access denied (HTTP 403)".to_string()
        }
        object_store::Error::Unauthenticated { .. } => {
            return "not authenticated (HTTP 401)".to_string()
        }
        _ => {}
    }
    let messages = chain(e);
    let deepest = messages.last().cloned().unwrap_or_default();
    let tries = match retries {
        0 => String::new(),
        n => format!(" (tried {} times)", n + 1),
    };
    if let Some(h) = http_error(e) {
        return match h.kind() {
            HttpErrorKind::Timeout => format!(
                "no complete answer within the timeout of {} s{tries}",
                timeout.as_secs_f64()
            ),
            HttpErrorKind::Connect => format!("cannot connect: {deepest}{tries}"),
            _ => deepest,
        };
    }
    if let Some(status) = messages
        .iter()
        .find_map(|m| m.split_once("status code: ").map(|(_, s)| s.to_string()))
    {
        let status = status
            .split(':')
            .next()
            .unwrap_or(&status)
            .trim()
            .to_string();
        let retried =
            status.starts_with('5') || status.starts_with("429") || status.starts_with("408");
        return format!(
            "the server answered HTTP {status}{}",
            if retried { tries.as_str() } else { "" }
        );
    }
    messages.join(": ")
}

/// A failed request for `key` as a fatal error: the URL, what happened,
/// and a hint for access problems.
pub(crate) fn request(remote: &Endpoint, key: &str, e: &object_store::Error) -> Fatal {
    let mut m = format!(
        "{}: {}",
        remote.url_of(key),
        explain(e, remote.timeout, remote.retries)
    );
    let denied = matches!(
        e,
        object_store::Error::PermissionDenied { .. } | object_store::Error::Unauthenticated { .. }
    );
    if denied && remote.backend != Backend::Http {
        m.push_str(if remote.anonymous {
            "; the store does not allow anonymous reads: drop --anonymous and give credentials"
        } else {
            "; for a public bucket pass --anonymous, otherwise check the credentials"
        });
    }
    Fatal(m)
}

/// A store that cannot be configured (bad credentials settings, bad URL).
pub(crate) fn configuration(e: &object_store::Error) -> String {
    chain(e).join(": ")
}
