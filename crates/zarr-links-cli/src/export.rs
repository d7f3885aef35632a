//! `zarr-links export`: a store's links as STAC (assets and links, or a
//! whole Item) or as an Atom feed with DCP-8 link attributes. The command
//! opens the store and writes; the crosswalk itself is the
//! `zarr-links-export` crate.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/interoperability.html>

use std::path::{Path, PathBuf};

use zarr_links_export::atom::{self, AtomOptions};
use zarr_links_export::geo::Bbox;
use zarr_links_export::href::BaseUrl;
use zarr_links_export::stac::{self, ItemOptions, StacOptions};
use zarr_links_export::time::{Timestamp, When};

use crate::navigate;
use crate::source::{Location, RemoteArgs};

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// STAC 1.1.0 JSON: `assets` and `links` to merge into the product's Item (or, with --item, a whole Item).
    Stac,
    /// An Atom feed: one entry per node with links, each link a `<link>` with DCP-8's attributes.
    Atom,
}

const LONG_ABOUT: &str = "\
Export a store's links for catalogues: as STAC or as an Atom feed whose links carry the \
attributes of ESIP DCP-8. The mapping of each relationship type is the crosswalk of the \
book (Interaction with existing conventions); nothing is dropped silently: what the target \
vocabulary cannot say is kept and explained in notes inside the output (STAC: \
properties.\"zarr_links:notes\"; Atom: <zl:note> elements).

STAC (the default): a JSON object with `assets` (one per node that a link or an index names, \
plus the store root under the key `/`; href = the node's path joined to --base-url, type \
`application/vnd.zarr; version=3` or 2, roles from the links) and `links` (a `store` link, \
then one per link to a target outside the store). With --item --id ID --datetime TIME it is a \
complete STAC Item (stac_version 1.1.0, no extensions); its bbox and geometry come from \
--bbox, else from the store's proj: and spatial: attributes (EPSG:4326, OGC:CRS84 and the WGS \
84 UTM zones), else the geometry is null.

Atom: one <entry> per node that declares links; core types are written as the IRIs of their \
definitions in the book, registered types bare, extension types as they are; role and \
protocol become xlink:role and xlink:arcrole.

A store without links gives empty but valid output. Targets are never fetched.

Examples:
  zarr-links export STORE --base-url s3://bucket/S2.zarr
  zarr-links export STORE --item --id S2B --datetime 2025-01-13T10:33:09Z -o item.json
  zarr-links export STORE --format atom --updated 2025-01-13T12:00:00Z

Exit status: 0 written, 2 the store could not be read, the output could not be written, or \
the command line was wrong.";

/// Arguments of `zarr-links export`.
#[derive(Debug, clap::Args)]
#[command(
    about = "Export the links as STAC (assets and links, or an Item) or as an Atom feed (DCP-8)",
    long_about = LONG_ABOUT
)]
pub struct Args {
    /// The store (Zarr v2 or v3, consolidated or not): its root directory,
    /// or its URL (`https://`, `s3://`, `gs://`, `az://`, `file://`).
    pub store: std::ffi::OsString,
    /// `stac` (JSON) or `atom` (XML).
    #[arg(long, value_enum, default_value_t = Format::Stac)]
    pub format: Format,
    /// The store's URL, an absolute URI without query or fragment; node URLs are its path
    /// joined with the node path. Default: the URL the store was read from (file:// for a
    /// directory).
    #[arg(long, value_name = "URL", value_parser = BaseUrl::parse)]
    pub base_url: Option<BaseUrl>,
    /// (stac) Print a complete STAC Item instead of assets and links; needs --id and --datetime.
    #[arg(long, requires_all = ["id", "datetime"])]
    pub item: bool,
    /// (stac, with --item) The Item's id (not empty).
    #[arg(long, requires = "item", value_parser = non_empty)]
    pub id: Option<String>,
    /// (stac, with --item) The Item's datetime, RFC 3339 (2025-01-13T10:33:09Z), or an
    /// interval START/END; written in UTC.
    #[arg(long, value_name = "TIME", requires = "item", value_parser = When::parse)]
    pub datetime: Option<When>,
    /// (stac, with --item) The Item's bounding box in WGS 84 degrees, W,S,E,N. Default: from
    /// the store's proj: and spatial: attributes, else none (null geometry).
    #[arg(long, value_name = "W,S,E,N", requires = "item", value_parser = Bbox::parse, allow_hyphen_values = true)]
    pub bbox: Option<Bbox>,
    /// (atom) The feed's and entries' `updated`, RFC 3339. Default: now.
    #[arg(long, value_name = "TIME", value_parser = Timestamp::parse)]
    pub updated: Option<Timestamp>,
    /// (atom) The feed's author. Default: "unknown" (Atom requires an author).
    #[arg(long, value_name = "NAME")]
    pub author: Option<String>,
    /// (atom) The feed's title. Default: the root group's `title` attribute, else "Links of URL".
    #[arg(long)]
    pub title: Option<String>,
    /// Write to FILE instead of standard output. An existing file is kept unless --force.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace FILE when it exists (written to a temporary file, then renamed).
    #[arg(long, requires = "output")]
    pub force: bool,
    /// How to read a remote store.
    #[command(flatten)]
    pub remote: RemoteArgs,
}

