//! DCP-8's table of standard links (ESIP Discovery Change Proposal 8,
//! 2012), each written as a link object of this convention, with concrete
//! role and protocol URIs and a comment on every value that differs from
//! DCP-8's table.
//!
//! The copy of DCP-8 this project builds on lost the URIs of its role and
//! protocol columns; the values here are chosen from the vocabularies
//! DCP-8 names:
//!
//! - **Roles** (`xlink:role`, "a specific purpose standardized in the
//!   Discovery namespace"): the cast types of the ESIP Discovery Cast Atom
//!   Response Format v1.1, `http://esipfed.org/ns/discovery/1.1/<type>#`
//!   with `<type>` one of `data`, `collection`, `service`, `event`,
//!   `browse`, `documentation`, `metadata`. That vocabulary has no search
//!   type; the search row uses ESIP Federated Search 1.1's `search#`, the
//!   value NASA's CMR writes for OpenSearch description links.
//! - **Protocols** (`xlink:arcrole`, "official URIs representing a
//!   versioned service interface"): the OpenSearch 1.1 namespace (DCP-8's
//!   own example), the OPeNDAP DAP 2.0 namespace, the OGC Naming Authority's
//!   service type for WMS 1.3, and the WCS 2.0 core conformance class,
//!   which a WCS 2.0 server itself lists as its profile.
//!
//! The exporter's tests write every row as an Atom `<link>` and compare its
//! attributes with the row.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/relationships.html#crosswalk-dcp-8-standard-links>

/// The Discovery namespace's role for a list of collections (a collection cast).
pub const ROLE_COLLECTION: &str = "http://esipfed.org/ns/discovery/1.1/collection#";
/// The Discovery namespace's role for a list of services (a service cast).
pub const ROLE_SERVICE: &str = "http://esipfed.org/ns/discovery/1.1/service#";
/// The Discovery namespace's role for data (a granule, a file).
pub const ROLE_DATA: &str = "http://esipfed.org/ns/discovery/1.1/data#";
/// The Discovery namespace's role for a browse image.
pub const ROLE_BROWSE: &str = "http://esipfed.org/ns/discovery/1.1/browse#";
/// The Discovery namespace's role for an event cast.
pub const ROLE_EVENT: &str = "http://esipfed.org/ns/discovery/1.1/event#";
/// The Discovery namespace's role for documentation.
pub const ROLE_DOCUMENTATION: &str = "http://esipfed.org/ns/discovery/1.1/documentation#";
/// Federated Search 1.1's role for an OpenSearch description document.
pub const ROLE_SEARCH: &str = "http://esipfed.org/ns/fedsearch/1.1/search#";

/// OpenSearch 1.1.
pub const PROTOCOL_OPENSEARCH: &str = "http://a9.com/-/spec/opensearch/1.1/";
/// OPeNDAP's Data Access Protocol 2.0.
pub const PROTOCOL_DAP2: &str = "http://xml.opendap.org/ns/DAP2";
/// OGC Web Map Service 1.3.
pub const PROTOCOL_WMS: &str = "http://www.opengis.net/def/serviceType/ogc/wms/1.3";
/// OGC Web Coverage Service 2.0 (its core conformance class).
pub const PROTOCOL_WCS: &str = "http://www.opengis.net/spec/WCS/2.0/conf/core";

/// A cell of DCP-8's table that is empty in the copy this project has: the
/// URIs of the role and protocol columns were lost, and DCP-8 leaves some
/// cells empty on purpose (no protocol for a plain GET).
pub const BLANK: &str = "(blank in the copy)";

/// DCP-8's values for one standard link, as its table writes them; the
/// first row's role and protocol are named by DCP-8's example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dcp8Values {
    /// `rel`.
    pub rel: &'static str,
    /// `xlink:role`, as the purpose DCP-8 names.
    pub role: &'static str,
    /// `xlink:arcrole`, as the protocol DCP-8 names.
    pub arcrole: &'static str,
    /// `type`.
    pub media_type: &'static str,
}

/// One standard link: DCP-8's row and the link object that says the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandardLink {
    /// What the link points to, in DCP-8's words.
    pub purpose: &'static str,
    /// DCP-8's values.
    pub dcp8: Dcp8Values,
    /// The link's `type`.
    pub r#type: &'static str,
    /// The link's `role`.
    pub role: &'static str,
    /// The link's `protocol`, if the URL needs more than a plain GET.
    pub protocol: Option<&'static str>,
    /// The link's `media_type`; DCP-8 leaves one row without.
    pub media_type: Option<&'static str>,
    /// Why each value that differs from DCP-8's table differs.
    pub changes: &'static [&'static str],
}

const ROLE_NOTE: &str = "role: the cast type of the Discovery namespace";

