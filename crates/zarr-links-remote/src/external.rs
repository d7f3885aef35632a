//! Checking that external targets answer, when the user asks for it
//! (`links.reader.no-fetch`: never otherwise).
//!
//! - `http(s)://` targets: one HEAD request (GET when the server does not
//!   allow HEAD); a redirect counts as an answer and is not followed to
//!   another host unless allowed.
//! - `s3://`, `gs://`, `az://` objects: a HEAD of the object.
//! - A node of another Zarr store (`store-uri#/path`): the store is opened
//!   once, however many targets name it, and the node exists when one of
//!   its metadata documents does (`zarr.json`, `.zgroup` or `.zarray`).
//! - Other schemes (`mailto:`, `urn:`, `doi:`) are not fetched.
//!
//! Every distinct target is checked once, with at most
//! [`RemoteOptions::concurrency`] requests in flight. Each link to a target
//! that does not answer gets a `links.target.reachable` warning.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/targets.html#external-targets>

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use futures::StreamExt;
use zarr_links_model::path::{parse_target, percent_decode};
use zarr_links_model::{Finding, Hierarchy, NodePath, Rule};
use zarr_links_store::{LocalStore, Store};

use crate::client::{reqwest_client, Counter, Elsewhere};
use crate::driver::{get, path_of};
use crate::open::{endpoint, Endpoint};
use crate::RemoteOptions;

/// What checking one external target gave.
///
/// Spec: <https://zarr-links.github.io/zarr-links/targets.html#external-targets>
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// It answered: how (e.g. `HTTP 200 OK`, `node found`).
    Reachable(String),
    /// It did not answer: why (e.g. `HTTP 404 Not Found`).
    Unreachable(String),
    /// It was not fetched: why (a scheme that is not fetched).
    NotChecked(String),
}

/// The external targets of a hierarchy, checked.
///
/// Spec: <https://zarr-links.github.io/zarr-links/targets.html#external-targets>
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExternalCheck {
    /// Every distinct external target, as written, with what checking it gave.
    pub targets: BTreeMap<String, Reach>,
    /// One `links.target.reachable` warning per link to a target that did
    /// not answer, at the link's `target`.
    pub findings: Vec<Finding>,
    /// HTTP requests sent.
    pub requests: usize,
}

impl ExternalCheck {
    /// How many targets did not answer.
    pub fn unreachable(&self) -> usize {
        self.targets
            .values()
            .filter(|r| matches!(r, Reach::Unreachable(_)))
            .count()
    }

    /// How many targets were not fetched (schemes that are not).
    pub fn not_checked(&self) -> usize {
        self.targets
            .values()
            .filter(|r| matches!(r, Reach::NotChecked(_)))
            .count()
    }
}

/// URL schemes of stores that [`crate::Remote`] or a local path can open.
const STORE_SCHEMES: [&str; 11] = [
    "http", "https", "s3", "s3a", "gs", "az", "adl", "azure", "abfs", "abfss", "file",
];

/// How one target is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Check {
    /// HEAD this URL (without its fragment).
    Head(String),
    /// HEAD this object-store URL.
    Object(String),
    /// Look for this node in the store at this URL.
    Node(String, NodePath),
    /// Not fetched, for this reason.
    Skip(String),
}

fn classify(target: &str) -> Check {
    let base = target.split_once('#').map_or(target, |(b, _)| b);
    let Ok(url) = url::Url::parse(base) else {
        return Check::Skip("not a URL that can be fetched".to_string());
    };
    let scheme = url.scheme().to_ascii_lowercase();
    if STORE_SCHEMES.contains(&scheme.as_str()) {
        let reference = parse_target(target).ok();
        match reference.as_ref().and_then(|t| t.node_reference()) {
            Some(Ok((store, path))) => return Check::Node(store.to_string(), path),
            Some(Err(e)) => {
                return Check::Skip(format!("the fragment is not a node path ({e})"));
            }
            None => {}
        }
    }
    match scheme.as_str() {
        "http" | "https" => Check::Head(base.to_string()),
        "s3" | "s3a" | "gs" | "az" | "adl" | "azure" | "abfs" | "abfss" => {
            Check::Object(base.to_string())
        }
        other => Check::Skip(format!("`{other}:` targets are not fetched")),
    }
}

