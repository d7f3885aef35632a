//! Where a command's STORE comes from: the one place that reads a STORE
//! argument (a local directory, `file://`, or the URL of a remote store),
//! opens it and loads its metadata, for every read command. Remote stores
//! are read by `zarr-links-remote` (cargo feature `remote`, on by default).
//!
//! Spec: <https://zarr-links.github.io/zarr-links/implementers.html#remote-stores>

use std::ffi::OsStr;
use std::path::PathBuf;

use zarr_links_model::path::percent_decode;
use zarr_links_model::Hierarchy;
use zarr_links_store::{load_with, LoadOptions, LocalStore};

use crate::progress::Progress;

/// A STORE argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A local directory (also from a `file://` URL).
    Local(PathBuf),
    /// The URL of a remote store (`http(s)://`, `s3://`, `gs://`, `az://`, ...).
    Remote(String),
}

/// Whether `s` starts with a URL scheme and `://`.
fn scheme_of(s: &str) -> Option<&str> {
    let (scheme, _) = s.split_once("://")?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

impl Location {
    /// Reads a STORE argument: `scheme://...` is a URL (`file://` a local
    /// path), anything else a local path.
    pub fn parse(arg: &OsStr) -> Result<Location, String> {
        let Some(s) = arg.to_str() else {
            return Ok(Location::Local(PathBuf::from(arg)));
        };
        match scheme_of(s) {
            None => Ok(Location::Local(PathBuf::from(arg))),
            Some(scheme) if scheme.eq_ignore_ascii_case("file") => {
                let rest = &s[scheme.len() + 3..];
                let path = rest.strip_prefix("localhost").unwrap_or(rest);
                if !path.starts_with('/') {
                    return Err(format!(
                        "{s}: a file URL names a local absolute path, as in file:///data/store.zarr"
                    ));
                }
                let decoded = percent_decode(path).map_err(|e| format!("{s}: {e}"))?;
                Ok(Location::Local(PathBuf::from(decoded)))
            }
            Some(_) => Ok(Location::Remote(s.to_string())),
        }
    }

    /// The store as the user gave it, for reports and messages.
    pub fn shown(&self) -> String {
        match self {
            Location::Local(p) => p.display().to_string(),
            Location::Remote(u) => u.clone(),
        }
    }
}

/// How to read remote stores: options shared by the read commands.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Remote stores (STORE given as a URL)")]
pub struct RemoteArgs {
    /// Send unsigned requests, for public buckets (S3, GCS, Azure): no
    /// credentials are looked up. Credentials otherwise come from the usual
    /// environment variables (`AWS_ACCESS_KEY_ID`, `AWS_PROFILE`, ...,
    /// `GOOGLE_APPLICATION_CREDENTIALS`, `AZURE_STORAGE_ACCOUNT_NAME`, ...)
    /// and the AWS shared config and credentials files.
    #[arg(long, visible_alias = "no-sign-request")]
    pub anonymous: bool,
    /// The endpoint of an S3-compatible service for `s3://` stores (MinIO,
    /// Ceph, ...), e.g. `http://127.0.0.1:9000`; overrides
    /// `AWS_ENDPOINT_URL`.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Requests in flight at a time, per store.
    #[arg(long, value_name = "N", default_value_t = RemoteArgs::CONCURRENCY, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,
    /// Seconds one request may take, answer included, before it is
    /// abandoned (and tried again).
    #[arg(long, value_name = "SECONDS", default_value_t = RemoteArgs::TIMEOUT, value_parser = positive_seconds)]
    pub timeout: f64,
    /// How many times a failed request (connection error, timeout, HTTP
    /// 5xx, 429) is tried again.
    #[arg(long, value_name = "N", default_value_t = RemoteArgs::RETRIES, value_parser = clap::value_parser!(u8).range(0..=20))]
    pub retries: u8,
    /// Follow redirects to other hosts. By default a redirect to another
    /// host or port is refused, so that a server cannot send the reader
    /// elsewhere.
    #[arg(long)]
    pub follow_redirects: bool,
}

impl RemoteArgs {
    const CONCURRENCY: u16 = 32;
    const TIMEOUT: f64 = 30.0;
    const RETRIES: u8 = 3;
}

impl Default for RemoteArgs {
    /// The command line's defaults (for front ends without flags).
    fn default() -> Self {
        RemoteArgs {
            anonymous: false,
            endpoint_url: None,
            concurrency: RemoteArgs::CONCURRENCY,
            timeout: RemoteArgs::TIMEOUT,
            retries: RemoteArgs::RETRIES,
            follow_redirects: false,
        }
    }
}

fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 86_400.0 => Ok(v),
        _ => Err("expected a number of seconds above 0, such as 30 or 0.5".to_string()),
    }
}

/// A store, loaded.
pub struct Loaded {
    /// The store as the user gave it, for messages.
    pub shown: String,
    /// The loaded metadata.
    pub hierarchy: Hierarchy,
    /// The local store as opened, for writing; `None` for a remote store.
    pub local: Option<LocalStore>,
}

/// Why a remote store cannot be read by this build.
#[cfg(not(feature = "remote"))]
fn no_remote(url: &str) -> String {
    format!(
        "{url}: this zarr-links was built without remote stores (cargo feature `remote`); give a local directory"
    )
}

/// What a command needs loaded beyond the convention's view of each node.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wanted {
    /// Read every per-node document of a remote store too, not only its
    /// consolidated metadata (local stores always are).
    pub verify_consolidated: bool,
    /// Keep every node's attributes (`export` reads `proj:`, `title`, ...).
    pub keep_attributes: bool,
}

