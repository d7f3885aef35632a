//! Checks on the specification book in `spec/`.
//!
//! - the generated files (the rule index `spec/reference/rules.md`, the
//!   use-case store trees) are up to date;
//! - the mdbook preprocessor renders markers and rejects bad ones;
//! - every JSON example is included from a tested file in `conformance/` or
//!   `schema/`, never pasted;
//! - the RFC 2119 keywords appear only in marked requirement paragraphs, and
//!   each marked paragraph states its registry keyword exactly once;
//! - every registry ID is marked exactly once, and every marker is a registry ID;
//! - no page holds TODO or TBD.
//!
//! Keyword exemption: a keyword written as inline code (`` `MUST` ``) is a
//! mention, not a use, and is ignored, as is everything inside fenced code
//! blocks and HTML comments. The generated rule index restates the registry's
//! summaries and is checked against the registry instead.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use zarr_links_model::rules::{marker_id, parse_markers, Rule};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the repository")
        .to_path_buf()
}

fn xtask() -> Command {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
}

/// The generated page, exempt from the keyword checks (see the module docs).
const GENERATED: &str = "reference/rules.md";

/// Every Markdown page under `spec/`: (path relative to `spec/`, text).
fn pages() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("spec/ is readable") {
            let p = e.expect("directory entry").path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    let spec = root().join("spec");
    let mut files = Vec::new();
    walk(&spec, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no pages under spec/");
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&spec)
                .expect("inside spec/")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p).expect("page is UTF-8");
            (rel, text)
        })
        .collect()
}

// ----- text helpers -------------------------------------------------------------

/// The page's lines with fenced code blocks, HTML comments and inline code
/// spans blanked out. Line numbers are kept.
fn prose_lines(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut in_comment = false;
    for line in markdown.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            out.push(String::new());
            continue;
        }
        if in_fence {
            out.push(String::new());
            continue;
        }
        let mut kept = String::new();
        let mut rest = line;
        loop {
            if in_comment {
                match rest.find("-->") {
                    Some(i) => {
                        rest = &rest[i + 3..];
                        in_comment = false;
                    }
                    None => break,
                }
            } else {
                match rest.find("<!--") {
                    Some(i) => {
                        kept.push_str(&rest[..i]);
                        rest = &rest[i + 4..];
                        in_comment = true;
                    }
                    None => {
                        kept.push_str(rest);
                        break;
                    }
                }
            }
        }
        out.push(strip_inline_code(&kept));
    }
    out
}

fn strip_inline_code(line: &str) -> String {
    let mut out = String::new();
    let mut parts = line.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (i, part) in parts.enumerate() {
        // Odd pieces (i = 0, 2, ...) are inside a code span.
        if i % 2 == 1 {
            out.push(' ');
            out.push_str(part);
        }
    }
    out
}

/// The RFC 2119 keywords used in `text`, in order ("MUST NOT" as one).
fn keywords(text: &str) -> Vec<&'static str> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let next_not = words.get(i + 1) == Some(&"NOT");
        let kw = match words[i] {
            "MUST" if next_not => Some("MUST NOT"),
            "MUST" => Some("MUST"),
            "SHOULD" if next_not => Some("SHOULD NOT"),
            "SHOULD" => Some("SHOULD"),
            "SHALL" if next_not => Some("SHALL NOT"),
            "SHALL" => Some("SHALL"),
            "REQUIRED" => Some("REQUIRED"),
            "RECOMMENDED" => Some("RECOMMENDED"),
            "MAY" => Some("MAY"),
            "OPTIONAL" => Some("OPTIONAL"),
            _ => None,
        };
        if let Some(k) = kw {
            out.push(k);
            if k.ends_with(" NOT") {
                i += 1;
            }
        }
        i += 1;
    }
    out
}

/// For each prose line: is it part of a paragraph introduced by a marker?
fn marked_lines(lines: &[String]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    let mut after_marker = false;
    let mut in_para = false;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if marker_id(t).is_some() {
            after_marker = true;
            in_para = false;
            continue;
        }
        if t.is_empty() {
            if in_para {
                in_para = false;
                after_marker = false;
            }
            continue;
        }
        if after_marker {
            in_para = true;
        }
        out[i] = in_para;
    }
    out
}

// ----- the generated rule index and the preprocessor ------------------------------