/// Checks every external target of `hierarchy` (see the
/// [module documentation](self)) and makes a warning of each link to one
/// that does not answer. Only call this when the user asked.
pub fn check_external(hierarchy: &Hierarchy, options: &RemoteOptions) -> ExternalCheck {
    let targets = hierarchy
        .nodes()
        .iter()
        .filter_map(|n| n.links.as_deref())
        .flat_map(|v| v.links.iter())
        .filter(|l| l.target.is_external())
        .map(|l| l.target_str().to_string());
    let mut check = check_targets(targets, options);
    for node in hierarchy.nodes() {
        let Some(view) = node.links.as_deref() else {
            continue;
        };
        for link in view.links.iter() {
            if let Some(Reach::Unreachable(why)) = check.targets.get(link.target_str()) {
                check.findings.push(node.finding(
                    Rule::TargetReachable,
                    &format!("{}/target", link.pointer()),
                    format!(
                        "external target {:?} cannot be reached: {why}; expected it to answer (checked on request)",
                        link.target_str()
                    ),
                    None,
                ));
            }
        }
    }
    check
}

/// Checks these external targets (each distinct one once), without
/// findings. Only call this when the user asked.
pub fn check_targets(
    targets: impl IntoIterator<Item = String>,
    options: &RemoteOptions,
) -> ExternalCheck {
    let mut checks: BTreeMap<String, Check> = BTreeMap::new();
    for t in targets {
        if let std::collections::btree_map::Entry::Vacant(e) = checks.entry(t) {
            let check = classify(e.key());
            e.insert(check);
        }
    }
    let counter = std::sync::Arc::new(Counter::default());
    let targets = run(checks, options, &counter);
    ExternalCheck {
        targets,
        findings: Vec::new(),
        requests: counter.get(),
    }
}

/// Runs the checks on one runtime, each store opened once.
fn run(
    checks: BTreeMap<String, Check>,
    options: &RemoteOptions,
    counter: &std::sync::Arc<Counter>,
) -> BTreeMap<String, Reach> {
    let mut out = BTreeMap::new();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            for t in checks.into_keys() {
                out.insert(t, Reach::NotChecked(format!("no I/O runtime: {e}")));
            }
            return out;
        }
    };
    let client = reqwest_client(options.settings(), Elsewhere::Stop, true, None);
    // Each store once: the endpoints of the stores (and objects) named.
    let mut stores: HashMap<String, Result<Opened, String>> = HashMap::new();
    for check in checks.values() {
        if let Check::Node(base, _) | Check::Object(base) = check {
            if !stores.contains_key(base) {
                stores.insert(base.clone(), open_store(base, options, counter));
            }
        }
    }
    let work = checks.into_iter().map(|(target, check)| {
        let (client, stores) = (&client, &stores);
        async move {
            let reach = match check {
                Check::Skip(why) => Reach::NotChecked(why),
                Check::Head(url) => match client {
                    Ok(c) => head(c, &url, options, counter).await,
                    Err(e) => Reach::NotChecked(format!("no HTTP client: {e}")),
                },
                Check::Object(base) => match &stores[&base] {
                    Ok(Opened::Remote(e)) => object(e).await,
                    Ok(Opened::Local(_)) => Reach::NotChecked("a local path".to_string()),
                    Err(why) => Reach::Unreachable(why.clone()),
                },
                Check::Node(base, path) => match &stores[&base] {
                    Ok(store) => node(store, &path).await,
                    Err(why) => Reach::Unreachable(why.clone()),
                },
            };
            (target, reach)
        }
    });
    let results: Vec<(String, Reach)> = runtime.block_on(
        futures::stream::iter(work)
            .buffer_unordered(options.concurrency.max(1))
            .collect(),
    );
    out.extend(results);
    out
}

/// A store named by external targets.
enum Opened {
    Remote(Endpoint),
    Local(LocalStore),
}

