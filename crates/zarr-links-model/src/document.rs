//! Metadata documents: the bytes of `zarr.json`, `.zgroup`, `.zarray`,
//! `.zattrs` or `.zmetadata`, parsed into a JSON object, with every problem
//! described for a person.
//!
//! Parsing is pure (bytes in, object out) and shared by every front end: the
//! store loader, the WebAssembly page and the Python package.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/stores.html>

use serde_json::{Map, Value};

/// Metadata documents larger than this (16 MiB) are refused without being
/// parsed, and reported as `links.store.metadata`.
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

/// JSON nested deeper than this is refused (serde_json's recursion limit),
/// and reported as `links.store.metadata`. It never overflows the stack.
pub const MAX_NESTING: usize = 128;

/// A metadata document, parsed, with the problems of reading it.
#[derive(Debug, Clone, Default)]
pub struct ParsedDocument {
    /// The document, when it is a JSON object.
    pub object: Option<Map<String, Value>>,
    /// Problems as (message, hint). A byte order mark is reported here, and
    /// the document after it is still parsed.
    pub issues: Vec<(String, Option<String>)>,
}

/// Parses one metadata document.
///
/// - A UTF-8 byte order mark is reported, then skipped, and the rest is
///   parsed, so that the document's other problems are reported too.
/// - Invalid UTF-8, malformed or truncated JSON, nesting deeper than
///   [`MAX_NESTING`], and documents that are not JSON objects give an issue
///   and no object.
///
/// Spec: <https://zarr-links.github.io/zarr-links/stores.html>
pub fn parse_document(bytes: &[u8]) -> ParsedDocument {
    let mut out = ParsedDocument::default();
    let mut bytes = bytes;
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        out.issues.push((
            "the document starts with a UTF-8 byte order mark; expected JSON text without one (the rest of the document was still read)".to_string(),
            Some("save the file as UTF-8 without a byte order mark".to_string()),
        ));
        bytes = rest;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            out.issues.push((
                format!(
                    "the document is not valid UTF-8 (invalid byte 0x{:02X} at offset {}); expected a JSON object in UTF-8",
                    bytes[e.valid_up_to()],
                    e.valid_up_to()
                ),
                None,
            ));
            return out;
        }
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => out.object = Some(map),
        Ok(other) => out.issues.push((
            format!(
                "the document is a JSON {}; expected a JSON object",
                json_kind(&other)
            ),
            None,
        )),
        Err(e) => {
            let msg = if e.is_eof() {
                format!(
                    "the JSON ends early (line {}, column {}): the document is truncated; expected a complete JSON object",
                    e.line(),
                    e.column()
                )
            } else if e.to_string().contains("recursion limit") {
                format!(
                    "the JSON is nested deeper than {MAX_NESTING} levels (line {}, column {}); such documents are refused",
                    e.line(),
                    e.column()
                )
            } else {
                let full = e.to_string();
                let cause = full.split(" at line ").next().unwrap_or(&full).to_string();
                format!(
                    "the document is not valid JSON: {cause} at line {}, column {}; expected a JSON object",
                    e.line(),
                    e.column()
                )
            };
            out.issues.push((msg, None));
        }
    }
    out
}

/// `"an array"`, `"a string"`, …, for messages.
pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Which members of a document [`read_parts`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// A v3 `zarr.json`: `node_type`, `zarr_format` and the `attributes`.
    NodeV3,
    /// A v2 `.zattrs`: the document is the attributes.
    AttributesV2,
    /// Nothing: only whether the document is a readable JSON object (a v2
    /// `.zgroup` or `.zarray`).
    Nothing,
}

/// The members of a node document that the convention reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parts {
    /// `node_type`, when present (v3).
    pub node_type: Option<Value>,
    /// `zarr_format`, when present (v3).
    pub zarr_format: Option<Value>,
    /// The attributes (v3 `attributes`, or the whole v2 `.zattrs`), keeping
    /// only `zarr_conventions` and the `links:` members unless all were asked
    /// for. `None` when a v3 document has no `attributes`.
    pub attributes: Option<Map<String, Value>>,
}

/// Reads only the members of a node document that the convention needs,
/// skipping everything else (`shape`, `codecs`, other conventions'
/// attributes, ...) without building it in memory. This is the fast path of
/// the store loader: it answers `None` for any document that is not a clean
/// JSON object (a byte order mark, invalid UTF-8 or JSON, a member the
/// convention reads given twice, attributes that are not an object, ...),
/// and the caller then parses it with [`parse_document`], which says what
/// is wrong.
///
/// ```
/// use zarr_links_model::document::{read_parts, Wanted};
/// let doc = br#"{"zarr_format": 3, "node_type": "array", "shape": [10],
///   "attributes": {"units": "K", "links:relationships": []}}"#;
/// let parts = read_parts(doc, Wanted::NodeV3, false).unwrap();
/// let attrs = parts.attributes.unwrap();
/// assert!(attrs.contains_key("links:relationships") && !attrs.contains_key("units"));
/// assert!(read_parts(b"[1]", Wanted::NodeV3, false).is_none());
/// ```
pub fn read_parts(bytes: &[u8], wanted: Wanted, all_attributes: bool) -> Option<Parts> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return None;
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parts = serde::de::Deserializer::deserialize_map(
        &mut de,
        parts::DocumentVisitor {
            wanted,
            all_attributes,
        },
    )
    .ok()?;
    de.end().ok()?;
    Some(parts)
}

