//! Editing a JSON metadata document's text in place: change a few members
//! and keep every other byte.
//!
//! [`edit_member`] rewrites only the value of one member (or appends the
//! member) in the document's text, so every other attribute keeps its key
//! order, its values and its formatting; [`remove_member`] takes one out;
//! [`update_object`] turns one object into another with the fewest such
//! edits. Callers check the result with [`same_document`] before writing
//! it.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/discovery.html>

use serde_json::{Map, Value};

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The end (one past the closing quote) of the string starting at `i`.
fn scan_string(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

/// The end of the JSON value starting at `i`.
fn scan_value(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => scan_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = scan_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// One member of an object in the text.
struct Member {
    key: String,
    key_start: usize,
    value_start: usize,
    value_end: usize,
}

/// The members of the object starting at `start`, and the position of its `}`.
fn members(text: &str, start: usize) -> Option<(Vec<Member>, usize)> {
    let b = text.as_bytes();
    if b.get(start) != Some(&b'{') {
        return None;
    }
    let mut out = Vec::new();
    let mut i = skip_ws(b, start + 1);
    if b.get(i) == Some(&b'}') {
        return Some((out, i));
    }
    loop {
        let key_start = i;
        let key_end = scan_string(b, i)?;
        let key: String = serde_json::from_str(&text[key_start..key_end]).ok()?;
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let value_start = skip_ws(b, i + 1);
        let value_end = scan_value(b, value_start)?;
        out.push(Member {
            key,
            key_start,
            value_start,
            value_end,
        });
        i = skip_ws(b, value_end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Some((out, i)),
            _ => return None,
        }
    }
}

/// The start of the object reached by following `pointer` (member names)
/// from the document's top-level object.
fn find_object(text: &str, pointer: &[&str]) -> Option<usize> {
    let mut at = skip_ws(text.as_bytes(), 0);
    for segment in pointer {
        let (ms, _) = members(text, at)?;
        at = ms.into_iter().find(|m| m.key == *segment)?.value_start;
    }
    (text.as_bytes().get(at) == Some(&b'{')).then_some(at)
}

/// The whitespace that starts the line containing `pos`.
fn line_indent(text: &str, pos: usize) -> &str {
    let line_start = text[..pos].rfind('\n').map_or(0, |n| n + 1);
    let rest = &text[line_start..];
    let n = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    &rest[..n]
}

/// The document's indentation unit: the whitespace before its first
/// indented line, or `None` for a document on one line.
fn indent_unit(text: &str) -> Option<String> {
    let nl = text.find('\n')?;
    let rest = &text[nl + 1..];
    let n = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    Some(if n == 0 {
        "  ".to_string()
    } else {
        rest[..n].to_string()
    })
}

/// `value` as JSON: pretty with `unit` and every line after the first
/// prefixed with `prefix`, or compact when `unit` is `None`.
fn to_text(value: &Value, unit: Option<&str>, prefix: &str) -> String {
    let Some(unit) = unit else {
        return serde_json::to_string(value).expect("JSON values serialise");
    };
    // Pretty output indents with two spaces per level, and JSON strings never
    // hold a raw newline, so every line's leading spaces are indentation.
    let pretty = serde_json::to_string_pretty(value).expect("JSON values serialise");
    let s = pretty
        .lines()
        .map(|line| {
            let body = line.trim_start_matches(' ');
            format!("{}{body}", unit.repeat((line.len() - body.len()) / 2))
        })
        .collect::<Vec<_>>()
        .join("\n");
    s.replace('\n', &format!("\n{prefix}"))
}

/// Sets member `key` of the object at `pointer` to `value` in the text,
/// touching nothing else: an existing member's value is replaced where it
/// stands; a new member is appended after the last one, indented like it.
/// `None` when the text does not have that object.
pub fn edit_member(text: &str, pointer: &[&str], key: &str, value: &Value) -> Option<String> {
    let start = find_object(text, pointer)?;
    let (ms, close) = members(text, start)?;
    let unit = indent_unit(text);
    if let Some(m) = ms.iter().find(|m| m.key == key) {
        let prefix = line_indent(text, m.key_start);
        let new = to_text(value, unit.as_deref(), prefix);
        return Some(format!(
            "{}{new}{}",
            &text[..m.value_start],
            &text[m.value_end..]
        ));
    }
    let key_json = serde_json::to_string(key).expect("strings serialise");
    let Some(unit) = unit else {
        let sep = if ms.is_empty() { "" } else { "," };
        let new = to_text(value, None, "");
        return Some(format!(
            "{}{sep}{key_json}:{new}{}",
            &text[..close],
            &text[close..]
        ));
    };
    match ms.last() {
        Some(last) => {
            let prefix = line_indent(text, last.key_start).to_string();
            let new = to_text(value, Some(&unit), &prefix);
            Some(format!(
                "{},\n{prefix}{key_json}: {new}{}",
                &text[..last.value_end],
                &text[last.value_end..]
            ))
        }
        None => {
            let outer = line_indent(text, start).to_string();
            let prefix = format!("{outer}{unit}");
            let new = to_text(value, Some(&unit), &prefix);
            Some(format!(
                "{}{{\n{prefix}{key_json}: {new}\n{outer}}}{}",
                &text[..start],
                &text[close + 1..]
            ))
        }
    }
}

/// Removes member `key` of the object at `pointer` from the text, with the
/// comma that separated it, touching nothing else. `None` when the text has
/// no such member.
pub fn remove_member(text: &str, pointer: &[&str], key: &str) -> Option<String> {
    let start = find_object(text, pointer)?;
    let (ms, close) = members(text, start)?;
    let i = ms.iter().position(|m| m.key == key)?;
    let (from, to) = if i > 0 {
        (ms[i - 1].value_end, ms[i].value_end)
    } else if let Some(next) = ms.get(1) {
        (ms[0].key_start, next.key_start)
    } else {
        (start + 1, close)
    };
    Some(format!("{}{}", &text[..from], &text[to..]))
}

/// The whole document written again: indented like `original` (two spaces
/// when there is none), with a final newline when `original` had one.
pub fn reserialise(original: Option<&str>, value: &Value) -> String {
    let unit = match original {
        None => Some("  ".to_string()),
        Some(t) => indent_unit(t),
    };
    let mut s = to_text(value, unit.as_deref(), "");
    if original.is_none_or(|t| t.ends_with('\n')) {
        s.push('\n');
    }
    s
}

/// Whether `text` parses to exactly `expected`, member order included.
pub fn same_document(text: &str, expected: &Value) -> bool {
    serde_json::from_str::<Value>(text)
        .is_ok_and(|v| serde_json::to_string(&v).ok() == serde_json::to_string(expected).ok())
}

/// Turns the object at `pointer` from `old` into `new` with the fewest member
/// edits: members only in `old` are removed, members only in `new` are
/// appended, and members whose value changed are replaced; when both values
/// are objects, the change is made one level deeper in the same way, so
/// that unchanged members inside keep their text. `None` when the text does
/// not have that object.
pub fn update_object(
    text: &str,
    pointer: &[&str],
    old: &Map<String, Value>,
    new: &Map<String, Value>,
) -> Option<String> {
    let mut t = text.to_string();
    for key in old.keys().filter(|k| !new.contains_key(*k)) {
        t = remove_member(&t, pointer, key)?;
    }
    for (key, value) in new {
        match (old.get(key), value) {
            (Some(before), after) if before == after => {}
            (Some(Value::Object(before)), Value::Object(after)) => {
                let mut inner = pointer.to_vec();
                inner.push(key);
                t = update_object(&t, &inner, before, after)?;
            }
            _ => t = edit_member(&t, pointer, key, value)?,
        }
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replaces_one_member_and_keeps_the_rest_byte_for_byte() {
        let text = "{\n  \"a\": [1, 2],\n  \"attributes\": {\n    \"x\": {\"k\": 1},\n    \"links:index\": {\"old\": []},\n    \"y\": 2.50\n  }\n}\n";
        let out = edit_member(text, &["attributes"], "links:index", &json!({"q": ["/a"]})).unwrap();
        assert_eq!(
            out,
            "{\n  \"a\": [1, 2],\n  \"attributes\": {\n    \"x\": {\"k\": 1},\n    \"links:index\": {\n      \"q\": [\n        \"/a\"\n      ]\n    },\n    \"y\": 2.50\n  }\n}\n"
        );
    }

    #[test]
    fn appends_a_member_after_the_last() {
        let text = "{\n    \"b\": \"}\\\"{\",\n    \"c\": null\n}";
        let out = edit_member(text, &[], "d", &json!([1])).unwrap();
        assert_eq!(
            out,
            "{\n    \"b\": \"}\\\"{\",\n    \"c\": null,\n    \"d\": [\n        1\n    ]\n}"
        );
        assert!(same_document(
            &out,
            &json!({"b": "}\"{", "c": null, "d": [1]})
        ));
    }

    #[test]
    fn fills_an_empty_object_and_compact_documents() {
        let text = "{\n  \"attributes\": {}\n}\n";
        let out = edit_member(text, &["attributes"], "k", &json!(1)).unwrap();
        assert_eq!(out, "{\n  \"attributes\": {\n    \"k\": 1\n  }\n}\n");
        let out = edit_member("{\"a\":{\"b\":1}}", &["a"], "c", &json!([true])).unwrap();
        assert_eq!(out, "{\"a\":{\"b\":1,\"c\":[true]}}");
        let out = edit_member("{}", &[], "c", &json!(2)).unwrap();
        assert_eq!(out, "{\"c\":2}");
    }

    #[test]
    fn removes_members_with_their_comma() {
        let text = "{\n  \"a\": 1,\n  \"b\": [2],\n  \"c\": 3\n}";
        assert_eq!(
            remove_member(text, &[], "a").unwrap(),
            "{\n  \"b\": [2],\n  \"c\": 3\n}"
        );
        assert_eq!(
            remove_member(text, &[], "b").unwrap(),
            "{\n  \"a\": 1,\n  \"c\": 3\n}"
        );
        assert_eq!(
            remove_member(text, &[], "c").unwrap(),
            "{\n  \"a\": 1,\n  \"b\": [2]\n}"
        );
        assert_eq!(
            remove_member("{\"x\": {\"k\": 1}}", &["x"], "k").unwrap(),
            "{\"x\": {}}"
        );
        assert!(remove_member(text, &[], "zz").is_none());
    }

    #[test]
    fn missing_object_is_none() {
        assert!(edit_member("{\"a\": 1}", &["a"], "k", &json!(1)).is_none());
        assert!(edit_member("{\"a\": {}}", &["b"], "k", &json!(1)).is_none());
    }
}