/// Opens and loads the store, as `wanted` says. A progress
/// display runs on the terminal while a remote store loads, when
/// `progress` allows it. The error is the message to print (exit code 2).
pub fn load_store(
    location: &Location,
    remote: &RemoteArgs,
    wanted: Wanted,
    progress: bool,
) -> Result<Loaded, String> {
    let shown = location.shown();
    match location {
        Location::Local(path) => {
            let store = LocalStore::open(path).map_err(|e| e.to_string())?;
            let hierarchy = load_local(&store, wanted)?;
            Ok(Loaded {
                shown,
                hierarchy,
                local: Some(store),
            })
        }
        #[cfg(not(feature = "remote"))]
        Location::Remote(url) => {
            let _ = (remote, wanted, progress);
            Err(no_remote(url))
        }
        #[cfg(feature = "remote")]
        Location::Remote(url) => {
            let r = zarr_links_remote::Remote::open(url, &remote.options())
                .map_err(|e| e.to_string())?;
            if wanted.verify_consolidated && !r.listing() {
                return Err(format!(
                    "{url}: --verify-consolidated needs a store that can be listed; a plain HTTP(S) server cannot be"
                ));
            }
            let bar = Progress::spinner(progress, &shown);
            let options = LoadOptions {
                keep_attributes: wanted.keep_attributes,
                ..r.load_options(wanted.verify_consolidated)
            };
            let hierarchy = r.load(options, &mut |p| {
                bar.set_message(format!(
                    "{} requests answered, {} in flight",
                    p.answered, p.in_flight
                ));
            });
            bar.finish();
            Ok(Loaded {
                shown,
                hierarchy: hierarchy.map_err(|e| e.to_string())?,
                local: None,
            })
        }
    }
}

/// Loads an opened local store, as `wanted` says ([`load_store`] does this
/// for a STORE argument; `index --write` opens the store and takes its
/// writers' lock first). The error is the message to print (exit code 2).
pub fn load_local(store: &LocalStore, wanted: Wanted) -> Result<Hierarchy, String> {
    let options = LoadOptions {
        keep_attributes: wanted.keep_attributes,
        ..LoadOptions::default()
    };
    load_with(store, options).map_err(|e| e.to_string())
}

#[cfg(feature = "remote")]
impl RemoteArgs {
    /// The options of the remote reader.
    pub fn options(&self) -> zarr_links_remote::RemoteOptions {
        let timeout = std::time::Duration::from_secs_f64(self.timeout);
        zarr_links_remote::RemoteOptions {
            anonymous: self.anonymous,
            concurrency: usize::from(self.concurrency),
            timeout,
            connect_timeout: timeout.min(std::time::Duration::from_secs(10)),
            retries: usize::from(self.retries),
            follow_redirects: self.follow_redirects,
            endpoint: self.endpoint_url.clone(),
        }
    }
}

/// What `--check-external` found: a warning per link to a target that
/// does not answer, and what each target gave.
#[cfg(feature = "remote")]
pub use zarr_links_remote::{ExternalCheck, Reach};

/// Checks every external target of the hierarchy, for `validate
/// --check-external`: a `links.target.reachable` warning per link to a
/// target that does not answer.
#[cfg(feature = "remote")]
pub fn check_external(hierarchy: &Hierarchy, remote: &RemoteArgs) -> ExternalCheck {
    zarr_links_remote::check_external(hierarchy, &remote.options())
}

/// Checks these external targets, for `related --check-external`.
#[cfg(feature = "remote")]
pub fn check_targets(targets: Vec<String>, remote: &RemoteArgs) -> ExternalCheck {
    zarr_links_remote::check_targets(targets, &remote.options())
}

/// Why `--check-external` cannot run in a build without remote stores.
#[cfg(not(feature = "remote"))]
pub const NO_CHECK_EXTERNAL: &str =
    "--check-external needs a zarr-links built with remote stores (cargo feature `remote`)";

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn parse(s: &str) -> Result<Location, String> {
        Location::parse(&OsString::from(s))
    }

    /// The defaults other front ends use are the command line's.
    #[test]
    fn remote_defaults_are_the_flags_defaults() {
        #[derive(clap::Parser)]
        struct Flags {
            #[command(flatten)]
            remote: RemoteArgs,
        }
        let parsed = <Flags as clap::Parser>::parse_from(["flags"]).remote;
        let default = RemoteArgs::default();
        assert_eq!(format!("{parsed:?}"), format!("{default:?}"));
    }

    #[test]
    fn store_arguments_are_paths_or_urls() {
        assert_eq!(
            parse("data/x.zarr"),
            Ok(Location::Local("data/x.zarr".into()))
        );
        assert_eq!(
            parse("C:\\data\\x.zarr"),
            Ok(Location::Local("C:\\data\\x.zarr".into()))
        );
        assert_eq!(parse("a:b/c"), Ok(Location::Local("a:b/c".into())));
        assert_eq!(
            parse("s3://bucket/x.zarr"),
            Ok(Location::Remote("s3://bucket/x.zarr".into()))
        );
        assert_eq!(
            parse("https://h/x.zarr/"),
            Ok(Location::Remote("https://h/x.zarr/".into()))
        );
        assert_eq!(
            parse("file:///data/my%20store.zarr"),
            Ok(Location::Local("/data/my store.zarr".into()))
        );
        assert_eq!(
            parse("FILE://localhost/data/x"),
            Ok(Location::Local("/data/x".into()))
        );
        assert!(parse("file://host/data").is_err());
        assert!(parse("file:///data/%zz").is_err());
    }
}
