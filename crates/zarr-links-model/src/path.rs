//! In-store node paths and link targets: one idea, the syntax of where a
//! link points (paths and targets share the rules of `targets.md`), with its
//! tests, which is why the file is longer than most.
//!
//! A target is either an absolute in-store path (`/bands/B04`) or an absolute
//! URI (`https://example.org/doc.html`). Relative paths are not part of the
//! convention. [`parse_target`] decides which one a string is, or which rule it
//! breaks; the JSON Schema patterns in [`crate::schema`] make the same decision
//! for other languages, and the tests below keep the two in agreement.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/targets.html>

use std::fmt;

use crate::rules::Rule;

/// The JSON Schema (ECMA-262) pattern of a normalised absolute in-store path:
/// `/` alone, or one or more `/segment`, where no segment is empty, `.` or `..`.
pub const PATH_PATTERN: &str = r"^(/|(/([^/.][^/]*|\.[^/.][^/]*|\.\.[^/]+))+)$";

/// The JSON Schema (ECMA-262) pattern of an absolute URI: a scheme, a colon,
/// then one or more characters that RFC 3986 allows, or `%` with two hex digits.
pub const URI_PATTERN: &str =
    r"^[A-Za-z][A-Za-z0-9+.-]*:([A-Za-z0-9._~:/?#@!$&'()*+,;=\[\]-]|%[0-9A-Fa-f]{2})+$";

/// The JSON Schema (ECMA-262) pattern of a string that starts with a URI
/// scheme and its colon.
pub const SCHEME_PATTERN: &str = "^[A-Za-z][A-Za-z0-9+.-]*:";

/// A subschema that rejects any string containing a line feed.
///
/// Python's `re` lets `$` match just before a final `\n`, where ECMA-262 and
/// Rust do not. Patterns whose character sets exclude `\n` therefore carry
/// this extra `not` so that every JSON Schema implementation agrees.
pub fn no_newline() -> serde_json::Value {
    serde_json::json!({ "type": "string", "pattern": "\n" })
}

/// A normalised absolute path of a node inside a store, such as `/bands/B04`.
///
/// The root is `/`. Segments are compared code point by code point: no Unicode
/// normalisation is applied.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodePath(Box<str>);

/// Why a string is not a normalised absolute in-store path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathError {
    /// The string is empty.
    Empty,
    /// The string does not start with `/`.
    NotAbsolute,
    /// The path has an empty segment (`//`) or a trailing `/`.
    EmptySegment,
    /// The path has a `.` or `..` segment but stays inside the root.
    DotSegment,
    /// Resolving the `..` segments would leave the store root.
    EscapesRoot,
}

impl PathError {
    /// The rule a link target with this defect breaks.
    pub fn target_rule(self) -> Rule {
        match self {
            PathError::Empty => Rule::LinkTarget,
            PathError::NotAbsolute => Rule::TargetForm,
            PathError::EmptySegment | PathError::DotSegment => Rule::TargetNormalized,
            PathError::EscapesRoot => Rule::TargetEscape,
        }
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PathError::Empty => "the path is empty",
            PathError::NotAbsolute => "the path does not start with `/`",
            PathError::EmptySegment => "the path has an empty segment or a trailing `/`",
            PathError::DotSegment => "the path has a `.` or `..` segment",
            PathError::EscapesRoot => "the path leads outside the store root",
        })
    }
}

impl NodePath {
    /// The store root, `/`.
    pub fn root() -> NodePath {
        NodePath("/".into())
    }

    /// Parses a normalised absolute path.
    pub fn parse(s: &str) -> Result<NodePath, PathError> {
        if s.is_empty() {
            return Err(PathError::Empty);
        }
        if !s.starts_with('/') {
            return Err(PathError::NotAbsolute);
        }
        if s == "/" {
            return Ok(NodePath::root());
        }
        let mut depth: usize = 0;
        let mut dot = false;
        let mut empty = false;
        for seg in s[1..].split('/') {
            match seg {
                "" => empty = true,
                "." => dot = true,
                ".." => {
                    dot = true;
                    if depth == 0 {
                        return Err(PathError::EscapesRoot);
                    }
                    depth -= 1;
                }
                _ => depth += 1,
            }
        }
        if empty {
            Err(PathError::EmptySegment)
        } else if dot {
            Err(PathError::DotSegment)
        } else {
            Ok(NodePath(s.into()))
        }
    }

