//! The format-preserving editor (`edit_member`, `remove_member`,
//! `update_object`): on any text it never panics; on a valid JSON document
//! it either refuses (returns `None`) or is correct, where correct means
//!
//! - `edit_member`: the bytes before and after the edited member's value
//!   are unchanged (for a new member: everything up to the end of the last
//!   member or the blanks after it, or before an empty object's `{`, and
//!   everything after), the
//!   new text between them reads as exactly the new value (a new member:
//!   `, "key": value`), and the whole output reads as the input with that
//!   one member set, member order included;
//! - `remove_member`: the output is the input less one contiguous run of
//!   bytes, and reads as the input without that member;
//! - `update_object`: the bytes outside the edited object are unchanged,
//!   members the update leaves alone keep their exact text, and the output
//!   reads as the input with the object replaced.
//!
//! Refusing is allowed only where the document is ambiguous or the edit
//! impossible: a member name given twice in one object (JSON readers
//! disagree on which counts, so such documents are only checked not to
//! crash the editor), or a path to an object that does not exist.
//!
//! Input: one byte `n`, then `n` bytes that choose the operation, the
//! object, the member and the new value, then the document's text.

#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};
use zarr_links_fuzz::raw;
use zarr_links_store::edit::{edit_member, remove_member, update_object};

const KEYS: &[&str] = &[
    "links:index",
    "links:relationships",
    "attributes",
    "new",
    "é",
    "\"q\"",
    "a\\b",
    "",
    "}",
    "a",
];

const STRINGS: &[&str] = &[
    "",
    "}",
    "{",
    "\"",
    "\\",
    "\n",
    "é",
    "\u{2028}",
    "{\"a\":1}",
    "/a/b",
];

fn value(u: &mut Unstructured, depth: u32) -> Result<Value> {
    let kind = if depth >= 3 { 4 } else { 8 };
    Ok(match u.int_in_range(0..=kind)? {
        0 => Value::Null,
        1 => json!(u.arbitrary::<bool>()?),
        2 => json!(u.arbitrary::<i32>()?),
        3 => json!(*u.choose(&[2.5, -0.0, 1e300, 0.1, -1e-7])?),
        4 => json!(*u.choose(STRINGS)?),
        5 | 6 => Value::Array(
            (0..u.int_in_range(0..=3)?)
                .map(|_| value(u, depth + 1))
                .collect::<Result<_>>()?,
        ),
        _ => {
            let mut m = Map::new();
            for _ in 0..u.int_in_range(0..=3)? {
                m.insert(u.choose(KEYS)?.to_string(), value(u, depth + 1)?);
            }
            Value::Object(m)
        }
    })
}

/// Member-name paths to every object of the document, depth first.
fn objects(text: &str, at: Vec<String>, out: &mut Vec<Vec<String>>) {
    let Some(members) = raw::members(text) else {
        return;
    };
    out.push(at.clone());
    if out.len() >= 64 || at.len() >= 4 {
        return;
    }
    for (name, v) in members {
        let mut deeper = at.clone();
        deeper.push(name);
        objects(v.get(), deeper, out);
    }
}

fn object_mut<'v>(v: &'v mut Value, pointer: &[&str]) -> Option<&'v mut Map<String, Value>> {
    let mut at = v;
    for name in pointer {
        at = at.as_object_mut()?.get_mut(*name)?;
    }
    at.as_object_mut()
}

fn canonical(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

/// The new object for `update_object`: some members of `old` removed,
/// some replaced, some changed one level down, some added.
fn changed(
    u: &mut Unstructured,
    old: &Map<String, Value>,
    depth: u32,
) -> Result<Map<String, Value>> {
    let mut new = Map::new();
    for (k, v) in old {
        match u.int_in_range(0..=5)? {
            0 => {}
            1 => {
                new.insert(k.clone(), value(u, depth)?);
            }
            2 if depth < 2 && v.is_object() => {
                let inner = changed(u, v.as_object().unwrap(), depth + 1)?;
                new.insert(k.clone(), Value::Object(inner));
            }
            _ => {
                new.insert(k.clone(), v.clone());
            }
        }
    }
    for _ in 0..u.int_in_range(0..=2)? {
        new.insert(u.choose(KEYS)?.to_string(), value(u, depth)?);
    }
    Ok(new)
}

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let n = (n as usize).min(rest.len());
    let mut u = Unstructured::new(&rest[..n]);
    let Ok(text) = std::str::from_utf8(&rest[n..]) else {
        return;
    };
    let _ = run(&mut u, text);
});

