//! From a URL to a store: which service, which bucket and prefix, which
//! credentials. The builders start from the environment (`AWS_*`,
//! `GOOGLE_*`, `AZURE_*`), unlike `object_store::parse_url`, and the AWS
//! shared config and credentials files fill what the environment leaves
//! unset.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/implementers.html#remote-stores>

use std::sync::Arc;
use std::time::Duration;

use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::azure::MicrosoftAzureBuilder;
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::http::HttpBuilder;
use object_store::path::Path;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, ObjectStoreScheme, RetryConfig};
use url::Url;
use zarr_links_store::OpenError;

use crate::client::{install_crypto, Connector, Counter};
use crate::{profile, RemoteOptions};

/// The kind of service a remote store is on.
///
/// Spec: <https://zarr-links.github.io/zarr-links/implementers.html#remote-stores>
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A plain HTTP(S) server: GET only, no listing.
    Http,
    /// Amazon S3 or an S3-compatible service (`s3://`, `AWS_ENDPOINT_URL`).
    S3,
    /// Google Cloud Storage (`gs://`).
    Gcs,
    /// Azure Blob Storage (`az://`, `abfs://`, ...).
    Azure,
}

impl Backend {
    /// A short name for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Http => "HTTP",
            Backend::S3 => "S3",
            Backend::Gcs => "GCS",
            Backend::Azure => "Azure",
        }
    }
}

/// The retry rule: `retries` more tries with a short jittered backoff, all
/// within the time `retries + 1` timeouts take.
fn retry_config(options: &RemoteOptions) -> RetryConfig {
    let attempts = u32::try_from(options.retries + 1).unwrap_or(u32::MAX);
    RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            base: 2.0,
        },
        max_retries: options.retries,
        retry_timeout: options
            .timeout
            .saturating_mul(attempts)
            .saturating_add(Duration::from_secs(2).saturating_mul(attempts)),
    }
}

/// A remote store without a runtime: the object store, the store's root
/// inside it, and what messages need.
pub(crate) struct Endpoint {
    /// The URL as given, without a trailing `/`.
    pub url: String,
    pub backend: Backend,
    pub store: Arc<dyn ObjectStore>,
    /// The store root inside the object store.
    pub prefix: Path,
    /// The timeout of one request, for messages.
    pub timeout: Duration,
    /// The retries of one request, for messages.
    pub retries: usize,
    /// Whether requests are unsigned, for messages.
    pub anonymous: bool,
    pub counter: Arc<Counter>,
}

impl Endpoint {
    /// The URL of `key`, for messages.
    pub(crate) fn url_of(&self, key: &str) -> String {
        if key.is_empty() {
            self.url.clone()
        } else {
            format!("{}/{key}", self.url)
        }
    }
}

/// Builds the object store for `given`.
pub(crate) fn endpoint(given: &str, options: &RemoteOptions) -> Result<Endpoint, OpenError> {
    let fail = |m: String| OpenError::Unreadable(format!("{given}: {m}"));
    let shown = given.trim_end_matches('/');
    let url = Url::parse(shown).map_err(|e| fail(format!("not a valid URL ({e})")))?;
    if url.query().is_some() {
        return Err(fail(
            "the URL has a query string; give the URL of the store's root without one".into(),
        ));
    }
    if url.fragment().is_some() {
        return Err(fail(
            "the URL has a fragment (`#...`), which names a node inside a store; give the URL of the store's root".into(),
        ));
    }
    let (scheme, prefix) = ObjectStoreScheme::parse(&url)
        .map_err(|e| fail(format!("not a URL of a store this build can read ({e})")))?;
    if options.endpoint.is_some() && scheme != ObjectStoreScheme::AmazonS3 {
        return Err(fail(
            "an endpoint (--endpoint-url) applies to s3:// stores only".into(),
        ));
    }
    install_crypto();
    let counter = Arc::new(Counter::default());
    let connector = Connector {
        settings: options.settings(),
        counter: Arc::clone(&counter),
    };
    let retry = retry_config(options);
    let built: Result<(Backend, Arc<dyn ObjectStore>), object_store::Error> = match scheme {
        ObjectStoreScheme::Http => {
            // The base is the origin only; the URL's path is the prefix.
            let origin = &url[..url::Position::BeforePath];
            HttpBuilder::new()
                .with_url(origin)
                .with_client_options(ClientOptions::new().with_allow_http(url.scheme() == "http"))
                .with_retry(retry)
                .with_http_connector(connector)
                .build()
                .map(|s| (Backend::Http, Arc::new(s) as Arc<dyn ObjectStore>))
        }
        ObjectStoreScheme::AmazonS3 => {
            let mut b = AmazonS3Builder::from_env().with_url(url.as_str());
            if options.anonymous {
                b = b.with_skip_signature(true);
            } else {
                b = profile::apply(b).map_err(fail)?;
            }
            if let Some(endpoint) = &options.endpoint {
                b = b
                    .with_config(AmazonS3ConfigKey::S3Endpoint, endpoint.as_str())
                    .with_endpoint(endpoint.as_str());
            }
            let endpoint = b
                .get_config_value(&AmazonS3ConfigKey::S3Endpoint)
                .or_else(|| b.get_config_value(&AmazonS3ConfigKey::Endpoint));
            if endpoint.is_some_and(|e| e.starts_with("http://")) {
                // The user chose a plain-HTTP endpoint (a local service).
                b = b.with_allow_http(true);
            }
            b.with_retry(retry)
                .with_http_connector(connector)
                .build()
                .map(|s| (Backend::S3, Arc::new(s) as Arc<dyn ObjectStore>))
        }
        ObjectStoreScheme::GoogleCloudStorage => GoogleCloudStorageBuilder::from_env()
            .with_url(url.as_str())
            .with_skip_signature(options.anonymous)
            .with_retry(retry)
            .with_http_connector(connector)
            .build()
            .map(|s| (Backend::Gcs, Arc::new(s) as Arc<dyn ObjectStore>)),
        ObjectStoreScheme::MicrosoftAzure => MicrosoftAzureBuilder::from_env()
            .with_url(url.as_str())
            .with_skip_signature(options.anonymous)
            .with_retry(retry)
            .with_http_connector(connector)
            .build()
            .map(|s| (Backend::Azure, Arc::new(s) as Arc<dyn ObjectStore>)),
        _ => {
            return Err(fail(
                "not a remote store URL; use http(s)://, s3://, gs:// or az://, or a local path"
                    .into(),
            ))
        }
    };
    let (backend, store) = built.map_err(|e| fail(crate::errors::configuration(&e)))?;
    Ok(Endpoint {
        url: shown.to_string(),
        backend,
        store,
        prefix,
        timeout: options.timeout,
        retries: options.retries,
        anonymous: options.anonymous,
        counter,
    })
}