#[test]
fn generated_book_files_are_up_to_date() {
    let out = xtask()
        .args(["book", "--check"])
        .output()
        .expect("xtask runs");
    assert!(
        out.status.success(),
        "the generated book files are out of date.\nRun `cargo xtask book` and commit the result.\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn rule_index_links_every_rule_to_its_marker() {
    let page =
        std::fs::read_to_string(root().join("spec").join(GENERATED)).expect("rule index exists");
    for rule in Rule::ALL {
        let id = rule.id();
        assert!(
            page.contains(&format!("#r-{id})")),
            "the rule index does not link {id} to its anchor"
        );
    }
}

fn preprocess(input: &Value) -> std::process::Output {
    let mut child = xtask()
        .arg("mdbook-preprocess")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xtask runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("xtask finishes")
}

fn chapter(content: &str, sub_items: Value) -> Value {
    json!({"Chapter": {"name": "T", "content": content, "number": null, "sub_items": sub_items,
                       "path": "t.md", "source_path": "t.md", "parent_names": []}})
}

#[test]
fn preprocessor_supports_every_renderer() {
    for renderer in ["html", "markdown"] {
        let st = xtask()
            .args(["mdbook-preprocess", "supports", renderer])
            .status()
            .expect("xtask runs");
        assert!(st.success(), "supports {renderer} did not exit 0");
    }
}

#[test]
fn preprocessor_renders_markers_as_anchors() {
    let content = "# T\n\nr[links.target.resolves]\nAn in-store target MUST name a node.\n\n```\nr[links.target.self]\n```\n";
    for key in ["items", "sections"] {
        let book = json!({key: [chapter("intro", json!([])), json!("Separator"),
                               chapter("# Outer\n", json!([chapter(content, json!([]))]))]});
        let out = preprocess(
            &json!([{"root": "/x", "config": {}, "renderer": "html", "mdbook_version": "0.5.4"}, book]),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).expect("the preprocessor prints JSON");
        let text = v[key][2]["Chapter"]["sub_items"][0]["Chapter"]["content"]
            .as_str()
            .expect("content");
        assert!(
            text.contains(
                "<div class=\"rule\" id=\"r-links.target.resolves\"><a class=\"rule-link\" \
                 href=\"#r-links.target.resolves\">[links.target.resolves]</a></div>\n\nAn in-store target MUST"
            ),
            "{text}"
        );
        assert!(
            text.contains("```\nr[links.target.self]\n```"),
            "a marker inside code was rendered: {text}"
        );
        assert_eq!(v[key][1], "Separator");
    }
}

#[test]
fn preprocessor_rejects_unknown_and_repeated_markers() {
    let ctx = json!({"root": "/x", "config": {}, "renderer": "html", "mdbook_version": "0.5.4"});
    let unknown =
        json!({"items": [chapter("r[links.no.such-rule]\nText MUST hold.\n", json!([]))]});
    let out = preprocess(&json!([ctx, unknown]));
    assert!(!out.status.success(), "an unknown marker was accepted");
    assert!(String::from_utf8_lossy(&out.stderr).contains("links.no.such-rule"));
    let twice = json!({"items": [chapter("r[links.target.self]\nA MUST NOT.\n", json!([])),
                                chapter("r[links.target.self]\nA MUST NOT.\n", json!([]))]});
    let out = preprocess(&json!([ctx, twice]));
    assert!(!out.status.success(), "a repeated marker was accepted");
    assert!(String::from_utf8_lossy(&out.stderr).contains("already marked"));
}

// ----- the pages ----------------------------------------------------------------------

/// Fenced blocks of a page: (line of the opening fence, info string, body lines).
fn fences(markdown: &str) -> Vec<(usize, String, Vec<String>)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, String, Vec<String>)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            match open.take() {
                Some(block) => out.push(block),
                None => open = Some((i + 1, t[3..].trim().to_string(), Vec::new())),
            }
        } else if let Some(block) = open.as_mut() {
            block.2.push(line.to_string());
        }
    }
    out
}

/// The include path of a `{{#include path[:anchor|:start:end]}}` line.
fn include_path(line: &str) -> Option<&str> {
    let inner = line
        .trim()
        .strip_prefix("{{#include ")?
        .strip_suffix("}}")?
        .trim();
    Some(inner.split(':').next().unwrap_or(inner))
}