    /// Builds the path of a node from its store key prefix, e.g. `bands/B04`
    /// (or `""` for the root). Returns `None` if a segment is empty, `.` or `..`.
    pub fn from_key_prefix(prefix: &str) -> Option<NodePath> {
        let prefix = prefix.trim_matches('/');
        if prefix.is_empty() {
            return Some(NodePath::root());
        }
        NodePath::parse(&format!("/{prefix}")).ok()
    }

    /// The path as a string, starting with `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The store key prefix of the node: the path without its leading `/`,
    /// `""` for the root.
    pub fn key_prefix(&self) -> &str {
        &self.0[1..]
    }

    /// Whether this is the root `/`.
    pub fn is_root(&self) -> bool {
        &*self.0 == "/"
    }

    /// The last segment, or `None` for the root.
    pub fn name(&self) -> Option<&str> {
        if self.is_root() {
            None
        } else {
            self.0.rsplit('/').next()
        }
    }

    /// The parent group's path, or `None` for the root.
    pub fn parent(&self) -> Option<NodePath> {
        if self.is_root() {
            return None;
        }
        let cut = self.0.rfind('/').unwrap_or(0);
        Some(if cut == 0 {
            NodePath::root()
        } else {
            NodePath(self.0[..cut].into())
        })
    }

    /// The path of the child called `name`. `name` must be a valid segment.
    pub fn child(&self, name: &str) -> NodePath {
        if self.is_root() {
            NodePath(format!("/{name}").into())
        } else {
            NodePath(format!("{}/{name}", self.0).into())
        }
    }
}

impl fmt::Display for NodePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for NodePath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl std::borrow::Borrow<str> for NodePath {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for NodePath {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A parsed link target: an absolute in-store path (`/bands/B04`) or an
/// absolute URI (`https://...`). It keeps the target as written in 16 bytes,
/// since a store holds one per link; [`Target::in_store`] tells which it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target(Box<str>);

impl Target {
    /// The target as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The normalised absolute path, when the target is a node of the
    /// same store.
    pub fn in_store(&self) -> Option<&str> {
        self.0.starts_with('/').then_some(&*self.0)
    }

    /// Whether the target is a resource outside the store (an absolute URI).
    pub fn is_external(&self) -> bool {
        !self.0.starts_with('/')
    }

    /// For an external target whose fragment starts with `/`, a node of
    /// another Zarr store: the URI of that store (the part before `#`) and
    /// the node's path (the fragment, percent-decoded), or why the fragment
    /// is not a node path. `None` for in-store targets and for URIs with no
    /// fragment or another fragment, which name documents as any URI does.
    ///
    /// Spec: <https://zarr-links.github.io/zarr-links/targets.html#addressing-a-node-in-another-zarr-store>
    ///
    /// ```
    /// use zarr_links_model::path::{parse_target, FragmentError, PathError};
    /// let t = parse_target("s3://bucket/l1c.zarr#/r10m/b%C3%A4nd").unwrap();
    /// let (store, path) = t.node_reference().unwrap().unwrap();
    /// assert_eq!((store, path.as_str()), ("s3://bucket/l1c.zarr", "/r10m/bänd"));
    /// let t = parse_target("s3://bucket/l1c.zarr#/r10m//b04").unwrap();
    /// assert_eq!(t.node_reference().unwrap(), Err(FragmentError::Path(PathError::EmptySegment)));
    /// assert!(parse_target("https://example.org/a.html#intro").unwrap().node_reference().is_none());
    /// ```
    pub fn node_reference(&self) -> Option<Result<(&str, NodePath), FragmentError>> {
        if !self.is_external() {
            return None;
        }
        let (store, fragment) = self.0.split_once('#')?;
        if !fragment.starts_with('/') {
            return None;
        }
        Some(
            percent_decode(fragment)
                .map_err(FragmentError::Decode)
                .and_then(|decoded| NodePath::parse(&decoded).map_err(FragmentError::Path))
                .map(|path| (store, path)),
        )
    }
}

/// Why a `%HH` sequence does not decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PercentError {
    /// A `%` not followed by two hexadecimal digits.
    Escape,
    /// The decoded bytes are not UTF-8.
    NotUtf8,
}

impl fmt::Display for PercentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PercentError::Escape => "`%` is not followed by two hexadecimal digits",
            PercentError::NotUtf8 => "the percent-decoded bytes are not UTF-8",
        })
    }
}

