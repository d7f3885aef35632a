//! What the traceability tests compare: requirement markers in the
//! specification, and `// rule: <id>` comments naming the tests that cover
//! implementation requirements.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/conformance.html>

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use zarr_links_model::rules::parse_markers;

/// Every `r[<id>]` marker in `spec/**/*.md`: id → the files (relative to the
/// workspace, with line numbers) that carry it.
pub fn spec_markers(workspace: &Path) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in files_with_ext(&workspace.join("spec"), "md") {
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        for m in parse_markers(&text) {
            let rel = file
                .strip_prefix(workspace)
                .unwrap_or(&file)
                .to_string_lossy()
                .into_owned();
            out.entry(m.id)
                .or_default()
                .push(format!("{rel}:{}", m.line));
        }
    }
    out
}

/// Every `// rule: <id>` comment in `crates/*/tests/**/*.rs` and
/// `crates/*/src/**/*.rs`: id → `file:line` places.
pub fn rule_comments(workspace: &Path) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
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
                for (i, line) in text.lines().enumerate() {
                    if let Some(id) = rule_comment(line) {
                        let rel = file
                            .strip_prefix(workspace)
                            .unwrap_or(&file)
                            .to_string_lossy()
                            .into_owned();
                        out.entry(id.to_string())
                            .or_default()
                            .push(format!("{rel}:{}", i + 1));
                    }
                }
            }
        }
    }
    out
}

/// The id in a line that is a `// rule: <id>` comment.
pub fn rule_comment(line: &str) -> Option<&str> {
    let id = line
        .trim()
        .strip_prefix("//")?
        .trim_start()
        .strip_prefix("rule:")?
        .trim();
    zarr_links_model::rules::marker_id(&format!("r[{id}]")).map(|_| id)
}

fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
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
    }
}
