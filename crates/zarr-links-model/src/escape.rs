//! Text from a store made safe to print on a terminal: the one escaping
//! function of the workspace, used by every front end's text output.
//!
//! Node names, link targets, relation types and every other string read
//! from a store may hold control characters. Printed raw, an escape
//! sequence can recolour or hide the lines around it, set the window title,
//! write to the clipboard, or move the cursor back over a finding; a bidi
//! override can make a path read differently from what it is. JSON output
//! needs none of this: serde escapes control characters there.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/security.html>

use std::borrow::Cow;

/// Whether `c` is written escaped by [`terminal`]: the control characters
/// (C0, DEL and C1, which start terminal escape sequences), the bidi
/// embedding, override and isolate marks, zero-width characters, line and
/// paragraph separators, and the byte order mark.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
        )
}

/// `s` with every character that [`needs_escape`] written as a Rust-style
/// escape (`\n`, `\r`, `\t`, else `\u{1b}`); other text, accented or in any
/// script, is unchanged. Borrows when nothing needs escaping.
///
/// ```
/// use zarr_links_model::escape::terminal;
/// assert_eq!(terminal("/bands/b04"), "/bands/b04");
/// assert_eq!(terminal("/b\u{1b}[31mred"), "/b\\u{1b}[31mred");
/// assert_eq!(terminal("a\nb\u{202E}c"), "a\\nb\\u{202e}c");
/// assert_eq!(terminal("température/中"), "température/中");
/// ```
pub fn terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_terminal_control_is_escaped() {
        for c in [
            '\u{1b}', '\u{7}', '\u{0}', '\u{7f}', '\u{9b}', '\u{202e}', '\u{2066}', '\u{200b}',
            '\u{feff}',
        ] {
            let s = format!("x{c}y");
            let t = terminal(&s);
            assert!(!t.chars().any(needs_escape), "{s:?} -> {t:?}");
            assert!(t.starts_with("x\\") && t.ends_with('y'), "{t:?}");
        }
        assert!(matches!(terminal("plain é 中"), Cow::Borrowed(_)));
    }
}
