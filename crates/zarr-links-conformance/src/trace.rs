//! The one scanner of traceability facts: requirement markers in the
//! specification, and `// rule: <id>` comments that name the tests covering
//! implementation requirements. The traceability tests and `cargo xtask
//! rules` (the rule index page) both read them from here.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/conformance.html>

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use zarr_links_model::rules::{marker_id, parse_markers};

/// Where something was found: a file relative to the workspace, and a line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    /// The file, relative to the workspace, `/`-separated.
    pub file: String,
    /// The 1-based line.
    pub line: usize,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// The requirement markers of the book.
#[derive(Debug, Clone, Default)]
pub struct Markers {
    /// Every well-formed `r[<id>]` marker: id → places.
    pub by_id: BTreeMap<String, Vec<Place>>,
    /// Lines that look like a marker but are not a valid one (a typo).
    pub malformed: Vec<(Place, String)>,
}

impl Markers {
    /// The chapter (file relative to `spec/`) that marks `id` first.
    pub fn chapter(&self, id: &str) -> Option<&str> {
        self.by_id
            .get(id)?
            .first()
            .map(|p| p.file.strip_prefix("spec/").unwrap_or(&p.file))
    }
}

/// Every `r[<id>]` marker in `spec/**/*.md` (the generated rule index
/// excepted), and every malformed one.
pub fn spec_markers(workspace: &Path) -> Markers {
    let mut out = Markers::default();
    for file in files_with_ext(&workspace.join("spec"), "md") {
        let rel = relative(workspace, &file);
        if rel == "spec/reference/rules.md" {
            continue;
        }
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        for m in parse_markers(&text) {
            out.by_id.entry(m.id).or_default().push(Place {
                file: rel.clone(),
                line: m.line,
            });
        }
        for (i, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.starts_with("r[") && t.ends_with(']') && marker_id(t).is_none() {
                out.malformed.push((
                    Place {
                        file: rel.clone(),
                        line: i + 1,
                    },
                    t.to_string(),
                ));
            }
        }
    }
    out
}

/// A test (or source item) named by a `// rule: <id>` comment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RuleTest {
    /// Where the comment is.
    pub place: Place,
    /// The name of the next `fn` after the comment, if any.
    pub function: Option<String>,
}

/// Every `// rule: <id>` comment in `crates/*/{src,tests}/**/*.rs`: id →
/// the tests it names.
pub fn rule_tests(workspace: &Path) -> BTreeMap<String, Vec<RuleTest>> {
    let mut out: BTreeMap<String, Vec<RuleTest>> = BTreeMap::new();
    let Ok(crates) = fs::read_dir(workspace.join("crates")) else {
        return out;
    };
    let mut dirs: Vec<PathBuf> = crates.filter_map(Result::ok).map(|e| e.path()).collect();
    dirs.sort();
    for krate in dirs {
        for sub in ["src", "tests"] {
            for file in files_with_ext(&krate.join(sub), "rs") {
                let Ok(text) = fs::read_to_string(&file) else {
                    continue;
                };
                let lines: Vec<&str> = text.lines().collect();
                for (i, line) in lines.iter().enumerate() {
                    let Some(id) = rule_comment(line) else {
                        continue;
                    };
                    out.entry(id.to_string()).or_default().push(RuleTest {
                        place: Place {
                            file: relative(workspace, &file),
                            line: i + 1,
                        },
                        function: next_fn(&lines[i + 1..]),
                    });
                }
            }
        }
    }
    out
}

/// The name of the first `fn` among `lines`.
fn next_fn(lines: &[&str]) -> Option<String> {
    lines.iter().find_map(|l| {
        let l = l.trim_start();
        let l = l.strip_prefix("pub ").unwrap_or(l);
        let l = l.strip_prefix("async ").unwrap_or(l);
        l.strip_prefix("fn ").map(|rest| {
            rest.split(['(', '<'])
                .next()
                .unwrap_or(rest)
                .trim()
                .to_string()
        })
    })
}

/// The id in a line that is a `// rule: <id>` comment.
pub fn rule_comment(line: &str) -> Option<&str> {
    let id = line
        .trim()
        .strip_prefix("//")?
        .trim_start()
        .strip_prefix("rule:")?
        .trim();
    marker_id(&format!("r[{id}]")).map(|_| id)
}

fn relative(workspace: &Path, file: &Path) -> String {
    file.strip_prefix(workspace)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every file with extension `ext` under `dir`, sorted.
pub fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries.filter_map(Result::ok) {
            let Ok(ft) = e.file_type() else { continue };
            let p = e.path();
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() && p.extension().is_some_and(|x| x == ext) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_comments_are_recognised() {
        assert_eq!(
            rule_comment("    // rule: links.reader.confined"),
            Some("links.reader.confined")
        );
        assert_eq!(rule_comment("//rule: links.a.b"), Some("links.a.b"));
        assert_eq!(rule_comment("// rule: Not An Id"), None);
        assert_eq!(rule_comment("let rule = 1; // rule: links.a.b"), None);
        assert_eq!(
            next_fn(&["/// doc", "#[test]", "pub fn name_here() {"]),
            Some("name_here".to_string())
        );
    }
}
