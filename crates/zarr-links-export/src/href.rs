//! Where a store and its nodes are: the base URL of the store and the URLs
//! and identifiers of its nodes.
//!
//! A node's **URL** joins its path to the store's URL
//! (`s3://bucket/S2.zarr/measurements/reflectance/r10m/b04`), as the STAC
//! best practices for Zarr ask of asset hrefs and as Zarr readers open a
//! node. A node's **identifier** (an Atom entry `id`) is the store's URL
//! with the node path as fragment (`s3://bucket/S2.zarr#/measurements/...`),
//! the form in which this convention names a node of another store.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/interoperability.html>

use std::fmt;

use zarr_links_model::parse_target;

/// The URL of a store's root: an absolute URI (`https:`, `s3:`, `file:`,
/// ...) without query or fragment, kept without a trailing `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Checks a base URL: an absolute URI in RFC 3986 characters, with no
    /// `?` or `#` (node paths are joined to its path).
    ///
    /// ```
    /// use zarr_links_export::href::BaseUrl;
    /// let b = BaseUrl::parse("s3://bucket/S2.zarr/").unwrap();
    /// assert_eq!(b.as_str(), "s3://bucket/S2.zarr");
    /// assert!(BaseUrl::parse("S2.zarr").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<BaseUrl, String> {
        match parse_target(s) {
            Ok(t) if t.is_external() => {}
            Ok(_) | Err(_) => {
                return Err(format!(
                    "{s:?} is not an absolute URI (such as https://example.org/S2.zarr, \
                     s3://bucket/S2.zarr or file:///data/S2.zarr); percent-encode spaces and \
                     other characters that URIs do not allow"
                ))
            }
        }
        if s.contains(['?', '#']) {
            return Err(format!(
                "{s:?} has a query or a fragment; node paths are joined to the base URL's path, \
                 so give the store's URL without `?` or `#`"
            ));
        }
        let trimmed = s.trim_end_matches('/');
        let kept = if trimmed.ends_with(':') || trimmed.ends_with("//") {
            s
        } else {
            trimmed
        };
        Ok(BaseUrl(kept.to_string()))
    }

    /// The `file:` URL of an absolute local path, percent-encoded
    /// (`/data/my store.zarr` gives `file:///data/my%20store.zarr`).
    pub fn from_local_path(absolute: &str) -> BaseUrl {
        let path = absolute.replace('\\', "/");
        let path = if path.starts_with('/') {
            path
        } else {
            format!("/{path}")
        };
        let encoded: Vec<String> = path.split('/').map(encode_segment).collect();
        let joined = encoded.join("/");
        let trimmed = joined.trim_end_matches('/');
        BaseUrl(format!(
            "file://{}",
            if trimmed.is_empty() { "/" } else { trimmed }
        ))
    }

    /// The base URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL of the node at `path` (an absolute in-store path): the path
    /// joined to the base URL, each segment percent-encoded. The root's URL
    /// is the base URL.
    pub fn node_url(&self, path: &str) -> String {
        if path == "/" {
            return self.0.clone();
        }
        let base = self.0.strip_suffix('/').unwrap_or(&self.0);
        format!("{base}{}", encode_path(path))
    }

    /// The identifier of the node at `path`: the base URL with the node
    /// path as fragment, as this convention addresses a node of another
    /// store (`<base>#/bands/b04`).
    pub fn node_id(&self, path: &str) -> String {
        format!("{}#{}", self.0, encode_path(path))
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Percent-encodes each segment of an absolute path, keeping the `/`s.
fn encode_path(path: &str) -> String {
    path.split('/')
        .map(encode_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// Percent-encodes one path segment: everything but RFC 3986's unreserved
/// characters, sub-delimiters, `:` and `@` (its `pchar`), byte by byte in
/// UTF-8. `%` itself is encoded, since a node name is taken literally.
fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        let c = b as char;
        if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_encodes() {
        let b = BaseUrl::parse("https://example.org/data/S2.zarr").unwrap();
        assert_eq!(b.node_url("/"), "https://example.org/data/S2.zarr");
        assert_eq!(
            b.node_url("/measurements/r10m/b04"),
            "https://example.org/data/S2.zarr/measurements/r10m/b04"
        );
        assert_eq!(
            b.node_url("/a b/%/é/x?y#z"),
            "https://example.org/data/S2.zarr/a%20b/%25/%C3%A9/x%3Fy%23z"
        );
        assert_eq!(
            b.node_id("/bands/b04"),
            "https://example.org/data/S2.zarr#/bands/b04"
        );
        assert_eq!(b.node_id("/"), "https://example.org/data/S2.zarr#/");
        for bad in [
            "",
            "S2.zarr",
            "/data/S2.zarr",
            "https://h/a b",
            "https://h/x?q=1",
            "https://h/x#f",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            BaseUrl::parse("file:///").unwrap().node_url("/a"),
            "file:///a"
        );
        assert_eq!(BaseUrl::parse("s3://b/").unwrap().as_str(), "s3://b");
    }

    #[test]
    fn local_paths() {
        assert_eq!(
            BaseUrl::from_local_path("/data/my store.zarr/").as_str(),
            "file:///data/my%20store.zarr"
        );
        assert_eq!(BaseUrl::from_local_path("/").as_str(), "file:///");
        assert!(BaseUrl::parse(BaseUrl::from_local_path("/tmp/ü#1").as_str()).is_ok());
    }
}
