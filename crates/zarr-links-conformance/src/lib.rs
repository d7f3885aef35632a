//! The conformance suite of the GeoZarr Linked Datasets convention, as a
//! Rust consumer sees it.
//!
//! The suite itself is language-neutral data in `conformance/`: one folder per
//! case, `conformance/{valid,invalid}/<topic>/<case>/`, each holding a
//! metadata-only directory store (`store/`) and a `case.json` that
//! `conformance/case.schema.json` describes. This crate
//!
//! - loads the cases ([`cases`]),
//! - compares a validator [`Report`](zarr_links_validator::Report) with a
//!   case's expectation ([`check_report`]),
//! - renders the findings for snapshots with machine paths removed
//!   ([`snapshot_view`]),
//! - computes the schema-level verdict of every node document with Rust
//!   `jsonschema` ([`schema::verdicts`]), which must equal the committed
//!   `conformance/schema-verdicts.json` that Python `jsonschema` and ajv also
//!   reproduce,
//! - and collects what the traceability tests need ([`trace`]).
//!
//! `cargo test -p zarr-links-conformance` runs every case as its own test.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/conformance.html>

pub mod schema;
pub mod trace;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{json, Value};
use zarr_links_model::{Rule, Severity};
use zarr_links_validator::Report;

/// The suite's root directory, `conformance/` at the top of the workspace.
pub fn suite_dir() -> PathBuf {
    workspace_dir().join("conformance")
}

/// The workspace root.
pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the crate sits at crates/<name>")
        .to_path_buf()
}

/// What a case expects from a schema-only checker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseLevel {
    /// A JSON Schema validator alone decides the case.
    Schema,
    /// Only a whole-store validator decides it.
    Hierarchy,
}

/// The contents of one `case.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseDescription {
    /// One sentence.
    pub description: String,
    /// 2 or 3.
    pub zarr_format: u8,
    /// The expected verdict.
    pub valid: bool,
    /// The requirement IDs the case exercises.
    pub rules: Vec<String>,
    /// `schema` or `hierarchy`.
    pub level: CaseLevel,
}

/// One case of the suite.
#[derive(Debug, Clone)]
pub struct Case {
    /// The case folder relative to `conformance/`, `/`-separated, e.g.
    /// `invalid/targets/target_not_found`. Also the test's name.
    pub name: String,
    /// The case folder.
    pub dir: PathBuf,
    /// The parsed `case.json`.
    pub description: CaseDescription,
}

impl Case {
    /// The store directory.
    pub fn store(&self) -> PathBuf {
        self.dir.join("store")
    }

    /// The case's snapshot name: the folder path with `/` replaced by `__`.
    pub fn snapshot_name(&self) -> String {
        self.name.replace('/', "__")
    }

    /// The rules listed in `case.json`, looked up in the registry. Unknown
    /// IDs are returned in the error.
    pub fn rules(&self) -> Result<Vec<Rule>, Vec<String>> {
        let unknown: Vec<String> = self
            .description
            .rules
            .iter()
            .filter(|id| Rule::from_id(id).is_none())
            .cloned()
            .collect();
        if unknown.is_empty() {
            Ok(self
                .description
                .rules
                .iter()
                .filter_map(|id| Rule::from_id(id))
                .collect())
        } else {
            Err(unknown)
        }
    }
}

