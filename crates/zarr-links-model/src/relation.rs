//! Relationship types: the five core types, the IANA-registered relation
//! types, and extension types written as absolute URIs (RFC 8288 §2.1).
//!
//! Spec: <https://zarr-links.github.io/zarr-links/relationships.html>

use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::path::no_newline;
use crate::similar::closest;

/// The five relationship types every conforming reader understands.
///
/// A link reads "this node `<type>` `<target>`".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CoreRelation {
    /// `derived_from`: this node was computed from the target.
    DerivedFrom,
    /// `quality_for`: this node is a quality or mask array for the target.
    QualityFor,
    /// `same_as`: this node is another representation of the same data as the target.
    SameAs,
    /// `part_of`: this node is a component of the target.
    PartOf,
    /// `contains`: this node has the target as a component.
    Contains,
}

impl CoreRelation {
    /// All five, in the order the specification lists them.
    pub const ALL: [CoreRelation; 5] = [
        CoreRelation::DerivedFrom,
        CoreRelation::QualityFor,
        CoreRelation::SameAs,
        CoreRelation::PartOf,
        CoreRelation::Contains,
    ];

    /// The value written in `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            CoreRelation::DerivedFrom => "derived_from",
            CoreRelation::QualityFor => "quality_for",
            CoreRelation::SameAs => "same_as",
            CoreRelation::PartOf => "part_of",
            CoreRelation::Contains => "contains",
        }
    }

    /// Parses one of the five names, exactly as written (case-sensitive).
    pub fn parse(s: &str) -> Option<CoreRelation> {
        CoreRelation::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The core type that states the same fact from the target's side, if
    /// there is one: `part_of` and `contains` are each other's inverse, and
    /// `same_as` is its own. `derived_from` and `quality_for` have none.
    pub fn inverse(self) -> Option<CoreRelation> {
        match self {
            CoreRelation::PartOf => Some(CoreRelation::Contains),
            CoreRelation::Contains => Some(CoreRelation::PartOf),
            CoreRelation::SameAs => Some(CoreRelation::SameAs),
            CoreRelation::DerivedFrom | CoreRelation::QualityFor => None,
        }
    }
}

impl fmt::Display for CoreRelation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The link relation types registered with IANA, as the registry listed them
/// on 2022-10-11 (<https://www.iana.org/assignments/link-relations/>).
///
/// They are written here in the registry's lowercase spelling; a type is
/// compared with them ignoring ASCII case (RFC 8288, section 2.1.1).
/// `cargo xtask book` publishes this list as the book's page
/// `reference/relation-types.md`.
pub const IANA_RELATIONS: &[&str] = &[
    "about",
    "acl",
    "alternate",
    "amphtml",
    "appendix",
    "apple-touch-icon",
    "apple-touch-startup-image",
    "archives",
    "author",
    "blocked-by",
    "bookmark",
    "canonical",
    "chapter",
    "cite-as",
    "collection",
    "contents",
    "convertedfrom",
    "copyright",
    "create-form",
    "current",
    "describedby",
    "describes",
    "disclosure",
    "dns-prefetch",
    "duplicate",
    "edit",
    "edit-form",
    "edit-media",
    "enclosure",
    "external",
    "first",
    "glossary",
    "help",
    "hosts",
    "hub",
    "icon",
    "index",
    "intervalafter",
    "intervalbefore",
    "intervalcontains",
    "intervaldisjoint",
    "intervalduring",
    "intervalequals",
    "intervalfinishedby",
    "intervalfinishes",
    "intervalin",
    "intervalmeets",
    "intervalmetby",
    "intervaloverlappedby",
    "intervaloverlaps",
    "intervalstartedby",
    "intervalstarts",
    "item",
    "last",
    "latest-version",
    "license",
    "linkset",
    "lrdd",
    "manifest",
    "mask-icon",
    "media-feed",
    "memento",
    "micropub",
    "modulepreload",
    "monitor",
    "monitor-group",
    "next",
    "next-archive",
    "nofollow",
    "noopener",
    "noreferrer",
    "opener",
    "openid2.local_id",
    "openid2.provider",
    "original",
    "p3pv1",
    "payment",
    "pingback",
    "preconnect",
    "predecessor-version",
    "prefetch",
    "preload",
    "prerender",
    "prev",
    "preview",
    "previous",
    "prev-archive",
    "privacy-policy",
    "profile",
    "publication",
    "related",
    "restconf",
    "replies",
    "ruleinput",
    "search",
    "section",
    "self",
    "service",
    "service-desc",
    "service-doc",
    "service-meta",
    "siptrunkingcapability",
    "sponsored",
    "start",
    "status",
    "stylesheet",
    "subsection",
    "successor-version",
    "sunset",
    "tag",
    "terms-of-service",
    "timegate",
    "timemap",
    "type",
    "ugc",
    "up",
    "version-history",
    "via",
    "webmention",
    "working-copy",
    "working-copy-of",
];

