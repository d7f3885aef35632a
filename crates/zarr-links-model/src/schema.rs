//! Generates the convention's two JSON Schemas from the types of this crate.
//!
//! The files in `schema/` are the output of these functions, written by
//! `cargo xtask schema`; a test fails when they drift. The draft is
//! draft-07: the Zarr Conventions repositories validate with ajv, whose
//! default export is draft-07, and the Rust and Python `jsonschema`
//! libraries support it too. Patterns use only syntax common to ECMA-262,
//! Python `re` and Rust regex engines (no look-around).
//!
//! Spec: <https://zarr-links.github.io/zarr-links/validation.html>

use schemars::generate::SchemaSettings;
use schemars::SchemaGenerator;
use serde_json::Value;

use crate::attributes::LinksAttributes;
use crate::node::NodeDocument;

/// The file name, under `schema/`, of the whole-node (v3 `zarr.json`) schema.
pub const NODE_SCHEMA_FILE: &str = "links.schema.json";
/// The file name, under `schema/`, of the attributes-object schema.
pub const ATTRIBUTES_SCHEMA_FILE: &str = "links-attributes.schema.json";
/// Where the schemas of this version are published (the site's
/// `v<VERSION>/schema/`, see [`crate::convention::VERSION`]).
pub const SCHEMA_BASE_URL: &str = "https://zarr-links.github.io/zarr-links/v0.1.0/schema/";

fn generator() -> SchemaGenerator {
    SchemaSettings::draft07().into_generator()
}

/// schemars lets `Option<T>` members be `null`. In this convention an
/// optional member is either absent or of its type, so `null` is removed.
fn strip_null(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(alts)) = map.get_mut(key) {
                    let before = alts.len();
                    alts.retain(|a| a.get("type").and_then(Value::as_str) != Some("null"));
                    if alts.len() == 1 && before == 2 {
                        let only = alts.remove(0);
                        map.remove(key);
                        if let Value::Object(o) = only {
                            for (k, x) in o {
                                map.entry(k).or_insert(x);
                            }
                        }
                    }
                }
            }
            map.values_mut().for_each(strip_null);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

fn finish(mut schema: schemars::Schema, file: &str, title: &str) -> Value {
    let obj = schema.ensure_object();
    let mut out = serde_json::Map::new();
    out.insert(
        "$schema".into(),
        "http://json-schema.org/draft-07/schema#".into(),
    );
    out.insert("$id".into(), format!("{SCHEMA_BASE_URL}{file}").into());
    out.insert("title".into(), title.into());
    for (k, v) in std::mem::take(obj) {
        if k != "$schema" && k != "title" {
            out.insert(k, v);
        }
    }
    let mut v = Value::Object(out);
    strip_null(&mut v);
    v
}

/// The schema of an attributes object: a v2 `.zattrs`, or the `attributes`
/// member of a v3 `zarr.json`.
pub fn attributes_schema() -> Value {
    let mut g = generator();
    LinksAttributes::register(&mut g);
    let root = g.into_root_schema_for::<LinksAttributes>();
    finish(
        root,
        ATTRIBUTES_SCHEMA_FILE,
        "GeoZarr Linked Datasets: node attributes",
    )
}

/// The schema of a whole Zarr v3 node document (`zarr.json`).
pub fn node_schema() -> Value {
    let mut g = generator();
    LinksAttributes::register(&mut g);
    let root = g.into_root_schema_for::<NodeDocument>();
    finish(
        root,
        NODE_SCHEMA_FILE,
        "GeoZarr Linked Datasets: Zarr v3 node document",
    )
}

/// Both schemas as `(file name, pretty JSON text with a final newline)`, in
/// the form committed under `schema/`.
pub fn schema_files() -> Vec<(&'static str, String)> {
    [
        (NODE_SCHEMA_FILE, node_schema()),
        (ATTRIBUTES_SCHEMA_FILE, attributes_schema()),
    ]
    .into_iter()
    .map(|(name, v)| {
        let mut text = serde_json::to_string_pretty(&v).expect("a schema serialises");
        text.push('\n');
        (name, text)
    })
    .collect()
}
