//! The requirement registry: every normative statement of the specification,
//! by its stable ID. One table, one entry per requirement, and the parser of
//! the book's markers; its length is the length of the table.
//!
//! This table is the one place in code where requirement IDs live. The
//! specification carries the same IDs as `r[<id>]` marker lines in front of
//! the paragraph that states each requirement (see [`parse_markers`]), the
//! validator reports findings under these IDs, and every conformance case lists
//! the IDs it exercises. Tests keep the three in step.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/reference/rules.html>

use serde::Serialize;

/// The RFC 2119 keyword of a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Keyword {
    /// `MUST`: breaking it makes a store invalid.
    #[serde(rename = "MUST")]
    Must,
    /// `MUST NOT`: breaking it makes a store invalid.
    #[serde(rename = "MUST NOT")]
    MustNot,
    /// `SHOULD`: breaking it is reported as a warning.
    #[serde(rename = "SHOULD")]
    Should,
    /// `SHOULD NOT`: breaking it is reported as a warning.
    #[serde(rename = "SHOULD NOT")]
    ShouldNot,
}

impl Keyword {
    /// The keyword as it is written in the specification.
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Must => "MUST",
            Keyword::MustNot => "MUST NOT",
            Keyword::Should => "SHOULD",
            Keyword::ShouldNot => "SHOULD NOT",
        }
    }

    /// The severity of a finding that breaks a requirement with this keyword.
    pub fn severity(self) -> Severity {
        match self {
            Keyword::Must | Keyword::MustNot => Severity::Error,
            Keyword::Should | Keyword::ShouldNot => Severity::Warning,
        }
    }
}

/// How bad a finding is. Errors make a store invalid; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A `MUST` or `MUST NOT` was broken.
    Error,
    /// A `SHOULD` or `SHOULD NOT` was broken.
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Which checker can decide a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The published JSON Schemas decide it, in any language's validator,
    /// from one node's document alone.
    Schema,
    /// Only a validator that reads the whole store can decide it: whether a
    /// target resolves, cycles, node kinds of targets, store layout.
    Hierarchy,
}

impl Level {
    /// `"schema"` or `"hierarchy"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Schema => "schema",
            Level::Hierarchy => "hierarchy",
        }
    }
}

/// What a requirement constrains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Subject {
    /// The metadata in a store. A store can break it, so at least one invalid
    /// conformance case breaks every store `MUST`.
    Store,
    /// The behaviour of a reader or validator. No store can break it; tests of
    /// the implementation cover it instead.
    Implementation,
}

/// The conformance class a requirement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Class {
    /// `links/core`: the declaration and `links:relationships`.
    #[serde(rename = "links/core")]
    Core,
    /// `links/discovery`: `links:index`.
    #[serde(rename = "links/discovery")]
    Discovery,
    /// `links/external`: targets outside the store.
    #[serde(rename = "links/external")]
    External,
}

impl Class {
    /// The identifier of the class, e.g. `links/core`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Core => "links/core",
            Class::Discovery => "links/discovery",
            Class::External => "links/external",
        }
    }
}

/// The topic of a requirement: the chapter of the specification that states
/// it, the module of the validator that checks it (`rules/<topic>.rs`), and
/// the conformance folders of its cases (`{valid,invalid}/<topic>/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Topic {
    /// `declaration.md`: declaring the convention, the `links:` prefix.
    Declaration,
    /// `relationships.md`: `links:relationships` and the link object.
    Relationships,
    /// `targets.md`: target syntax and resolution.
    Targets,
    /// `kinds.md`: node kinds at both ends of core links.
    Kinds,
    /// `consistency.md`: inverses and cycles.
    Consistency,
    /// `discovery.md`: `links:index`.
    Discovery,
    /// `stores.md`: the store's documents and layout.
    Stores,
}

