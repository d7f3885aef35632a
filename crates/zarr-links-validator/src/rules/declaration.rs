//! Declaring the convention: `links.declaration.required`,
//! `links.declaration.object-form`, `links.declaration.cmo`,
//! `links.declaration.name` and `links.attributes.unknown`.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/declaration.html>

use serde_json::Value;
use zarr_links_model::attributes::{INDEX, RELATIONSHIPS, ZARR_CONVENTIONS};
use zarr_links_model::hierarchy::pointer_token;
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
        out.push(node.finding(
            Rule::AttributesUnknown,
            &format!("/{}", pointer_token(key)),
            format!("found the unknown attribute `{key}`; expected only `links:relationships` and `links:index` under the reserved `links:` prefix"),
            None,
        ));
    }
}

/// The finding of a schema error under a declaration rule.
pub(crate) fn from_schema(e: &SchemaError<'_>) -> Described {
    let base = format!("/{ZARR_CONVENTIONS}");
    let hint = Some(DECLARATION_HINT.to_string());
    let list = e.value_at(&base);
    let items = list.and_then(Value::as_array);
    let legacy = |i: usize| -> Described {
        (
            Rule::DeclarationObjectForm,
            format!("{base}/{i}"),
            "the convention is declared as a bare uuid string (the legacy form); expected a Convention Metadata Object".into(),
            hint.clone(),
        )
    };
    match e.rule {
        Rule::DeclarationObjectForm => {
            let items = items.map(Vec::as_slice).unwrap_or_default();
            // `not`: the array names the uuid as a string; an `items` error:
            // entry i is not a Convention Metadata Object.
            let entry = e.token(1).and_then(|t| t.parse::<usize>().ok());
            let i = match entry {
                Some(i) => i,
                None => items
                    .iter()
                    .position(|x| x.as_str() == Some(CONVENTION_UUID))
                    .unwrap_or_default(),
            };
            let item = items.get(i);
            if item.and_then(Value::as_str) == Some(CONVENTION_UUID) {
                return legacy(i);
            }
            let what = match item {
                Some(Value::String(s)) => format!("the string {s:?} (the legacy form)"),
                Some(Value::Object(_)) => "an object that is not a Convention Metadata Object (it needs `uuid`, `schema_url` or `spec_url`, all strings, and no other members than these, `name` and `description`)".to_string(),
                other => format!("a JSON {}", kind_of(other)),
            };
            (
                Rule::DeclarationObjectForm,
                format!("{base}/{i}"),
                format!("entry {i} of `zarr_conventions` is {what}; expected a Convention Metadata Object on a node that uses the convention"),
                hint,
            )
        }
        Rule::DeclarationCmo => {
            let i = e.token(1).and_then(|t| t.parse::<usize>().ok()).unwrap_or(0);
            cmo(&base, i, items.and_then(|a| a.get(i)), hint)
        }
        _ => match e.keyword {
            "required" => (
                Rule::DeclarationRequired,
                String::new(),
                "the node carries `links:` attributes but no `zarr_conventions`; expected a Convention Metadata Object with the convention's uuid".into(),
                hint,
            ),
            "type" => (
                Rule::DeclarationRequired,
                base,
                format!(
                    "`zarr_conventions` is a JSON {}; expected an array of Convention Metadata Objects",
                    kind_of(list)
                ),
                hint,
            ),
            _ => {
                let by_name = items.is_some_and(|items| {
                    items.iter().any(|x| {
                        x.get("name").and_then(Value::as_str) == Some(PREFIX)
                            || x.get("uuid").is_some_and(|u| !u.is_string())
                    })
                });
                (
                    Rule::DeclarationRequired,
                    base,
                    if by_name {
                        "`zarr_conventions` names the convention but carries no object with its uuid; expected a Convention Metadata Object with \"uuid\": \"9500acb2-598d-48c1-ac4c-96f069e8299b\"".into()
                    } else {
                        "no entry of `zarr_conventions` declares this convention; expected a Convention Metadata Object with its uuid".into()
                    },
                    hint,
                )
            }
        },
    }
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
