//! The Python package `zarr_links`: the reference validator, the link graph
//! and the `zarr-links` command of the GeoZarr Linked Datasets convention,
//! for the Python users who write and read GeoZarr products.
//!
//! This crate is the extension module `zarr_links._core`, built with PyO3
//! as one abi3 wheel for CPython 3.10 and later by maturin (`pip install .`
//! at the repository root; `pyproject.toml` names this crate). The Python
//! sources beside it (`python/zarr_links/`) hold the public API, its type
//! stub and the console script.
//!
//! Nothing is reimplemented here: the findings, their rule IDs and the JSON
//! report come from `zarr-links-validator`, the graph from
//! `zarr-links-graph`, index writing and the text report from
//! `zarr-links-cli`, whose whole command line [`run_cli`] runs. This crate
//! only translates:
//!
//! - a local path is read by the Rust local backend, as the command line
//!   reads it;
//! - a zarr-python store (or the store of a zarr-python group or array) is
//!   read through zarr-python's own store API: the sans-I/O
//!   [`zarr_links_store::Loader`] says which keys and listings it needs,
//!   the Python side answers each batch concurrently, and the loader parses
//!   the answers (see [`source`]);
//! - errors become `zarr_links.ZarrLinksError`, panics included, so that a
//!   bug never takes the interpreter down.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/>

use std::ffi::OsString;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use serde_json::{Map, Value};
use zarr_links_graph::{render, Direction, LinkGraph, NodeClass};
use zarr_links_model::attributes::RELATIONSHIPS;
use zarr_links_model::convention::declare;
use zarr_links_model::{parse_target, NodePath, RelationType, ZarrFormat};

mod consolidate;
mod report;
mod source;

use report::Report;
use source::{load_source, Source};

create_exception!(
    zarr_links,
    ZarrLinksError,
    PyException,
    "A store that cannot be read or written, a store object of a kind the package does not read, or an argument it cannot use. The message says which and what to do."
);

/// A `ZarrLinksError` with `message`.
pub(crate) fn error(message: impl Into<String>) -> PyErr {
    ZarrLinksError::new_err(message.into())
}

/// Runs `f`, turning a panic into a `ZarrLinksError` that says it is a bug.
fn guarded<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(error(format!(
                "internal error in zarr-links ({what}); this is a bug, please report it"
            )))
        }
    }
}

/// A serialisable value as Python objects, through `json.loads`, so that a
/// dict is exactly what the command line prints as JSON.
pub(crate) fn json_to_python<'py>(
    py: Python<'py>,
    value: &impl serde::Serialize,
) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value).map_err(|e| error(e.to_string()))?;
    py.import("json")?.call_method1("loads", (text,))
}

/// Runs the `zarr-links` command line with `argv` (the program name first)
/// and returns its exit status: 0 valid or done, 1 invalid, 2 the store
/// could not be read or the command line was wrong. Output goes to the
/// process's standard output and error. The interpreter is released while
/// it runs.
#[pyfunction]
fn run_cli(py: Python<'_>, argv: Vec<OsString>) -> u8 {
    py.detach(|| {
        use std::io::Write;
        // 101 is what the binary exits with on a panic (whose message the
        // panic hook has printed).
        let code = catch_unwind(|| zarr_links_cli::run(argv)).unwrap_or(101);
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        code
    })
}

/// Validates a store: `store` is a path (`str`) or a store reader made by
/// `zarr_links._stores`. Returns a `Report`.
#[pyfunction]
fn validate(py: Python<'_>, store: &Bound<'_, PyAny>) -> PyResult<Report> {
    guarded(|| {
        let source = Source::from_python(store)?;
        let loaded = load_source(py, &source)?;
        let report = py.detach(|| zarr_links_validator::validate(&loaded.hierarchy));
        Report::new(py, report)
    })
}