impl Topic {
    /// Every topic, in the specification's order.
    pub const ALL: [Topic; 7] = [
        Topic::Declaration,
        Topic::Relationships,
        Topic::Targets,
        Topic::Kinds,
        Topic::Consistency,
        Topic::Discovery,
        Topic::Stores,
    ];

    /// The topic's name: the chapter file stem, the validator module and
    /// the conformance folder, e.g. `consistency`.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Declaration => "declaration",
            Topic::Relationships => "relationships",
            Topic::Targets => "targets",
            Topic::Kinds => "kinds",
            Topic::Consistency => "consistency",
            Topic::Discovery => "discovery",
            Topic::Stores => "stores",
        }
    }
}

/// Everything the registry records about one requirement.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleInfo {
    /// The stable ID, e.g. `links.target.resolves`.
    pub id: &'static str,
    /// The RFC 2119 keyword of the statement.
    pub keyword: Keyword,
    /// Which checker can decide it.
    pub level: Level,
    /// What it constrains.
    pub subject: Subject,
    /// Its conformance class.
    pub class: Class,
    /// Its topic: chapter, validator module and case folder.
    pub topic: Topic,
    /// One sentence that states the requirement.
    pub summary: &'static str,
}

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $kw:ident, $level:ident, $subject:ident, $class:ident, $topic:ident, $summary:literal; )*) => {
        /// A requirement of the specification, one variant per requirement ID.
        ///
        /// The `Display` form and [`Rule::id`] give the stable ID.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Rule {
            $( $(#[$doc])* $variant, )*
        }

        impl Rule {
            /// Every rule, in specification order.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// What the registry records about this rule.
            pub fn info(self) -> RuleInfo {
                match self {
                    $( Rule::$variant => RuleInfo {
                        id: $id,
                        keyword: Keyword::$kw,
                        level: Level::$level,
                        subject: Subject::$subject,
                        class: Class::$class,
                        topic: Topic::$topic,
                        summary: $summary,
                    }, )*
                }
            }
        }
    };
}

