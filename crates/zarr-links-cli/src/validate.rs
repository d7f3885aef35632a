//! `zarr-links validate`: check a whole store against the convention.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/validation.html>

use std::io::Write;

use anstyle::{AnsiColor, Style};
use zarr_links_model::escape::terminal;
use zarr_links_model::{Coverage, Severity};
use zarr_links_validator::{validate_path, Finding, Report};

/// How to print the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Findings grouped by node, then a summary line (coloured on a terminal).
    Text,
    /// One JSON object: `valid`, `findings` and the counts.
    Json,
}

/// Check a whole store against the convention: schemas, targets, node
/// kinds, inverses, cycles and the index.
///
/// Reads only metadata (never chunks), never writes, never follows links
/// outside the store, never fetches external targets.
///
/// Exit status: 0 valid (warnings allowed), 1 invalid, 2 the store could not
/// be read or the command line was wrong.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store's root directory (Zarr v2 or v3, consolidated or not). A
    /// directory inside a store is refused with the root it belongs to.
    pub store: std::path::PathBuf,
    /// Output format: `text` for people, `json` for tools.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Runs the command.
pub fn run(args: Args) -> u8 {
    let report = match validate_path(&args.store) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("zarr-links validate: {}", terminal(&e.to_string()));
            return 2;
        }
    };
    let mut out = anstream::stdout().lock();
    let written = match args.format {
        Format::Json => serde_json::to_string_pretty(&report)
            .map_err(std::io::Error::other)
            .and_then(|s| writeln!(out, "{s}")),
        Format::Text => write_text(&mut out, &report),
    };
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!(
                "zarr-links validate: cannot write the report: {}",
                terminal(&e.to_string())
            );
            return 2;
        }
    }
    if report.valid {
        0
    } else {
        1
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn location(f: &Finding) -> String {
    match (&f.file, f.pointer.is_empty()) {
        (Some(file), true) => file.clone(),
        (Some(file), false) => format!("{file}#{}", f.pointer),
        (None, _) => f.pointer.clone(),
    }
}

/// The text report without colours, as `validate` prints it into a file or
/// a pipe. The Python package's `str(report)` is this.
pub fn report_text(report: &Report) -> String {
    let mut out = anstream::StripStream::new(Vec::new());
    write_text(&mut out, report).expect("writing to memory does not fail");
    String::from_utf8(out.into_inner()).expect("the report is UTF-8")
}

/// Writes the text report: a header, findings grouped by node, a summary.
/// Styles are ANSI codes that `anstream` strips when stdout is not a terminal;
/// every string from the store is escaped ([`terminal`]) first, so that none
/// of its own control characters reaches the terminal.
pub fn write_text(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    let bold = Style::new().bold();
    let err = AnsiColor::Red.on_default().bold();
    let warn = AnsiColor::Yellow.on_default().bold();
    let dim = Style::new().dimmed();
    let good = AnsiColor::Green.on_default().bold();
    writeln!(
        out,
        "{bold}checking{bold:#} {} (Zarr v{}{}, {})",
        terminal(&report.store),
        report.zarr_format,
        if report.consolidated {
            ", consolidated metadata"
        } else {
            ""
        },
        plural(report.nodes, "node", "nodes")
    )?;
    let mut current: Option<&str> = None;
    for f in &report.findings {
        if current != Some(f.node.as_str()) {
            writeln!(out)?;
            writeln!(out, "{bold}{}{bold:#}", terminal(&f.node))?;
            current = Some(f.node.as_str());
        }
        let style = if f.severity == Severity::Error {
            err
        } else {
            warn
        };
        writeln!(
            out,
            "  {style}{}[{}]{style:#} {}: {}",
            f.severity.as_str(),
            f.rule,
            terminal(&location(f)),
            terminal(&f.message)
        )?;
        if let Some(h) = &f.hint {
            writeln!(out, "    {dim}hint:{dim:#} {}", terminal(h))?;
        }
    }
    writeln!(out)?;
    if !report.convention_used {
        writeln!(
            out,
            "the convention is not in use: no node carries a `links:` attribute"
        )?;
    }
    match report.coverage {
        Coverage::Complete => {}
        Coverage::Consolidated => writeln!(
            out,
            "the nodes and attributes come from the consolidated metadata; the per-node documents were not read"
        )?,
        Coverage::Reached => writeln!(
            out,
            "partial check: the store cannot be listed and has no consolidated metadata, so only the {} reached from the root (through `links:index` entries, link targets and their parent groups) were checked",
            plural(report.nodes, "node", "nodes")
        )?,
    }
    let verdict = match (report.valid, report.coverage) {
        (true, Coverage::Reached) => format!("{good}valid for the nodes reached{good:#}"),
        (true, _) => format!("{good}valid{good:#}"),
        (false, _) => format!("{err}invalid{err:#}"),
    };
    writeln!(
        out,
        "{verdict}: {}, {} in {}",
        plural(report.errors, "error", "errors"),
        plural(report.warnings, "warning", "warnings"),
        plural(report.nodes, "node", "nodes")
    )
}