/// Decodes the `%HH` escapes of a URI component into UTF-8 text.
///
/// ```
/// use zarr_links_model::path::{percent_decode, PercentError};
/// assert_eq!(percent_decode("/a%20b/%C3%A4").as_deref(), Ok("/a b/ä"));
/// assert_eq!(percent_decode("/%FF"), Err(PercentError::NotUtf8));
/// assert_eq!(percent_decode("/%2"), Err(PercentError::Escape));
/// ```
pub fn percent_decode(s: &str) -> Result<String, PercentError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or(PercentError::Escape)?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| PercentError::NotUtf8)
}

/// Why the fragment of a target that names a node of another store is not
/// a node path (`links.target.fragment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FragmentError {
    /// The fragment does not percent-decode to UTF-8.
    Decode(PercentError),
    /// The decoded fragment is not a normalised absolute path.
    Path(PathError),
}

impl fmt::Display for FragmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FragmentError::Decode(e) => e.fmt(f),
            FragmentError::Path(e) => write!(f, "decoded, {e}"),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a string is not a valid link target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetError {
    /// An in-store path with a defect.
    Path(PathError),
    /// Neither `/...` nor `scheme:...`: a relative path.
    Relative,
    /// A URI with a character RFC 3986 does not allow, at this byte offset.
    Uri {
        /// Byte offset of the offending character.
        offset: usize,
        /// The offending character.
        found: char,
    },
    /// A URI with nothing after the scheme's colon, or a `%` not followed by two hex digits.
    UriIncomplete,
}

impl TargetError {
    /// The rule a link target with this defect breaks.
    pub fn rule(&self) -> Rule {
        match self {
            TargetError::Path(e) => e.target_rule(),
            TargetError::Relative => Rule::TargetForm,
            TargetError::Uri { .. } | TargetError::UriIncomplete => Rule::TargetUri,
        }
    }
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetError::Path(e) => e.fmt(f),
            TargetError::Relative => f.write_str(
                "it is a relative path; targets are absolute paths from the store root (`/group/array`) or absolute URIs",
            ),
            TargetError::Uri { offset, found } => {
                write!(f, "the URI has the character {found:?} at byte {offset}, which RFC 3986 does not allow (percent-encode it)")
            }
            TargetError::UriIncomplete => f.write_str(
                "the URI is incomplete: nothing follows the scheme, or `%` is not followed by two hex digits",
            ),
        }
    }
}

/// Returns the length of the URI scheme plus its colon, if `s` starts with one.
fn scheme_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    if !bytes.first()?.is_ascii_alphabetic() {
        return None;
    }
    for (i, b) in bytes.iter().enumerate().skip(1) {
        match b {
            b':' => return Some(i + 1),
            b if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-') => {}
            _ => return None,
        }
    }
    None
}

fn uri_char_ok(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=".contains(c)
}

/// Checks an external URI target, after its scheme has been recognised.
fn check_uri(s: &str, scheme: usize) -> Result<(), TargetError> {
    let rest = &s[scheme..];
    if rest.is_empty() {
        return Err(TargetError::UriIncomplete);
    }
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '%' {
            let ok = matches!((chars.next(), chars.next()),
                (Some((_, a)), Some((_, b))) if a.is_ascii_hexdigit() && b.is_ascii_hexdigit());
            if !ok {
                return Err(TargetError::UriIncomplete);
            }
        } else if !uri_char_ok(c) {
            return Err(TargetError::Uri {
                offset: scheme + i,
                found: c,
            });
        }
    }
    Ok(())
}

