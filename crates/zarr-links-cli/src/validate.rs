//! `zarr-links validate`: check a whole store against the convention.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/validation.html>

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use anstyle::{AnsiColor, Style};
use zarr_links_model::escape::terminal;
use zarr_links_model::{Coverage, Severity};
use zarr_links_validator::{validate, Finding, Report};

use crate::progress::{self, Progress};
use crate::source::{load_store, Location, RemoteArgs, Wanted};

/// How to print the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Findings grouped by node, then a summary line (coloured on a terminal).
    Text,
    /// One JSON object: `valid`, `findings` and the counts.
    Json,
}

const LONG_ABOUT: &str = "\
Check a whole store against the convention: schemas, targets, node kinds, inverses, \
cycles and the index.

Reads only metadata (never chunks), never writes, never reads outside the store, and \
never fetches external targets unless --check-external asks for it.

A STORE is a local directory (the store's root) or the URL of a store's root: \
`https://host/data.zarr`, `s3://bucket/data.zarr`, `gs://`, `az://`, `file://`. A \
remote store with consolidated metadata costs at most two requests. Without it, object \
stores (S3, GCS, Azure) are listed, one listing per group, and one request per node \
reads its metadata, with --concurrency requests in flight. A plain HTTP(S) server \
cannot be listed: the nodes are then reached from the root (through `links:index` \
entries, link targets and their parent groups), and the report says the check is \
partial and how many nodes it covers.

Several STOREs, or `-` (read a list of stores, one per line, from standard input; \
empty lines and lines starting with `#` are skipped), are checked as a batch, --jobs \
at a time: one line per store, in the order given, then a summary. With --format json \
a batch prints JSON Lines: one compact report per line, in the order given, and \
{\"store\": ..., \"error\": ...} for a store that cannot be read.

Exit status: 0 valid (warnings allowed), 1 invalid, 2 a store could not be read or the \
command line was wrong; for a batch, the worst of its stores.";

/// Check whole stores against the convention (one store, or a batch).
#[derive(Debug, clap::Args)]
#[command(about = "Check whole stores against the convention", long_about = LONG_ABOUT)]
pub struct Args {
    /// The stores: root directories, or URLs of stores' roots; `-` reads a
    /// list of stores, one per line, from standard input.
    #[arg(required = true, value_name = "STORE")]
    pub stores: Vec<OsString>,
    /// Output format: `text` for people, `json` for tools (JSON Lines for a
    /// batch).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also check that the external targets answer: an `http(s)` URL with a
    /// HEAD request, an object in a bucket with a HEAD of the object, a node
    /// of another Zarr store (`store-uri#/path`) by opening that store once
    /// and reading the node's metadata. A target that does not answer is a
    /// warning (`links.target.reachable`) with the HTTP status or the
    /// reason. Without this flag nothing external is ever fetched.
    #[arg(long)]
    pub check_external: bool,
    /// For a remote store with consolidated metadata, also read every
    /// node's own document and compare it with the consolidated copy, as is
    /// always done for local stores (one request per node; needs a store
    /// that can be listed, so not plain HTTP). By default a remote store's
    /// consolidated metadata is trusted.
    #[arg(long)]
    pub verify_consolidated: bool,
    /// Stores checked at a time in a batch.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=64))]
    pub jobs: u8,
    /// How to read remote stores.
    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// One store of the command line, read: where it is, or why the argument
/// names no store.
type Named = (String, Result<Location, String>);

/// The STORE arguments, with `-` replaced by the stores read from standard
/// input, and whether they make a batch.
fn stores(args: &Args) -> Result<(Vec<Named>, bool), String> {
    let mut out = Vec::new();
    let mut batch = args.stores.len() > 1;
    for arg in &args.stores {
        if arg == "-" {
            batch = true;
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read the list of stores from standard input: {e}"))?;
            for line in text.lines().map(str::trim) {
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                out.push((line.to_string(), Location::parse(OsStr::new(line))));
            }
        } else {
            out.push((arg.to_string_lossy().into_owned(), Location::parse(arg)));
        }
    }
    if out.is_empty() {
        return Err("no stores given (the list read from standard input is empty)".to_string());
    }
    Ok((out, batch))
}

/// Validates one store, with `--check-external` if asked; the message of a
/// store that cannot be read.
fn check_one(location: &Location, args: &Args, progress: bool) -> Result<Report, String> {
    let wanted = Wanted {
        verify_consolidated: args.verify_consolidated,
        ..Wanted::default()
    };
    let loaded = load_store(location, &args.remote, wanted, progress)?;
    let mut report = validate(&loaded.hierarchy);
    if args.check_external {
        check_external(&loaded.hierarchy, &mut report, args, progress)?;
    }
    Ok(report)
}

#[cfg(feature = "remote")]
fn check_external(
    hierarchy: &zarr_links_model::Hierarchy,
    report: &mut Report,
    args: &Args,
    progress: bool,
) -> Result<(), String> {
    let bar = Progress::spinner(progress, "checking external targets");
    let checked = crate::source::check_external(hierarchy, &args.remote);
    bar.finish();
    if progress {
        eprintln!(
            "zarr-links validate: checked {} in {}: {} did not answer, {} not fetched (schemes that are not)",
            plural(checked.targets.len(), "external target", "external targets"),
            plural(checked.requests, "request", "requests"),
            checked.unreachable(),
            checked.not_checked()
        );
    }
    report.add_findings(checked.findings);
    Ok(())
}

#[cfg(not(feature = "remote"))]
fn check_external(
    _: &zarr_links_model::Hierarchy,
    _: &mut Report,
    _: &Args,
    _: bool,
) -> Result<(), String> {
    Err(crate::source::NO_CHECK_EXTERNAL.to_string())
}

/// The exit code of one store: 0 valid, 1 invalid, 2 unreadable.
fn code(outcome: &Result<Report, String>) -> u8 {
    match outcome {
        Ok(r) if r.valid => 0,
        Ok(_) => 1,
        Err(_) => 2,
    }
}

/// Runs the command.
pub fn run(args: Args) -> u8 {
    let (stores, batch) = match stores(&args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("zarr-links validate: {e}");
            return 2;
        }
    };
    if batch {
        return run_batch(&args, stores);
    }
    let (_, location) = &stores[0];
    let progress = progress::allowed(args.format == Format::Text);
    let outcome = location
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|l| check_one(l, &args, progress));
    let report = match outcome {
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
    code(&Ok(report))
}

/// Validates several stores, `--jobs` at a time, printing one line (or one
/// JSON report) per store in the order given, then a summary.
fn run_batch(args: &Args, stores: Vec<Named>) -> u8 {
    let jobs = usize::from(args.jobs).min(stores.len());
    let text = args.format == Format::Text;
    let bar = Progress::bar(progress::allowed(text), stores.len() as u64, "stores");
    let next = AtomicUsize::new(0);
    let (send, receive) = mpsc::channel();
    let mut tally = Tally::default();
    let written = std::thread::scope(|scope| {
        for _ in 0..jobs {
            let (send, next, stores) = (send.clone(), &next, &stores);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((_, location)) = stores.get(i) else {
                    break;
                };
                let outcome = location
                    .as_ref()
                    .map_err(Clone::clone)
                    .and_then(|l| check_one(l, args, false));
                if send.send((i, outcome)).is_err() {
                    break;
                }
            });
        }
        drop(send);
        // Print in the order given, each line as soon as the ones before it are.
        let mut done: BTreeMap<usize, Result<Report, String>> = BTreeMap::new();
        let mut printed = 0;
        let mut out = anstream::stdout().lock();
        let mut result = Ok(());
        for (i, outcome) in receive {
            bar.inc();
            done.insert(i, outcome);
            while let Some(outcome) = done.remove(&printed) {
                tally.add(&outcome);
                if result.is_ok() {
                    let shown = &stores[printed].0;
                    result = bar.suspend(|| write_batch_line(&mut out, shown, &outcome, text));
                }
                printed += 1;
            }
        }
        result
    });
    bar.finish();
    let written = written.and_then(|()| {
        if text {
            let mut out = anstream::stdout().lock();
            writeln!(out)?;
            writeln!(out, "{}", tally.summary())
        } else {
            Ok(())
        }
    });
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("zarr-links validate: cannot write the report: {e}");
            return 2;
        }
    }
    tally.worst
}

