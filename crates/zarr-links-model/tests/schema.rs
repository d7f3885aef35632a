//! The generated schemas: drift against `schema/`, meta-schema validity, and
//! the verdicts the specification requires on representative documents.

use serde_json::{json, Value};
use zarr_links_model::path::parse_target;
use zarr_links_model::schema::{attributes_schema, node_schema, schema_files};
use zarr_links_model::CONVENTION_UUID;

fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn attrs() -> jsonschema::Validator {
    jsonschema::draft7::new(&attributes_schema()).expect("attributes schema compiles")
}

fn node() -> jsonschema::Validator {
    jsonschema::draft7::new(&node_schema()).expect("node schema compiles")
}

fn cmo() -> Value {
    json!({"uuid": CONVENTION_UUID, "name": "links:"})
}

/// The seed proposal's example, rewritten with the object-form declaration.
fn seed_example() -> Value {
    json!({
        "zarr_conventions": [
            {"uuid": "f17cb550-5864-4468-aeb7-f3180cfb622f", "name": "proj:"},
            cmo()
        ],
        "links:relationships": [
            {"target": "/quality/cloud_mask", "type": "quality_for", "description": "Cloud mask for this band"},
            {"target": "/bands/B04", "type": "derived_from", "description": "NDVI computed from B04 and B08"}
        ]
    })
}

fn seed_index() -> Value {
    json!({
        "zarr_conventions": [cmo()],
        "links:index": {
            "bands": ["/bands/B02", "/bands/B03", "/bands/B04"],
            "quality": ["/quality/cloud_mask", "/quality/snow_mask"],
            "derived": ["/indices/ndvi", "/indices/ndwi"]
        }
    })
}

fn with_links(links: Value) -> Value {
    json!({"zarr_conventions": [cmo()], "links:relationships": links})
}

#[test]
fn committed_schemas_match_the_types() {
    for (name, text) in schema_files() {
        let path = repo_root().join("schema").join(name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == text,
            "schema/{name} is out of date with the Rust types.\nRun `cargo xtask schema` and commit the result."
        );
    }
}

#[test]
fn schemas_pass_the_draft07_meta_schema() {
    for schema in [attributes_schema(), node_schema()] {
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        jsonschema::meta::validate(&schema).expect("valid draft-07 schema");
    }
}

#[test]
fn accepts_the_seed_examples() {
    let v = attrs();
    assert!(v.is_valid(&seed_example()));
    assert!(v.is_valid(&seed_index()));
    let doc = json!({"zarr_format": 3, "node_type": "array", "shape": [10], "attributes": seed_example()});
    assert!(node().is_valid(&doc));
    let group = json!({"zarr_format": 3, "node_type": "group", "attributes": seed_index()});
    assert!(node().is_valid(&group));
}

#[test]
fn accepts_attributes_without_the_convention() {
    assert!(attrs().is_valid(&json!({})));
    assert!(attrs().is_valid(&json!({"zarr_conventions": ["f17cb550-5864-4468-aeb7-f3180cfb622f"], "proj:code": "EPSG:32632"})));
    assert!(node().is_valid(&json!({"zarr_format": 3, "node_type": "group"})));
}