fn run(u: &mut Unstructured, text: &str) -> Result<()> {
    let mut candidates = Vec::new();
    objects(text, Vec::new(), &mut candidates);
    let pointer: Vec<String> = match u.choose_index(candidates.len() + 1)? {
        i if i < candidates.len() => candidates[i].clone(),
        _ => vec![u.choose(KEYS)?.to_string()],
    };
    let pointer: Vec<&str> = pointer.iter().map(String::as_str).collect();
    let object = raw::object_at(text, &pointer);
    let mut names: Vec<String> = object
        .and_then(raw::members)
        .map(|ms| ms.into_iter().map(|(k, _)| k).collect())
        .unwrap_or_default();
    names.extend(KEYS.iter().map(|k| k.to_string()));
    let key = names[u.choose_index(names.len())?].clone();

    let input: Option<Value> = serde_json::from_str(text).ok();
    // A document that JSON readers read differently, or no such object:
    // the editor may refuse.
    let duplicates = raw::has_duplicate_names(text);
    let clear = input.is_some() && object.is_some() && !duplicates;

    match u.int_in_range(0..=2)? {
        0 => {
            let new = value(u, 0)?;
            let out = edit_member(text, &pointer, &key, &new);
            let (Some(out), Some(input)) = (out, input) else {
                assert!(!clear, "edit_member refused a clear document");
                return Ok(());
            };
            if duplicates {
                // Which member is "the" member is a matter of opinion.
                return Ok(());
            }
            let mut expected = input;
            object_mut(&mut expected, &pointer)
                .expect("the editor found the object, so it is there")
                .insert(key.clone(), new.clone());
            let got: Value = serde_json::from_str(&out).expect("the output is JSON");
            assert_eq!(
                canonical(&got),
                canonical(&expected),
                "the output reads as the edit"
            );
            if !clear {
                return Ok(());
            }
            let object = object.unwrap();
            let members = raw::members(object).unwrap();
            let same_ends = |from: usize, to: usize| -> &str {
                let tail = text.len() - to;
                assert!(out.len() >= from + tail);
                assert_eq!(&out[..from], &text[..from], "bytes before the edit changed");
                assert_eq!(
                    &out[out.len() - tail..],
                    &text[to..],
                    "bytes after the edit changed"
                );
                &out[from..out.len() - tail]
            };
            if let Some((_, v)) = members.iter().find(|(k, _)| *k == key) {
                let (from, to) = raw::span(text, v.get());
                let written: Value = serde_json::from_str(same_ends(from, to)).expect("a value");
                assert_eq!(written, new, "the edited member holds the new value");
            } else if let Some((_, last)) = members.last() {
                // Inserted after the last member's value, or after the
                // blanks that follow it.
                let (_, end) = raw::span(text, last.get());
                let close = raw::span(text, object).1 - 1;
                let at = text
                    .bytes()
                    .zip(out.bytes())
                    .take_while(|(a, b)| a == b)
                    .count()
                    .min(close);
                assert!(
                    at >= end && text[end..at].trim().is_empty(),
                    "inserted elsewhere"
                );
                let inserted = same_ends(at, at).trim_start();
                let after_comma = inserted.strip_prefix(',').expect("a comma first");
                let one: Map<String, Value> =
                    serde_json::from_str(&format!("{{{after_comma}}}")).expect("one member");
                assert_eq!(one.len(), 1);
                assert_eq!(one.get(&key), Some(&new), "the new member");
            } else {
                let (from, to) = raw::span(text, object);
                let one: Map<String, Value> =
                    serde_json::from_str(same_ends(from, to)).expect("an object");
                assert_eq!(one.len(), 1);
                assert_eq!(one.get(&key), Some(&new), "the new member");
            }
        }
        1 => {
            let out = remove_member(text, &pointer, &key);
            let (Some(out), Some(input)) = (out, input) else {
                let present = object
                    .and_then(raw::members)
                    .is_some_and(|ms| ms.iter().any(|(k, _)| *k == key));
                assert!(
                    !(clear && present),
                    "remove_member refused a clear document"
                );
                return Ok(());
            };
            if duplicates {
                return Ok(());
            }
            let mut expected = input;
            object_mut(&mut expected, &pointer)
                .expect("the editor found the object, so it is there")
                .shift_remove(&key);
            let got: Value = serde_json::from_str(&out).expect("the output is JSON");
            assert_eq!(
                canonical(&got),
                canonical(&expected),
                "the output reads as the removal"
            );
            let (t, o) = (text.as_bytes(), out.as_bytes());
            let prefix = t.iter().zip(o).take_while(|(a, b)| a == b).count();
            let suffix = t[prefix..]
                .iter()
                .rev()
                .zip(o[prefix..].iter().rev())
                .take_while(|(a, b)| a == b)
                .count();
            assert_eq!(
                prefix + suffix,
                o.len(),
                "only one run of bytes was taken out"
            );
        }
        _ => {
            let (Some(input), Some(object)) = (input, object) else {
                return Ok(());
            };
            let old: Map<String, Value> = serde_json::from_str(object).expect("an object");
            let new = changed(u, &old, 0)?;
            let Some(out) = update_object(text, &pointer, &old, &new) else {
                assert!(!clear, "update_object refused a clear document");
                return Ok(());
            };
            if duplicates {
                return Ok(());
            }
            let mut expected = input;
            *object_mut(&mut expected, &pointer).expect("the object is there") = new.clone();
            let got: Value = serde_json::from_str(&out).expect("the output is JSON");
            assert_eq!(got, expected, "the output reads as the update");
            if !clear {
                return Ok(());
            }
            let (from, to) = raw::span(text, object);
            let tail = text.len() - to;
            assert_eq!(
                &out[..from],
                &text[..from],
                "bytes before the object changed"
            );
            assert_eq!(
                &out[out.len() - tail..],
                &text[to..],
                "bytes after the object changed"
            );
            let edited = raw::object_at(&out, &pointer).expect("the object is still there");
            let after = raw::members(edited).unwrap();
            for (k, v) in raw::members(object).unwrap() {
                if new.get(&k) == old.get(&k) {
                    let kept = after.iter().find(|(a, _)| *a == k).expect("a kept member");
                    assert_eq!(kept.1.get(), v.get(), "member {k:?} kept its text");
                }
            }
        }
    }
    Ok(())
}
