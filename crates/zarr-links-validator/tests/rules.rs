//! One test case per rule: each breaks one thing in a small valid store and
//! expects exactly one finding, with the right rule, node, file and pointer,
//! in Zarr v3 and in Zarr v2. A final test checks that every store rule of
//! the registry is covered here or in `store_rules.rs`.

mod common;

use common::*;
use serde_json::json;
use zarr_links_model::rules::Subject;
use zarr_links_model::{Rule, Severity};

struct Case {
    name: &'static str,
    rule: Rule,
    mutate: fn(&mut Nodes),
    node: &'static str,
    within: &'static str,
    /// Some rules are decided differently per format; `None` means both.
    only: Option<Fmt>,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "no declaration",
            rule: Rule::DeclarationRequired,
            mutate: |n| {
                attrs(n, "/quality/mask").remove("zarr_conventions");
            },
            node: "/quality/mask",
            within: "",
            only: None,
        },
        Case {
            name: "declaration by name only",
            rule: Rule::DeclarationRequired,
            mutate: |n| {
                attrs(n, "/quality/mask").insert(
                    "zarr_conventions".into(),
                    json!([{"name": "links:", "spec_url": "https://x.org"}]),
                );
            },
            node: "/quality/mask",
            within: "/zarr_conventions/0",
            only: None,
        },
        Case {
            name: "legacy string list",
            rule: Rule::DeclarationObjectForm,
            mutate: |n| {
                attrs(n, "/quality/mask").insert("zarr_conventions".into(), json!([UUID]));
            },
            node: "/quality/mask",
            within: "/zarr_conventions/0",
            only: None,
        },
        Case {
            name: "legacy string on a node without links attributes",
            rule: Rule::DeclarationObjectForm,
            mutate: |n| {
                attrs(n, "/bands").insert("zarr_conventions".into(), json!([UUID]));
            },
            node: "/bands",
            within: "/zarr_conventions/0",
            only: None,
        },
        Case {
            name: "extra member in the CMO",
            rule: Rule::DeclarationCmo,
            mutate: |n| {
                attrs(n, "/quality/mask").insert(
                    "zarr_conventions".into(),
                    json!([{"uuid": UUID, "version": "1"}]),
                );
            },
            node: "/quality/mask",
            within: "/zarr_conventions/0/version",
            only: None,
        },
        Case {
            name: "CMO name is not links:",
            rule: Rule::DeclarationName,
            mutate: |n| {
                attrs(n, "/quality/mask").insert(
                    "zarr_conventions".into(),
                    json!([{"uuid": UUID, "name": "links"}]),
                );
            },
            node: "/quality/mask",
            within: "/zarr_conventions/0/name",
            only: None,
        },
        Case {
            name: "unknown links: attribute",
            rule: Rule::AttributesUnknown,
            mutate: |n| {
                attrs(n, "/quality/mask").insert("links:relations".into(), json!([]));
            },
            node: "/quality/mask",
            within: "/links:relations",
            only: None,
        },
        Case {
            name: "relationships is an object",
            rule: Rule::RelationshipsArray,
            mutate: |n| {
                attrs(n, "/quality/mask").insert(
                    "links:relationships".into(),
                    json!({"target": "/bands/B04", "type": "quality_for"}),
                );
            },
            node: "/quality/mask",
            within: "/links:relationships",
            only: None,
        },
        Case {
            name: "link is a string",
            rule: Rule::RelationshipsArray,
            mutate: |n| {
                attrs(n, "/quality/mask")
                    .insert("links:relationships".into(), json!(["/bands/B04"]));
            },
            node: "/quality/mask",
            within: "/links:relationships/0",
            only: None,
        },
        Case {
            name: "missing target",
            rule: Rule::LinkTarget,
            mutate: |n| {
                attrs(n, "/quality/mask").insert(
                    "links:relationships".into(),
                    json!([{"type": "quality_for"}]),
                );
            },
            node: "/quality/mask",
            within: "/links:relationships/0",
            only: None,
        },
        Case {
            name: "empty target",
            rule: Rule::LinkTarget,
            mutate: |n| {
                attrs(n, "/quality/mask").insert(
                    "links:relationships".into(),
                    json!([{"target": "", "type": "quality_for"}]),
                );
            },
            node: "/quality/mask",
            within: "/links:relationships/0/target",
            only: None,
        },
        Case {
            name: "numeric target",
            rule: Rule::LinkTarget,
            mutate: |n| {
                attrs(n, "/quality/mask").insert(
                    "links:relationships".into(),
                    json!([{"target": 4, "type": "quality_for"}]),
                );
            },
            node: "/quality/mask",
            within: "/links:relationships/0/target",
            only: None,
        },
        Case {
            name: "misspelt type",
            rule: Rule::LinkType,
            mutate: |n| {
                attrs(n, "/quality/mask").insert(
                    "links:relationships".into(),
                    json!([{"target": "/bands/B04", "type": "quality-for"}]),
                );
            },
            node: "/quality/mask",
            within: "/links:relationships/0/type",
            only: None,
        },
        Case {
            name: "registered type in another letter case",
            rule: Rule::LinkTypeCase,
            mutate: |n| {
                attrs(n, "/quality/mask").insert(
                    "links:relationships".into(),
                    json!([{"target": "https://example.org/doc", "type": "DescribedBy"}]),
                );
            },
            node: "/quality/mask",
            within: "/links:relationships/0/type",
            only: None,
        },
        Case {
            name: "missing type",
            rule: Rule::LinkType,
            mutate: |n| {
                attrs(n, "/quality/mask").insert(
                    "links:relationships".into(),
                    json!([{"target": "/bands/B04"}]),
                );
            },
            node: "/quality/mask",
            within: "/links:relationships/0",
            only: None,
        },
        Case {
            name: "bad media type",
            rule: Rule::LinkFields,
            mutate: |n| {
                attrs(n, "/ndvi")["links:relationships"][2]["media_type"] = json!("html");
            },
            node: "/ndvi",
            within: "/links:relationships/2/media_type",
            only: None,
        },
        Case {
            name: "null description",
            rule: Rule::LinkFields,
            mutate: |n| {
                attrs(n, "/ndvi")["links:relationships"][0]["description"] = json!(null);
            },
            node: "/ndvi",
            within: "/links:relationships/0/description",
            only: None,
        },
        Case {
            name: "unprefixed unknown member",
            rule: Rule::LinkUnknownField,
            mutate: |n| {
                attrs(n, "/ndvi")["links:relationships"][0]["desc"] = json!("typo");
            },
            node: "/ndvi",
            within: "/links:relationships/0/desc",
            only: None,
        },
        Case {
            name: "duplicate link",
            rule: Rule::LinkDuplicate,
            mutate: |n| {
                add_links(
                    n,
                    "/ndvi",
                    json!([{"target": "/bands/B04", "type": "derived_from"}]),
                )
            },
            node: "/ndvi",
            within: "/links:relationships/3",
            only: None,
        },
        Case {
            name: "relative target",
            rule: Rule::TargetForm,
            mutate: |n| {
                attrs(n, "/quality/mask")["links:relationships"][0]["target"] =
                    json!("../bands/B04");
            },
            node: "/quality/mask",
            within: "/links:relationships/0/target",
            only: None,
        },
        Case {
            name: "empty segment",
            rule: Rule::TargetNormalized,
            mutate: |n| {
                attrs(n, "/quality/mask")["links:relationships"][0]["target"] =
                    json!("/bands//B04");
            },
            node: "/quality/mask",
            within: "/links:relationships/0/target",
            only: None,
        },
        Case {
            name: "dot-dot inside the root",
            rule: Rule::TargetNormalized,
            mutate: |n| {
                attrs(n, "/quality/mask")["links:relationships"][0]["target"] =
                    json!("/quality/../bands/B04");
            },
            node: "/quality/mask",
            within: "/links:relationships/0/target",
            only: None,
        },
        Case {
            name: "path leaves the root",
            rule: Rule::TargetEscape,
            mutate: |n| {
                attrs(n, "/quality/mask")["links:relationships"][0]["target"] =
                    json!("/bands/../../B04");
            },
            node: "/quality/mask",
            within: "/links:relationships/0/target",
            only: None,
        },
        Case {
            name: "target does not exist",
            rule: Rule::TargetResolves,
            mutate: |n| {
                attrs(n, "/quality/mask")["links:relationships"][0]["target"] = json!("/bands/B4");
            },
            node: "/quality/mask",
            within: "/links:relationships/0/target",
            only: None,
        },
        Case {
            name: "self link",
            rule: Rule::TargetSelf,
            mutate: |n| {
                attrs(n, "/quality/mask")["links:relationships"][0]["target"] =
                    json!("/quality/mask");
            },
            node: "/quality/mask",
            within: "/links:relationships/0/target",
            only: None,
        },
        Case {
            name: "URI with a space",
            rule: Rule::TargetUri,
            mutate: |n| {
                attrs(n, "/ndvi")["links:relationships"][2]["target"] =
                    json!("https://example.org/my doc.html");
            },
            node: "/ndvi",
            within: "/links:relationships/2/target",
            only: None,
        },
        Case {
            name: "node of another store with a `..` in its fragment",
            rule: Rule::TargetFragment,
            mutate: |n| {
                attrs(n, "/ndvi")["links:relationships"][2]["target"] =
                    json!("s3://bucket/l1c.zarr#/bands/../B04");
            },
            node: "/ndvi",
            within: "/links:relationships/2/target",
            only: None,
        },
        Case {
            name: "quality_for on a group",
            rule: Rule::KindQualityFor,
            mutate: |n| {
                add_links(
                    n,
                    "/quality",
                    json!([{"target": "/bands/B04", "type": "quality_for"}]),
                )
            },
            node: "/quality",
            within: "/links:relationships/0/type",
            only: None,
        },
        Case {
            name: "same_as between an array and a group",
            rule: Rule::KindSameAs,
            mutate: |n| {
                add_links(
                    n,
                    "/bands/B08",
                    json!([{"target": "/bands", "type": "same_as"}]),
                )
            },
            node: "/bands/B08",
            within: "/links:relationships/0/target",
            only: None,
        },
        Case {
            name: "part_of an array",
            rule: Rule::KindPartOf,
            mutate: |n| {
                add_links(
                    n,
                    "/bands/B08",
                    json!([{"target": "/bands/B04", "type": "part_of"}]),
                )
            },
            node: "/bands/B08",
            within: "/links:relationships/0/target",
            only: None,
        },
        Case {
            name: "contains on an array",
            rule: Rule::KindContains,
            mutate: |n| {
                add_links(
                    n,
                    "/bands/B08",
                    json!([{"target": "/bands", "type": "contains"}]),
                )
            },
            node: "/bands/B08",
            within: "/links:relationships/0/type",
            only: None,
        },
        Case {
            name: "derived_from cycle",
            rule: Rule::CycleDerivedFrom,
            mutate: |n| {
                add_links(
                    n,
                    "/bands/B04",
                    json!([{"target": "/ndvi", "type": "derived_from"}]),
                )
            },
            node: "/bands/B04",
            within: "/links:relationships/0/target",
            only: None,
        },
        Case {
            name: "mutual part_of (reported once, as a cycle)",
            rule: Rule::CyclePartOf,
            mutate: |n| {
                add_links(
                    n,
                    "/bands",
                    json!([{"target": "/quality", "type": "part_of"}]),
                );
                add_links(
                    n,
                    "/quality",
                    json!([{"target": "/bands", "type": "part_of"}]),
                );
            },
            node: "/bands",
            within: "/links:relationships/0/target",
            only: None,
        },
        Case {
            name: "part_of cycle through a contains read backwards",
            rule: Rule::CyclePartOf,
            mutate: |n| {
                // /bands part_of /quality; /bands contains /quality (= /quality part_of /bands).
                add_links(
                    n,
                    "/bands",
                    json!([{"target": "/quality", "type": "part_of"}]),
                );
                add_links(
                    n,
                    "/bands",
                    json!([{"target": "/quality", "type": "contains"}]),
                );
            },
            node: "/bands",
            within: "/links:relationships/0/target",
            only: None,
        },
        Case {
            name: "index is an array",
            rule: Rule::IndexObject,
            mutate: |n| {
                attrs(n, "/").insert("links:index".into(), json!(["/bands/B04"]));
            },
            node: "/",
            within: "/links:index",
            only: None,
        },
        Case {
            name: "index entry repeated",
            rule: Rule::IndexObject,
            mutate: |n| {
                attrs(n, "/")["links:index"]["bands"] = json!(["/bands/B04", "/bands/B04"]);
            },
            node: "/",
            within: "/links:index/bands",
            only: None,
        },
        Case {
            name: "index entry is relative",
            rule: Rule::IndexPath,
            mutate: |n| {
                attrs(n, "/")["links:index"]["bands"] = json!(["bands/B04"]);
            },
            node: "/",
            within: "/links:index/bands/0",
            only: None,
        },
        Case {
            name: "index on an array",
            rule: Rule::IndexOnGroup,
            mutate: |n| {
                attrs(n, "/ndvi").insert("links:index".into(), json!({"inputs": ["/bands/B04"]}));
            },
            node: "/ndvi",
            within: "/links:index",
            only: None,
        },
        Case {
            name: "index entry does not exist",
            rule: Rule::IndexResolves,
            mutate: |n| {
                attrs(n, "/")["links:index"]["bands"] = json!(["/bands/B04", "/bands/B8"]);
            },
            node: "/",
            within: "/links:index/bands/1",
            only: None,
        },
        Case {
            name: "no root index",
            rule: Rule::IndexRoot,
            mutate: |n| {
                attrs(n, "/").remove("links:index");
            },
            node: "/",
            within: "",
            only: None,
        },
    ]
}

