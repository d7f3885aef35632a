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

/// JSON nested this many levels deep or more is refused (serde_json's
/// recursion limit: 127 levels are read), and reported as
/// `links.store.metadata`. It never overflows the stack.
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
/// - Invalid UTF-8, malformed or truncated JSON, nesting as deep as
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
    if let Some(issue) = utf16(bytes) {
        out.issues
            .push((issue, Some("save the file as UTF-8".to_string())));
        return out;
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
    let mut duplicates = Vec::new();
    let parsed = {
        let mut de = serde_json::Deserializer::from_str(text);
        let value = serde::de::DeserializeSeed::deserialize(
            checked::Checked {
                pointer: String::new(),
                duplicates: &mut duplicates,
            },
            &mut de,
        );
        value.and_then(|v| de.end().map(|()| v))
    };
    match parsed {
        Ok(Value::Object(map)) => {
            for (pointer, key) in duplicates {
                let at = if pointer.is_empty() {
                    "at the top of the document".to_string()
                } else {
                    format!("in the object at {pointer}")
                };
                out.issues.push((
                    format!(
                        "the member {key:?} is given more than once {at}; expected each member once (JSON readers disagree on which value counts; the last one was read)"
                    ),
                    Some(format!("keep one {key:?} member")),
                ));
            }
            out.object = Some(map);
        }
        Ok(other) => out.issues.push((
            format!(
                "the document is a JSON {}; expected a JSON object",
                json_kind(&other)
            ),
            None,
        )),
        Err(e) => out.issues.push((syntax_message(text, &e), None)),
    }
    out
}

/// What a `serde_json` error means, for a person.
fn syntax_message(text: &str, e: &serde_json::Error) -> String {
    let (line, column) = (e.line(), e.column());
    let full = e.to_string();
    let cause = full.split(" at line ").next().unwrap_or(&full).to_string();
    if e.is_eof() {
        format!(
            "the JSON ends early (line {line}, column {column}): the document is truncated; expected a complete JSON object"
        )
    } else if cause.contains("recursion limit") {
        format!(
            "the JSON is nested {MAX_NESTING} levels deep or more (line {line}, column {column}); such documents are refused"
        )
    } else if cause.contains("number out of range") {
        format!(
            "the number at line {line}, column {column} is too large for a 64-bit floating-point number (about 1.8e308 at most); expected a number that JSON readers can represent"
        )
    } else if cause.contains("hex escape") || cause.contains("surrogate") {
        let escape = surrogate_near(text, line, column).unwrap_or_else(|| "\\uD8xx".to_string());
        format!(
            "the string escape {escape} at line {line}, column {column} is half of a UTF-16 surrogate pair, which is not a character on its own; expected both halves (\\uD83D\\uDE00) or the character itself"
        )
    } else if cause.contains("control character") {
        format!(
            "a string at line {line}, column {column} holds a raw control character (a tab, line break or other code below U+0020); expected it escaped, such as \\n or \\t"
        )
    } else {
        format!(
            "the document is not valid JSON: {cause} at line {line}, column {column}; expected a JSON object"
        )
    }
}

/// The `\uXXXX` surrogate escape closest before (`line`, `column`), if any.
fn surrogate_near(text: &str, line: usize, column: usize) -> Option<String> {
    let row = text.lines().nth(line.checked_sub(1)?)?;
    let upto: String = row.chars().take(column).collect();
    let at = upto.rfind("\\u")?;
    let escape: String = upto[at..].chars().take(6).collect();
    let hex = escape.get(2..)?.to_ascii_lowercase();
    (hex.len() == 4 && ("d800"..="dfff").contains(&hex.as_str())).then_some(escape)
}

/// A message when `bytes` look like UTF-16: a UTF-16 byte order mark, or
/// a zero byte in every other position of the first bytes.
fn utf16(bytes: &[u8]) -> Option<String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Some(
            "the document is UTF-16 (it starts with a UTF-16 byte order mark); expected a JSON object in UTF-8".to_string(),
        );
    }
    let head = &bytes[..bytes.len().min(16)];
    let even_zero = head.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_zero = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    let half = head.len() / 2;
    (head.len() >= 4 && (even_zero == half || odd_zero == half)).then(|| {
        "the document looks like UTF-16 without a byte order mark (every other byte is zero); expected a JSON object in UTF-8".to_string()
    })
}

mod checked {
    //! A JSON value built while noting every member name given twice in
    //! one object, with the object's pointer: `serde_json` alone keeps the
    //! last value without a word.

    use std::fmt;

