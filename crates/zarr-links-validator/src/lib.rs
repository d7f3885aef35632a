//! The reference validator of the GeoZarr Linked Datasets convention.
//!
//! It turns a loaded store (a [`Hierarchy`], whose nodes carry the
//! convention's attributes read once into typed views) into a [`Report`]: a
//! verdict and findings, each with its stable requirement ID, node, file and
//! JSON pointer. It does no I/O of its own: [`validate_path`] and
//! [`validate_store`] load the store with `zarr-links-store` first.
//!
//! The rules are arranged as the specification's chapters are
//! ([`zarr_links_model::rules::Topic`]): the declaration, relationships,
//! targets, node kinds, consistency (answered by the link graph of
//! `zarr-links-graph`: cycles, inverses, suggestions), discovery and stores.
//! Schema-level findings come from the embedded JSON Schemas, compiled once
//! per process and run only on the documents whose view is not certainly
//! valid; their rule is read from the schema location of the error.
//!
//! ```no_run
//! let report = zarr_links_validator::validate_path(std::path::Path::new("data.zarr"))?;
//! for f in &report.findings {
//!     println!("{}[{}] {}: {}", f.severity.as_str(), f.rule, f.node, f.message);
//! }
//! # Ok::<(), zarr_links_validator::OpenError>(())
//! ```
//!
//! Performance: each metadata document is read and parsed once (in
//! parallel), and the checks are linear in nodes + links. The scale
//! benchmark compares validation with merely reading and parsing the same
//! files, on synthetic stores of 10,000 and 100,000 arrays, and reports the
//! peak memory:
//!
//! ```text
//! cargo bench -p zarr-links-validator
//! ```
//!
//! Spec: <https://zarr-links.github.io/zarr-links/validation.html>

mod rules;
pub mod schema;

use serde::Serialize;
use zarr_links_graph::LinkGraph;
use zarr_links_model::{Coverage, Hierarchy, Severity};

pub use zarr_links_model::Finding;
#[cfg(feature = "fs")]
pub use zarr_links_store::LocalStore;
pub use zarr_links_store::{OpenError, Store};

/// The outcome of validating one store.
///
/// Spec: <https://zarr-links.github.io/zarr-links/validation.html>
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// `true` when there is no error finding (warnings allowed).
    pub valid: bool,
    /// Whether any node uses or declares the convention.
    pub convention_used: bool,
    /// The store, as given.
    pub store: String,
    /// 2 or 3.
    pub zarr_format: u8,
    /// Whether the nodes came from consolidated metadata.
    pub consolidated: bool,
    /// How much of the store was checked: `complete`; `consolidated` (the
    /// consolidated metadata was trusted, per-node documents not read); or
    /// `reached` (a store that cannot be listed: only the nodes reached
    /// from the root were checked, and `valid` speaks for them only).
    pub coverage: Coverage,
    /// How many nodes were read (nodes whose document could not be read are
    /// reported as findings, not counted).
    pub nodes: usize,
    /// How many error findings.
    pub errors: usize,
    /// How many warning findings.
    pub warnings: usize,
    /// Every finding, sorted by node path, file, pointer and rule.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Adds findings made outside the validator (e.g. by a front end that
    /// checks external targets on request), keeping the findings sorted and
    /// the counts and the verdict right.
    pub fn add_findings(&mut self, findings: impl IntoIterator<Item = Finding>) {
        self.findings.extend(findings);
        self.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.findings.dedup();
        self.errors = self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        self.warnings = self.findings.len() - self.errors;
        self.valid = self.errors == 0;
    }
}

/// Validates a store read through the [`Store`] trait.
///
/// Spec: <https://zarr-links.github.io/zarr-links/validation.html>
pub fn validate_store(store: &dyn Store) -> Result<Report, OpenError> {
    let hierarchy = zarr_links_store::load(store)?;
    Ok(validate(&hierarchy))
}

/// Opens a local directory store and validates it.
///
/// Spec: <https://zarr-links.github.io/zarr-links/validation.html>
#[cfg(feature = "fs")]
pub fn validate_path(path: &std::path::Path) -> Result<Report, OpenError> {
    let store = LocalStore::open(path)?;
    validate_store(&store)
}

/// Checks one node on its own, without the rest of its store: the
/// schema-level rules, and in Zarr v2 `links.index.on-group` (which needs
/// the node's kind, in another document there). This is what a JSON Schema
/// validator plus the node kind can say; a whole store is checked with
/// [`validate`].
///
/// Spec: <https://zarr-links.github.io/zarr-links/validation.html>
pub fn check_node(node: &zarr_links_model::Node) -> Vec<Finding> {
    schema::compile();
    let mut out = schema::check(node);
    if let Some(view) = node.links.as_deref() {
        rules::discovery::check_alone(node, view, &mut out);
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.dedup();
    out
}

/// Validates a loaded store. Pure: no I/O.
///
/// Spec: <https://zarr-links.github.io/zarr-links/validation.html>
pub fn validate(hierarchy: &Hierarchy) -> Report {
    schema::compile();
    let ctx = rules::Context {
        hierarchy,
        graph: LinkGraph::build(hierarchy),
    };
    let mut report = Report {
        valid: true,
        convention_used: hierarchy.convention_used(),
        store: hierarchy.store.clone(),
        zarr_format: hierarchy.format.number(),
        consolidated: hierarchy.consolidated,
        coverage: hierarchy.coverage,
        nodes: hierarchy.nodes().len(),
        errors: 0,
        warnings: 0,
        findings: Vec::new(),
    };
    report.add_findings(rules::check(&ctx));
    report
}
