//! `Report` and `Finding`: the validator's report as Python objects.

use pyo3::prelude::*;
use pyo3::types::PyList;
use zarr_links_model::{Coverage, Finding as RustFinding};
use zarr_links_validator::Report as RustReport;

use crate::json_to_python;

/// One broken requirement at one place in a store.
///
/// The fields are those of a finding in `zarr-links validate --format json`:
/// `rule` (the requirement ID, e.g. `links.target.resolves`), `severity`
/// (`"error"` or `"warning"`), `node` (the node's absolute path), `file` (the
/// store key of the document, or None), `pointer` (a JSON pointer into
/// `file`), `message` (what was found and what was expected) and `hint`
/// (how to fix it, or None).
#[pyclass(frozen, eq, module = "zarr_links", name = "Finding")]
#[derive(PartialEq)]
pub struct Finding(RustFinding);

#[pymethods]
impl Finding {
    /// The requirement ID, e.g. `links.target.resolves`.
    #[getter]
    fn rule(&self) -> String {
        self.0.rule.to_string()
    }

    /// `"error"` or `"warning"`.
    #[getter]
    fn severity(&self) -> &'static str {
        self.0.severity.as_str()
    }

    /// The node's absolute path in the store, e.g. `/quality/cloud_mask`.
    #[getter]
    fn node(&self) -> &str {
        &self.0.node
    }

    /// The store key of the document the pointer points into, or None.
    #[getter]
    fn file(&self) -> Option<&str> {
        self.0.file.as_deref()
    }

    /// A JSON pointer into `file`.
    #[getter]
    fn pointer(&self) -> &str {
        &self.0.pointer
    }

    /// What was found and what was expected.
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }

    /// How to fix it, or None.
    #[getter]
    fn hint(&self) -> Option<&str> {
        self.0.hint.as_deref()
    }

    /// The finding as a dict, as in the JSON report.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_python(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "<Finding {}[{}] {} {}>",
            self.0.severity.as_str(),
            self.0.rule,
            self.0.node,
            location(&self.0)
        )
    }

    fn __str__(&self) -> String {
        format!(
            "{}[{}] {}: {}",
            self.0.severity.as_str(),
            self.0.rule,
            location(&self.0),
            self.0.message
        )
    }
}

/// `file#pointer`, as the text report writes it.
fn location(f: &RustFinding) -> String {
    match (&f.file, f.pointer.is_empty()) {
        (Some(file), true) => file.clone(),
        (Some(file), false) => format!("{file}#{}", f.pointer),
        (None, _) => f.pointer.clone(),
    }
}

/// The outcome of validating one store.
///
/// `valid` is True when there is no error (warnings allowed). `findings`
/// lists every finding, sorted by node, file, pointer and rule. `to_dict()`
/// gives the same object as `zarr-links validate --format json`; `str()`
/// gives the text report of `zarr-links validate`.
#[pyclass(frozen, module = "zarr_links", name = "Report")]
pub struct Report {
    inner: RustReport,
    findings: Vec<Py<Finding>>,
}

impl Report {
    /// Wraps the validator's report.
    pub fn new(py: Python<'_>, inner: RustReport) -> PyResult<Report> {
        let findings = inner
            .findings
            .iter()
            .map(|f| Py::new(py, Finding(f.clone())))
            .collect::<PyResult<_>>()?;
        Ok(Report { inner, findings })
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[pymethods]
impl Report {
    /// True when the store has no error finding (warnings allowed).
    #[getter]
    fn valid(&self) -> bool {
        self.inner.valid
    }

    /// Every finding (`Finding`), sorted by node, file, pointer and rule.
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.findings.iter().map(|f| f.clone_ref(py)))
    }

    /// Whether any node uses or declares the convention.
    #[getter]
    fn convention_used(&self) -> bool {
        self.inner.convention_used
    }

    /// The store, as given (a path, or a description of the store object).
    #[getter]
    fn store(&self) -> &str {
        &self.inner.store
    }

    /// The store's Zarr format: 2 or 3.
    #[getter]
    fn zarr_format(&self) -> u8 {
        self.inner.zarr_format
    }

    /// Whether the nodes came from consolidated metadata.
    #[getter]
    fn consolidated(&self) -> bool {
        self.inner.consolidated
    }

    /// How much of the store was checked: `"complete"`; `"consolidated"`
    /// (the consolidated metadata was trusted, per-node documents not read);
    /// or `"reached"` (a store that cannot be listed and has no consolidated
    /// metadata: only the nodes reached from the root, and `valid` speaks
    /// for them only).
    #[getter]
    fn coverage(&self) -> String {
        serde_json::to_value(self.inner.coverage)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// How many nodes (groups and arrays) were read.
    #[getter]
    fn nodes(&self) -> usize {
        self.inner.nodes
    }

    /// How many findings are errors.
    #[getter]
    fn errors(&self) -> usize {
        self.inner.errors
    }

    /// How many findings are warnings.
    #[getter]
    fn warnings(&self) -> usize {
        self.inner.warnings
    }

    /// The report as a dict: the same object as `zarr-links validate
    /// --format json` prints.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_python(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        let verdict = match (self.inner.valid, self.inner.coverage) {
            (true, Coverage::Reached) => "valid for the nodes reached",
            (true, _) => "valid",
            (false, _) => "invalid",
        };
        format!(
            "<Report {verdict}: {}, {} in {}>",
            plural(self.inner.errors, "error", "errors"),
            plural(self.inner.warnings, "warning", "warnings"),
            plural(self.inner.nodes, "node", "nodes"),
        )
    }

    fn __str__(&self) -> String {
        zarr_links_cli::shared::report_text(&self.inner)
    }
}
