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

    /// The index to store on the root ([`IndexPlan`]): the root's current
    /// index (`current`) unchanged, with each computed category added after
    /// it when no `links:index` of the store, on the root or on any other
    /// group, has a category of that name yet. A category someone wrote is
    /// never replaced or extended. With `replace`, the plan is the computed
    /// categories alone.
    ///
    /// Spec: <https://zarr-links.github.io/zarr-links/discovery.html#writing-an-index>
    pub fn merged_index(&self, current: Option<&Map<String, Value>>, replace: bool) -> IndexPlan {
        let computed = self.computed_index().0;
        let mut plan = IndexPlan::default();
        if let (Some(current), false) = (current, replace) {
            for (name, entries) in current {
                plan.kept.push(name.clone());
                plan.index.insert(name.clone(), entries.clone());
            }
        }
        for (name, entries) in computed {
            let written = (!replace)
                .then(|| {
                    plan.index.contains_key(&name).then_some("/").or_else(|| {
                        self.categories
                            .iter()
                            .find(|c| c.name == name)
                            .map(|c| self.name(c.group))
                    })
                })
                .flatten();
            match written {
                Some(group) => plan.not_added.push(NotAdded {
                    name,
                    group: group.to_string(),
                    computed: entries.as_array().map_or(0, Vec::len),
                }),
                None => {
                    plan.added.push(name.clone());
                    plan.index.insert(name, entries);
                }
            }
        }
        plan
    }

    /// Whether the node is a store node that takes part in any declared link
    /// (as source or target).
    pub fn is_linked(&self, node: NodeId) -> bool {
        self.out_edges(node).any(|(_, e)| !e.derived)
            || self.in_edges(node).any(|(_, e)| !e.derived)
    }
}

/// The root `links:index` that `zarr-links index` prints and `--write`
/// stores, and where each category comes from.
///
/// Spec: <https://zarr-links.github.io/zarr-links/discovery.html#writing-an-index>
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexPlan {
    /// The index: kept categories first, in their order, then added ones.
    pub index: Map<String, Value>,
    /// The categories of the root's current index, kept as they are.
    pub kept: Vec<String>,
    /// The computed categories that were added.
    pub added: Vec<String>,
    /// The computed categories left out because an index already has a
    /// category of that name.
    pub not_added: Vec<NotAdded>,
}

/// A computed category that [`LinkGraph::merged_index`] did not add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAdded {
    /// The category name, e.g. `derived`.
    pub name: String,
    /// The group whose `links:index` already has it (`/` for the root).
    pub group: String,
    /// How many members the computed category would have had.
    pub computed: usize,
}
