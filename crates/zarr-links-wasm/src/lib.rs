//! The zarr-links validator for the browser: the book's "Validate a store"
//! page runs this crate, compiled to WebAssembly, so that the page and the
//! command line share every rule, finding and rule ID.
//!
//! The bindings are thin. JavaScript does the I/O (the browser's `fetch`
//! for a URL, `File` reads for a picked folder) and hands the bytes in; the
//! loader, the validator and the link graph are the Rust crates themselves.
//! Nothing here decides a rule.
//!
//! ```js
//! const check = StoreCheck.forUrl("https://example.org/data.zarr/");
//! for (;;) {
//!   const step = JSON.parse(check.next(8));
//!   if (step.done) break;
//!   for (const key of step.read ?? []) {
//!     const r = await fetch(new URL(key, base));
//!     if (r.ok) check.got(key, new Uint8Array(await r.arrayBuffer()));
//!     else if (r.status === 404) check.got(key, undefined);
//!     else check.failed(key, `HTTP ${r.status}`);
//!   }
//! }
//! const report = JSON.parse(check.report()); // as `zarr-links validate --format json`
//! ```
//!
//! The logic lives in plain Rust modules ([`session`], [`paste`],
//! [`graph`]) with native tests; the `#[wasm_bindgen]` layer only converts.
//! The crate also builds natively, where the bindings are ordinary
//! functions, so `cargo test` and `cargo clippy` cover it.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/validate.html>

pub mod graph;
pub mod paste;
pub mod session;

use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use zarr_links_model::{NodeKind, Rule};
use zarr_links_validator::Report;

use session::{Session, Step};

/// One check of one store, given by URL or as a picked folder. See the
/// [crate documentation](crate).
#[wasm_bindgen]
pub struct StoreCheck {
    session: Session,
    report: Option<Report>,
}

#[wasm_bindgen]
impl StoreCheck {
    /// A store given by URL (`store` is shown in the report). It is not
    /// listed: consolidated metadata is read first and trusted; without
    /// it, the nodes reached from the root are checked.
    #[wasm_bindgen(js_name = forUrl)]
    pub fn for_url(store: &str) -> StoreCheck {
        StoreCheck::new(Session::url(store))
    }

    /// A picked folder (`store` is shown in the report). Give every file
    /// with [`StoreCheck::add_file`] first; it is then listed and checked
    /// as the command line checks a local directory.
    #[wasm_bindgen(js_name = forFolder)]
    pub fn for_folder(store: &str) -> StoreCheck {
        StoreCheck::new(Session::folder(store))
    }

    /// Records one file of the folder: its key relative to the store root
    /// (`bands/b04/zarr.json`) and its size in bytes.
    #[wasm_bindgen(js_name = addFile)]
    pub fn add_file(&mut self, key: &str, size: f64) -> Result<(), JsError> {
        self.session
            .add_file(key, size as u64)
            .map_err(|e| JsError::new(&e))
    }

    /// What to do next, as JSON: `{"read": [keys]}` (read them, answer
    /// each), `{"wait": true}` (answers are outstanding) or `{"done": true}`.
    pub fn next(&mut self, max: usize) -> String {
        self.next_json(max).to_string()
    }

    /// Answers a read: the bytes, or `undefined` when the key does not exist.
    pub fn got(&mut self, key: &str, bytes: Option<Vec<u8>>) {
        self.session.got(key, bytes);
    }

    /// Answers a read that failed, saying why (`HTTP 500`, a network error).
    pub fn failed(&mut self, key: &str, message: &str) {
        self.session.failed(key, message);
    }

    /// How many keys were handed out to read.
    pub fn reads(&self) -> usize {
        self.session.reads()
    }

    /// Why the store could not be opened at all (no Zarr metadata at the
    /// root), once done; `undefined` when it could.
    #[wasm_bindgen(js_name = openError)]
    pub fn open_error(&self) -> Option<String> {
        self.session.hierarchy().err()
    }

    /// The report, as `zarr-links validate --format json` prints it.
    pub fn report(&mut self) -> Result<String, JsError> {
        self.report_json().map_err(|e| JsError::new(&e))
    }

    /// The link graph, as `zarr-links graph --format json` prints it.
    pub fn graph(&self) -> Result<String, JsError> {
        self.graph_json().map_err(|e| JsError::new(&e))
    }

    /// The links from and to one node (see [`graph::related`]).
    pub fn related(&self, node: &str) -> Result<String, JsError> {
        self.related_json(node).map_err(|e| JsError::new(&e))
    }
}