    use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Number, Value};

    use crate::hierarchy::pointer_token;

    pub(super) struct Checked<'a> {
        pub pointer: String,
        pub duplicates: &'a mut Vec<(String, String)>,
    }

    impl<'de> DeserializeSeed<'de> for Checked<'_> {
        type Value = Value;

        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Checked<'_> {
        type Value = Value;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value::Number(v.into()))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(Value::Number(v.into()))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
        }
        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_string()))
        }
        fn visit_string<E>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut out = Vec::new();
            loop {
                let seed = Checked {
                    pointer: format!("{}/{}", self.pointer, out.len()),
                    duplicates: &mut *self.duplicates,
                };
                match seq.next_element_seed(seed)? {
                    Some(v) => out.push(v),
                    None => return Ok(Value::Array(out)),
                }
            }
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut out = Map::new();
            while let Some(key) = map.next_key::<String>()? {
                let seed = Checked {
                    pointer: format!("{}/{}", self.pointer, pointer_token(&key)),
                    duplicates: &mut *self.duplicates,
                };
                let value = map.next_value_seed(seed)?;
                if out.insert(key.clone(), value).is_some() {
                    self.duplicates.push((self.pointer.clone(), key));
                }
            }
            Ok(Value::Object(out))
        }
    }
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
    /// A v3 group's `consolidated_metadata`, when present and not `null`
    /// (nested consolidated metadata, which a validator compares with the
    /// group's subtree).
    pub consolidated: Option<Value>,
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
            // A member given twice sends the document to the full parse,
            // which reports it.
            let mut keys: Vec<Cow<'de, str>> = Vec::new();
            while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                if keys.contains(&key) {
                    return Err(twice(&key));
                }
                map.next_value::<Skip>()?;
                keys.push(key);
            }
            Ok(Skip)
        }
    }

    /// A value the convention reads, built as the full parse builds it
    /// but refusing a member name given twice in any object inside (which
    /// `serde_json` alone keeps quietly, the last one winning), so that the
    /// document goes to the full parse, which reports it.
    struct Strict;

    impl<'de> DeserializeSeed<'de> for Strict {
        type Value = Value;

        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            let mut duplicates = Vec::new();
            let value = super::checked::Checked {
                pointer: String::new(),
                duplicates: &mut duplicates,
            }
            .deserialize(d)?;
            match duplicates.first() {
                Some((_, key)) => Err(twice(key)),
                None => Ok(value),
            }
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
            let mut keys: Vec<Cow<'de, str>> = Vec::new();
            while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                if keys.contains(&key) {
                    return Err(twice(&key));
                }
                keys.push(key.clone());
                match (self.wanted, &*key) {
                    (Wanted::NodeV3, "node_type") => {
                        if parts
                            .node_type
                            .replace(map.next_value_seed(Strict)?)
                            .is_some()
                        {
                            return Err(twice(&key));
                        }
                    }
                    (Wanted::NodeV3, "zarr_format") => {
                        if parts
                            .zarr_format
                            .replace(map.next_value_seed(Strict)?)
                            .is_some()
                        {
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
                    (Wanted::NodeV3, "consolidated_metadata") => {
                        // Strict: a member given twice inside it goes to the
                        // full parse, which reports it (found by fuzzing).
                        let value = map.next_value_seed(Strict)?;
                        if !value.is_null() {
                            parts.consolidated = Some(value);
                        }
                    }
                    (Wanted::AttributesV2, k) if self.all_attributes || relevant(k) => {
                        let value = map.next_value_seed(Strict)?;
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
            let mut keys: Vec<Cow<'de, str>> = Vec::new();
            while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                if keys.contains(&key) {
                    return Err(twice(&key));
                }
                keys.push(key.clone());
                if self.all || relevant(&key) {
                    let value = map.next_value_seed(Strict)?;
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
        let docs: [&[u8]; 15] = [
            // Found by the `document` fuzz target: a member given twice
            // inside a member the convention reads.
            b"{\"attributes\": {\"links:index\": {\"a\": [], \"a\": []}}}",
            b"{\"consolidated_metadata\": {\"metadata\": {\"b\": {}, \"b\": {}}}}",
            b"{\"links:relationships\": [{\"type\": \"x\", \"type\": \"y\"}]}",
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

#[cfg(test)]
mod messages {
    use super::*;

    fn issue(doc: &[u8]) -> String {
        let p = parse_document(doc);
        assert_eq!(p.issues.len(), 1, "{:?}", p.issues);
        p.issues[0].0.clone()
    }

    #[test]
    fn each_defect_is_named() {
        assert!(issue(br#"{"a": 1e400}"#).contains("too large for a 64-bit floating-point number"));
        let m = issue(br#"{"a": "\ud800"}"#);
        assert!(m.contains(r"\ud800") && m.contains("surrogate"), "{m}");
        let utf16: Vec<u8> = "{\"a\": 1}"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(issue(&utf16).contains("UTF-16 without a byte order mark"));
        assert!(issue(b"\xFF\xFE{\x00}\x00").contains("UTF-16 byte order mark"));
        assert!(issue(b"{\"a\": \"x\x01\"}").contains("raw control character"));
        let dup = parse_document(br#"{"a": {"b": 1, "b": 2}, "a": 3}"#);
        let messages: Vec<&str> = dup.issues.iter().map(|i| i.0.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains(r#""b" is given more than once in the object at /a"#));
        assert!(messages[1].contains(r#""a" is given more than once at the top"#));
        assert_eq!(
            dup.object.unwrap()["a"],
            3,
            "the last value is read, as the message says"
        );
        let deep = format!("{}{}", "[".repeat(127), "]".repeat(127));
        assert!(
            parse_document(format!("{{\"a\": {deep}}}").as_bytes()).issues[0]
                .0
                .contains("128 levels")
        );
        let ok = format!("{}{}", "[".repeat(126), "]".repeat(126));
        assert!(parse_document(format!("{{\"a\": {ok}}}").as_bytes())
            .issues
            .is_empty());
    }
}