/// A line range `{{#include file:start:end}}` of a JSON file shows either the
/// head of the file (from line 1) or exactly one node's `"attributes"` member.
/// This catches a range that drifted when the file was regenerated.
fn check_range(line: &str, file: &Path) -> Option<String> {
    let inner = line
        .trim()
        .strip_prefix("{{#include ")?
        .strip_suffix("}}")?
        .trim();
    let parts: Vec<&str> = inner.split(':').collect();
    if parts.len() == 2 {
        return Some(format!(
            "anchor `{}` in a JSON file; use a line range",
            parts[1]
        ));
    }
    if parts.len() != 3 {
        return None;
    }
    let (Ok(start), Ok(end)) = (parts[1].parse::<usize>(), parts[2].parse::<usize>()) else {
        return Some("the line range is not two numbers".to_string());
    };
    let text = std::fs::read_to_string(file).ok()?;
    let lines: Vec<&str> = text.lines().collect();
    if start == 0 || start > end || end > lines.len() {
        return Some(format!(
            "lines {start}:{end} are outside the file's {} lines",
            lines.len()
        ));
    }
    if start == 1 {
        return None;
    }
    let fragment = lines[start - 1..end].join("\n");
    let trimmed = fragment.trim().trim_end_matches(',');
    if !trimmed.starts_with("\"attributes\": {") {
        return Some(format!(
            "lines {start}:{end} do not start at the `\"attributes\"` member"
        ));
    }
    match serde_json::from_str::<Value>(&format!("{{{trimmed}}}")) {
        Ok(_) => None,
        Err(e) => Some(format!(
            "lines {start}:{end} are not exactly the `\"attributes\"` member: {e}"
        )),
    }
}