impl StoreCheck {
    fn new(session: Session) -> StoreCheck {
        StoreCheck {
            session,
            report: None,
        }
    }

    /// [`StoreCheck::next`], as a value.
    pub fn next_json(&mut self, max: usize) -> Value {
        match self.session.next(max) {
            Step::Read(keys) => json!({ "read": keys }),
            Step::Wait => json!({ "wait": true }),
            Step::Done => json!({ "done": true }),
        }
    }

    /// [`StoreCheck::report`], with the error as a string.
    pub fn report_json(&mut self) -> Result<String, String> {
        if self.report.is_none() {
            let hierarchy = self.session.hierarchy()?;
            self.report = Some(zarr_links_validator::validate(hierarchy));
        }
        let report = self.report.as_ref().expect("set above");
        serde_json::to_string_pretty(report).map_err(|e| e.to_string())
    }

    /// [`StoreCheck::graph`], with the error as a string.
    pub fn graph_json(&self) -> Result<String, String> {
        Ok(graph::graph(self.session.hierarchy()?).to_string())
    }

    /// [`StoreCheck::related`], with the error as a string.
    pub fn related_json(&self, node: &str) -> Result<String, String> {
        Ok(graph::related(self.session.hierarchy()?, node)?.to_string())
    }

    /// The session, for drivers written in Rust.
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }
}

/// Checks one pasted document on its own (see [`paste`]) as the node at
/// `path` (`/` when empty): `kind` is `group` or `array`, the kind of node
/// an attributes object belongs to. Returns JSON: `{"file", "kind",
/// "valid", "errors", "warnings", "findings"}`, or `{"refused": message}`
/// when the text is not a JSON object or the path not a node path.
#[wasm_bindgen(js_name = checkDocument)]
pub fn check_document(text: &str, kind: &str, path: &str) -> String {
    let kind = if kind == "array" {
        NodeKind::Array
    } else {
        NodeKind::Group
    };
    let path = if path.trim().is_empty() { "/" } else { path };
    paste::check(text.as_bytes(), kind, path)
        .to_json()
        .to_string()
}

/// Every rule of the registry, as JSON: `[{"id", "severity", "level",
/// "chapter", "summary"}]`, where `level` is `schema` or `hierarchy` and
/// `chapter` is the book page that states the rule (`consistency.html`);
/// the rule's anchor there is `r-<id>`.
#[wasm_bindgen]
pub fn rules() -> String {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|r| {
            let info = r.info();
            json!({
                "id": info.id,
                "severity": r.severity().as_str(),
                "level": info.level.as_str(),
                "chapter": format!("{}.html", info.topic.as_str()),
                "summary": info.summary,
            })
        })
        .collect();
    Value::Array(rules).to_string()
}

/// The version of the validator (the workspace's).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_links_to_its_chapter() {
        let rules: Vec<Value> = serde_json::from_str(&rules()).unwrap();
        assert_eq!(rules.len(), Rule::ALL.len());
        let cycle = rules
            .iter()
            .find(|r| r["id"] == "links.cycle.derived-from")
            .unwrap();
        assert_eq!(cycle["chapter"], "consistency.html");
        for r in &rules {
            let chapter = r["chapter"].as_str().unwrap();
            let page = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../spec")
                .join(chapter.replace(".html", ".md"));
            let text = std::fs::read_to_string(&page).unwrap();
            assert!(
                text.contains(&format!("r[{}]", r["id"].as_str().unwrap())),
                "{} is stated in {}",
                r["id"],
                page.display()
            );
        }
    }

    #[test]
    fn a_report_is_the_validator_s() {
        let mut check = StoreCheck::for_folder("mem");
        let doc = br#"{"zarr_format":3,"node_type":"group","attributes":{}}"#;
        check
            .session_mut()
            .add_file("zarr.json", doc.len() as u64)
            .unwrap();
        loop {
            let step = check.next_json(4);
            if step["done"] == true {
                break;
            }
            for key in step["read"].as_array().unwrap() {
                check
                    .session_mut()
                    .got(key.as_str().unwrap(), Some(doc.to_vec()));
            }
        }
        let report: Value = serde_json::from_str(&check.report_json().unwrap()).unwrap();
        assert_eq!(report["valid"], true);
        assert_eq!(report["nodes"], 1);
        assert_eq!(report["coverage"], "complete");
        assert_eq!(report["store"], "mem");
    }
}
