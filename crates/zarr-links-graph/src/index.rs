//! Computing a `links:index` from the declared links.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use zarr_links_model::{CoreRelation, LinksIndex};

use crate::build::{LinkGraph, NodeId};

/// The categories [`LinkGraph::computed_index`] can produce, in the order it
/// writes them.
pub const CATEGORY_ORDER: [&str; 5] = ["quality", "derived", "sources", "alternates", "composites"];

/// How [`LinkGraph::computed_index`] derives its categories, in words; the
/// command line prints this in `zarr-links index --help`.
pub const COMPUTED_INDEX_DOC: &str = "\
Categories are computed from the declared links (entries of `links:relationships`) \
whose source and target are both nodes of the store; external targets, missing \
targets and links that cannot be read are left out:
  quality     the nodes that declare `quality_for` (masks, flags, uncertainties)
  derived     the nodes that declare `derived_from` (products computed from others)
  sources     the targets of `derived_from` and `quality_for` that are themselves
              in neither `quality` nor `derived` (the original measurements)
  alternates  both ends of every `same_as` link
  composites  the targets of `part_of` and the nodes that declare `contains`
Each category lists absolute paths, each once, sorted by code point; a category \
with no members is left out, and the categories come in the order above.";

impl<'h> LinkGraph<'h> {
    /// Derives a `links:index` from the declared links, as
    /// [`COMPUTED_INDEX_DOC`] describes. The result depends only on the
    /// links, not on the order they were written in.
    ///
    /// ```json
    /// {"quality": ["/quality/mask/r10m/b04"], "derived": ["/indices/ndvi"],
    ///  "sources": ["/measurements/reflectance/r10m/b04"]}
    /// ```
    pub fn computed_index(&self) -> LinksIndex {
        let mut quality = BTreeSet::new();
        let mut derived = BTreeSet::new();
        let mut inputs = BTreeSet::new();
        let mut alternates = BTreeSet::new();
        let mut composites = BTreeSet::new();
        for (_, e) in self.edges() {
            if e.derived || !self.class(e.source).in_store() || !self.class(e.target).in_store() {
                continue;
            }
            let (s, t) = (self.name(e.source), self.name(e.target));
            match self.edge_type(e).core() {
                Some(CoreRelation::QualityFor) => {
                    quality.insert(s);
                    inputs.insert(t);
                }
                Some(CoreRelation::DerivedFrom) => {
                    derived.insert(s);
                    inputs.insert(t);
                }
                Some(CoreRelation::SameAs) => {
                    alternates.insert(s);
                    alternates.insert(t);
                }
                Some(CoreRelation::PartOf) => {
                    composites.insert(t);
                }
                Some(CoreRelation::Contains) => {
                    composites.insert(s);
                }
                _ => {}
            }
        }
        let sources: BTreeSet<&str> = inputs
            .into_iter()
            .filter(|n| !quality.contains(n) && !derived.contains(n))
            .collect();
        let mut index = Map::new();
        for (name, members) in CATEGORY_ORDER
            .iter()
            .zip([quality, derived, sources, alternates, composites])
        {
            if !members.is_empty() {
                let list = members
                    .into_iter()
                    .map(|m| Value::String(m.to_string()))
                    .collect();
                index.insert((*name).to_string(), Value::Array(list));
            }
        }
        LinksIndex(index)
    }

    /// The index to store on the root: the computed categories merged into
    /// `current` (the root's present `links:index`), unless `replace`.
    /// Categories of `current` that the computation does not produce are
    /// kept in their place; computed ones replace same-named ones in place;
    /// new ones are appended. Returns the index and the kept categories.
    pub fn merged_index(
        &self,
        current: Option<&Map<String, Value>>,
        replace: bool,
    ) -> (Map<String, Value>, Vec<String>) {
        let computed = self.computed_index().0;
        let mut kept = Vec::new();
        let mut out = Map::new();
        if let (Some(current), false) = (current, replace) {
            for (name, entries) in current {
                match computed.get(name) {
                    Some(c) => {
                        out.insert(name.clone(), c.clone());
                    }
                    None => {
                        kept.push(name.clone());
                        out.insert(name.clone(), entries.clone());
                    }
                }
            }
        }
        for (name, entries) in computed {
            if !out.contains_key(&name) {
                out.insert(name, entries);
            }
        }
        (out, kept)
    }

    /// Whether the node is a store node that takes part in any declared link
    /// (as source or target).
    pub fn is_linked(&self, node: NodeId) -> bool {
        self.out_edges(node).any(|(_, e)| !e.derived)
            || self.in_edges(node).any(|(_, e)| !e.derived)
    }
}