/// The counts of a batch.
#[derive(Debug, Default)]
struct Tally {
    valid: usize,
    invalid: usize,
    unreadable: usize,
    partial: usize,
    worst: u8,
}

impl Tally {
    fn add(&mut self, outcome: &Result<Report, String>) {
        match outcome {
            Ok(r) if r.valid => self.valid += 1,
            Ok(_) => self.invalid += 1,
            Err(_) => self.unreadable += 1,
        }
        if matches!(outcome, Ok(r) if r.coverage == Coverage::Reached) {
            self.partial += 1;
        }
        self.worst = self.worst.max(code(outcome));
    }

    fn summary(&self) -> String {
        let total = self.valid + self.invalid + self.unreadable;
        let mut s = format!(
            "{}: {} valid, {} invalid, {} could not be read",
            plural(total, "store", "stores"),
            self.valid,
            self.invalid,
            self.unreadable
        );
        if self.partial > 0 {
            s.push_str(&format!(
                "; {} checked partially (only the nodes reached from the root)",
                self.partial
            ));
        }
        s
    }
}

/// One store's line of a batch: text, or one JSON Lines record.
fn write_batch_line(
    out: &mut dyn Write,
    shown: &str,
    outcome: &Result<Report, String>,
    text: bool,
) -> std::io::Result<()> {
    if !text {
        let value = match outcome {
            Ok(r) => serde_json::to_value(r).map_err(std::io::Error::other)?,
            Err(e) => serde_json::json!({ "store": shown, "error": e }),
        };
        return writeln!(out, "{value}");
    }
    let err = AnsiColor::Red.on_default().bold();
    let good = AnsiColor::Green.on_default().bold();
    match outcome {
        Err(e) => {
            // The message names the store already, at its start.
            let message = e.strip_prefix(&format!("{shown}: ")).unwrap_or(e);
            writeln!(out, "{err}{:<10}{err:#} {shown}: {message}", "unreadable")
        }
        Ok(r) => {
            let (style, verdict) = if r.valid {
                (good, "valid")
            } else {
                (err, "invalid")
            };
            let partial = if r.coverage == Coverage::Reached {
                " reached (partial check: the store cannot be listed)"
            } else {
                ""
            };
            writeln!(
                out,
                "{style}{verdict:<10}{style:#} {}: {}, {} in {}{partial}",
                r.store,
                plural(r.errors, "error", "errors"),
                plural(r.warnings, "warning", "warnings"),
                plural(r.nodes, "node", "nodes")
            )
        }
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