rules! {
    // ----- links/core: declaration -------------------------------------
    /// A node with a `links:` attribute declares the convention in its own `zarr_conventions`.
    DeclarationRequired = "links.declaration.required", Must, Schema, Store, Core, Declaration,
        "A node that carries any `links:` attribute MUST declare the convention with a Convention Metadata Object carrying the convention's uuid in its own `attributes.zarr_conventions`.";
    /// The convention's uuid is declared in an object, not as a legacy string.
    DeclarationObjectForm = "links.declaration.object-form", Must, Schema, Store, Core, Declaration,
        "The convention MUST be declared with a Convention Metadata Object; its uuid written as a bare string in `zarr_conventions` (the legacy form) is not valid.";
    /// The convention's CMO carries only the framework's fields, all strings.
    DeclarationCmo = "links.declaration.cmo", Must, Schema, Store, Core, Declaration,
        "The convention's Convention Metadata Object MUST hold only `uuid`, `name`, `schema_url`, `spec_url` and `description`, each a string.";
    /// The CMO's `name`, when given, is `links:`.
    DeclarationName = "links.declaration.name", Should, Hierarchy, Store, Core, Declaration,
        "When the convention's Convention Metadata Object carries a `name`, it SHOULD be `links:`.";
    /// Unknown `links:` attributes.
    AttributesUnknown = "links.attributes.unknown", ShouldNot, Hierarchy, Store, Core, Declaration,
        "A node SHOULD NOT carry `links:` attributes other than `links:relationships` and `links:index`; the prefix is reserved for this convention.";
    // ----- links/core: relationships -----------------------------------
    /// `links:relationships` is an array of objects.
    RelationshipsArray = "links.relationships.array", Must, Schema, Store, Core, Relationships,
        "`links:relationships` MUST be an array of link objects.";
    /// Every link has a non-empty string `target`.
    LinkTarget = "links.link.target", Must, Schema, Store, Core, Relationships,
        "Every link object MUST have a `target` that is a non-empty string.";
    /// Every link has a known `type`.
    LinkType = "links.link.type", Must, Schema, Store, Core, Relationships,
        "Every link object MUST have a `type` that is a core relation type, a relation type registered with IANA (in any letter case), or an absolute URI with an authority.";
    /// The optional fields have their defined types.
    LinkFields = "links.link.fields", Must, Schema, Store, Core, Relationships,
        "The optional link fields `description`, `title`, `media_type`, `role` and `protocol` MUST, when present, be strings of the defined syntax.";
    /// Registered types in the registry's spelling.
    LinkTypeCase = "links.link.type-case", Should, Hierarchy, Store, Core, Relationships,
        "A relation type registered with IANA SHOULD be written in the registry's lowercase spelling.";
    /// Unknown link fields carry a prefix.
    LinkUnknownField = "links.link.unknown-field", Should, Hierarchy, Store, Core, Relationships,
        "A link object member that this specification does not define SHOULD carry a convention prefix such as `ext:`, so that a misspelt field is noticed.";
    /// The same link twice on one node.
    LinkDuplicate = "links.link.duplicate", ShouldNot, Hierarchy, Store, Core, Relationships,
        "A node SHOULD NOT state the same (`target`, `type`) pair more than once.";
    // ----- links/core: targets -----------------------------------------
    /// A target is an absolute in-store path or an absolute URI.
    TargetForm = "links.target.form", Must, Schema, Store, Core, Targets,
        "A `target` MUST be either an absolute in-store path, starting with `/`, or an absolute URI with a scheme; relative paths are not allowed.";
    /// In-store paths are normalised.
    TargetNormalized = "links.target.normalized", Must, Schema, Store, Core, Targets,
        "An in-store path MUST be normalised: no empty segments, no `.` or `..` segments, and no trailing `/` except for the root `/` itself.";
    /// No path leaves the store root.
    TargetEscape = "links.target.escape", MustNot, Schema, Store, Core, Targets,
        "An in-store path MUST NOT lead outside the store root.";
    /// In-store targets resolve.
    TargetResolves = "links.target.resolves", Must, Hierarchy, Store, Core, Targets,
        "An in-store target MUST name a node that exists in the store.";
    /// No self-links.
    TargetSelf = "links.target.self", MustNot, Hierarchy, Store, Core, Targets,
        "A link's target MUST NOT be the node that carries the link.";
    // ----- links/core: node kinds ---------------------------------------
    /// `quality_for` starts from an array.
    KindQualityFor = "links.kind.quality-for", Must, Hierarchy, Store, Core, Kinds,
        "A `quality_for` link to a node of the store MUST be declared on an array.";
    /// `same_as` joins nodes of one kind.
    KindSameAs = "links.kind.same-as", Must, Hierarchy, Store, Core, Kinds,
        "A `same_as` link between two nodes of the store MUST join two arrays or two groups.";
    /// `part_of` points at a group.
    KindPartOf = "links.kind.part-of", Must, Hierarchy, Store, Core, Kinds,
        "The in-store target of a `part_of` link MUST be a group.";
    /// `contains` starts from a group.
    KindContains = "links.kind.contains", Must, Hierarchy, Store, Core, Kinds,
        "A `contains` link to a node of the store MUST be declared on a group.";
    // ----- links/core: consistency --------------------------------------
    /// Both directions agree.
    InverseAgree = "links.inverse.agree", Must, Hierarchy, Store, Core, Consistency,
        "Where two nodes declare links to each other in the same family, the declarations MUST agree: `contains` pairs only with `part_of`, and `same_as` only with `same_as`.";
    /// No `derived_from` cycles.
    CycleDerivedFrom = "links.cycle.derived-from", MustNot, Hierarchy, Store, Core, Consistency,
        "Following `derived_from` links MUST NOT lead back to the starting node.";
    /// No `part_of` cycles.
    CyclePartOf = "links.cycle.part-of", MustNot, Hierarchy, Store, Core, Consistency,
        "Following `part_of` links, and `contains` links read backwards, MUST NOT lead back to the starting node.";
    // ----- links/core: stores --------------------------------------------
    /// Metadata documents are JSON objects.
    StoreMetadata = "links.store.metadata", Must, Hierarchy, Store, Core, Stores,
        "Every metadata document the convention reads (`zarr.json`, `.zgroup`, `.zarray`, `.zattrs`, `.zmetadata`) MUST be a JSON object in UTF-8 without a byte order mark.";
    /// The node tree is a finite tree inside the root.
    StoreLayout = "links.store.layout", Must, Hierarchy, Store, Core, Stores,
        "The nodes of a store MUST form a tree inside the store root: no symbolic link leads outside the root or into a loop, no directory is reached twice, each node is exactly one group or one array, and the whole store uses one Zarr format.";
    /// Every node's parent is a group.
    StoreParent = "links.store.parent", Must, Hierarchy, Store, Core, Stores,
        "The parent of every node MUST be a group, so that each key prefix between the root and a node holds a group's metadata.";
    /// Consolidated metadata agrees with the node documents.
    StoreConsolidated = "links.store.consolidated", Must, Hierarchy, Store, Core, Stores,
        "Where consolidated metadata is present, it MUST agree with the per-node metadata documents.";
    // ----- links/discovery ------------------------------------------------
    /// `links:index` is an object of arrays of strings.
    IndexObject = "links.index.object", Must, Schema, Store, Discovery, Discovery,
        "`links:index` MUST be an object whose keys are non-empty category names and whose values are arrays of distinct strings.";
    /// Index entries are in-store paths.
    IndexPath = "links.index.path", Must, Schema, Store, Discovery, Discovery,
        "Every `links:index` entry MUST be a normalised absolute in-store path that stays inside the store root.";
    /// `links:index` sits on groups.
    IndexOnGroup = "links.index.on-group", Must, Schema, Store, Discovery, Discovery,
        "`links:index` MUST appear only on groups.";
    /// Index entries resolve.
    IndexResolves = "links.index.resolves", Must, Hierarchy, Store, Discovery, Discovery,
        "Every `links:index` entry MUST name a node that exists in the store.";
    /// A root index is recommended.
    IndexRoot = "links.index.root", Should, Hierarchy, Store, Discovery, Discovery,
        "A store that uses the convention SHOULD carry a `links:index` on its root group.";
    // ----- links/external ---------------------------------------------------
    /// External targets are syntactically valid URIs.
    TargetUri = "links.target.uri", Must, Schema, Store, External, Targets,
        "An external target MUST be an absolute URI made only of the characters RFC 3986 allows, with `%` followed by two hex digits.";
    /// A fragment that starts with `/` is a node path of another store.
    TargetFragment = "links.target.fragment", Must, Hierarchy, Store, External, Targets,
        "In an external target whose fragment starts with `/`, the fragment MUST percent-decode to UTF-8 text that is a normalised absolute in-store path: it names a node of the Zarr store that the part before `#` locates.";
    // ----- implementations ----------------------------------------------------
    /// Readers support absolute in-store paths.
    ReaderAbsolutePaths = "links.reader.absolute-paths", Must, Hierarchy, Implementation, Core, Targets,
        "Every reader and validator MUST resolve absolute in-store paths against the store root.";
    /// Readers derive inverses.
    ReaderInverse = "links.reader.inverse", Must, Hierarchy, Implementation, Core, Consistency,
        "A reader MUST derive the inverse of every declared in-store link, so that navigation from the target finds the source.";
    /// A `quality_for` link to a group applies below it.
    ReaderQualityScope = "links.reader.quality-scope", Must, Hierarchy, Implementation, Core, Relationships,
        "A reader MUST apply a `quality_for` link whose target is a group to every node below that group, as if the link named each of them.";
    /// Readers ignore what they do not know.
    ReaderIgnoreUnknown = "links.reader.ignore-unknown", Must, Hierarchy, Implementation, Core, Relationships,
        "A reader MUST ignore link members and `links:` attributes it does not know, rather than reject the store.";
    /// Readers stay inside the root.
    ReaderConfined = "links.reader.confined", MustNot, Hierarchy, Implementation, Core, Targets,
        "A reader or validator MUST NOT read anything outside the store root.";
    /// Readers do not fetch unasked.
    ReaderNoFetch = "links.reader.no-fetch", MustNot, Hierarchy, Implementation, External, Targets,
        "A reader or validator MUST NOT fetch an external target unless its user asks for that explicitly.";
    /// Unreachable external targets are warnings, when asked to check them.
    TargetReachable = "links.target.reachable", Should, Hierarchy, Implementation, External, Targets,
        "A validator asked to check external targets SHOULD report each one that does not answer as a warning that gives the reason; an unreachable target does not make a store invalid.";
}

