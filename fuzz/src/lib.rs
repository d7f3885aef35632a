//! Shared pieces of the zarr-links fuzz targets.
//!
//! - [`store`]: an in-memory [`zarr_links_store::Store`] read from a simple
//!   framed format, so that seeds are made from the conformance stores and
//!   libFuzzer mutates them byte by byte.
//! - [`raw`]: the members of a JSON object with the byte span of each
//!   value, found by `serde_json` itself (independently of the editor under
//!   test).
//! - [`checks`]: properties of reports, link graphs and their drawings.

pub mod checks;
pub mod raw;
pub mod store;
