//! Traceability between the requirement registry, the specification, the
//! conformance cases and the tests, plus tests of reader behaviour that no
//! store can break (the `implementation` requirements).
//!
//!     cargo test -p zarr-links-conformance --test traceability

use std::collections::{BTreeMap, BTreeSet};

use zarr_links_conformance::{cases, suite_dir, trace, workspace_dir, Case};
use zarr_links_model::rules::{Keyword, Subject};
use zarr_links_model::{Rule, Severity};
use zarr_links_validator::{validate_path, Report};

fn all_cases() -> Vec<Case> {
    cases().expect("the conformance suite loads")
}

fn case(name: &str) -> Case {
    all_cases()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

fn report(name: &str) -> Report {
    validate_path(&case(name).store()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn is_must(rule: Rule) -> bool {
    matches!(rule.info().keyword, Keyword::Must | Keyword::MustNot)
}

/// (a) Every registry rule is marked exactly once in the book, every marker
/// names a registry rule, and no line is a malformed marker.
#[test]
fn registry_and_spec_markers_match() {
    let markers = trace::spec_markers(&workspace_dir());
    let mut problems = Vec::new();
    for rule in Rule::ALL {
        match markers.by_id.get(rule.id()).map(Vec::as_slice) {
            None => problems.push(format!("{} has no r[...] marker in spec/", rule.id())),
            Some([_]) => {}
            Some(places) => problems.push(format!(
                "{} is marked more than once: {}",
                rule.id(),
                places
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
    for (id, places) in &markers.by_id {
        if Rule::from_id(id).is_none() {
            problems.push(format!("{id} (at {}) is not a registry ID", places[0]));
        }
    }
    for (place, line) in &markers.malformed {
        problems.push(format!("{place}: malformed marker {line}"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// (b) Every rule a case lists is a registry rule that the spec states.
#[test]
fn case_rules_are_registry_ids_stated_in_the_spec() {
    let markers = trace::spec_markers(&workspace_dir());
    let mut problems = Vec::new();
    for c in all_cases() {
        for id in &c.description.rules {
            if Rule::from_id(id).is_none() {
                problems.push(format!("{}: {id} is not in the registry", c.name));
            } else if !markers.by_id.contains_key(id) {
                problems.push(format!("{}: {id} has no r[...] marker in spec/", c.name));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// (c) Every store MUST / MUST NOT has at least one invalid case that lists it.
#[test]
fn every_store_must_has_an_invalid_case() {
    let mut covered: BTreeMap<Rule, Vec<String>> = BTreeMap::new();
    for c in all_cases().into_iter().filter(|c| !c.description.valid) {
        for r in c.rules().unwrap_or_default() {
            covered.entry(r).or_default().push(c.name.clone());
        }
    }
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .filter(|r| r.info().subject == Subject::Store && is_must(**r) && !covered.contains_key(r))
        .map(|r| r.id())
        .collect();
    assert!(
        missing.is_empty(),
        "store MUST rules without an invalid case: {missing:?}"
    );
}

/// Every store SHOULD / SHOULD NOT has a valid case in which the validator
/// reports its warning.
#[test]
fn every_store_should_has_a_valid_case_showing_its_warning() {
    let mut shown: BTreeSet<Rule> = BTreeSet::new();
    for c in all_cases().into_iter().filter(|c| c.description.valid) {
        let listed = c.rules().unwrap_or_default();
        if !listed.iter().any(|r| !is_must(*r)) {
            continue;
        }
        let report = validate_path(&c.store()).unwrap_or_else(|e| panic!("{}: {e}", c.name));
        for f in &report.findings {
            if f.severity == Severity::Warning && listed.contains(&f.rule) {
                shown.insert(f.rule);
            }
        }
    }
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .filter(|r| r.info().subject == Subject::Store && !is_must(**r) && !shown.contains(r))
        .map(|r| r.id())
        .collect();
    assert!(
        missing.is_empty(),
        "store SHOULD rules without a valid case that shows the warning: {missing:?}"
    );
}

/// (e) Every implementation rule is named by a `// rule: <id>` comment on a
/// test or in source under crates/, and every such comment names a registry rule.
#[test]
fn implementation_rules_are_named_in_tests() {
    let tests = trace::rule_tests(&workspace_dir());
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .filter(|r| r.info().subject == Subject::Implementation && !tests.contains_key(r.id()))
        .map(|r| r.id())
        .collect();
    let unknown: Vec<String> = tests
        .iter()
        .filter(|(id, _)| Rule::from_id(id).is_none())
        .map(|(id, at)| format!("{id} (at {})", at[0].place))
        .collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "implementation rules no test names with `// rule: <id>`: {missing:?}\n`// rule:` comments naming unknown rules: {unknown:?}"
    );
}

/// A rule ID leads to its chapter, its validator module and its cases by
/// one name, the rule's topic: its marker is in `spec/<topic>.md`, the
/// module `crates/zarr-links-validator/src/rules/<topic>.rs` names it, and
/// (for a store MUST) an invalid case under `invalid/<topic>/` breaks it.
#[test]
fn each_rule_is_found_by_its_topic() {
    let root = workspace_dir();
    let markers = trace::spec_markers(&root);
    let cases = all_cases();
    let mut problems = Vec::new();
    for rule in Rule::ALL {
        let info = rule.info();
        let topic = info.topic.as_str();
        let chapter = format!("{topic}.md");
        if markers.chapter(info.id) != Some(chapter.as_str()) {
            problems.push(format!(
                "{}: marked in {:?}, expected spec/{chapter}",
                info.id,
                markers.chapter(info.id)
            ));
        }
        if info.subject != Subject::Store {
            continue;
        }
        let module = root.join(format!("crates/zarr-links-validator/src/rules/{topic}.rs"));
        let text = std::fs::read_to_string(&module).unwrap_or_default();
        if !text.contains(&format!("Rule::{rule:?}")) && !text.contains(info.id) {
            problems.push(format!(
                "{}: {} does not name it",
                info.id,
                module.display()
            ));
        }
        let in_folder = cases.iter().any(|c| {
            c.name.starts_with(&format!(
                "{}/{topic}/",
                if is_must(*rule) { "invalid" } else { "valid" }
            )) && c.description.rules.iter().any(|r| r == info.id)
        });
        if !in_folder {
            problems.push(format!(
                "{}: no case under {}/{topic}/ lists it",
                info.id,
                if is_must(*rule) { "invalid" } else { "valid" }
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The suite is big enough and has both verdicts for both Zarr formats.
#[test]
fn suite_shape() {
    let cs = all_cases();
    assert!(cs.len() >= 45, "only {} cases", cs.len());
    for (valid, fmt) in [(true, 2), (true, 3), (false, 2), (false, 3)] {
        assert!(
            cs.iter()
                .any(|c| c.description.valid == valid && c.description.zarr_format == fmt),
            "no {} case in Zarr v{fmt}",
            if valid { "valid" } else { "invalid" }
        );
    }
    assert!(suite_dir().join("case.schema.json").is_file());
}

// ----- implementation requirements ---------------------------------------------

// rule: links.reader.confined
/// A symbolic link from inside the store to a Zarr group outside it is
/// reported and not followed: the outside group (whose attributes would give
/// findings of their own) is never loaded.
#[test]
fn validator_never_reads_outside_the_store_root() {
    let r = report("invalid/stores/symlink_outside_root");
    let rules: Vec<(Rule, &str)> = r
        .findings
        .iter()
        .map(|f| (f.rule, f.node.as_str()))
        .collect();
    assert_eq!(
        rules,
        vec![(Rule::StoreLayout, "/bands/b02")],
        "{:#?}",
        r.findings
    );
    assert_eq!(r.nodes, 6, "the outside group must not become a node");
    // The same holds for a target that leaves the root: it is an error, never resolved.
    let r = report("invalid/targets/escapes_root");
    assert!(
        r.findings.iter().all(|f| f.rule == Rule::TargetEscape),
        "{:#?}",
        r.findings
    );
}

// rule: links.reader.confined
/// A symbolic link to an ancestor is reported, not followed forever.
#[test]
fn symlink_loop_is_not_followed() {
    let r = report("invalid/stores/symlink_loop");
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    assert_eq!(r.findings[0].rule, Rule::StoreLayout);
    assert_eq!(r.nodes, 6);
}

// rule: links.reader.ignore-unknown
/// Unknown link members (prefixed or not) and unknown `links:` attributes
/// never make a store invalid.
#[test]
fn unknown_members_and_attributes_are_ignored() {
    for name in [
        "valid/relationships/prefixed_extension_field",
        "valid/relationships/unprefixed_unknown_field",
        "valid/declaration/unknown_links_attribute",
    ] {
        let r = report(name);
        assert!(r.valid, "{name}: {:#?}", r.findings);
        assert!(
            r.findings.iter().all(|f| f.severity == Severity::Warning),
            "{name}: {:#?}",
            r.findings
        );
    }
}

// rule: links.reader.absolute-paths
/// A target is resolved against the store root, from any depth: `/b04` on
/// `/quality/b04_mask` does not name the sibling `/quality/b04`, while the
/// deep links of the Sentinel-2 store all resolve.
#[test]
fn targets_resolve_against_the_root() {
    let r = report("invalid/targets/resolved_from_root");
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert_eq!(f.len(), 1, "{:#?}", r.findings);
    assert_eq!(f[0].rule, Rule::TargetResolves);
    assert_eq!(f[0].node, "/quality/b04_mask");
    for name in [
        "valid/use-cases/sentinel2-l2a-v3",
        "valid/use-cases/sentinel2-l2a-v2",
    ] {
        let r = report(name);
        assert!(
            r.valid && r.findings.is_empty(),
            "{name}: {:#?}",
            r.findings
        );
    }
}

// rule: links.reader.no-fetch
/// A store whose links point at a listening local HTTP port validates
/// without a single connection to that port: external targets are checked
/// for syntax only.
#[test]
fn external_targets_are_never_fetched() {
    use std::io::ErrorKind;
    use std::net::TcpListener;

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let root = serde_json::json!({
        "zarr_format": 3,
        "node_type": "group",
        "attributes": {
            "zarr_conventions": [{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b"}],
            "links:index": {},
            "links:relationships": [
                {"target": format!("http://127.0.0.1:{port}/doc.html"), "type": "describedby"},
                {"target": format!("http://127.0.0.1:{port}/other.zarr#/b04"), "type": "derived_from"},
                {"target": format!("http://127.0.0.1:{port}/wms?SERVICE=WMS"), "type": "icon", "protocol": "OGC:WMS:1.3.0"}
            ]
        }
    });
    std::fs::write(
        dir.path().join("zarr.json"),
        serde_json::to_string_pretty(&root).unwrap(),
    )
    .unwrap();
    let r = validate_path(dir.path()).expect("the store opens");
    assert!(r.valid && r.findings.is_empty(), "{:#?}", r.findings);
    match listener.accept() {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
        Ok((_, peer)) => panic!("the validator connected to the link target (from {peer})"),
        Err(e) => panic!("accept failed: {e}"),
    }
}

// ----- navigation of the use-case stores ----------------------------------------

/// (type, other node, derived) of every link of `node` in one direction.
fn neighbours(
    case_name: &str,
    node: &str,
    direction: zarr_links_graph::Direction,
) -> BTreeSet<(String, String, bool)> {
    let store =
        zarr_links_store::LocalStore::open(&case(case_name).store()).expect("the store opens");
    let loaded = zarr_links_store::load(&store).expect("the store loads");
    let graph = zarr_links_graph::LinkGraph::build(&loaded);
    let id = graph
        .find(node)
        .unwrap_or_else(|| panic!("{case_name}: no node {node}"));
    graph
        .related(id, direction, None)
        .into_iter()
        .map(|r| {
            (
                graph.edge_type(r.edge).as_str().to_string(),
                graph.name(r.other).to_string(),
                r.edge.derived,
            )
        })
        .collect()
}

fn incoming(case_name: &str, node: &str) -> BTreeSet<(String, String, bool)> {
    neighbours(case_name, node, zarr_links_graph::Direction::In)
}

fn outgoing(case_name: &str, node: &str) -> BTreeSet<(String, String, bool)> {
    neighbours(case_name, node, zarr_links_graph::Direction::Out)
}

fn has(set: &BTreeSet<(String, String, bool)>, t: &str, other: &str) -> bool {
    set.iter().any(|(ty, o, _)| ty == t && o == other)
}

// rule: links.reader.inverse
/// Navigation from a target finds every source that declares a link to it,
/// in both layouts of the Sentinel-2 and climate stores (the book and the
/// CLI tests rely on these paths).
#[test]
fn use_case_links_are_found_from_their_targets() {
    for s2 in [
        "valid/use-cases/sentinel2-l2a-v3",
        "valid/use-cases/sentinel2-l2a-v2",
    ] {
        let b04 = incoming(s2, "/measurements/reflectance/r10m/b04");
        for (t, src) in [
            ("quality_for", "/quality/mask/r10m/b04"),
            ("quality_for", "/classification/r20m/scl"),
            ("derived_from", "/quicklook/r10m/tci"),
            ("derived_from", "/measurements/reflectance/r20m/b04"),
            ("derived_from", "/indices/ndvi"),
        ] {
            assert!(
                has(&b04, t, src),
                "{s2}: {src} {t} r10m/b04 is not found from b04: {b04:?}"
            );
        }
        let b08 = incoming(s2, "/measurements/reflectance/r10m/b08");
        assert!(has(&b08, "derived_from", "/indices/ndvi"), "{s2}: {b08:?}");
        let r20m = incoming(s2, "/measurements/reflectance/r20m");
        assert!(
            has(&r20m, "quality_for", "/quality/probability/r20m/cld"),
            "{s2}: {r20m:?}"
        );
    }
    for cm in [
        "valid/use-cases/climate-model-v3",
        "valid/use-cases/climate-model-v2",
    ] {
        let t = incoming(cm, "/temperature");
        assert!(
            has(&t, "quality_for", "/temperature_uncertainty"),
            "{cm}: {t:?}"
        );
        let daily = incoming(cm, "/precipitation/daily/pr");
        assert!(
            has(&daily, "derived_from", "/precipitation/monthly/pr"),
            "{cm}: {daily:?}"
        );
    }
}

// rule: links.reader.inverse
/// A `part_of` declared only on the part gives the whole a derived `contains`.
#[test]
fn named_inverse_is_derived_when_only_one_side_declares() {
    let out = outgoing("valid/targets/root_target", "/");
    assert!(
        out.contains(&("contains".to_string(), "/b04".to_string(), true)),
        "{out:?}"
    );
}

// ----- documentation ------------------------------------------------------------

/// The READMEs state the suite's size and the count of every topic folder
/// as they are.
#[test]
fn readmes_count_the_cases_as_they_are() {
    let cs = all_cases();
    let valid = cs.iter().filter(|c| c.description.valid).count();
    let (total, invalid) = (cs.len(), cs.len() - valid);
    let root = workspace_dir();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    assert!(
        readme.contains(&format!("of {total} valid and invalid stores")),
        "README.md does not say the suite has {total} cases"
    );
    let suite = std::fs::read_to_string(suite_dir().join("README.md")).expect("README.md");
    let summary = format!("{total} cases: {valid} valid and {invalid} invalid.");
    assert!(
        suite.contains(&summary),
        "conformance/README.md lacks {summary:?}"
    );
    let mut by_topic: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for c in &cs {
        let mut parts = c.name.split('/');
        let (verdict, topic) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let e = by_topic.entry(topic).or_default();
        if verdict == "valid" {
            e.0 += 1
        } else {
            e.1 += 1
        }
    }
    let cell = |n: usize| {
        if n == 0 {
            " ".to_string()
        } else {
            format!(" {n} ")
        }
    };
    for (topic, (v, i)) in by_topic {
        let row = format!("| `{topic}` |{}|{}|", cell(v), cell(i));
        assert!(
            suite.contains(&row),
            "conformance/README.md has no row starting {row:?}"
        );
    }
}
