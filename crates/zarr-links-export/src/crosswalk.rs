//! The crosswalk: how each kind of link becomes part of a STAC record and
//! of an Atom feed. This module is the only copy of the mapping; the
//! exporters call it, and `cargo xtask book` generates the book's crosswalk
//! tables from it (`spec/reference/crosswalks.md`), so the two cannot drift.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/interoperability.html>

use zarr_links_model::convention::SITE_URL;
use zarr_links_model::{CoreRelation, RelationType};

use crate::Side;

/// The IRI that names a core type outside this convention: the heading that
/// defines it in the book, such as
/// `https://zarr-links.github.io/zarr-links/relationships.html#derived_from`.
/// Atom writes core types as these IRIs (a bare `rel` is an IANA name
/// there), and so does STAC where it has no counterpart.
pub fn core_type_iri(c: CoreRelation) -> String {
    format!("{SITE_URL}relationships.html#{}", c.as_str())
}

/// Registered relation types that STAC gives a fixed meaning in its
/// catalogue structure. An Item link with one of them would be read as
/// part of that structure (and `collection` would also require the Item's
/// `collection` member), so the exporter writes such a link as `related`.
pub const STAC_CATALOG_RELS: [&str; 6] = ["self", "root", "parent", "child", "collection", "item"];

/// The roles of an asset that no link gives other roles: `data`.
pub const DATA_ROLES: &[&str] = &["data"];

/// The roles of a node that declares `quality_for`.
pub const QUALITY_ROLES: &[&str] = &["metadata", "quality"];

/// Where a link goes in a STAC record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StacPlace {
    /// An Item link with this `rel`.
    Link(String),
    /// The declaring node's asset: its description lists the link.
    Asset,
}

/// How one link becomes part of a STAC record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StacMapping {
    /// Where the link goes.
    pub place: StacPlace,
    /// The roles the link gives the declaring node's asset (none: the asset
    /// keeps [`DATA_ROLES`] unless another link gives it roles).
    pub roles: &'static [&'static str],
    /// Why, in one sentence, for the book.
    pub reason: &'static str,
    /// When STAC has no counterpart for the type: what the note in the
    /// output says.
    pub note: Option<String>,
}

const IN_STORE: &str = "a fact inside the product, not a relation of the Item to another \
    resource";

/// The STAC mapping of a link of type `t` whose target is on `side`.
///
/// ```
/// use zarr_links_export::crosswalk::{stac, StacPlace};
/// use zarr_links_export::Side;
/// use zarr_links_model::RelationType;
/// let m = stac(&RelationType::parse("derived_from").unwrap(), Side::External);
/// assert_eq!(m.place, StacPlace::Link("derived_from".into()));
/// ```
pub fn stac(t: &RelationType, side: Side) -> StacMapping {
    let roles: &'static [&'static str] = match t.core() {
        Some(CoreRelation::QualityFor) => QUALITY_ROLES,
        _ => &[],
    };
    let link = |rel: &str, reason: &'static str| StacMapping {
        place: StacPlace::Link(rel.to_string()),
        roles,
        reason,
        note: None,
    };
    if side == Side::InStore {
        let reason = match t.core() {
            Some(CoreRelation::QualityFor) => {
                "STAC roles say what an asset is: a quality layer is `metadata` (the STAC best \
                 practices count masks as metadata about the data) and `quality`, named after this \
                 type, since a link says which data a layer is for but not which kind of layer it \
                 is (cloud mask, classification, uncertainty); STAC has no member for the data a \
                 mask applies to, so the asset's description names the target"
            }
            _ => IN_STORE,
        };
        return StacMapping {
            place: StacPlace::Asset,
            roles,
            reason,
            note: None,
        };
    }
    let unmatched = |c: CoreRelation, reason: &'static str| {
        let iri = core_type_iri(c);
        StacMapping {
            place: StacPlace::Link(iri.clone()),
            roles,
            reason,
            note: Some(format!(
                "STAC has no relation type for `{c}`; the link is kept with rel {iri}"
            )),
        }
    };
    match t.core() {
        Some(CoreRelation::DerivedFrom) => link(
            "derived_from",
            "STAC's own `derived_from`, in the same direction: the product was made from the target",
        ),
        Some(CoreRelation::SameAs) => link(
            "alternate",
            "IANA's `alternate` names another representation of the same resource, which is what \
             `same_as` says of data",
        ),
        Some(c @ CoreRelation::QualityFor) => unmatched(
            c,
            "STAC describes quality layers with asset roles and has no link relation for them; \
             the link keeps this convention's IRI for the type as its `rel`",
        ),
        Some(c @ (CoreRelation::PartOf | CoreRelation::Contains)) => unmatched(
            c,
            "STAC's `collection`, `parent`, `child` and `item` relate catalogue records, not \
             the parts of one dataset; the link keeps this convention's IRI for the type as its \
             `rel`",
        ),
        None if t.is_registered() && STAC_CATALOG_RELS.contains(&t.as_str()) => StacMapping {
            place: StacPlace::Link("related".to_string()),
            roles,
            reason: "STAC gives these types fixed meanings in its catalogue structure (an Item \
                     with a `collection` link needs a `collection` member, and `item` is not \
                     allowed in an Item), so the link becomes `related` and the note keeps its type",
            note: Some(format!(
                "`{t}` has a fixed meaning in STAC's catalogue structure; the link is written \
                 with rel `related`"
            )),
        },
        None if t.is_registered() => link(
            t.as_str(),
            "a registered type is an IANA relation type, which STAC uses as it is, in the \
             registry's spelling",
        ),
        None => link(
            t.as_str(),
            "an extension type is a URI, which RFC 8288 allows as a relation type and STAC \
             accepts as `rel`",
        ),
    }
}

