//! Links and relationship types: `links.relationships.array`,
//! `links.link.target`, `links.link.type`, `links.link.fields`,
//! `links.link.unknown-field` and `links.link.duplicate`.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/relationships.html>

use serde_json::Value;
use zarr_links_model::hierarchy::pointer_token;
use zarr_links_model::link::LINK_FIELDS;
use zarr_links_model::relation::RelationType;
use zarr_links_model::similar::closest;
use zarr_links_model::view::{link_pointer, LinksView};
use zarr_links_model::{Finding, Node, Rule};

use super::{kind_of, show, Described};
use crate::schema::SchemaError;

/// The hierarchy-level rules of the link objects of one node.
pub(crate) fn check(node: &Node, view: &LinksView, out: &mut Vec<Finding>) {
    for (position, key) in view.unknown_members() {
        let mut fields: Vec<&str> = LINK_FIELDS.to_vec();
        fields.sort_unstable();
        let hint = match closest(key, fields.iter().copied(), str::to_string) {
            Some(f) => format!("did you mean `{f}`? Otherwise prefix it, e.g. `ext:{key}`"),
            None => format!("prefix extension members, e.g. `ext:{key}`"),
        };
        out.push(node.finding(
            Rule::LinkUnknownField,
            &format!("{}/{}", link_pointer(*position), pointer_token(key)),
            format!("the link has the unknown member `{key}`; expected only the defined members or prefixed extension members"),
            Some(hint),
        ));
    }
    for (position, written) in view.type_case() {
        let registered = view
            .links
            .iter()
            .chain(view.duplicates().iter().map(|(l, _)| l))
            .find(|l| l.position == *position)
            .map(|l| l.relation.as_str())
            .unwrap_or_default();
        out.push(node.finding(
            Rule::LinkTypeCase,
            &format!("{}/type", link_pointer(*position)),
            format!("the registered relation type {registered:?} is written {written:?}; expected the registry's spelling (types are compared ignoring case, as RFC 8288 says, but one spelling keeps links easy to search)"),
            Some(format!("write \"{registered}\"")),
        ));
    }
    for (link, first) in view.duplicates() {
        let target = link.target_str();
        out.push(node.finding(
            Rule::LinkDuplicate,
            &link.pointer(),
            format!(
                "the link ({target:?}, {:?}) is already stated at {}; expected each (target, type) pair once",
                link.relation.as_str(),
                node.pointer(&link_pointer(*first))
            ),
            Some("remove the repeated link".into()),
        ));
    }
}

/// The finding of a schema error under a relationships rule.
pub(crate) fn from_schema(e: &SchemaError<'_>) -> Described {
    match e.rule {
        Rule::RelationshipsArray if e.location.starts_with("/properties/") => (
            Rule::RelationshipsArray,
            e.prefix(1),
            format!(
                "`links:relationships` is a JSON {}; expected an array of link objects",
                kind_of(e.value_at(&e.prefix(1)))
            ),
            None,
        ),
        Rule::RelationshipsArray => (
            Rule::RelationshipsArray,
            e.prefix(2),
            format!(
                "the link is a JSON {}; expected a link object with `target` and `type`",
                kind_of(e.value_at(&e.prefix(2)))
            ),
            None,
        ),
        // `target` present but not a non-empty string: the `Target` schema.
        Rule::LinkTarget if e.location.starts_with("/definitions/Target/") => {
            super::targets::from_schema(e)
        }
        Rule::LinkTarget => (
            Rule::LinkTarget,
            e.prefix(2),
            "the link has no `target`; expected a non-empty string".into(),
            None,
        ),
        Rule::LinkType if e.keyword == "required" => (
            Rule::LinkType,
            e.prefix(2),
            "the link has no `type`; expected a relationship type such as \"derived_from\"".into(),
            None,
        ),
        Rule::LinkType => {
            let ptr = e.prefix(3);
            match e.value_at(&ptr) {
                Some(Value::String(s)) => match RelationType::parse(s) {
                    Err(err) => {
                        let hint = err.suggestion.map(|s| format!("write \"{s}\"")).or_else(|| {
                            s.contains(':').then(|| {
                                "an extension type is an absolute URI with an authority, such as \"https://example.org/relations/calibrated-with\"".to_string()
                            })
                        });
                        (
                            Rule::LinkType,
                            ptr,
                            format!("{err}; expected a core type (derived_from, quality_for, same_as, part_of, contains), a relation type registered with IANA, or an absolute URI with an authority (scheme://host/...)"),
                            hint,
                        )
                    }
                    Ok(_) => (
                        Rule::LinkType,
                        ptr,
                        format!("type {s:?} is rejected by the schema"),
                        None,
                    ),
                },
                other => (
                    Rule::LinkType,
                    ptr,
                    format!(
                        "`type` is {}; expected a relationship type string",
                        other.map_or("missing".into(), show)
                    ),
                    None,
                ),
            }
        }
        _ => {
            let ptr = e.prefix(3);
            let member = e.token(2).unwrap_or_default();
            let expected = match member.as_str() {
                "media_type" => {
                    "a media type such as \"text/html\" or \"text/plain; charset=utf-8\" (RFC 6838; each parameter is name=value)"
                }
                "role" | "protocol" => "a non-empty string",
                _ => "a string",
            };
            (
                Rule::LinkFields,
                ptr.clone(),
                format!(
                    "`{member}` is {}; expected {expected}",
                    e.value_at(&ptr).map_or("missing".into(), show)
                ),
                None,
            )
        }
    }
}