/// The `type` of a link: one of the five core types, a relation type
/// registered with IANA (such as `describedby`), or an extension type
/// written as an absolute URI. It takes 16 bytes, since a store holds one
/// per link.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelationType(Repr);

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Repr {
    Core(CoreRelation),
    /// The position in [`IANA_RELATIONS`].
    Registered(u8),
    /// Boxed so that the whole type takes 16 bytes (a `String` alone is 24).
    #[allow(clippy::box_collection)]
    Extension(Box<String>),
}

impl From<CoreRelation> for RelationType {
    fn from(c: CoreRelation) -> Self {
        RelationType::of_core(c)
    }
}

/// The JSON Schema (ECMA-262) pattern of an extension relation type: an
/// absolute URI with an authority (`scheme://host...`), made of the
/// characters RFC 3986 allows.
pub const EXTENSION_PATTERN: &str = r"^[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9._~!$&'()*+,;=:@\[\]-]|%[0-9A-Fa-f]{2})+([/?#]([A-Za-z0-9._~:/?#@!$&'()*+,;=\[\]-]|%[0-9A-Fa-f]{2})*)?$";

/// Whether `s` is an extension relation type: an absolute URI with a
/// non-empty authority, as [`EXTENSION_PATTERN`] says.
pub fn is_extension(s: &str) -> bool {
    if !crate::path::parse_target(s).is_ok_and(|t| t.is_external()) {
        return false;
    }
    let Some((_, rest)) = s.split_once("://") else {
        return false;
    };
    !rest.starts_with(['/', '?', '#']) && !rest.is_empty()
}

/// The IANA relation types as one JSON Schema pattern that ignores letter
/// case (JSON Schema patterns have no case-insensitive flag): `describedBy`
/// matches `[Dd][Ee]...`.
pub fn registered_pattern() -> String {
    let names: Vec<String> = IANA_RELATIONS
        .iter()
        .map(|r| {
            r.chars()
                .map(|c| match c {
                    c if c.is_ascii_alphabetic() => {
                        format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
                    }
                    '.' => "\\.".to_string(),
                    c => c.to_string(),
                })
                .collect()
        })
        .collect();
    format!("^({})$", names.join("|"))
}

/// A `type` value that is neither core, IANA-registered nor an absolute URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRelation {
    /// The value as written.
    pub value: String,
    /// The closest known type, when one is close enough to be a likely typo.
    pub suggestion: Option<&'static str>,
}