/// Parses a link target, or says which rule it breaks.
///
/// ```
/// use zarr_links_model::path::{parse_target, Target, TargetError};
/// assert_eq!(parse_target("/bands/B04").unwrap().in_store(), Some("/bands/B04"));
/// assert!(parse_target("https://example.org/a").unwrap().is_external());
/// assert_eq!(parse_target("bands/B04"), Err(TargetError::Relative));
/// ```
pub fn parse_target(s: &str) -> Result<Target, TargetError> {
    if s.is_empty() {
        return Err(TargetError::Path(PathError::Empty));
    }
    if s.starts_with('/') {
        return NodePath::parse(s)
            .map(|p| Target(p.0))
            .map_err(TargetError::Path);
    }
    match scheme_len(s) {
        Some(n) => check_uri(s, n).map(|()| Target(s.into())),
        None => Err(TargetError::Relative),
    }
}

/// Joins a store key prefix and a name: `join_key("bands", "zarr.json")` is
/// `bands/zarr.json`, and `join_key("", "zarr.json")` is `zarr.json`.
pub fn join_key(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

/// Parses a `links:index` entry: it must be a normalised in-store path.
pub fn parse_index_entry(s: &str) -> Result<NodePath, PathError> {
    NodePath::parse(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(NodePath::parse("/").unwrap(), NodePath::root());
        assert_eq!(NodePath::parse("/a/b").unwrap().as_str(), "/a/b");
        assert_eq!(
            NodePath::parse("/a/..b/.c/...").unwrap().as_str(),
            "/a/..b/.c/..."
        );
        assert_eq!(NodePath::parse("a/b"), Err(PathError::NotAbsolute));
        assert_eq!(NodePath::parse("/a//b"), Err(PathError::EmptySegment));
        assert_eq!(NodePath::parse("/a/"), Err(PathError::EmptySegment));
        assert_eq!(NodePath::parse("/a/./b"), Err(PathError::DotSegment));
        assert_eq!(NodePath::parse("/a/../b"), Err(PathError::DotSegment));
        assert_eq!(NodePath::parse("/../b"), Err(PathError::EscapesRoot));
        assert_eq!(NodePath::parse("/a/../../b"), Err(PathError::EscapesRoot));
        assert_eq!(NodePath::parse(""), Err(PathError::Empty));
    }

    #[test]
    fn navigation() {
        let p = NodePath::parse("/bands/B04").unwrap();
        assert_eq!(p.name(), Some("B04"));
        assert_eq!(p.parent().unwrap().as_str(), "/bands");
        assert_eq!(p.parent().unwrap().parent().unwrap(), NodePath::root());
        assert_eq!(NodePath::root().parent(), None);
        assert_eq!(NodePath::root().child("x").as_str(), "/x");
        assert_eq!(p.key_prefix(), "bands/B04");
        assert_eq!(NodePath::from_key_prefix("bands/B04/").unwrap(), p);
        let u = NodePath::parse("/mesures/température").unwrap();
        assert_eq!(u.name(), Some("température"));
    }

    #[test]
    fn targets() {
        assert!(parse_target("s3://bucket/l1c.zarr#/measurements/b04")
            .unwrap()
            .is_external());
        assert!(parse_target("urn:ogc:def:crs:EPSG::4326")
            .unwrap()
            .is_external());
        assert_eq!(parse_target("B04"), Err(TargetError::Relative));
        assert_eq!(parse_target("./B04"), Err(TargetError::Relative));
        assert_eq!(parse_target("../B04"), Err(TargetError::Relative));
        assert_eq!(parse_target("https:"), Err(TargetError::UriIncomplete));
        assert_eq!(
            parse_target("https://x/a%2"),
            Err(TargetError::UriIncomplete)
        );
        assert_eq!(
            parse_target("https://x/my file"),
            Err(TargetError::Uri {
                offset: 12,
                found: ' '
            })
        );
        assert_eq!(
            parse_target("/a/../../x").unwrap_err().rule(),
            Rule::TargetEscape
        );
        assert_eq!(parse_target("").unwrap_err().rule(), Rule::LinkTarget);
    }
}