/// The links to and from `node`, as `zarr-links related --format json`
/// gives them: a list of dicts.
#[pyfunction]
#[pyo3(signature = (store, node, r#type=None, direction="out"))]
fn related<'py>(
    py: Python<'py>,
    store: &Bound<'py, PyAny>,
    node: &str,
    r#type: Option<&str>,
    direction: &str,
) -> PyResult<Bound<'py, PyAny>> {
    guarded(|| {
        let direction = match direction {
            "out" => Direction::Out,
            "in" => Direction::In,
            "both" => Direction::Both,
            other => {
                return Err(error(format!(
                    "direction must be \"out\", \"in\" or \"both\", not {other:?}"
                )))
            }
        };
        let r#type = r#type.map(relation_type).transpose()?;
        let source = Source::from_python(store)?;
        let loaded = load_source(py, &source)?;
        let g = LinkGraph::build(&loaded.hierarchy);
        let id = g
            .find(node)
            .filter(|id| g.class(*id) != NodeClass::Missing)
            .ok_or_else(|| {
                let mut message = format!(
                    "{} has no node {node:?}",
                    source.describe().unwrap_or_default()
                );
                if !node.starts_with('/') && !node.contains(':') {
                    message.push_str(
                        " (node paths are absolute: they start at the store root with `/`)",
                    );
                }
                let similar: Vec<&str> = g
                    .suggest(node, 5)
                    .into_iter()
                    .map(|id| g.name(id))
                    .collect();
                if !similar.is_empty() {
                    message.push_str(&format!("; did you mean {}?", similar.join(", ")));
                }
                error(message)
            })?;
        let rows = g.related(id, direction, r#type.as_ref());
        json_to_python(py, &zarr_links_cli::shared::related_json(&g, &rows))
    })
}

/// Parses a relationship type as the validator does.
fn relation_type(t: &str) -> PyResult<RelationType> {
    RelationType::parse(t).map_err(|e| {
        error(format!(
            "{e}; use a core type (derived_from, quality_for, same_as, part_of, contains), an IANA link relation such as describedby, or an absolute URI"
        ))
    })
}

/// The whole link graph: a dict for `"json"` (as `zarr-links graph --format
/// json`), a string for `"dot"` and `"mermaid"`.
#[pyfunction]
#[pyo3(signature = (store, format="json", title=None))]
fn graph<'py>(
    py: Python<'py>,
    store: &Bound<'py, PyAny>,
    format: &str,
    title: Option<String>,
) -> PyResult<Bound<'py, PyAny>> {
    guarded(|| {
        if !matches!(format, "json" | "dot" | "mermaid") {
            return Err(error(format!(
                "format must be \"json\", \"dot\" or \"mermaid\", not {format:?}"
            )));
        }
        let source = Source::from_python(store)?;
        let loaded = load_source(py, &source)?;
        let g = LinkGraph::build(&loaded.hierarchy);
        let title = match title {
            Some(t) => t,
            None => source.describe()?,
        };
        match format {
            "dot" => Ok(render::dot(&g, &title).into_pyobject(py)?.into_any()),
            "mermaid" => Ok(render::mermaid(&g, &title).into_pyobject(py)?.into_any()),
            _ => json_to_python(py, &render::json(&g)),
        }
    })
}

/// The root `links:index` as `zarr-links index` prints it: the root's
/// current index with the computed categories that no index has yet.
#[pyfunction]
fn index<'py>(py: Python<'py>, store: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    guarded(|| {
        let source = Source::from_python(store)?;
        let loaded = load_source(py, &source)?;
        let plan = zarr_links_cli::shared::planned_index(&loaded.hierarchy, false)
            .map_err(|e| error(format!("{}: {e}", source.describe().unwrap_or_default())))?;
        json_to_python(py, &Value::Object(plan.index))
    })
}

/// Computes the root index and stores it, as `zarr-links index --write`.
/// Returns the index written (empty: nothing to index, nothing written).
#[pyfunction]
fn write_index<'py>(py: Python<'py>, store: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    guarded(|| {
        let source = Source::from_python(store)?;
        if let Source::Url(url) = &source {
            // Refused before any request, as `zarr-links index --write` does.
            return Err(source::not_writable(url));
        }
        let loaded = load_source(py, &source)?;
        let shown = source.describe()?;
        let writer = loaded.writer.store()?;
        let index = zarr_links_cli::shared::planned_index(&loaded.hierarchy, false)
            .map_err(|e| error(format!("{shown}: {e}")))?
            .index;
        if !index.is_empty() {
            zarr_links_cli::shared::write_index(writer, &loaded.hierarchy, &index, false)
                .map_err(|e| error(format!("{shown}: {e}")))?;
        }
        json_to_python(py, &Value::Object(index))
    })
}