#[test]
fn json_examples_are_included_from_tested_files() {
    let root = root();
    let conformance = root
        .join("conformance")
        .canonicalize()
        .expect("conformance/ exists");
    let schema = root.join("schema").canonicalize().expect("schema/ exists");
    // Generated by `cargo xtask book` from conformance stores (drift-checked
    // above), and compared with `zarr-links export` by the command's tests.
    let examples = root.join("spec/examples").canonicalize();
    let mut problems = Vec::new();
    let mut included = 0;
    for (page, text) in pages() {
        let dir = root
            .join("spec")
            .join(&page)
            .parent()
            .expect("page has a folder")
            .to_path_buf();
        for (line, info, body) in fences(&text) {
            let lang = info
                .split([',', ' '])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            let is_json = lang.starts_with("json");
            let first = body
                .iter()
                .map(|l| l.trim())
                .find(|l| !l.is_empty())
                .unwrap_or("");
            if !is_json {
                if (first.starts_with('{') && !first.starts_with("{{#")) || first.starts_with('[') {
                    problems.push(format!("{page}:{line}: JSON pasted into a `{info}` block; include it from conformance/ in a json block"));
                }
                continue;
            }
            if body.iter().all(|l| l.trim().is_empty()) {
                problems.push(format!("{page}:{line}: empty json block"));
            }
            for l in body.iter().filter(|l| !l.trim().is_empty()) {
                let Some(path) = include_path(l) else {
                    problems.push(format!("{page}:{line}: json block holds `{}`; only {{{{#include}}}} lines of tested files are allowed", l.trim()));
                    continue;
                };
                let Ok(file) = dir.join(path).canonicalize() else {
                    problems.push(format!("{page}:{line}: {path} does not exist"));
                    continue;
                };
                included += 1;
                if let Some(problem) = check_range(l, &file) {
                    problems.push(format!("{page}:{line}: {path}: {problem}"));
                }
                if file.starts_with(&schema) || examples.as_ref().is_ok_and(|e| file.starts_with(e))
                {
                    continue;
                }
                if !file.starts_with(&conformance) {
                    problems.push(format!(
                        "{page}:{line}: {path} is outside conformance/ and schema/"
                    ));
                    continue;
                }
                let in_case = file
                    .ancestors()
                    .take_while(|a| *a != conformance)
                    .any(|a| a.join("case.json").is_file());
                if !in_case {
                    problems.push(format!("{page}:{line}: {path} is not inside a conformance case folder with a case.json, so nothing tests it"));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "untested JSON examples in the book:\n  {}",
        problems.join("\n  ")
    );
    assert!(included > 0, "the book includes no JSON example at all");
}

#[test]
fn normative_keywords_appear_only_in_marked_paragraphs() {
    let mut problems = Vec::new();
    for (page, text) in pages() {
        if page == GENERATED {
            continue;
        }
        let lines = prose_lines(&text);
        let marked = marked_lines(&lines);
        for (i, line) in lines.iter().enumerate() {
            for kw in keywords(line) {
                if matches!(kw, "MUST" | "MUST NOT" | "SHOULD" | "SHOULD NOT") {
                    if !marked[i] {
                        problems.push(format!(
                            "{page}:{}: {kw} outside a marked requirement paragraph",
                            i + 1
                        ));
                    }
                } else {
                    problems.push(format!("{page}:{}: {kw} is not used by this book; say it in plain words or write it as code", i + 1));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "normative keywords out of place:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn marked_paragraphs_state_their_registry_keyword_once() {
    let mut problems = Vec::new();
    for (page, text) in pages() {
        if page == GENERATED {
            continue;
        }
        for m in parse_markers(&text) {
            let Some(rule) = Rule::from_id(&m.id) else {
                continue;
            };
            let want = rule.info().keyword.as_str();
            let found = keywords(&strip_inline_code(&m.paragraph));
            if found != [want] {
                problems.push(format!(
                    "{page}:{}: r[{}] is {want}, but its paragraph uses {found:?}",
                    m.line, m.id
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "marked paragraphs with the wrong keywords:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn no_page_holds_placeholders() {
    let mut problems = Vec::new();
    for (page, text) in pages() {
        for (i, line) in text.lines().enumerate() {
            let words: Vec<&str> = line.split(|c: char| !c.is_ascii_alphanumeric()).collect();
            if words
                .iter()
                .any(|w| *w == "TODO" || *w == "TBD" || *w == "FIXME" || *w == "XXX")
                || line.contains("being written")
            {
                problems.push(format!("{page}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "placeholders in the book:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn every_page_is_in_the_summary() {
    let summary =
        std::fs::read_to_string(root().join("spec/SUMMARY.md")).expect("SUMMARY.md exists");
    for (page, _) in pages() {
        if page == "SUMMARY.md" {
            continue;
        }
        assert!(
            summary.contains(&format!("({page})")),
            "spec/{page} is not listed in SUMMARY.md"
        );
    }
}

// ----- the helpers themselves ------------------------------------------------------------

#[test]
fn keyword_helpers_find_uses_and_skip_mentions() {
    assert_eq!(
        keywords("A MUST NOT b, c SHOULD d MUST."),
        ["MUST NOT", "SHOULD", "MUST"]
    );
    assert_eq!(
        keywords(&strip_inline_code("the word `MUST` is a mention")),
        Vec::<&str>::new()
    );
    assert_eq!(
        keywords("must and should are lowercase"),
        Vec::<&str>::new()
    );
    let lines =
        prose_lines("r[links.a]\nX MUST y.\nz\n\nFree MUST.\n```\nMUST\n```\n<!-- MUST -->\n");
    let marked = marked_lines(&lines);
    assert_eq!(
        marked,
        [false, true, true, false, false, false, false, false, false]
    );
    assert_eq!(keywords(&lines[6]), Vec::<&str>::new());
    assert_eq!(keywords(&lines[8]), Vec::<&str>::new());
}

/// The anchor ids of a page: its headings (as mdbook derives them) and its
/// requirement markers (`r-<id>`).
fn anchors(markdown: &str) -> Vec<String> {
    let mut out: Vec<String> = parse_markers(markdown)
        .into_iter()
        .map(|m| format!("r-{}", m.id))
        .collect();
    let mut in_fence = false;
    for line in markdown.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || !t.starts_with('#') {
            continue;
        }
        let text = t.trim_start_matches('#').trim();
        let id: String = text
            .chars()
            .filter_map(|c| {
                if c.is_alphanumeric() || c == '_' || c == '-' {
                    Some(c.to_ascii_lowercase())
                } else if c.is_whitespace() {
                    Some('-')
                } else {
                    None
                }
            })
            .collect();
        out.push(id);
    }
    out
}

#[test]
fn links_between_pages_point_at_existing_pages_and_anchors() {
    let pages = pages();
    let by_path: BTreeMap<&str, &str> = pages
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let mut problems = Vec::new();
    for (page, text) in &pages {
        let dir = Path::new(page).parent().unwrap_or(Path::new(""));
        let mut in_fence = false;
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with("```") || t.starts_with("~~~") {
                in_fence = !in_fence;
                continue;
            }
            if in_fence {
                continue;
            }
            let mut rest = line;
            while let Some(pos) = rest.find("](") {
                let after = &rest[pos + 2..];
                let Some(end) = after.find(')') else { break };
                let href = &after[..end];
                rest = &after[end..];
                if href.contains("://") || href.starts_with("mailto:") {
                    continue;
                }
                let (file, frag) = href.split_once('#').unwrap_or((href, ""));
                if !file.is_empty() && !file.ends_with(".md") {
                    continue; // images and other files
                }
                let target = if file.is_empty() {
                    page.clone()
                } else {
                    let joined = dir.join(file).to_string_lossy().replace('\\', "/");
                    let mut parts: Vec<&str> = Vec::new();
                    for seg in joined.split('/') {
                        match seg {
                            ".." => {
                                parts.pop();
                            }
                            "." | "" => {}
                            s => parts.push(s),
                        }
                    }
                    parts.join("/")
                };
                let Some(target_text) = by_path.get(target.as_str()) else {
                    problems.push(format!("{page}:{}: link to missing page {href}", i + 1));
                    continue;
                };
                if !frag.is_empty() && !anchors(target_text).iter().any(|a| a == frag) {
                    problems.push(format!(
                        "{page}:{}: {href}: no anchor #{frag} in {target}",
                        i + 1
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "broken links in the book:\n  {}",
        problems.join("\n  ")
    );
}
