//! The book shows stores by including their files, often a range of lines
//! (`{{#include path:31:54}}`). When a generator changes a store, a range
//! can silently start to show half an object. This test reads every
//! include of a JSON document in `spec/` and checks that the file exists and
//! that the lines shown are whole JSON: a document, or members of an object
//! (`"attributes": {...}`), or elements of an array. An include right after
//! the comment `<!-- excerpt: head -->` shows the first lines of a document:
//! it must start at line 1 and end with a whole member, so that the next
//! line starts another member.
//!
//!     cargo test -p zarr-links-conformance --test book_includes

use std::path::Path;

use zarr_links_conformance::workspace_dir;

/// One `{{#include ...}}` of a JSON document: where it is, the file, and
/// the 1-based inclusive line range if one is given.
struct Include {
    place: String,
    head: bool,
    file: std::path::PathBuf,
    range: Option<(usize, usize)>,
}

fn includes(spec: &Path) -> Vec<Include> {
    let mut out = Vec::new();
    let mut stack = vec![spec.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut previous = "";
            for (n, line) in text.lines().enumerate() {
                let head = previous.trim() == "<!-- excerpt: head -->";
                if !line.trim().is_empty() && !line.trim().starts_with("```") {
                    previous = line;
                }
                let Some(rest) = line.trim().strip_prefix("{{#include ") else {
                    continue;
                };
                let Some(spec_text) = rest.strip_suffix("}}") else {
                    continue;
                };
                let mut parts = spec_text.split(':');
                let file = parts.next().unwrap();
                let name = Path::new(file).file_name().unwrap().to_string_lossy();
                if !(name.ends_with(".json") || name.starts_with(".z")) {
                    continue;
                }
                let numbers: Vec<usize> = parts.filter_map(|p| p.parse().ok()).collect();
                out.push(Include {
                    place: format!("{}:{}", path.display(), n + 1),
                    head,
                    file: path.parent().unwrap().join(file),
                    range: match numbers[..] {
                        [a, b] => Some((a, b)),
                        _ => None,
                    },
                });
            }
        }
    }
    out
}

/// Whether `text` is a JSON value, or the members of an object, or the
/// elements of an array (a trailing comma allowed).
fn is_whole_json(text: &str) -> bool {
    let t = text.trim().trim_end_matches(',');
    serde_json::from_str::<serde_json::Value>(t).is_ok()
        || serde_json::from_str::<serde_json::Value>(&format!("{{{t}}}")).is_ok()
        || serde_json::from_str::<serde_json::Value>(&format!("[{t}]")).is_ok()
}

#[test]
fn every_included_json_range_is_whole() {
    let root = workspace_dir();
    let found = includes(&root.join("spec"));
    assert!(found.len() > 20, "the book includes many stores");
    let mut problems = Vec::new();
    for inc in &found {
        let Ok(text) = std::fs::read_to_string(&inc.file) else {
            problems.push(format!(
                "{}: {} does not exist",
                inc.place,
                inc.file.display()
            ));
            continue;
        };
        let shown = match inc.range {
            None => text,
            Some((a, b)) => {
                let lines: Vec<&str> = text.lines().collect();
                if a == 0 || b < a || b > lines.len() {
                    problems.push(format!(
                        "{}: lines {a}..{b} of a {}-line file",
                        inc.place,
                        lines.len()
                    ));
                    continue;
                }
                if inc.head {
                    let next = lines.get(b).map_or("", |l| l.trim());
                    if a != 1 || !next.starts_with('"') {
                        problems.push(format!(
                            "{}: a head excerpt starts at line 1 and ends before a member; line {} of {} is {next:?}",
                            inc.place,
                            b + 1,
                            inc.file.display()
                        ));
                    }
                    continue;
                }
                lines[a - 1..b].join("\n")
            }
        };
        if !is_whole_json(&shown) {
            problems.push(format!(
                "{}: the lines shown of {} are not whole JSON:\n{shown}",
                inc.place,
                inc.file.display()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn the_check_catches_a_cut_object() {
    assert!(is_whole_json("\"a\": {\"b\": 1},"));
    assert!(is_whole_json("{\"b\": 1}"));
    assert!(!is_whole_json("\"a\": {\"b\": 1"));
    assert!(!is_whole_json("  \"b\": 1\n  },\n  \"c\": ["));
}
