//! Reading the convention's attributes of one node into a [`LinksView`]:
//! the one place where `zarr_conventions`, `links:relationships` and
//! `links:index` are read from JSON.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/relationships.html>

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{link_pointer, Category, Declaration, Detail, LinkEntry, LinksView, Skipped};
use crate::attributes::{INDEX, RELATIONSHIPS, ZARR_CONVENTIONS};
use crate::convention::{CONVENTION_UUID, PREFIX};
use crate::hierarchy::pointer_token;
use crate::link::{plain_media_type, LINK_FIELDS};
use crate::node::NodeKind;
use crate::path::{parse_index_entry, parse_target};
use crate::relation::RelationType;

impl Declaration {
    /// Reads this convention's entries of a `zarr_conventions` array. Also
    /// says whether every object carrying the uuid is closed (only the five
    /// members of a Convention Metadata Object, all strings), and gives the
    /// `name` of every such object when it is a string other than `links:`,
    /// with the object's position. Other conventions' entries are ignored.
    pub fn read(items: &[Value]) -> (Declaration, bool, Vec<(u32, String)>) {
        const MEMBERS: [&str; 5] = ["uuid", "name", "schema_url", "spec_url", "description"];
        let mut d = Declaration::default();
        let mut odd_names = Vec::new();
        let mut closed = true;
        for (i, item) in items.iter().enumerate() {
            let i = i as u32;
            match item {
                Value::String(s) if s == CONVENTION_UUID => {
                    d.legacy.get_or_insert(i);
                }
                Value::Object(m)
                    if m.get("uuid").and_then(Value::as_str) == Some(CONVENTION_UUID) =>
                {
                    closed &= m
                        .iter()
                        .all(|(k, v)| MEMBERS.contains(&k.as_str()) && v.is_string());
                    d.cmo.get_or_insert(i);
                    if let Some(Value::String(name)) = m.get("name") {
                        if name != PREFIX {
                            odd_names.push((i, name.clone()));
                        }
                    }
                }
                // Other conventions' entries are theirs to check.
                _ => {}
            }
        }
        (d, closed, odd_names)
    }
}

impl LinksView {
    /// Reads the convention's attributes of a node of the given kind.
    ///
    /// ```
    /// use serde_json::json;
    /// use zarr_links_model::{view::LinksView, NodeKind};
    /// let attrs = json!({
    ///     "zarr_conventions": [{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b"}],
    ///     "links:relationships": [{"target": "/bands/b04", "type": "quality_for"}, {"type": "nope"}]
    /// });
    /// let view = LinksView::read(NodeKind::Array, attrs.as_object().unwrap());
    /// assert_eq!(view.links.len(), 1);
    /// assert_eq!(view.skipped()[0].pointer, "/links:relationships/1");
    /// assert!(!view.schema_clean);
    /// ```
    pub fn read(kind: NodeKind, attributes: &Map<String, Value>) -> LinksView {
        let mut view = LinksView {
            uses_links: attributes.keys().any(|k| k.starts_with(PREFIX)),
            schema_clean: true,
            ..LinksView::default()
        };
        view.read_declaration(attributes.get(ZARR_CONVENTIONS));
        for key in attributes.keys().filter(|k| k.starts_with(PREFIX)) {
            if key != RELATIONSHIPS && key != INDEX {
                view.issues().unknown_attributes.push(key.clone());
            }
        }
        if let Some(value) = attributes.get(RELATIONSHIPS) {
            view.read_relationships(value);
        }
        if let Some(value) = attributes.get(INDEX) {
            view.has_index = true;
            if kind == NodeKind::Array {
                view.schema_clean = false;
            }
            view.read_index(value);
        }
        view
    }

    fn skip(&mut self, pointer: String, reason: impl Into<String>) {
        self.issues().skipped.push(Skipped {
            pointer,
            reason: reason.into(),
        });
        self.schema_clean = false;
    }

    fn read_declaration(&mut self, conventions: Option<&Value>) {
        let Some(Value::Array(items)) = conventions else {
            // Absent, or not an array: only a problem when `links:` is used.
            self.schema_clean &= !self.uses_links;
            return;
        };
        let (declaration, closed, odd_names) = Declaration::read(items);
        if !odd_names.is_empty() {
            self.issues().odd_names = odd_names;
        }
        if declaration.legacy.is_some() {
            self.schema_clean = false;
        }
        if !closed || (self.uses_links && declaration.cmo.is_none()) {
            self.schema_clean = false;
        }
        self.declaration = declaration;
    }

