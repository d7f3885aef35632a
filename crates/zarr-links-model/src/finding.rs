//! A finding: one broken requirement at one place in a store.
//!
//! The store loader reports problems with the store's documents as findings,
//! the validator adds the findings of every other rule, and every front end
//! renders them. The field names and their order are the JSON report's.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/validation.html>

use serde::Serialize;

use crate::path::NodePath;
use crate::rules::{Rule, Severity};

/// One broken requirement at one place.
///
/// Spec: <https://zarr-links.github.io/zarr-links/validation.html>
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    /// The requirement ID.
    pub rule: Rule,
    /// `error` or `warning`, from the rule's keyword.
    pub severity: Severity,
    /// The node's absolute path.
    pub node: String,
    /// The store key of the document the pointer points into.
    pub file: Option<String>,
    /// A JSON pointer into `file`.
    pub pointer: String,
    /// What was found and what was expected.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Finding {
    /// A finding under `rule` about `node`, located at `pointer` in `file`.
    pub fn new(
        rule: Rule,
        node: &NodePath,
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Finding {
        Finding {
            rule,
            severity: rule.severity(),
            node: node.as_str().to_string(),
            file: Some(file.into()),
            pointer: pointer.into(),
            message: message.into(),
            hint,
        }
    }

    /// The sort key of a report: node, file, pointer, rule, message.
    pub fn sort_key(&self) -> (&str, Option<&str>, &str, Rule, &str) {
        (
            &self.node,
            self.file.as_deref(),
            &self.pointer,
            self.rule,
            &self.message,
        )
    }
}