#[test]
fn the_base_store_is_valid_without_findings() {
    for fmt in [Fmt::V3, Fmt::V2] {
        let r = check(fmt, &base());
        assert!(
            r.valid && r.findings.is_empty() && r.convention_used,
            "{fmt:?}:\n{}",
            summary(&r)
        );
        assert_eq!(r.nodes, 7);
    }
}

#[test]
fn each_defect_gives_one_finding_with_rule_node_and_pointer() {
    for case in cases() {
        for fmt in [Fmt::V3, Fmt::V2] {
            if case.only.is_some_and(|o| o != fmt) {
                continue;
            }
            let mut nodes = base();
            (case.mutate)(&mut nodes);
            let r = check(fmt, &nodes);
            let ctx = format!("case {:?} ({fmt:?}):\n{}", case.name, summary(&r));
            assert_eq!(r.findings.len(), 1, "{ctx}");
            let f = &r.findings[0];
            assert_eq!(f.rule, case.rule, "{ctx}");
            assert_eq!(f.node, case.node, "{ctx}");
            let (file, pointer) = loc(fmt, case.node, case.within);
            assert_eq!(f.file.as_deref(), Some(file.as_str()), "{ctx}");
            assert_eq!(f.pointer, pointer, "{ctx}");
            assert_eq!(f.severity, case.rule.severity(), "{ctx}");
            assert_eq!(r.valid, case.rule.severity() == Severity::Warning, "{ctx}");
            assert!(
                !f.message.is_empty() && f.message.contains("expected"),
                "{ctx}"
            );
        }
    }
}