    fn read_relationships(&mut self, value: &Value) {
        let Some(links) = value.as_array() else {
            self.skip(
                format!("/{}", pointer_token(RELATIONSHIPS)),
                "`links:relationships` is not an array",
            );
            return;
        };
        // (target, type) → first position; most nodes have a handful of
        // links, so a hash map pays only for long lists.
        let mut seen: HashMap<(&str, RelationType), u32, foldhash::fast::RandomState> =
            HashMap::default();
        let mut read = Vec::with_capacity(links.len());
        let mut details = Vec::new();
        for (position, link) in links.iter().enumerate() {
            let position = position as u32;
            let pointer = link_pointer(position);
            let Some(object) = link.as_object() else {
                self.skip(pointer, "the link is not an object");
                continue;
            };
            for key in object.keys() {
                if !LINK_FIELDS.contains(&key.as_str()) && !key.contains(':') {
                    self.issues().unknown_members.push((position, key.clone()));
                }
            }
            self.read_details(position, object, &mut details);
            let (Some(target), Some(kind)) = (
                object.get("target").and_then(Value::as_str),
                object.get("type").and_then(Value::as_str),
            ) else {
                self.skip(pointer, "the link has no string `target` and `type`");
                continue;
            };
            let relation = match RelationType::parse(kind) {
                Ok(t) => {
                    if t.as_str() != kind {
                        self.issues().type_case.push((position, kind.to_string()));
                    }
                    t
                }
                Err(e) => {
                    self.skip(pointer, e.to_string());
                    continue;
                }
            };
            let target_parsed = match parse_target(target) {
                Ok(t) => t,
                Err(e) => {
                    self.skip(pointer, format!("target {target:?}: {e}"));
                    continue;
                }
            };
            let entry = LinkEntry {
                position,
                target: target_parsed,
                relation,
            };
            match seen.get(&(target, entry.relation.clone())) {
                Some(first) => self.issues().duplicates.push((entry, *first)),
                None => {
                    seen.insert((target, entry.relation.clone()), position);
                    read.push(entry);
                }
            }
        }
        self.links = read.into();
        self.details = details.into();
    }

    /// The optional members; marks the view unclean when one is not of its
    /// defined syntax.
    fn read_details(
        &mut self,
        position: u32,
        object: &Map<String, Value>,
        details: &mut Vec<(u32, Detail, Box<str>)>,
    ) {
        for which in Detail::ALL {
            let Some(value) = object.get(which.as_str()) else {
                continue;
            };
            let ok = match (which, value.as_str()) {
                (_, None) => false,
                (Detail::Role | Detail::Protocol, Some(s)) => !s.is_empty(),
                (Detail::MediaType, Some(s)) => plain_media_type(s),
                _ => true,
            };
            if !ok {
                self.schema_clean = false;
            }
            if let Some(s) = value.as_str() {
                details.push((position, which, s.into()));
            }
        }
    }