fn non_empty(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        Err("an Item id cannot be empty".to_string())
    } else {
        Ok(s.to_string())
    }
}

/// Runs the command.
pub fn run(args: Args) -> u8 {
    match run_inner(args) {
        Ok(()) => 0,
        Err(code) => code,
    }
}

fn usage(message: &str) -> u8 {
    eprintln!("zarr-links export: {message}\n\nFor more information, try '--help'.");
    2
}

fn run_inner(args: Args) -> Result<(), u8> {
    let atom_only = [
        ("--updated", args.updated.is_some()),
        ("--author", args.author.is_some()),
        ("--title", args.title.is_some()),
    ];
    match args.format {
        Format::Stac => {
            if let Some((flag, _)) = atom_only.iter().find(|(_, given)| *given) {
                return Err(usage(&format!(
                    "{flag} belongs to --format atom; a STAC export has no use for it"
                )));
            }
        }
        Format::Atom if args.item => {
            return Err(usage(
                "--item belongs to --format stac; an Atom feed is always a whole feed",
            ))
        }
        Format::Atom => {}
    }
    if let Some(out) = &args.output {
        if !args.force && std::fs::symlink_metadata(out).is_ok() {
            eprintln!(
                "zarr-links export: {} exists; pass --force to replace it",
                out.display()
            );
            return Err(2);
        }
    }
    let location = Location::parse(&args.store).map_err(|e| {
        eprintln!("zarr-links export: {e}");
        2
    })?;
    let progress = crate::progress::allowed(args.output.is_some());
    let opened = navigate::open_with("export", &location, &args.remote, progress, true)?;
    let base = match (args.base_url, &opened.local) {
        (Some(b), _) => b,
        (None, Some(local)) => BaseUrl::from_local_path(&local.root().to_string_lossy()),
        (None, None) => BaseUrl::parse(&opened.shown).map_err(|e| {
            eprintln!("zarr-links export: {e}; give the store's URL with --base-url");
            2
        })?,
    };
    let text = match args.format {
        Format::Stac => {
            let item = match (args.item, args.id, args.datetime) {
                (true, Some(id), Some(when)) => Some(ItemOptions {
                    id,
                    when,
                    bbox: args.bbox,
                }),
                _ => None,
            };
            let value = stac::export(&opened.hierarchy, &StacOptions { base, item });
            let mut s = serde_json::to_string_pretty(&value).expect("JSON values serialise");
            s.push('\n');
            s
        }
        Format::Atom => {
            let updated = args.updated.unwrap_or_else(now);
            atom::export(
                &opened.hierarchy,
                &AtomOptions {
                    base,
                    updated,
                    author: args.author.unwrap_or_else(|| "unknown".to_string()),
                    title: args.title,
                },
            )
        }
    };
    match &args.output {
        None => navigate::print("export", &text),
        Some(path) => write_file(path, &text),
    }
}

/// The current time, to the second.
fn now() -> Timestamp {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    Timestamp::from_unix(seconds)
}

fn write_file(path: &Path, text: &str) -> Result<(), u8> {
    zarr_links_store::write_atomic(path, text.as_bytes()).map_err(|e| {
        eprintln!("zarr-links export: cannot write {}: {e}", path.display());
        2
    })
}
