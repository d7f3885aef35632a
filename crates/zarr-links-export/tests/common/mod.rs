//! Helpers shared by the exporter's tests: loading conformance stores and
//! reading back the Atom the exporter writes.

#![allow(dead_code)] // each test binary uses a different subset

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use zarr_links_model::Hierarchy;
use zarr_links_store::{load_with, LoadOptions, LocalStore};

/// The repository's `conformance/` folder.
pub fn conformance() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance")
}

/// Every conformance store (valid and invalid), as (case name, store path).
pub fn all_stores() -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.join("case.json").is_file() {
                let name = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.push((name, p.join("store")));
            } else if p.is_dir() && p.file_name().is_some_and(|n| n != "tools") {
                walk(&p, root, out);
            }
        }
    }
    let root = conformance();
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    assert!(out.len() > 100, "found only {} cases", out.len());
    out
}

/// Loads a store keeping its attributes, as `zarr-links export` does.
/// `None` when the store cannot be opened at all.
pub fn load(store: &Path) -> Option<Hierarchy> {
    let local = LocalStore::open(store).ok()?;
    load_with(
        &local,
        LoadOptions {
            keep_attributes: true,
            ..LoadOptions::default()
        },
    )
    .ok()
}

/// One element the exporter wrote on one line: its name, attributes and
/// text (XML entities undone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attributes: BTreeMap<String, String>,
    pub text: String,
}

/// Undoes the escaping of the exporter's XML writer.
pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#9;", "\t")
        .replace("&#10;", "\n")
        .replace("&#13;", "\r")
        .replace("&amp;", "&")
}

/// Parses one line `<name a="x" ...>text</name>`, `<name .../>` or
/// `<name ...>` of the exporter's output.
pub fn element(line: &str) -> Option<Element> {
    let line = line.trim();
    let rest = line.strip_prefix('<')?;
    if rest.starts_with(['/', '?']) {
        return None;
    }
    let name_end = rest.find([' ', '>', '/']).unwrap_or(rest.len());
    let name = rest[..name_end].to_string();
    let mut attributes = BTreeMap::new();
    let mut s = &rest[name_end..];
    loop {
        s = s.trim_start();
        if s.starts_with('>') || s.starts_with("/>") || s.is_empty() {
            break;
        }
        let eq = s.find("=\"")?;
        let key = s[..eq].to_string();
        let after = &s[eq + 2..];
        let close = after.find('"')?;
        attributes.insert(key, unescape(&after[..close]));
        s = &after[close + 1..];
    }
    let text = match s.strip_prefix('>') {
        Some(t) => t
            .strip_suffix(&format!("</{name}>"))
            .map(unescape)
            .unwrap_or_default(),
        None => String::new(),
    };
    Some(Element {
        name,
        attributes,
        text,
    })
}

/// One `<entry>` of an exported feed: its title (the node path) and its
/// `<link>`s.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub links: Vec<BTreeMap<String, String>>,
}

/// The entries of an exported feed, and its `<zl:note>`s.
pub fn entries(xml: &str) -> (Vec<Entry>, Vec<Element>) {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let mut current: Option<Entry> = None;
    for line in xml.lines() {
        let t = line.trim();
        if t == "<entry>" {
            current = Some(Entry::default());
            continue;
        }
        if t == "</entry>" {
            out.push(current.take().expect("an open entry"));
            continue;
        }
        let Some(e) = element(t) else { continue };
        match (&mut current, e.name.as_str()) {
            (Some(entry), "id") => entry.id = e.text,
            (Some(entry), "title") => entry.title = e.text,
            (Some(entry), "link") => entry.links.push(e.attributes),
            (None, "zl:note") => notes.push(e),
            _ => {}
        }
    }
    (out, notes)
}
