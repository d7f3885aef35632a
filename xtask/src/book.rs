//! Book helpers: one idea, the parts of the book that are generated from
//! the code and the suite (markers rendered as anchors, the rule index, the
//! use-case trees).
//!
//! - `cargo xtask mdbook-preprocess`: the mdbook preprocessor named in
//!   `book.toml`. It renders every requirement marker line `r[<id>]` as a
//!   linkable anchor and fails the build on a marker that is not a registry ID
//!   or that appears twice. It speaks mdbook's preprocessor protocol with plain
//!   serde_json: `supports <renderer>` exits 0; otherwise stdin holds
//!   `[context, book]` and stdout receives the book.
//! - `cargo xtask rules [--check]`: writes `spec/reference/rules.md`, the rule
//!   index, from the requirement registry, the markers in `spec/` and the
//!   `rules` of every `conformance/**/case.json` (`--check`: only compare).

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::path::Path;

use serde_json::Value;
use zarr_links_conformance::{trace, Case};
use zarr_links_model::rules::{marker_id, parse_markers, Class, Rule};

/// Where the repository's files are browsed, for links to case folders.
const REPOSITORY_TREE: &str = "https://github.com/zarr-links/zarr-links/tree/main";

/// Where the repository's files are shown, for links to tests.
const REPOSITORY_BLOB: &str = "https://github.com/zarr-links/zarr-links/blob/main";

/// The generated rule index, relative to the repository root.
pub const RULES_PAGE: &str = "spec/reference/rules.md";

/// The generated list of registered relation types.
pub const RELATION_TYPES_PAGE: &str = "spec/reference/relation-types.md";

/// Runs `mdbook-preprocess` or `rules`.
pub fn run(root: &Path, command: &str, args: &[String]) -> Result<(), String> {
    match command {
        "mdbook-preprocess" => preprocess(args),
        "book" | "rules" => generate(root, args.iter().any(|a| a == "--check")),
        other => Err(format!("unknown book command {other:?}")),
    }
}

// ----- the preprocessor ------------------------------------------------------

fn preprocess(args: &[String]) -> Result<(), String> {
    if args.first().map(String::as_str) == Some("supports") {
        // The markers are plain HTML, which every renderer passes through.
        return Ok(());
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("cannot read the book from stdin: {e}"))?;
    let parsed: Value =
        serde_json::from_str(&input).map_err(|e| format!("the book on stdin is not JSON: {e}"))?;
    let Value::Array(mut pair) = parsed else {
        return Err("expected `[context, book]` on stdin".to_string());
    };
    if pair.len() != 2 {
        return Err("expected `[context, book]` on stdin".to_string());
    }
    let mut book = pair.pop().expect("two elements");
    let mut seen = BTreeMap::new();
    let mut problems = Vec::new();
    for key in ["items", "sections"] {
        if let Some(Value::Array(items)) = book.get_mut(key) {
            for item in items {
                process_item(item, &mut seen, &mut problems);
            }
        }
    }
    if !problems.is_empty() {
        return Err(format!(
            "requirement markers in the book:\n  {}",
            problems.join("\n  ")
        ));
    }
    let out =
        serde_json::to_string(&book).map_err(|e| format!("cannot serialise the book: {e}"))?;
    std::io::stdout()
        .write_all(out.as_bytes())
        .map_err(|e| format!("cannot write the book to stdout: {e}"))
}

fn process_item(item: &mut Value, seen: &mut BTreeMap<String, String>, problems: &mut Vec<String>) {
    let Some(chapter) = item.get_mut("Chapter") else {
        return;
    };
    let name = chapter
        .get("source_path")
        .and_then(Value::as_str)
        .or_else(|| chapter.get("name").and_then(Value::as_str))
        .unwrap_or("?")
        .to_string();
    if let Some(Value::String(content)) = chapter.get_mut("content") {
        for marker in parse_markers(content) {
            if Rule::from_id(&marker.id).is_none() {
                problems.push(format!(
                    "{name}:{}: r[{}] is not a requirement ID of rules.rs",
                    marker.line, marker.id
                ));
            }
            if let Some(first) = seen.insert(marker.id.clone(), format!("{name}:{}", marker.line)) {
                problems.push(format!(
                    "{name}:{}: r[{}] is already marked at {first}",
                    marker.line, marker.id
                ));
            }
        }
        *content = render_markers(content);
    }
    if let Some(Value::Array(sub)) = chapter.get_mut("sub_items") {
        for item in sub {
            process_item(item, seen, problems);
        }
    }
}