/// Plans `add_link`: checks `type` (as the validator parses it) and
/// `target` (an absolute in-store path or an absolute URI), then, from the
/// node's `zarr_conventions` and `links:relationships` given as a JSON
/// object, returns the new values of those two attributes as a JSON object
/// (None when the same link, target and type, is already there) and the
/// in-store path of the target (None for a URI), whose existence the caller
/// checks. `zarr_format` (2 or 3) picks the declaration's `schema_url`.
#[pyfunction]
#[pyo3(signature = (attributes, target, r#type, description=None, zarr_format=3))]
fn plan_link(
    attributes: &str,
    target: &str,
    r#type: &str,
    description: Option<&str>,
    zarr_format: u8,
) -> PyResult<(Option<String>, Option<String>)> {
    guarded(|| {
        let parsed_type = relation_type(r#type)?;
        let parsed = parse_target(target).map_err(|e| {
            error(format!(
                "target {target:?}: {e}. A target is an absolute path from the store root, such as \"/measurements/b04\", or an absolute URI"
            ))
        })?;
        let in_store = parsed.in_store().map(str::to_string);
        let mut attributes: Map<String, Value> = serde_json::from_str(attributes)
            .map_err(|e| error(format!("internal error: attributes: {e}")))?;
        let links = match attributes.get(RELATIONSHIPS) {
            None => Vec::new(),
            Some(Value::Array(links)) => links.clone(),
            Some(_) => {
                return Err(error(format!(
                    "the node's `{RELATIONSHIPS}` attribute is not an array; fix it first"
                )))
            }
        };
        let exists = links.iter().any(|l| {
            l.get("target").and_then(Value::as_str) == Some(target)
                && l.get("type").and_then(Value::as_str) == Some(parsed_type.as_str())
        });
        if exists {
            return Ok((None, in_store));
        }
        let format = match zarr_format {
            2 => ZarrFormat::V2,
            3 => ZarrFormat::V3,
            other => return Err(error(format!("zarr_format {other}: expected 2 or 3"))),
        };
        declare(&mut attributes, format).map_err(|e| error(format!("the node's {e}")))?;
        let mut link = Map::new();
        link.insert("target".into(), Value::String(target.to_string()));
        link.insert(
            "type".into(),
            Value::String(parsed_type.as_str().to_string()),
        );
        if let Some(d) = description {
            link.insert("description".into(), Value::String(d.to_string()));
        }
        let mut links = links;
        links.push(Value::Object(link));
        attributes.insert(RELATIONSHIPS.to_string(), Value::Array(links));
        let changed: Map<String, Value> = attributes
            .into_iter()
            .filter(|(k, _)| {
                k == RELATIONSHIPS || k == zarr_links_model::attributes::ZARR_CONVENTIONS
            })
            .collect();
        Ok((Some(Value::Object(changed).to_string()), in_store))
    })
}

/// After `add_link` wrote a node's attributes through zarr-python: makes the
/// node's entry in the consolidated metadata equal to its document again
/// (see [`consolidate`]). `store` is a store reader; returns the key
/// written, or None when there was nothing to update.
#[pyfunction]
fn consolidate_node(
    store: &Bound<'_, PyAny>,
    node: &str,
    zarr_format: u8,
) -> PyResult<Option<String>> {
    guarded(|| {
        let path = NodePath::parse(node).map_err(|e| error(format!("{node:?}: {e}")))?;
        let format = match zarr_format {
            2 => ZarrFormat::V2,
            3 => ZarrFormat::V3,
            other => return Err(error(format!("unknown Zarr format {other}"))),
        };
        let writer = source::PyWriter::new(store);
        let describe = store.getattr("describe")?.extract::<String>()?;
        consolidate::consolidate_node(&writer, &path, format).map_err(|e| {
            error(format!(
                "{describe}: the link was written, but the consolidated metadata could not be updated: {e}; run zarr.consolidate_metadata on the store"
            ))
        })
    })
}

/// Panics, for the test that checks a panic becomes a `ZarrLinksError`.
#[pyfunction]
fn _panic_for_tests() -> PyResult<()> {
    guarded(|| panic!("a deliberate panic"))
}

/// The extension module `zarr_links._core`. Use the package `zarr_links`,
/// which wraps these functions.
#[pymodule]
#[pyo3(name = "_core")]
fn zarr_links_core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ZarrLinksError", m.py().get_type::<ZarrLinksError>())?;
    m.add_class::<Report>()?;
    m.add_class::<report::Finding>()?;
    m.add_function(wrap_pyfunction!(run_cli, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(related, m)?)?;
    m.add_function(wrap_pyfunction!(graph, m)?)?;
    m.add_function(wrap_pyfunction!(index, m)?)?;
    m.add_function(wrap_pyfunction!(write_index, m)?)?;
    m.add_function(wrap_pyfunction!(plan_link, m)?)?;
    m.add_function(wrap_pyfunction!(consolidate_node, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    Ok(())
}