impl fmt::Display for UnknownRelation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown relation type {:?}", self.value)?;
        if let Some(s) = self.suggestion {
            write!(f, " (did you mean {s:?}?)")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownRelation {}

impl RelationType {
    /// Parses a `type` value.
    ///
    /// ```
    /// use zarr_links_model::relation::{RelationType, CoreRelation};
    /// assert_eq!(RelationType::parse("quality_for").unwrap(), CoreRelation::QualityFor.into());
    /// assert!(RelationType::parse("describedby").unwrap().is_registered());
    /// assert_eq!(RelationType::parse("quality-for").unwrap_err().suggestion, Some("quality_for"));
    /// ```
    pub fn parse(s: &str) -> Result<RelationType, UnknownRelation> {
        if let Some(c) = CoreRelation::parse(s) {
            return Ok(RelationType(Repr::Core(c)));
        }
        // RFC 8288: registered types are compared case-insensitively.
        if let Some(i) = IANA_RELATIONS
            .iter()
            .position(|r| r.eq_ignore_ascii_case(s))
        {
            return Ok(RelationType(Repr::Registered(i as u8)));
        }
        if is_extension(s) {
            return Ok(RelationType(Repr::Extension(Box::new(s.to_string()))));
        }
        let suggestion = closest(
            s,
            CoreRelation::ALL
                .iter()
                .map(|c| c.as_str())
                .chain(IANA_RELATIONS.iter().copied()),
            |w| w.to_ascii_lowercase().replace(['-', ':'], "_"),
        );
        Err(UnknownRelation {
            value: s.to_string(),
            suggestion,
        })
    }

    /// The value as written in `type`.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Core(c) => c.as_str(),
            Repr::Registered(i) => IANA_RELATIONS[*i as usize],
            Repr::Extension(u) => u,
        }
    }

    /// A core type.
    pub const fn of_core(c: CoreRelation) -> RelationType {
        RelationType(Repr::Core(c))
    }

    /// Whether this is a relation type registered with IANA.
    pub fn is_registered(&self) -> bool {
        matches!(self.0, Repr::Registered(_))
    }

    /// Whether this is an extension type (an absolute URI).
    pub fn is_extension(&self) -> bool {
        matches!(self.0, Repr::Extension(_))
    }

    /// The core type, if this is one.
    pub fn core(&self) -> Option<CoreRelation> {
        match self.0 {
            Repr::Core(c) => Some(c),
            _ => None,
        }
    }
}

impl fmt::Display for RelationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RelationType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RelationType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RelationType::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for RelationType {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RelationType".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let core: Vec<&str> = CoreRelation::ALL.iter().map(|c| c.as_str()).collect();
        json_schema!({
            "description": "The relationship type. The link reads \"this node <type> <target>\". One of the five core types, a relation type registered with IANA (compared ignoring letter case, as RFC 8288 says; write the registry's lowercase), or an extension type written as an absolute URI with an authority.",
            "type": "string",
            "anyOf": [
                { "title": "core relation type", "type": "string", "enum": core },
                { "title": "IANA-registered relation type, in any letter case", "type": "string", "pattern": registered_pattern() },
                { "title": "extension relation type (absolute URI with an authority)", "type": "string", "pattern": EXTENSION_PATTERN, "not": no_newline() }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary() {
        for c in CoreRelation::ALL {
            assert_eq!(RelationType::parse(c.as_str()).unwrap(), c.into());
        }
        let alternate = RelationType::parse("alternate").unwrap();
        assert!(alternate.is_registered() && alternate.as_str() == "alternate");
        assert!(
            RelationType::parse("http://www.w3.org/ns/prov#wasDerivedFrom")
                .unwrap()
                .is_extension()
        );
        assert!(IANA_RELATIONS.len() < 256, "the index fits in a byte");
        assert_eq!(
            RelationType::parse("describedBy").unwrap().as_str(),
            "describedby"
        );
        let e = RelationType::parse("derivedFrom").unwrap_err();
        assert_eq!(e.suggestion, Some("derived_from"));
        assert_eq!(
            RelationType::parse("bogus_relation_name")
                .unwrap_err()
                .suggestion,
            None
        );
        assert!(RelationType::parse("").is_err());
    }

    #[test]
    fn inverses() {
        for c in CoreRelation::ALL {
            if let Some(i) = c.inverse() {
                assert_eq!(i.inverse(), Some(c));
            }
        }
    }

    #[test]
    fn iana_list_is_sorted_lowercase_unique() {
        let mut seen = std::collections::HashSet::new();
        for r in IANA_RELATIONS {
            assert_eq!(r.to_ascii_lowercase(), *r);
            assert!(seen.insert(r));
            assert!(CoreRelation::parse(r).is_none());
        }
    }
}