/// The HTML anchor id of a requirement, e.g. `r-links.target.resolves`.
pub fn anchor(id: &str) -> String {
    format!("r-{id}")
}

/// Replaces every marker line outside fenced code with an anchor block.
///
/// The block is followed by a blank line so that the paragraph after it is
/// still read as Markdown and not as part of the HTML block.
pub fn render_markers(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + 256);
    let mut in_fence = false;
    for line in markdown.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        match marker_id(trimmed) {
            Some(id) if !in_fence => {
                let a = anchor(id);
                out.push_str(&format!(
                    "<div class=\"rule\" id=\"{a}\"><a class=\"rule-link\" href=\"#{a}\">[{id}]</a></div>\n\n"
                ));
            }
            _ => out.push_str(line),
        }
    }
    out
}

// ----- the rule index ----------------------------------------------------------

/// The use-case stores whose trees the use-case pages include:
/// (store folder under `conformance/`, generated file under `spec/`).
pub const TREES: &[(&str, &str)] = &[
    (
        "valid/use-cases/sentinel2-l2a-v3/store",
        "spec/use-cases/sentinel2-l2a.tree.txt",
    ),
    (
        "valid/use-cases/climate-model-v3/store",
        "spec/use-cases/climate-model.tree.txt",
    ),
];

/// Every generated file of the book: (path relative to the root, text).
fn generated_files(root: &Path) -> Result<Vec<(String, String)>, String> {
    let mut out = vec![
        (RULES_PAGE.to_string(), rules_page(root)?),
        (RELATION_TYPES_PAGE.to_string(), relation_types_page()),
        (
            crate::crosswalks::CROSSWALKS_PAGE.to_string(),
            crate::crosswalks::crosswalks_page(),
        ),
    ];
    for (file, store, what) in crate::crosswalks::EXAMPLES {
        out.push((
            file.to_string(),
            crate::crosswalks::example(root, store, *what)?,
        ));
    }
    for (store, file) in TREES {
        out.push((
            file.to_string(),
            store_tree(&root.join("conformance").join(store))?,
        ));
    }
    Ok(out)
}

fn generate(root: &Path, check: bool) -> Result<(), String> {
    let mut stale = Vec::new();
    for (rel, text) in generated_files(root)? {
        let path = root.join(&rel);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == text {
            continue;
        }
        if check {
            stale.push(rel);
        } else {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            std::fs::write(&path, text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("wrote {rel}");
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} out of date with rules.rs, the book's markers, the exporter or conformance/; \
             run `cargo xtask book` and commit the result",
            stale.join(", ")
        ))
    }
}