/// DCP-8's standard links, in its table's order.
pub const STANDARD_LINKS: &[StandardLink] = &[
    StandardLink {
        purpose: "the collections a service serves (from a service cast entry)",
        dcp8: Dcp8Values {
            rel: "related",
            role: "collection cast",
            arcrole: "OpenSearch 1.1",
            media_type: "application/atom+xml",
        },
        r#type: "related",
        role: ROLE_COLLECTION,
        protocol: Some(PROTOCOL_OPENSEARCH),
        media_type: Some("application/atom+xml"),
        changes: &[
            "role: DCP-8's example wrote `.../discovery/1.1/collections#`, a later revision \
             `.../discovery/1.2/collectionCast#`; the Discovery Cast format v1.1 names the cast \
             type `collection`",
            "protocol: the OpenSearch 1.1 URI of DCP-8's own example",
        ],
    },
    StandardLink {
        purpose: "the services available for a collection (from a collection cast entry)",
        dcp8: Dcp8Values {
            rel: "related",
            role: BLANK,
            arcrole: BLANK,
            media_type: "application/atom+xml",
        },
        r#type: "related",
        role: ROLE_SERVICE,
        protocol: Some(PROTOCOL_OPENSEARCH),
        media_type: Some("application/atom+xml"),
        changes: &[ROLE_NOTE, "protocol: the OpenSearch 1.1 URI, as in the first row"],
    },
    StandardLink {
        purpose: "direct download (FTP or HTTP) of a granule",
        dcp8: Dcp8Values {
            rel: "enclosure",
            role: BLANK,
            arcrole: BLANK,
            media_type: "the format of the file",
        },
        r#type: "enclosure",
        role: ROLE_DATA,
        protocol: None,
        media_type: Some("application/x-netcdf"),
        changes: &[
            ROLE_NOTE,
            "media type: the file's own, here netCDF (`application/x-netcdf`)",
            "no protocol: a direct download is a plain GET",
        ],
    },
    StandardLink {
        purpose: "OPeNDAP (DAP) access to a granule",
        dcp8: Dcp8Values {
            rel: "enclosure",
            role: BLANK,
            arcrole: BLANK,
            media_type: "application/x-netcdf, text/html, text/plain or application/octet-stream",
        },
        r#type: "enclosure",
        role: ROLE_DATA,
        protocol: Some(PROTOCOL_DAP2),
        media_type: Some("application/octet-stream"),
        changes: &[
            "role: `data#`, the OPeNDAP data link of DCP-6, which DCP-8 generalises",
            "protocol: the namespace URI of DAP 2.0 (DAP 4 has `http://xml.opendap.org/ns/DAP/4.0#`)",
            "media type: one of DCP-8's four, by response; here the binary DODS response",
        ],
    },
    StandardLink {
        purpose: "a browse image of a granule",
        dcp8: Dcp8Values {
            rel: "icon",
            role: BLANK,
            arcrole: "OGC-WMS",
            media_type: "image/jpg",
        },
        r#type: "icon",
        role: ROLE_BROWSE,
        protocol: Some(PROTOCOL_WMS),
        media_type: Some("image/jpeg"),
        changes: &[
            ROLE_NOTE,
            "protocol: the OGC Naming Authority's service type for WMS 1.3, a URI, where DCP-8 \
             writes the name `OGC-WMS`",
            "media type: `image/jpg` is not registered; the registered type is `image/jpeg`",
        ],
    },
    StandardLink {
        purpose: "a search service for a collection",
        dcp8: Dcp8Values {
            rel: "search",
            role: BLANK,
            arcrole: BLANK,
            media_type: "application/opensearchdescription+xml",
        },
        r#type: "search",
        role: ROLE_SEARCH,
        protocol: None,
        media_type: Some("application/opensearchdescription+xml"),
        changes: &[
            "role: the Discovery cast types have none for search; Federated Search 1.1's \
             `search#`, which NASA's CMR writes for OpenSearch description links",
            "no protocol: the description document is read with a plain GET, and its media type \
             says what it is",
        ],
    },
    StandardLink {
        purpose: "a WCS service for a collection or a granule",
        dcp8: Dcp8Values {
            rel: "related",
            role: BLANK,
            arcrole: "OGC-WCS",
            media_type: "-",
        },
        r#type: "related",
        role: ROLE_SERVICE,
        protocol: Some(PROTOCOL_WCS),
        media_type: None,
        changes: &[
            ROLE_NOTE,
            "protocol: the WCS 2.0 core conformance class, a URI, where DCP-8 writes the name \
             `OGC-WCS`",
        ],
    },
    StandardLink {
        purpose: "a related event cast (from any cast or XML metadata)",
        dcp8: Dcp8Values {
            rel: "related",
            role: BLANK,
            arcrole: "-",
            media_type: "app/atom+xml",
        },
        r#type: "related",
        role: ROLE_EVENT,
        protocol: None,
        media_type: Some("application/atom+xml"),
        changes: &[
            ROLE_NOTE,
            "media type: `app/atom+xml` is not a media type (there is no top-level type `app`); \
             Atom's registered type is `application/atom+xml` (RFC 4287)",
        ],
    },
    StandardLink {
        purpose: "documentation of a data or service item",
        dcp8: Dcp8Values {
            rel: "describedBy",
            role: BLANK,
            arcrole: "-",
            media_type: "text/html",
        },
        r#type: "describedby",
        role: ROLE_DOCUMENTATION,
        protocol: None,
        media_type: Some("text/html"),
        changes: &[
            ROLE_NOTE,
            "type: `describedBy` is the registered `describedby` in other letters; registered \
             types are compared ignoring case, and rule `links.link.type-case` asks for the \
             registry's spelling",
        ],
    },
];