impl Rule {
    /// The stable requirement ID, e.g. `links.target.resolves`.
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The severity of a finding that breaks this rule.
    pub fn severity(self) -> Severity {
        self.info().keyword.severity()
    }

    /// Looks a rule up by its ID.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// A requirement marker found in the specification's Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// The requirement ID inside `r[...]`.
    pub id: String,
    /// The 1-based line of the marker.
    pub line: usize,
    /// The paragraph that follows the marker, up to the next blank line.
    pub paragraph: String,
}

/// Finds the requirement markers in one Markdown page.
///
/// A marker is a line that holds only `r[<id>]`, in the style of the Rust
/// Reference. The paragraph that follows it states the requirement. Markers
/// inside fenced code blocks are ignored.
pub fn parse_markers(markdown: &str) -> Vec<Marker> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            i += 1;
            continue;
        }
        if !in_fence {
            if let Some(id) = marker_id(trimmed) {
                let mut j = i + 1;
                while j < lines.len() && lines[j].trim().is_empty() {
                    j += 1;
                }
                let mut para = Vec::new();
                while j < lines.len()
                    && !lines[j].trim().is_empty()
                    && marker_id(lines[j].trim()).is_none()
                {
                    para.push(lines[j].trim());
                    j += 1;
                }
                out.push(Marker {
                    id: id.to_string(),
                    line: i + 1,
                    paragraph: para.join(" "),
                });
            }
        }
        i += 1;
    }
    out
}

