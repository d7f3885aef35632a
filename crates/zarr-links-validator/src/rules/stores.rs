//! Stores: `links.store.metadata`, `links.store.layout` and
//! `links.store.consolidated`. The store loader finds these while reading
//! the documents; this module passes its findings on.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/stores.html>

use zarr_links_model::Finding;

use super::Context;

/// The findings of the store loader.
pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    out.extend(ctx.hierarchy.findings.iter().cloned());
}
