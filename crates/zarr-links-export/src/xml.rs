//! A small XML writer: escaping, and the characters XML 1.0 cannot carry.
//!
//! XML 1.0 allows only TAB, LF and CR among the C0 controls, and not
//! U+FFFE or U+FFFF, not even as character references (a parser rejects
//! `&#x1b;`). Such characters are replaced with U+FFFD, and counted so that
//! the exporter can say so in a note. Everything else is written as it is,
//! with `&`, `<`, `>` escaped, and in attribute values also `"` and the
//! whitespace characters that attribute-value normalisation would turn into
//! spaces (TAB, LF, CR), written as character references.

/// Whether XML 1.0 allows the character at all.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Escapes `s` for an XML text node (`attribute: false`) or a
/// double-quoted attribute value (`attribute: true`), and adds to
/// `replaced` the number of characters XML cannot carry (written as U+FFFD).
pub(crate) fn escape(s: &str, attribute: bool, replaced: &mut usize) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if !allowed(c) => {
                *replaced += 1;
                out.push('\u{FFFD}');
            }
            c => out.push(c),
        }
    }
    out
}

/// Builds elements line by line, with two-space indentation.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    pub(crate) out: String,
    /// Characters replaced since the counter was last taken.
    pub(crate) replaced: usize,
}

impl Writer {
    /// The attributes of an element, escaped: ` name="value"` each, in the
    /// order given; `None` values are left out.
    fn attributes(&mut self, attributes: &[(&str, Option<&str>)]) -> String {
        let mut s = String::new();
        for (name, value) in attributes {
            if let Some(v) = value {
                s.push_str(&format!(
                    " {name}=\"{}\"",
                    escape(v, true, &mut self.replaced)
                ));
            }
        }
        s
    }

    /// `<name attributes>` on its own line.
    pub(crate) fn open(&mut self, depth: usize, name: &str, attributes: &[(&str, Option<&str>)]) {
        let a = self.attributes(attributes);
        self.out
            .push_str(&format!("{}<{name}{a}>\n", "  ".repeat(depth)));
    }

    /// `</name>` on its own line.
    pub(crate) fn close(&mut self, depth: usize, name: &str) {
        self.out
            .push_str(&format!("{}</{name}>\n", "  ".repeat(depth)));
    }

    /// `<name attributes/>` on its own line.
    pub(crate) fn empty(&mut self, depth: usize, name: &str, attributes: &[(&str, Option<&str>)]) {
        let a = self.attributes(attributes);
        self.out
            .push_str(&format!("{}<{name}{a}/>\n", "  ".repeat(depth)));
    }

    /// `<name attributes>text</name>` on its own line.
    pub(crate) fn leaf(
        &mut self,
        depth: usize,
        name: &str,
        attributes: &[(&str, Option<&str>)],
        text: &str,
    ) {
        let a = self.attributes(attributes);
        let t = escape(text, false, &mut self.replaced);
        self.out
            .push_str(&format!("{}<{name}{a}>{t}</{name}>\n", "  ".repeat(depth)));
    }

    /// Takes the count of replaced characters, resetting it.
    pub(crate) fn take_replaced(&mut self) -> usize {
        std::mem::take(&mut self.replaced)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_replaces() {
        let mut n = 0;
        assert_eq!(
            escape("a&b<c>d\"e\tf\ng\rh", true, &mut n),
            "a&amp;b&lt;c&gt;d&quot;e&#9;f&#10;g&#13;h"
        );
        assert_eq!(escape("a\"b\tc\nd", false, &mut n), "a\"b\tc\nd");
        assert_eq!(n, 0);
        assert_eq!(
            escape(
                "esc\u{1b} nul\0 ffff\u{FFFF} c1\u{85} ok\u{10FFFF}",
                false,
                &mut n
            ),
            "esc\u{FFFD} nul\u{FFFD} ffff\u{FFFD} c1\u{85} ok\u{10FFFF}"
        );
        assert_eq!(n, 3);
    }
}
