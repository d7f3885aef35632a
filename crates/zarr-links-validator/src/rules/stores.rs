//! Stores: `links.store.metadata`, `links.store.layout`,
//! `links.store.parent` and `links.store.consolidated`. The store loader
//! finds these while reading the documents (what a node is, and the parent
//! chain, are decided there, so that every front end sees the same nodes);
//! this module passes its findings on.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/stores.html>

use zarr_links_model::Finding;

use super::Context;

/// The findings of the store loader.
pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    out.extend(ctx.hierarchy.findings.iter().cloned());
}