    fn read_index(&mut self, value: &Value) {
        let base = format!("/{}", pointer_token(INDEX));
        let Some(object) = value.as_object() else {
            self.skip(base, "`links:index` is not an object");
            return;
        };
        let mut categories = Vec::with_capacity(object.len());
        for (name, entries) in object {
            let pointer = format!("{base}/{}", pointer_token(name));
            if name.is_empty() {
                self.schema_clean = false;
            }
            let Some(entries) = entries.as_array() else {
                self.skip(pointer, "the category is not an array");
                continue;
            };
            let mut read = Vec::with_capacity(entries.len());
            let mut seen = std::collections::HashSet::with_capacity(entries.len());
            for (i, entry) in entries.iter().enumerate() {
                match entry.as_str().map(|s| (s, parse_index_entry(s))) {
                    Some((s, Ok(path))) => {
                        if !seen.insert(s) {
                            self.schema_clean = false;
                        }
                        read.push((i as u32, path));
                    }
                    Some((_, Err(e))) => self.skip(format!("{pointer}/{i}"), e.to_string()),
                    None => self.skip(format!("{pointer}/{i}"), "the entry is not a string"),
                }
            }
            categories.push(Category {
                name: name.clone(),
                entries: read,
            });
        }
        self.index = Some(categories.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(kind: NodeKind, v: Value) -> LinksView {
        LinksView::read(kind, v.as_object().unwrap())
    }

    const CMO: &str = CONVENTION_UUID;

    #[test]
    fn reads_links_positions_duplicates_and_details() {
        let v = read(
            NodeKind::Array,
            json!({
                "zarr_conventions": [{"uuid": "x"}, {"uuid": CMO, "name": "links"}],
                "links:relationships": [
                    {"target": "/a", "type": "quality_for", "title": "T", "desciption": "typo", "ext:x": 1},
                    {"target": "/a", "type": "quality_for"},
                    {"target": "https://example.org/x", "type": "describedby"}
                ],
                "links:relationship": []
            }),
        );
        assert_eq!(v.declaration.cmo, Some(1));
        assert_eq!(v.odd_names(), [(1, "links".to_string())]);
        assert_eq!(v.links.len(), 2);
        assert_eq!(v.duplicates()[0].0.position, 1);
        assert_eq!(v.duplicates()[0].1, 0);
        assert_eq!(v.detail(0, Detail::Title), Some("T"));
        assert_eq!(v.detail(1, Detail::Title), None);
        assert_eq!(v.unknown_members(), [(0, "desciption".to_string())]);
        assert_eq!(v.unknown_attributes(), ["links:relationship".to_string()]);
        assert!(v.skipped().is_empty());
        assert!(v.schema_clean);
    }

    #[test]
    fn lists_what_it_cannot_read() {
        let v = read(
            NodeKind::Group,
            json!({
                "zarr_conventions": [{"uuid": CMO}],
                "links:relationships": [3, {"target": "b04", "type": "same_as"}, {"target": "/a", "type": "nope"}, {"type": "same_as"}],
                "links:index": {"bands": ["/a", 1, "/a/../b"], "x": "no"}
            }),
        );
        let pointers: Vec<&str> = v.skipped().iter().map(|s| s.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/links:relationships/0",
                "/links:relationships/1",
                "/links:relationships/2",
                "/links:relationships/3",
                "/links:index/bands/1",
                "/links:index/bands/2",
                "/links:index/x"
            ]
        );
        let index = v.index.as_ref().unwrap();
        assert_eq!(index.len(), 1);
        assert_eq!(index[0].entries.len(), 1);
        assert!(!v.schema_clean);
    }

    #[test]
    fn declaration_defects_make_it_unclean() {
        let uses = |conventions: Value| {
            read(
                NodeKind::Group,
                json!({"zarr_conventions": conventions, "links:index": {}}),
            )
        };
        assert!(uses(json!([{"uuid": CMO}])).schema_clean);
        assert!(!uses(json!([CMO])).schema_clean);
        assert!(!uses(json!([{"uuid": CMO, "version": "1"}])).schema_clean);
        assert!(!uses(json!([{"uuid": "other"}])).schema_clean);
        // Other conventions' entries are theirs to check.
        assert!(uses(json!([{"name": "x"}, "other-uuid", {"uuid": CMO}])).schema_clean);
        assert!(!uses(json!({"uuid": CMO})).schema_clean);
        let legacy = read(NodeKind::Array, json!({"zarr_conventions": [CMO]}));
        assert_eq!(legacy.declaration.legacy, Some(0));
        assert!(legacy.mentions_convention() && !legacy.schema_clean);
        let foreign = json!({"zarr_conventions": ["other", {"bogus": 1}]});
        assert!(!LinksView::concerns(foreign.as_object().unwrap()));
    }

    /// A store holds one entry per link and one view per node that uses
    /// the convention: their sizes decide the memory of a large store.
    #[test]
    fn entries_stay_small() {
        use std::mem::size_of;
        assert!(size_of::<LinkEntry>() <= 40, "{}", size_of::<LinkEntry>());
        assert!(size_of::<LinksView>() <= 80, "{}", size_of::<LinksView>());
        assert!(
            size_of::<crate::Node>() <= 40,
            "{}",
            size_of::<crate::Node>()
        );
    }

    #[test]
    fn index_on_an_array_and_bad_fields_are_unclean() {
        let cmo = json!([{"uuid": CMO}]);
        assert!(
            !read(
                NodeKind::Array,
                json!({"zarr_conventions": cmo, "links:index": {}})
            )
            .schema_clean
        );
        for bad in [
            json!({"media_type": "text"}),
            json!({"role": ""}),
            json!({"title": null}),
        ] {
            let mut link = json!({"target": "/a", "type": "same_as"});
            link.as_object_mut()
                .unwrap()
                .extend(bad.as_object().unwrap().clone());
            let v = read(
                NodeKind::Array,
                json!({"zarr_conventions": cmo, "links:relationships": [link]}),
            );
            assert!(!v.schema_clean, "{bad}");
            assert_eq!(v.links.len(), 1);
        }
    }
}