#[test]
fn rejects_each_defect() {
    let v = attrs();
    let cases = [
        (
            "missing target",
            with_links(json!([{"type": "quality_for"}])),
        ),
        (
            "empty target",
            with_links(json!([{"target": "", "type": "quality_for"}])),
        ),
        (
            "non-string target",
            with_links(json!([{"target": 4, "type": "quality_for"}])),
        ),
        (
            "unknown type",
            with_links(json!([{"target": "/a", "type": "quality-for"}])),
        ),
        ("missing type", with_links(json!([{"target": "/a"}]))),
        (
            "relationships as object",
            with_links(json!({"target": "/a", "type": "quality_for"})),
        ),
        (
            "index as array",
            json!({"zarr_conventions": [cmo()], "links:index": ["/a"]}),
        ),
        (
            "legacy string-list zarr_conventions",
            json!({"zarr_conventions": [CONVENTION_UUID], "links:relationships": [{"target": "/a", "type": "same_as"}]}),
        ),
        (
            "legacy string without links attributes",
            json!({"zarr_conventions": [CONVENTION_UUID]}),
        ),
        ("no declaration", json!({"links:relationships": []})),
        (
            "declaration by name only",
            json!({"zarr_conventions": [{"name": "links:"}], "links:index": {}}),
        ),
        (
            "extra member in the CMO",
            json!({"zarr_conventions": [{"uuid": CONVENTION_UUID, "version": "1"}], "links:index": {}}),
        ),
        (
            "relative target",
            with_links(json!([{"target": "bands/B04", "type": "same_as"}])),
        ),
        (
            "escaping target",
            with_links(json!([{"target": "/../x", "type": "same_as"}])),
        ),
        (
            "dot segment",
            with_links(json!([{"target": "/a/./b", "type": "same_as"}])),
        ),
        (
            "trailing slash",
            with_links(json!([{"target": "/a/", "type": "same_as"}])),
        ),
        (
            "URI with a space",
            with_links(json!([{"target": "https://x.org/a b", "type": "describedby"}])),
        ),
        (
            "bad media type",
            with_links(
                json!([{"target": "https://x.org/a", "type": "describedby", "media_type": "html"}]),
            ),
        ),
        (
            "null description",
            with_links(json!([{"target": "/a", "type": "same_as", "description": null}])),
        ),
        (
            "index entry is a URI",
            json!({"zarr_conventions": [cmo()], "links:index": {"docs": ["https://x.org"]}}),
        ),
        (
            "index entry repeated",
            json!({"zarr_conventions": [cmo()], "links:index": {"b": ["/a", "/a"]}}),
        ),
        (
            "empty category name",
            json!({"zarr_conventions": [cmo()], "links:index": {"": ["/a"]}}),
        ),
    ];
    for (what, doc) in cases {
        assert!(!v.is_valid(&doc), "attributes schema accepted: {what}");
    }
    let array_with_index =
        json!({"zarr_format": 3, "node_type": "array", "attributes": seed_index()});
    assert!(
        !node().is_valid(&array_with_index),
        "node schema accepted an index on an array"
    );
    assert!(!node().is_valid(&json!({"zarr_format": 2, "node_type": "group"})));
}

/// The schema's target patterns and the Rust target parser give the same verdict.
#[test]
fn target_patterns_agree_with_the_parser() {
    let v = attrs();
    let targets = [
        "/",
        "/a",
        "/a/b",
        "/.a",
        "/..a",
        "/...",
        "/a b",
        "/température",
        "/a/.",
        "/a/..",
        "/.",
        "//",
        "/a//b",
        "a",
        "./a",
        "../a",
        "C:\\x",
        "https://example.org/a?b=c#d",
        "s3://bucket/x.zarr#/a/b",
        "https:",
        "https://x/%zz",
        "https://x/%2F",
        "urn:x:y",
        "mailto:a@b.org",
        "1http://x",
        "http://x/é",
        "https://x/<a>",
        "https://x/a\n",
        "/a\n",
        "urn:x\n",
    ];
    for t in targets {
        let doc = with_links(json!([{"target": t, "type": "same_as"}]));
        assert_eq!(
            v.is_valid(&doc),
            parse_target(t).is_ok(),
            "schema and parser disagree on {t:?}"
        );
    }
}

/// Media types follow RFC 6838 and their parameters RFC 9110; registered
/// relation types are matched in any letter case; extension types need an
/// authority. The schema and the Rust parsers agree on each.
#[test]
fn media_types_and_relation_types() {
    let v = attrs();
    let with = |link: Value| with_links(json!([link]));
    for (media, ok) in [
        ("text/html", true),
        ("application/x-netcdf; version=4", true),
        ("text/plain;charset=\"utf-8\"", true),
        ("application/vnd.zarr; version=3", true),
        ("text/html; !!!", false),
        ("text/html;", false),
        ("text/html; a=b c", false),
        ("text", false),
        ("text/html; a=\"unterminated", false),
    ] {
        let doc =
            with(json!({"target": "https://x.org/a", "type": "describedby", "media_type": media}));
        assert_eq!(v.is_valid(&doc), ok, "{media}");
    }
    use zarr_links_model::relation::RelationType;
    for (ty, ok) in [
        ("describedby", true),
        ("describedBy", true),
        ("DESCRIBEDBY", true),
        ("quality_for", true),
        ("quality:for", false),
        ("links:quality_for", false),
        ("https://example.org/relations/calibrated-with", true),
        ("http://", false),
        ("urn:example:rel", false),
    ] {
        let doc = with(json!({"target": "/a", "type": ty}));
        assert_eq!(v.is_valid(&doc), ok, "schema, {ty}");
        assert_eq!(RelationType::parse(ty).is_ok(), ok, "parser, {ty}");
    }
    assert_eq!(
        RelationType::parse("quality:for").unwrap_err().suggestion,
        Some("quality_for")
    );
    assert_eq!(
        RelationType::parse("describedBy").unwrap().as_str(),
        "describedby"
    );
}
