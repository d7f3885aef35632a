//! JSON objects as members with the byte span of each value in the text,
//! read by `serde_json` (its `RawValue` borrows the exact text of each
//! value), so that the editor's spans are checked against another parser.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// One member of an object: its name and its value's text.
pub type Member<'a> = (String, &'a RawValue);

struct Members;

impl<'de> Visitor<'de> for Members {
    type Value = Vec<Member<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
            out.push(entry);
        }
        Ok(out)
    }
}

/// The members of the JSON object that is exactly `text` (surrounding
/// whitespace allowed), in order, duplicates included; `None` when `text`
/// is not one valid JSON object.
pub fn members(text: &str) -> Option<Vec<Member<'_>>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let out = de.deserialize_map(Members).ok()?;
    de.end().ok()?;
    Some(out)
}

/// The byte range of `part` inside `text`; `part` must borrow from `text`.
pub fn span(text: &str, part: &str) -> (usize, usize) {
    let start = part.as_ptr() as usize - text.as_ptr() as usize;
    assert!(start + part.len() <= text.len(), "not a part of the text");
    (start, start + part.len())
}

/// The text of the object reached from the top-level object of `text` by
/// following `pointer` (member names), when every name on the way is
/// given once and leads to an object. The returned slice borrows from
/// `text`.
pub fn object_at<'a>(text: &'a str, pointer: &[&str]) -> Option<&'a str> {
    let top: &RawValue = serde_json::from_str(text).ok()?;
    let mut at = top.get();
    for name in pointer {
        let ms = members(at)?;
        let mut found = ms.iter().filter(|(k, _)| k == name);
        let (_, v) = found.next()?;
        if found.next().is_some() {
            return None;
        }
        at = v.get();
    }
    members(at)?;
    Some(at)
}

/// Whether any object anywhere in `text` gives a member name twice.
pub fn has_duplicate_names(text: &str) -> bool {
    fn walk(v: &RawValue) -> bool {
        let t = v.get();
        if let Some(ms) = members(t) {
            let mut names: Vec<&str> = ms.iter().map(|(k, _)| k.as_str()).collect();
            names.sort_unstable();
            names.windows(2).any(|w| w[0] == w[1]) || ms.iter().any(|(_, v)| walk(v))
        } else if let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(t) {
            items.into_iter().any(walk)
        } else {
            false
        }
    }
    serde_json::from_str::<&RawValue>(text).is_ok_and(walk)
}
