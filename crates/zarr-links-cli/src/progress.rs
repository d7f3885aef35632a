//! Progress on the terminal for long work (a batch of stores, a remote
//! store): drawn on standard error with `indicatif`, and only when both
//! standard output and standard error are terminals and the output is for
//! people (never with `--format json`).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether progress may be drawn: text output, on terminals.
pub fn allowed(text_output: bool) -> bool {
    text_output && std::io::stdout().is_terminal() && std::io::stderr().is_terminal()
}

/// A progress display, or nothing when it is not allowed.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A spinner with a message, for work of unknown length.
    pub fn spinner(allowed: bool, prefix: &str) -> Progress {
        if !allowed {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} {prefix}: {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_prefix(prefix.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress(Some(bar))
    }

    /// A bar over `len` items.
    pub fn bar(allowed: bool, len: u64, what: &str) -> Progress {
        if !allowed {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        let template = format!("{{bar:30}} {{pos}}/{{len}} {what} ({{elapsed}}) {{msg}}");
        let style = ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress(Some(bar))
    }

    /// Sets the message.
    pub fn set_message(&self, message: String) {
        if let Some(b) = &self.0 {
            b.set_message(message);
        }
    }

    /// Advances the bar by one.
    pub fn inc(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }

    /// Runs `f` (which prints) with the display hidden.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.0 {
            Some(b) => b.suspend(f),
            None => f(),
        }
    }

    /// Removes the display.
    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