/// Every case folder under `suite` (a folder holding a `case.json`), sorted by
/// name. A `case.json` that does not parse is an error naming the file.
pub fn cases_in(suite: &Path) -> Result<Vec<Case>, String> {
    let mut out = Vec::new();
    for top in ["valid", "invalid"] {
        let base = suite.join(top);
        if base.is_dir() {
            walk(suite, &base, &mut out)?;
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Every case of the committed suite.
pub fn cases() -> Result<Vec<Case>, String> {
    cases_in(&suite_dir())
}

fn walk(suite: &Path, dir: &Path, out: &mut Vec<Case>) -> Result<(), String> {
    let case_json = dir.join("case.json");
    if case_json.is_file() {
        let text =
            fs::read_to_string(&case_json).map_err(|e| format!("{}: {e}", case_json.display()))?;
        let description: CaseDescription =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", case_json.display()))?;
        let name = dir
            .strip_prefix(suite)
            .expect("walk stays inside the suite")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        out.push(Case {
            name,
            dir: dir.to_path_buf(),
            description,
        });
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
        .map(|e| e.path())
        .collect();
    entries.sort();
    for e in entries {
        walk(suite, &e, out)?;
    }
    Ok(())
}

/// Checks a case's own description: `valid` matches the folder, the listed
/// rules exist, a description is given. Returns every problem.
pub fn check_description(case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let by_folder = case.name.starts_with("valid/");
    if case.description.valid != by_folder {
        problems.push(format!(
            "case.json says valid = {} but the case is under {}/",
            case.description.valid,
            if by_folder { "valid" } else { "invalid" }
        ));
    }
    if let Err(unknown) = case.rules() {
        problems.push(format!(
            "case.json names rules that are not in the registry: {}",
            unknown.join(", ")
        ));
    }
    if !case.store().is_dir() {
        problems.push("the case has no store/ directory".into());
    }
    if !case.description.valid && case.description.rules.is_empty() {
        problems.push("an invalid case lists no rule".into());
    }
    problems
}

/// Compares a validator's report with the case's expectation.
///
/// - The verdict equals `valid`.
/// - Invalid case: the set of rules of error findings equals the set of
///   error-level (MUST / MUST NOT) rules that `case.json` lists.
/// - Valid case: no error finding.
/// - Any case: every warning finding's rule is listed.
///
/// Returns every disagreement, or `Ok` when there is none.
pub fn check_report(case: &Case, report: &Report) -> Result<(), Vec<String>> {
    let mut problems = check_description(case);
    let listed: BTreeSet<Rule> = case.rules().unwrap_or_default().into_iter().collect();
    let errors: BTreeSet<Rule> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.rule)
        .collect();
    let warnings: BTreeSet<Rule> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .map(|f| f.rule)
        .collect();
    let expected_errors: BTreeSet<Rule> = listed
        .iter()
        .copied()
        .filter(|r| r.severity() == Severity::Error)
        .collect();

    if report.valid != case.description.valid {
        problems.push(format!(
            "expected the store to be {}, the validator says {}",
            verdict(case.description.valid),
            verdict(report.valid)
        ));
    }
    if case.description.valid {
        if !errors.is_empty() {
            problems.push(format!("a valid case has error findings: {}", ids(&errors)));
        }
    } else {
        let missing: BTreeSet<Rule> = expected_errors.difference(&errors).copied().collect();
        let extra: BTreeSet<Rule> = errors.difference(&expected_errors).copied().collect();
        if !missing.is_empty() {
            problems.push(format!(
                "listed rules not reported as errors: {}",
                ids(&missing)
            ));
        }
        if !extra.is_empty() {
            problems.push(format!(
                "errors under rules the case does not list: {}",
                ids(&extra)
            ));
        }
    }
    let unlisted: BTreeSet<Rule> = warnings.difference(&listed).copied().collect();
    if !unlisted.is_empty() {
        problems.push(format!(
            "warnings under rules the case does not list: {}",
            ids(&unlisted)
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn verdict(valid: bool) -> &'static str {
    if valid {
        "valid"
    } else {
        "invalid"
    }
}

fn ids(rules: &BTreeSet<Rule>) -> String {
    rules.iter().map(|r| r.id()).collect::<Vec<_>>().join(", ")
}

/// The part of a report that a snapshot pins: the verdict and every finding,
/// with the machine-specific location of the suite replaced by `[case]` and
/// `[conformance]`.
pub fn snapshot_view(case: &Case, report: &Report) -> Value {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule.id(),
                "severity": f.severity.as_str(),
                "node": f.node,
                "file": f.file,
                "pointer": f.pointer,
                "message": f.message,
                "hint": f.hint,
            })
        })
        .collect();
    let mut v = json!({
        "valid": report.valid,
        "convention_used": report.convention_used,
        "zarr_format": report.zarr_format,
        "consolidated": report.consolidated,
        "nodes": report.nodes,
        "findings": findings,
    });
    sanitize(&mut v, &case.dir, &suite_dir());
    v
}

/// Replaces absolute machine paths inside every string of `v`.
pub fn sanitize(v: &mut Value, case_dir: &Path, suite: &Path) {
    let subs: Vec<(String, &str)> = [
        (case_dir.to_path_buf(), "[case]"),
        (
            fs::canonicalize(case_dir).unwrap_or_else(|_| case_dir.to_path_buf()),
            "[case]",
        ),
        (suite.to_path_buf(), "[conformance]"),
        (
            fs::canonicalize(suite).unwrap_or_else(|_| suite.to_path_buf()),
            "[conformance]",
        ),
    ]
    .into_iter()
    .map(|(p, r)| (p.to_string_lossy().into_owned(), r))
    .collect();
    fn go(v: &mut Value, subs: &[(String, &str)]) {
        match v {
            Value::String(s) => {
                for (from, to) in subs {
                    if s.contains(from.as_str()) {
                        *s = s.replace(from.as_str(), to);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|x| go(x, subs)),
            Value::Object(map) => map.values_mut().for_each(|x| go(x, subs)),
            _ => {}
        }
    }
    go(v, &subs);
}
