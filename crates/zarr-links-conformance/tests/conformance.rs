//! Every conformance case as its own named test, plus the suite-level checks.
//!
//!     cargo test -p zarr-links-conformance --test conformance
//!     cargo test -p zarr-links-conformance --test conformance -- invalid/targets
//!     INSTA_UPDATE=always cargo test -p zarr-links-conformance   # accept new snapshots, then review them
//!
//! A case test validates the case's store with the reference validator and
//! checks the verdict, that the error findings' rules are exactly the
//! case's listed error rules, that every warning's rule is listed, and pins
//! the findings in `tests/snapshots/<case path with / as __>.snap`.

use std::fs;

use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value;
use zarr_links_conformance::{
    cases, check_report, schema, snapshot_view, suite_dir, workspace_dir, Case,
};

fn main() {
    let args = Arguments::from_args();
    let cases = match cases() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot read the conformance suite: {e}");
            std::process::exit(101);
        }
    };
    let mut trials: Vec<Trial> = cases
        .iter()
        .cloned()
        .map(|case| Trial::test(case.name.clone(), move || run_case(&case)).with_kind("case"))
        .collect();
    let all = cases.clone();
    trials.push(Trial::test(
        "suite::case_json_matches_case_schema",
        move || case_json_schema(&all),
    ));
    let all = cases.clone();
    trials.push(Trial::test(
        "suite::schema_verdicts_rust_jsonschema",
        move || schema_verdicts(&all),
    ));
    let all = cases;
    trials.push(Trial::test("suite::descriptions_are_unique", move || {
        unique_descriptions(&all)
    }));
    libtest_mimic::run(&args, trials).exit();
}

fn run_case(case: &Case) -> Result<(), Failed> {
    let report = zarr_links_validator::validate_path(&case.store())
        .map_err(|e| format!("{}: the validator could not open the store: {e}", case.name))?;
    let view = snapshot_view(case, &report);
    let checked = check_report(case, &report);
    // Pin the findings either way, so a failure shows what was reported.
    let snap = std::panic::catch_unwind(|| {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.set_description(format!("{}: {}", case.name, case.description.description));
        settings.bind(|| insta::assert_json_snapshot!(case.snapshot_name(), view));
    });
    let mut problems = match checked {
        Ok(()) => Vec::new(),
        Err(p) => p,
    };
    if snap.is_err() {
        problems.push(
            "the findings differ from the committed snapshot (see above; cargo insta review)"
                .into(),
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        let findings: Vec<String> = report
            .findings
            .iter()
            .map(|f| {
                format!(
                    "  {}[{}] {} {}: {}",
                    f.severity.as_str(),
                    f.rule,
                    f.node,
                    f.pointer,
                    f.message
                )
            })
            .collect();
        Err(format!(
            "{} ({})\n- {}\nfindings:\n{}",
            case.name,
            case.description.description,
            problems.join("\n- "),
            if findings.is_empty() {
                "  (none)".to_string()
            } else {
                findings.join("\n")
            }
        )
        .into())
    }
}

fn case_json_schema(cases: &[Case]) -> Result<(), Failed> {
    let schema_path = suite_dir().join("case.schema.json");
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(&schema_path).map_err(|e| e.to_string())?)
            .map_err(|e| format!("{}: {e}", schema_path.display()))?;
    let validator =
        jsonschema::draft7::new(&schema).map_err(|e| format!("case.schema.json: {e}"))?;
    let mut problems = Vec::new();
    for c in cases {
        let p = c.dir.join("case.json");
        let doc: Value = serde_json::from_str(&fs::read_to_string(&p).map_err(|e| e.to_string())?)
            .map_err(|e| format!("{}: {e}", c.name))?;
        for err in validator.iter_errors(&doc) {
            problems.push(format!("{}/case.json: {err}", c.name));
        }
        problems.extend(
            zarr_links_conformance::check_description(c)
                .into_iter()
                .map(|p| format!("{}: {p}", c.name)),
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

fn schema_verdicts(cases: &[Case]) -> Result<(), Failed> {
    let schemas = schema::Schemas::load(&workspace_dir())?;
    let mine = schema::verdicts(&schemas, cases);
    let path = suite_dir().join("schema-verdicts.json");
    let committed: schema::Verdicts =
        serde_json::from_str(&fs::read_to_string(&path).map_err(|e| e.to_string())?)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut problems = schema::compare(&mine, &committed);
    problems.extend(schema::level_problems(&mine, cases));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "Rust jsonschema disagrees with conformance/schema-verdicts.json or with the case levels:\n{}\n\
             (the file is written by `python3 conformance/tools/schema_check.py --write`; \
             all three validators must agree with it)",
            problems.join("\n")
        )
        .into())
    }
}

fn unique_descriptions(cases: &[Case]) -> Result<(), Failed> {
    let mut seen = std::collections::BTreeMap::new();
    let mut problems = Vec::new();
    for c in cases {
        if let Some(other) = seen.insert(c.description.description.clone(), c.name.clone()) {
            problems.push(format!(
                "{} and {} share the description {:?}",
                other, c.name, c.description.description
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}