/// A text picture of a Zarr v3 store's node tree, each node followed by its
/// declared links. External targets are shortened to `<external>`, or to
/// `<other store>#/path` when they name a node of another store; more than
/// three targets of one type are shortened to the first two and a count.
pub fn store_tree(store: &Path) -> Result<String, String> {
    fn node(
        dir: &Path,
        name: &str,
        prefix: &str,
        last: bool,
        top: bool,
        out: &mut String,
    ) -> Result<(), String> {
        let doc_path = dir.join("zarr.json");
        let text = std::fs::read_to_string(&doc_path)
            .map_err(|e| format!("cannot read {}: {e}", doc_path.display()))?;
        let doc: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not JSON: {e}", doc_path.display()))?;
        let group = doc.get("node_type").and_then(Value::as_str) == Some("group");
        let mut links: Vec<(String, Vec<String>)> = Vec::new();
        if let Some(Value::Array(rels)) = doc.pointer("/attributes/links:relationships") {
            for l in rels {
                let ty = l.get("type").and_then(Value::as_str).unwrap_or("?");
                let ty = if ty.contains(':') {
                    ty.rsplit(['#', '/']).next().unwrap_or(ty)
                } else {
                    ty
                };
                let t = l.get("target").and_then(Value::as_str).unwrap_or("?");
                let t = match t.split_once('#') {
                    _ if t.starts_with('/') => t.to_string(),
                    Some((_, frag)) if frag.starts_with('/') => format!("<other store>#{frag}"),
                    _ => "<external>".to_string(),
                };
                match links.iter_mut().find(|(k, _)| k == ty) {
                    Some((_, v)) => v.push(t),
                    None => links.push((ty.to_string(), vec![t])),
                }
            }
        }
        let has_index = doc.pointer("/attributes/links:index").is_some();
        let label = if top {
            "/".to_string()
        } else if group {
            format!("{name}/")
        } else {
            name.to_string()
        };
        let branch = if top {
            ""
        } else if last {
            "└── "
        } else {
            "├── "
        };
        out.push_str(&format!("{prefix}{branch}{label}"));
        let mut notes: Vec<String> = Vec::new();
        if has_index {
            notes.push("links:index".to_string());
        }
        for (ty, targets) in &links {
            let shown = if targets.len() > 3 {
                format!("{}, … ({} in all)", targets[..2].join(", "), targets.len())
            } else {
                targets.join(", ")
            };
            notes.push(format!("{ty} {shown}"));
        }
        if !notes.is_empty() {
            out.push_str(&format!("  [{}]", notes.join("; ")));
        }
        out.push('\n');
        let mut children: Vec<String> = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().join("zarr.json").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        children.sort();
        let child_prefix = if top {
            String::new()
        } else {
            format!("{prefix}{}", if last { "    " } else { "│   " })
        };
        for (i, c) in children.iter().enumerate() {
            node(
                &dir.join(c),
                c,
                &child_prefix,
                i + 1 == children.len(),
                false,
                out,
            )?;
        }
        Ok(())
    }
    let mut out = String::new();
    node(store, "", "", true, true, &mut out)?;
    Ok(out)
}

