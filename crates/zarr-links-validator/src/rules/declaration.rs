//! Declaring the convention: `links.declaration.required`,
//! `links.declaration.object-form`, `links.declaration.cmo`,
//! `links.declaration.name` and `links.attributes.unknown`.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/declaration.html>

use serde_json::Value;
use zarr_links_model::attributes::{INDEX, RELATIONSHIPS, ZARR_CONVENTIONS};
use zarr_links_model::convention::SITE_URL;
use zarr_links_model::hierarchy::pointer_token;
use zarr_links_model::similar::closest;
use zarr_links_model::view::LinksView;
use zarr_links_model::{Finding, Node, Rule, CONVENTION_UUID, PREFIX};

use super::{kind_of, show, Described};
use crate::schema::SchemaError;

/// The hint that shows the object form of the declaration.
pub const DECLARATION_HINT: &str = r#"declare the convention with an object: "zarr_conventions": [{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b", "name": "links:"}]"#;

/// The hierarchy-level rules of the declaration on one node.
pub(crate) fn check(node: &Node, view: &LinksView, out: &mut Vec<Finding>) {
    for (j, name) in view.odd_names() {
        out.push(node.finding(
            Rule::DeclarationName,
            &format!("/{ZARR_CONVENTIONS}/{j}/name"),
            format!("the convention's `name` is {name:?}; expected \"links:\""),
            None,
        ));
    }
    for key in view.unknown_attributes() {
        debug_assert!(key.starts_with(PREFIX) && key != RELATIONSHIPS && key != INDEX);
        let hint = closest(key, [RELATIONSHIPS, INDEX], str::to_string).map(|known| {
            format!("did you mean `{known}`? Readers ignore `{key}`, so what it holds is not read")
        });
        out.push(node.finding(
            Rule::AttributesUnknown,
            &format!("/{}", pointer_token(key)),
            format!("found the unknown attribute `{key}`; expected only `links:relationships` and `links:index` under the reserved `links:` prefix"),
            hint,
        ));
    }
}

/// The finding of a schema error under a declaration rule.
pub(crate) fn from_schema(e: &SchemaError<'_>) -> Described {
    let base = format!("/{ZARR_CONVENTIONS}");
    let hint = Some(DECLARATION_HINT.to_string());
    let list = e.value_at(&base);
    let items = list
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    match e.rule {
        Rule::DeclarationObjectForm => {
            // `not`: the array names this convention's uuid as a string.
            let i = items
                .iter()
                .position(|x| x.as_str() == Some(CONVENTION_UUID))
                .unwrap_or_default();
            (
                Rule::DeclarationObjectForm,
                format!("{base}/{i}"),
                "the convention is declared as a bare uuid string (the legacy form); expected a Convention Metadata Object".into(),
                hint,
            )
        }
        Rule::DeclarationCmo => {
            let i = e.token(1).and_then(|t| t.parse::<usize>().ok()).unwrap_or(0);
            cmo(&base, i, items.get(i), hint)
        }
        _ => match e.keyword {
            "required" => {
                let typo = e.attributes.as_object().and_then(|a| {
                    closest(ZARR_CONVENTIONS, a.keys().map(String::as_str), str::to_string)
                });
                match typo {
                    Some(found) => (
                        Rule::DeclarationRequired,
                        String::new(),
                        format!("the node carries `links:` attributes but no `zarr_conventions` (it has `{found}`, which is not that name); expected a Convention Metadata Object with the convention's uuid in `zarr_conventions`"),
                        Some(format!("rename `{found}` to `zarr_conventions`")),
                    ),
                    None => (
                        Rule::DeclarationRequired,
                        String::new(),
                        "the node carries `links:` attributes but no `zarr_conventions`; expected a Convention Metadata Object with the convention's uuid".into(),
                        hint,
                    ),
                }
            }
            "type" => (
                Rule::DeclarationRequired,
                base,
                format!(
                    "`zarr_conventions` is a JSON {}; expected an array of Convention Metadata Objects",
                    kind_of(list)
                ),
                hint,
            ),
            _ => not_declared(&base, items, hint),
        },
    }
}

/// Why no entry of `zarr_conventions` declares this convention, naming the
/// entry that comes closest.
fn not_declared(base: &str, items: &[Value], hint: Option<String>) -> Described {
    let uuid_of = |x: &Value| x.get("uuid").and_then(Value::as_str).map(str::to_string);
    // The uuid in another letter case.
    if let Some((i, u)) = items.iter().enumerate().find_map(|(i, x)| {
        uuid_of(x)
            .filter(|u| u.eq_ignore_ascii_case(CONVENTION_UUID))
            .map(|u| (i, u))
    }) {
        return (
            Rule::DeclarationRequired,
            format!("{base}/{i}/uuid"),
            format!("the uuid {u:?} is this convention's in another letter case; expected {CONVENTION_UUID:?}, since uuids are compared exactly"),
            Some(format!("write \"uuid\": \"{CONVENTION_UUID}\"")),
        );
    }
    // An entry that names the convention without its uuid.
    let names_us = |x: &Value| {
        let s = |k: &str| {
            x.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        x.get("uuid").is_some_and(|u| !u.is_string())
            || s("name") == PREFIX
            || s("schema_url").starts_with(SITE_URL)
            || s("spec_url").starts_with(SITE_URL)
    };
    if let Some(i) = items.iter().position(names_us) {
        return (
            Rule::DeclarationRequired,
            format!("{base}/{i}"),
            format!("entry {i} of `zarr_conventions` names this convention but carries no uuid; expected the uuid, which alone identifies the convention (a schema or specification URL changes with each version)"),
            Some(format!("add \"uuid\": \"{CONVENTION_UUID}\" to entry {i}")),
        );
    }
    (
        Rule::DeclarationRequired,
        base.to_string(),
        "no entry of `zarr_conventions` declares this convention; expected a Convention Metadata Object with its uuid".into(),
        hint,
    )
}

/// The finding about this convention's CMO at entry `i`, pointing at the
/// member that is wrong.
fn cmo(base: &str, i: usize, item: Option<&Value>, hint: Option<String>) -> Described {
    const ALLOWED: [&str; 5] = ["uuid", "name", "schema_url", "spec_url", "description"];
    let mut ptr = format!("{base}/{i}");
    let msg = match item.and_then(Value::as_object) {
        Some(m) => {
            if let Some(k) = m.keys().find(|k| !ALLOWED.contains(&k.as_str())) {
                ptr = format!("{ptr}/{}", pointer_token(k));
                format!("the convention's Convention Metadata Object has the member `{k}`; expected only uuid, name, schema_url, spec_url and description")
            } else if let Some((k, v)) = m.iter().find(|(_, v)| !v.is_string()) {
                ptr = format!("{ptr}/{}", pointer_token(k));
                format!("`{k}` is {}; expected a string", show(v))
            } else {
                "the convention's Convention Metadata Object is rejected by the schema".to_string()
            }
        }
        None => "the entry is not an object; expected a Convention Metadata Object".to_string(),
    };
    (Rule::DeclarationCmo, ptr, msg, hint)
}
