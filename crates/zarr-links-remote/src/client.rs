//! The HTTP client every remote read goes through: timeouts, no
//! compression, redirects kept on one origin unless the user allows more,
//! and a count of the requests sent.
//!
//! object_store builds its own `reqwest` client, which follows redirects to
//! any host. The connector here builds the client instead, so that a server
//! cannot send the reader (and its credentials' signatures) somewhere else.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/implementers.html#remote-stores>

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;

use object_store::client::{
    HttpClient, HttpConnector, HttpError, HttpRequest, HttpResponse, HttpService,
};
use object_store::{ClientConfigKey, ClientOptions};

/// How many redirects, on the same origin, are followed at most.
const MAX_REDIRECTS: usize = 10;

/// Timeouts and the redirect rule of every client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settings {
    /// The whole request, body included.
    pub timeout: Duration,
    /// Establishing the connection.
    pub connect_timeout: Duration,
    /// Follow redirects to other hosts too.
    pub follow_redirects: bool,
}

/// Installs the process's TLS provider (ring) once; reqwest needs one.
pub(crate) fn install_crypto() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Err means another provider is installed already: that one is used.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Whether two URLs have the same origin (scheme, host and port).
fn same_origin(a: &url::Url, b: &url::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Why a redirect was not followed; the message ends up in the error the
/// user sees.
#[derive(Debug)]
struct RedirectRefused {
    from: String,
    to: String,
}

impl std::fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "redirect from {} to {}, on another host or port, not followed (pass --follow-redirects to follow it)",
            self.from, self.to
        )
    }
}

impl std::error::Error for RedirectRefused {}

/// What a client does with a redirect to another origin, unless the
/// settings allow following it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Elsewhere {
    /// Fail the request, naming both URLs (reading a store).
    Refuse,
    /// Return the redirect itself (checking that a URL answers).
    Stop,
}

/// A `reqwest` client with these settings. `allow_http` permits plain
/// `http://` URLs; `proxy` overrides the proxy of the environment.
pub(crate) fn reqwest_client(
    settings: Settings,
    elsewhere: Elsewhere,
    allow_http: bool,
    proxy: Option<&str>,
) -> Result<reqwest::Client, reqwest::Error> {
    install_crypto();
    let follow = settings.follow_redirects;
    let policy = reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error("too many redirects");
        }
        let first = &attempt.previous()[0];
        if follow || same_origin(first, attempt.url()) {
            attempt.follow()
        } else if elsewhere == Elsewhere::Stop {
            attempt.stop()
        } else {
            let refused = RedirectRefused {
                from: first.to_string(),
                to: attempt.url().to_string(),
            };
            attempt.error(refused)
        }
    });
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("zarr-links/", env!("CARGO_PKG_VERSION")))
        .timeout(settings.timeout)
        .connect_timeout(settings.connect_timeout)
        .redirect(policy)
        // Sizes come from Content-Length: no transparent decompression.
        .no_gzip()
        .no_brotli()
        .no_zstd()
        .no_deflate()
        .https_only(!allow_http);
    if let Some(proxy) = proxy {
        builder = builder.proxy(reqwest::Proxy::all(proxy)?);
    }
    builder.build()
}

/// How many requests were sent (every attempt, retries included).
#[derive(Debug, Default)]
pub(crate) struct Counter(AtomicUsize);

impl Counter {
    pub(crate) fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }

    pub(crate) fn add(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// The connector object_store builds its clients with.
#[derive(Debug, Clone)]
pub(crate) struct Connector {
    pub settings: Settings,
    pub counter: Arc<Counter>,
}

impl HttpConnector for Connector {
    fn connect(&self, options: &ClientOptions) -> object_store::Result<HttpClient> {
        let allow_http = options
            .get_config_value(&ClientConfigKey::AllowHttp)
            .is_some_and(|v| v == "true");
        let proxy = options.get_config_value(&ClientConfigKey::ProxyUrl);
        let client = reqwest_client(
            self.settings,
            Elsewhere::Refuse,
            allow_http,
            proxy.as_deref(),
        )
        .map_err(|e| object_store::Error::Generic {
            store: "HTTP client",
            source: Box::new(e),
        })?;
        Ok(HttpClient::new(Counted {
            inner: client,
            counter: Arc::clone(&self.counter),
        }))
    }
}

/// A client that counts what it sends.
#[derive(Debug)]
struct Counted {
    inner: reqwest::Client,
    counter: Arc<Counter>,
}

#[async_trait::async_trait]
impl HttpService for Counted {
    async fn call(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
        self.counter.add();
        self.inner.call(req).await
    }
}