/// The text of `spec/reference/relation-types.md`: the registered relation
/// types a validator knows, from the one list in `relation.rs`.
pub fn relation_types_page() -> String {
    use zarr_links_model::relation::IANA_RELATIONS;
    let mut s = String::new();
    s.push_str(
        "# Registered relation types

",
    );
    s.push_str(
        "<!-- Generated by `cargo xtask book` from IANA_RELATIONS in \
         crates/zarr-links-model/src/relation.rs. Do not edit by hand. -->\n\n",
    );
    s.push_str(&format!(
        "The {} relation types of the [IANA link relations \
         registry](https://www.iana.org/assignments/link-relations/) as it stood on 2022-10-11, \
         in the registry's spelling. A `type` that is one of them, in any letter case, is a \
         registered type (see [Relationship types](../relationships.md#relationship-types)); \
         the published schema and the reference validator accept exactly these. A type \
         registered later is reported as unknown until this list is updated, in a minor \
         version of the convention.\n\n",
        IANA_RELATIONS.len()
    ));
    for name in IANA_RELATIONS {
        s.push_str(&format!("- `{name}`\n"));
    }
    s
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The text of `spec/reference/rules.md`.
pub fn rules_page(root: &Path) -> Result<String, String> {
    let markers = trace::spec_markers(root);
    let tests = trace::rule_tests(root);
    let cases = zarr_links_conformance::cases_in(&root.join("conformance"))?;
    let known: HashSet<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
    let mut s = String::new();
    s.push_str("# Rule index\n\n");
    s.push_str(
        "<!-- Generated by `cargo xtask rules` from rules.rs, the r[...] markers in spec/ and \
         conformance/**/case.json. Do not edit by hand. -->\n\n",
    );
    s.push_str(
        "Every requirement of this specification, in the order of the registry \
         (`crates/zarr-links-model/src/rules.rs`). The ID links to the paragraph that states the \
         requirement; validator findings carry the same ID in their `rule` member. *Level* says which \
         checker can decide the requirement: `schema` means the published JSON Schemas decide it from \
         one node document, `hierarchy` means only a validator that reads the whole store can. \
         *Subject* says what it constrains: the metadata of a `store`, or the behaviour of an \
         `implementation` (no store can break those; the reference implementation's own tests cover \
         them). The last column lists the conformance cases that exercise the requirement, invalid \
         cases first; for an `implementation` requirement it lists the tests that cover it (marked \
         with a `// rule: <id>` comment).\n\n",
    );
    s.push_str(
        "This page is generated by `cargo xtask rules`; a test fails when it is out of date.\n\n",
    );
    for class in [Class::Core, Class::Discovery, Class::External] {
        let rules: Vec<Rule> = Rule::ALL
            .iter()
            .copied()
            .filter(|r| r.info().class == class)
            .collect();
        s.push_str(&format!("## Class `{}`\n\n", class.as_str()));
        s.push_str("| ID | keyword | level | subject | requirement | conformance cases |\n");
        s.push_str("|---|---|---|---|---|---|\n");
        for rule in rules {
            let info = rule.info();
            let id_cell = match markers.chapter(info.id) {
                Some(ch) => {
                    let html = ch.trim_end_matches(".md").to_string() + ".html";
                    format!("[`{}`](../{html}#{})", info.id, anchor(info.id))
                }
                None => format!("`{}`", info.id),
            };
            let mut exercising: Vec<&Case> = cases
                .iter()
                .filter(|c| c.description.rules.iter().any(|r| r == info.id))
                .collect();
            exercising.sort_by_key(|c| (c.description.valid, c.name.clone()));
            let tests = tests.get(info.id).map(Vec::as_slice).unwrap_or_default();
            let cases_cell = if exercising.is_empty() && tests.is_empty() {
                "none".to_string()
            } else if exercising.is_empty() {
                let mut named: Vec<(&str, &str)> = tests
                    .iter()
                    .filter_map(|t| Some((t.place.file.as_str(), t.function.as_deref()?)))
                    .collect();
                named.dedup();
                named
                    .iter()
                    .map(|(file, name)| format!("test [`{name}`]({REPOSITORY_BLOB}/{file})"))
                    .collect::<Vec<_>>()
                    .join("<br>")
            } else {
                exercising
                    .iter()
                    .map(|c| format!("[{}]({REPOSITORY_TREE}/conformance/{})", c.name, c.name))
                    .collect::<Vec<_>>()
                    .join("<br>")
            };
            s.push_str(&format!(
                "| {id_cell} | {} | {} | {} | {} | {cases_cell} |\n",
                info.keyword.as_str(),
                info.level.as_str(),
                match info.subject {
                    zarr_links_model::rules::Subject::Store => "store",
                    zarr_links_model::rules::Subject::Implementation => "implementation",
                },
                cell(info.summary),
            ));
        }
        s.push('\n');
    }
    // The two level lists, included into validation.md through mdbook anchors.
    // They hold no links (the including page sits in another folder) and
    // write keywords as code (a mention, not a use).
    s.push_str("## By level\n\n");
    for (level, anchor_name, title) in [
        (
            zarr_links_model::rules::Level::Schema,
            "schema-level",
            "Decided by the JSON Schemas (`schema`)",
        ),
        (
            zarr_links_model::rules::Level::Hierarchy,
            "hierarchy-level",
            "Decided only by a whole-store validator (`hierarchy`)",
        ),
    ] {
        s.push_str(&format!("### {title}\n\n<!-- ANCHOR: {anchor_name} -->\n"));
        for rule in Rule::ALL.iter().filter(|r| r.info().level == level) {
            let info = rule.info();
            let subject = match info.subject {
                zarr_links_model::rules::Subject::Store => "",
                zarr_links_model::rules::Subject::Implementation => ", implementation",
            };
            s.push_str(&format!(
                "- `{}` (`{}`, `{}`{subject})\n",
                info.id,
                info.keyword.as_str(),
                info.class.as_str()
            ));
        }
        s.push_str(&format!("<!-- ANCHOR_END: {anchor_name} -->\n\n"));
    }
    let unknown: Vec<String> = cases
        .iter()
        .flat_map(|c| {
            c.description
                .rules
                .iter()
                .filter(|r| !known.contains(r.as_str()))
                .map(move |r| format!("`{r}` in {}", c.name))
        })
        .collect();
    if !unknown.is_empty() {
        s.push_str("## IDs named by cases but not in the registry\n\n");
        for u in unknown {
            s.push_str(&format!("- {u}\n"));
        }
        s.push('\n');
    }
    Ok(s)
}