/// Whether an attribute is one the convention reads.
fn relevant(key: &str) -> bool {
    key == crate::attributes::ZARR_CONVENTIONS || key.starts_with(crate::convention::PREFIX)
}

mod parts {
    //! The serde visitors behind [`super::read_parts`].

    use std::borrow::Cow;
    use std::fmt;

    use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Value};

    use super::{relevant, Parts, Wanted};

    /// A member name, borrowed from the input when it has no escapes.
    struct Key<'de>(Cow<'de, str>);

    impl<'de> de::Deserialize<'de> for Key<'de> {
        fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Key<'de>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a member name")
                }
                fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                    Ok(Key(Cow::Borrowed(v)))
                }
                fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                    Ok(Key(Cow::Owned(v.to_string())))
                }
                fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                    Ok(Key(Cow::Owned(v)))
                }
            }
            d.deserialize_str(V)
        }
    }

    /// A value read and checked exactly as a full parse checks it (UTF-8,
    /// escapes, numbers in range, nesting), and then dropped: unlike serde's
    /// `IgnoredAny`, which does not check what it skips.
    struct Skip;

    impl<'de> de::Deserialize<'de> for Skip {
        fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(Skip)
        }
    }

    impl<'de> Visitor<'de> for Skip {
        type Value = Skip;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
            Ok(Skip)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
            Ok(Skip)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
            Ok(Skip)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
            Ok(Skip)
        }
        fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
            Ok(Skip)
        }
        fn visit_unit<E>(self) -> Result<Skip, E> {
            Ok(Skip)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
            while seq.next_element::<Skip>()?.is_some() {}
            Ok(Skip)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
            while map.next_key::<Skip>()?.is_some() {
                map.next_value::<Skip>()?;
            }
            Ok(Skip)
        }
    }

    fn twice<E: de::Error>(key: &str) -> E {
        E::custom(format!("the member {key:?} is given twice"))
    }

    pub(super) struct DocumentVisitor {
        pub wanted: Wanted,
        pub all_attributes: bool,
    }

    impl<'de> Visitor<'de> for DocumentVisitor {
        type Value = Parts;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parts, A::Error> {
            let mut parts = Parts::default();
            let mut attributes = Map::new();
            while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                match (self.wanted, &*key) {
                    (Wanted::NodeV3, "node_type") => {
                        if parts.node_type.replace(map.next_value()?).is_some() {
                            return Err(twice(&key));
                        }
                    }
                    (Wanted::NodeV3, "zarr_format") => {
                        if parts.zarr_format.replace(map.next_value()?).is_some() {
                            return Err(twice(&key));
                        }
                    }
                    (Wanted::NodeV3, "attributes") => {
                        let seed = AttributesSeed {
                            all: self.all_attributes,
                        };
                        if parts
                            .attributes
                            .replace(map.next_value_seed(seed)?)
                            .is_some()
                        {
                            return Err(twice(&key));
                        }
                    }
                    (Wanted::AttributesV2, k) if self.all_attributes || relevant(k) => {
                        let value: Value = map.next_value()?;
                        if attributes.insert(k.to_string(), value).is_some() {
                            return Err(twice(k));
                        }
                    }
                    _ => {
                        map.next_value::<Skip>()?;
                    }
                }
            }
            if self.wanted == Wanted::AttributesV2 {
                parts.attributes = Some(attributes);
            }
            Ok(parts)
        }
    }

    /// The attributes object of a v3 document, keeping what is needed.
    struct AttributesSeed {
        all: bool,
    }

    impl<'de> DeserializeSeed<'de> for AttributesSeed {
        type Value = Map<String, Value>;

        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }

    impl<'de> Visitor<'de> for AttributesSeed {
        type Value = Map<String, Value>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an attributes object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Map::new();
            while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                if self.all || relevant(&key) {
                    let value: Value = map.next_value()?;
                    if out.insert(key.to_string(), value).is_some() {
                        return Err(twice(&key));
                    }
                } else {
                    map.next_value::<Skip>()?;
                }
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path accepts exactly the documents that a full parse
    /// accepts as objects, on the defects that skipping values could miss.
    #[test]
    fn read_parts_rejects_what_parse_document_rejects() {
        let docs: [&[u8]; 12] = [
            b"{\"a\": \"x\x01y\"}",
            b"{\"a\": \"x\xffy\"}",
            b"{\"a\": \"\\ud800\"}",
            b"{\"a\": 1e400}",
            b"{\"a\": [1, 2,]}",
            b"{\"a\": 1} x",
            b"\xEF\xBB\xBF{}",
            b"[]",
            b"{\"attributes\": [1]}",
            b"{\"attributes\": {}, \"attributes\": {}}",
            b"{\"a\": {\"b\": [true, null, -1.5e3, \"\\u00e9\"]}}",
            b"{}",
        ];
        for doc in docs {
            let full = parse_document(doc);
            let clean = full.issues.is_empty() && full.object.is_some();
            for wanted in [Wanted::NodeV3, Wanted::AttributesV2, Wanted::Nothing] {
                let fast = read_parts(doc, wanted, false);
                if fast.is_some() {
                    assert!(
                        clean,
                        "{:?} accepted by the fast path only",
                        String::from_utf8_lossy(doc)
                    );
                }
            }
        }
        let deep = format!("{}{}{}", "{\"a\":".repeat(200), "1", "}".repeat(200));
        assert!(read_parts(deep.as_bytes(), Wanted::NodeV3, false).is_none());
    }
}