/// The Atom `rel` of a link of type `t`: a registered type bare, in the
/// registry's spelling (Atom reads a bare `rel` as an IANA name); a core
/// type as its IRI ([`core_type_iri`]); an extension type as it is.
pub fn atom_rel(t: &RelationType) -> String {
    match t.core() {
        Some(c) => core_type_iri(c),
        None => t.as_str().to_string(),
    }
}

/// Why [`atom_rel`] writes a type as it does, in one sentence, for the book.
pub fn atom_reason(t: &RelationType) -> &'static str {
    if t.core().is_some() {
        "not an IANA name, and Atom reads a bare `rel` as one; written as the IRI of the \
         type's definition in this book"
    } else if t.is_registered() {
        "an IANA name, written bare in the registry's spelling, as Atom reads it"
    } else {
        "already an IRI, which Atom takes as it is"
    }
}

/// One kind of link, for the book's tables: a label and a type that stands
/// for the kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kind {
    /// How the book names the kind (Markdown).
    pub label: String,
    /// A type of that kind, which the tables map.
    pub example: RelationType,
}

/// The kinds of link the crosswalk tables list: the five core types, a
/// registered type, a registered type that STAC uses for its catalogue
/// structure, and an extension type.
pub fn kinds() -> Vec<Kind> {
    let parse = |s: &str| RelationType::parse(s).expect("a valid type");
    let mut out: Vec<Kind> = CoreRelation::ALL
        .iter()
        .map(|c| Kind {
            label: format!("`{c}`"),
            example: (*c).into(),
        })
        .collect();
    out.push(Kind {
        label: "a registered type, such as `describedby`".to_string(),
        example: parse("describedby"),
    });
    out.push(Kind {
        label: format!(
            "a registered type that STAC uses for its catalogue: {}",
            STAC_CATALOG_RELS.map(|r| format!("`{r}`")).join(", ")
        ),
        example: parse("collection"),
    });
    out.push(Kind {
        label: "an extension type, such as the one for CF `cell_measures`".to_string(),
        example: parse(
            "https://zarr-links.github.io/zarr-links/interoperability.html#cell-measures",
        ),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> RelationType {
        RelationType::parse(s).unwrap()
    }

    #[test]
    fn every_in_store_link_goes_to_its_asset() {
        for k in kinds() {
            assert_eq!(stac(&k.example, Side::InStore).place, StacPlace::Asset);
            assert_eq!(stac(&k.example, Side::InStore).note, None);
        }
    }

    #[test]
    fn external_links_become_item_links() {
        let rel = |s: &str| match stac(&t(s), Side::External).place {
            StacPlace::Link(r) => r,
            StacPlace::Asset => panic!("{s} is an asset"),
        };
        assert_eq!(rel("derived_from"), "derived_from");
        assert_eq!(rel("same_as"), "alternate");
        assert_eq!(rel("describedBy"), "describedby");
        assert_eq!(rel("collection"), "related");
        assert_eq!(rel("https://example.org/r"), "https://example.org/r");
        assert_eq!(
            rel("quality_for"),
            "https://zarr-links.github.io/zarr-links/relationships.html#quality_for"
        );
        for s in ["quality_for", "part_of", "contains", "self", "item"] {
            assert!(stac(&t(s), Side::External).note.is_some(), "{s}");
        }
        for s in [
            "derived_from",
            "same_as",
            "license",
            "https://example.org/r",
        ] {
            assert!(stac(&t(s), Side::External).note.is_none(), "{s}");
        }
    }

    #[test]
    fn quality_layers_take_roles_wherever_their_target_is() {
        for side in [Side::InStore, Side::External] {
            assert_eq!(stac(&t("quality_for"), side).roles, QUALITY_ROLES);
            assert!(stac(&t("derived_from"), side).roles.is_empty());
        }
    }

    #[test]
    fn atom_rels() {
        assert_eq!(atom_rel(&t("describedBy")), "describedby");
        assert_eq!(
            atom_rel(&t("derived_from")),
            "https://zarr-links.github.io/zarr-links/relationships.html#derived_from"
        );
        assert_eq!(
            atom_rel(&t("https://example.org/r")),
            "https://example.org/r"
        );
    }
}