#[test]
fn legacy_declaration_has_the_object_form_hint() {
    let mut nodes = base();
    attrs(&mut nodes, "/quality/mask").insert("zarr_conventions".into(), json!([UUID]));
    let r = check(Fmt::V3, &nodes);
    let hint = r.findings[0].hint.as_deref().unwrap_or_default();
    assert!(
        hint.contains(r#"{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b", "name": "links:"}"#),
        "{hint}"
    );
}

#[test]
fn unknown_type_and_missing_target_suggest_the_fix() {
    let mut nodes = base();
    attrs(&mut nodes, "/quality/mask")["links:relationships"][0]["type"] = json!("qualityFor");
    let r = check(Fmt::V3, &nodes);
    assert_eq!(
        r.findings[0].hint.as_deref(),
        Some("write \"quality_for\""),
        "{}",
        summary(&r)
    );

    let mut nodes = base();
    attrs(&mut nodes, "/quality/mask")["links:relationships"][0]["target"] = json!("/bands/b04");
    let r = check(Fmt::V3, &nodes);
    assert!(
        r.findings[0]
            .message
            .contains(r#"did you mean "/bands/B04"?"#),
        "{}",
        summary(&r)
    );
}

/// Two groups that contain each other disagree about direction and form a
/// composition cycle: both are reported (the book's `contains_disagrees`).
#[test]
fn contains_both_ways_is_a_disagreement_and_a_cycle() {
    let mut nodes = base();
    add_links(
        &mut nodes,
        "/bands",
        json!([{"target": "/quality", "type": "contains"}]),
    );
    add_links(
        &mut nodes,
        "/quality",
        json!([{"target": "/bands", "type": "contains"}]),
    );
    for fmt in [Fmt::V3, Fmt::V2] {
        let r = check(fmt, &nodes);
        let got: Vec<_> = r
            .findings
            .iter()
            .map(|f| (f.rule, f.node.as_str(), f.pointer.clone()))
            .collect();
        let (_, target) = loc(fmt, "/bands", "/links:relationships/0/target");
        let (_, ty) = loc(fmt, "/bands", "/links:relationships/0/type");
        assert_eq!(
            got,
            [
                (Rule::CyclePartOf, "/bands", target),
                (Rule::InverseAgree, "/bands", ty)
            ],
            "{}",
            summary(&r)
        );
    }
}

#[test]
fn a_cycle_is_reported_once_with_the_full_cycle_on_its_smallest_node() {
    let mut nodes = base();
    for (i, p) in ["/c1", "/c2", "/c3", "/c4"].iter().enumerate() {
        nodes.insert(p.to_string(), ("array", json!({})));
        let next = format!("/c{}", (i + 1) % 4 + 1);
        add_links(
            &mut nodes,
            p,
            json!([{"target": next, "type": "derived_from"}]),
        );
    }
    let r = check(Fmt::V3, &nodes);
    assert_eq!(r.findings.len(), 1, "{}", summary(&r));
    let f = &r.findings[0];
    assert_eq!((f.rule, f.node.as_str()), (Rule::CycleDerivedFrom, "/c1"));
    assert!(
        f.message.contains("/c1 → /c2 → /c3 → /c4 → /c1"),
        "{}",
        f.message
    );
}

// rule: links.reader.absolute-paths
#[test]
fn links_of_different_families_and_declared_inverses_are_fine() {
    let mut nodes = base();
    add_links(
        &mut nodes,
        "/bands/B08",
        json!([{"target": "/bands/B04", "type": "same_as"}, {"target": "/bands/B04", "type": "derived_from"}]),
    );
    add_links(
        &mut nodes,
        "/bands/B04",
        json!([{"target": "/bands/B08", "type": "same_as"}, {"target": "/bands", "type": "part_of"}]),
    );
    add_links(
        &mut nodes,
        "/bands",
        json!([{"target": "/bands/B04", "type": "contains"}]),
    );
    add_links(
        &mut nodes,
        "/ndvi",
        json!([{"target": "s3://bucket/l1c.zarr#/measurements/b04", "type": "derived_from"}]),
    );
    for fmt in [Fmt::V3, Fmt::V2] {
        let r = check(fmt, &nodes);
        assert!(r.findings.is_empty(), "{fmt:?}:\n{}", summary(&r));
    }
}

#[test]
fn a_store_without_the_convention_is_valid_and_says_so() {
    let mut nodes = Nodes::new();
    nodes.insert("/".into(), ("group", json!({"title": "plain"})));
    nodes.insert(
        "/a".into(),
        (
            "array",
            json!({"zarr_conventions": ["f17cb550-5864-4468-aeb7-f3180cfb622f"]}),
        ),
    );
    for fmt in [Fmt::V3, Fmt::V2] {
        let r = check(fmt, &nodes);
        assert!(
            r.valid && !r.convention_used && r.findings.is_empty(),
            "{}",
            summary(&r)
        );
    }
}

#[test]
fn findings_are_sorted_and_deterministic() {
    let mut nodes = base();
    attrs(&mut nodes, "/quality/mask")["links:relationships"][0]["target"] = json!("/nope");
    add_links(
        &mut nodes,
        "/bands/B08",
        json!([{"target": "/nope2", "type": "same_as"}]),
    );
    attrs(&mut nodes, "/")["links:index"]["bands"] = json!(["/x"]);
    let dir = build(Fmt::V3, &nodes);
    let a = zarr_links_validator::validate_path(dir.path()).expect("opens");
    let b = zarr_links_validator::validate_path(dir.path()).expect("opens");
    assert_eq!(a, b);
    let keys: Vec<_> = a
        .findings
        .iter()
        .map(|f| (f.node.clone(), f.pointer.clone()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(
        a.findings
            .iter()
            .map(|f| f.node.as_str())
            .collect::<Vec<_>>(),
        ["/", "/bands/B08", "/quality/mask"]
    );
}

/// Every store rule of the registry has a case here or in `store_rules.rs`.
#[test]
fn every_store_rule_is_covered() {
    let mut covered: Vec<Rule> = cases().iter().map(|c| c.rule).collect();
    covered.push(Rule::InverseAgree); // contains_both_ways_is_a_disagreement_and_a_cycle
    covered.extend([
        Rule::StoreMetadata,
        Rule::StoreLayout,
        Rule::StoreConsolidated,
        Rule::StoreParent,
    ]); // store_rules.rs
    for rule in Rule::ALL {
        if rule.info().subject == Subject::Store {
            assert!(covered.contains(rule), "no test case for {rule}");
        }
    }
}

/// Unknown link members and unknown `links:` attributes are reported as
/// warnings at most; the store stays valid and its links are still checked.
// rule: links.reader.ignore-unknown
#[test]
fn unknown_members_are_ignored_not_rejected() {
    let mut nodes = base();
    attrs(&mut nodes, "/ndvi")["links:relationships"][0]["ext:weight"] = json!(0.5);
    attrs(&mut nodes, "/ndvi")["links:relationships"][1]["weight"] = json!(0.5);
    attrs(&mut nodes, "/ndvi").insert("links:future".into(), json!({"x": 1}));
    for fmt in [Fmt::V3, Fmt::V2] {
        let r = check(fmt, &nodes);
        let got: Vec<_> = r.findings.iter().map(|f| (f.rule, f.severity)).collect();
        assert_eq!(
            got,
            [
                (Rule::AttributesUnknown, Severity::Warning),
                (Rule::LinkUnknownField, Severity::Warning)
            ],
            "{}",
            summary(&r)
        );
        assert!(r.valid);
    }
}

/// External targets are checked for syntax only: hosts that do not exist,
/// schemes nobody serves, all valid, and validation needs no network.
// rule: links.reader.no-fetch
#[test]
fn external_targets_are_never_fetched() {
    let mut nodes = base();
    add_links(
        &mut nodes,
        "/bands/B04",
        json!([
            {"target": "https://does-not-exist.invalid/l1c.zarr#/b04", "type": "derived_from"},
            {"target": "s3://no-such-bucket-zarr-links/x.zarr#/a", "type": "same_as"},
            {"target": "gopher://example.invalid/1", "type": "describedby"}
        ]),
    );
    let r = check(Fmt::V3, &nodes);
    // A fetch of a `.invalid` host would fail and be reported; a syntax check
    // finds nothing wrong. (The conformance crate also proves that no
    // connection is attempted, with a listening local port.)
    assert!(r.valid && r.findings.is_empty(), "{}", summary(&r));
}