fn open_store(
    base: &str,
    options: &RemoteOptions,
    counter: &std::sync::Arc<Counter>,
) -> Result<Opened, String> {
    if let Some(rest) = base.strip_prefix("file://") {
        let path = percent_decode(rest).map_err(|e| format!("{base}: {e}"))?;
        let path = path.strip_prefix("localhost").unwrap_or(&path);
        return LocalStore::open(std::path::Path::new(path))
            .map(Opened::Local)
            .map_err(|e| e.to_string());
    }
    let mut e = endpoint(base, options).map_err(|e| e.to_string())?;
    e.counter = std::sync::Arc::clone(counter);
    Ok(Opened::Remote(e))
}

/// Whether the node exists: one of its metadata documents does.
async fn node(store: &Opened, path: &NodePath) -> Reach {
    let files = ["zarr.json", ".zgroup", ".zarray"];
    for file in files {
        let key = zarr_links_model::path::join_key(path.key_prefix(), file);
        let found = match store {
            Opened::Local(s) => s.get(&key).map(|d| d.is_some()).map_err(|e| e.to_string()),
            Opened::Remote(e) => match path_of(e, &key) {
                Err(err) => Err(err.to_string()),
                Ok(p) => match get(e, &key, &p).await {
                    Err(fatal) => return Reach::Unreachable(fatal.to_string()),
                    Ok(read) => read.map(|d| d.is_some()).map_err(|e| e.to_string()),
                },
            },
        };
        match found {
            Ok(true) => return Reach::Reachable(format!("node found ({key})")),
            Ok(false) => {}
            Err(why) => return Reach::Unreachable(why),
        }
    }
    Reach::Unreachable(format!(
        "the store has no node {path} (none of {} exists)",
        files
            .map(|f| zarr_links_model::path::join_key(path.key_prefix(), f))
            .join(", ")
    ))
}

/// Whether an object exists (a HEAD request).
async fn object(e: &Endpoint) -> Reach {
    use object_store::ObjectStoreExt;
    match e.store.head(&e.prefix).await {
        Ok(_) => Reach::Reachable("object found".to_string()),
        Err(err) => Reach::Unreachable(crate::errors::explain(&err, e.timeout, e.retries)),
    }
}

/// HEAD (or GET, where HEAD is not allowed) of a URL, with retries on
/// connection errors and server errors.
async fn head(
    client: &reqwest::Client,
    url: &str,
    options: &RemoteOptions,
    counter: &Counter,
) -> Reach {
    let mut method = reqwest::Method::HEAD;
    let mut attempt = 0;
    loop {
        counter.add();
        let sent = client.request(method.clone(), url).send().await;
        let retry = match &sent {
            Ok(r) => r.status().is_server_error() && r.status() != 501,
            Err(e) => e.is_connect() || e.is_timeout(),
        };
        if retry && attempt < options.retries {
            attempt += 1;
            tokio::time::sleep(Duration::from_millis(200 << attempt.min(4))).await;
            continue;
        }
        return match sent {
            Ok(r)
                if (r.status() == 405 || r.status() == 501) && method == reqwest::Method::HEAD =>
            {
                method = reqwest::Method::GET;
                attempt = 0;
                continue;
            }
            Ok(r) if r.status().is_success() => Reach::Reachable(format!("HTTP {}", r.status())),
            Ok(r) if r.status().is_redirection() => {
                let to = r
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .unwrap_or("?");
                Reach::Reachable(format!("HTTP {}, to {to}", r.status()))
            }
            Ok(r) => Reach::Unreachable(format!("HTTP {}", r.status())),
            Err(e) if e.is_timeout() => Reach::Unreachable(format!(
                "no answer within the timeout of {} s",
                options.timeout.as_secs_f64()
            )),
            Err(e) => {
                let mut deepest: &dyn std::error::Error = &e;
                while let Some(s) = deepest.source() {
                    deepest = s;
                }
                let what = if e.is_connect() {
                    "cannot connect: "
                } else {
                    ""
                };
                Reach::Unreachable(format!("{what}{deepest}"))
            }
        };
    }
}