/// Returns the ID if `line` is exactly a marker line `r[<id>]`.
pub fn marker_id(line: &str) -> Option<&str> {
    let id = line.strip_prefix("r[")?.strip_suffix(']')?;
    let ok = !id.is_empty()
        && id.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-' || c == '_'
        });
    ok.then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_dotted_lowercase() {
        let mut seen = HashSet::new();
        for rule in Rule::ALL {
            let id = rule.id();
            assert!(seen.insert(id), "duplicate rule id {id}");
            assert!(id.starts_with("links."), "{id} lacks the links. prefix");
            assert!(
                marker_id(&format!("r[{id}]")).is_some(),
                "{id} is not a valid marker id"
            );
            assert_eq!(Rule::from_id(id), Some(*rule));
        }
    }

    #[test]
    fn summary_states_its_keyword() {
        for rule in Rule::ALL {
            let info = rule.info();
            assert!(
                info.summary.contains(info.keyword.as_str()),
                "{}: summary does not contain {}",
                info.id,
                info.keyword.as_str()
            );
        }
    }

    #[test]
    fn markers_are_found_outside_code_only() {
        let md =
            "# T\n\nr[links.a.b]\nText MUST hold.\nMore.\n\n```\nr[links.in.code]\n```\nr[Bad]\n";
        let m = parse_markers(md);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].id, "links.a.b");
        assert_eq!(m[0].line, 3);
        assert_eq!(m[0].paragraph, "Text MUST hold. More.");
    }
}
