//! Remote stores over plain HTTP, from a server these tests start on
//! 127.0.0.1 that serves the conformance suite: the same reports as from
//! disk, the request counts, and the faults a server can show.
//!
//!     cargo test -p zarr-links-remote --test http

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use common::server::{Reply, Seen, Server};
use zarr_links_conformance::{cases, suite_dir, Case};
use zarr_links_model::Coverage;
use zarr_links_remote::{Remote, RemoteOptions};
use zarr_links_store::{load_with, LoadOptions, LocalStore, OpenError};
use zarr_links_validator::{validate, Report};

/// Options with short timeouts, so that the fault tests end quickly.
fn quick() -> RemoteOptions {
    RemoteOptions {
        timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(1),
        retries: 1,
        ..RemoteOptions::default()
    }
}

fn remote_report(url: &str, options: &RemoteOptions) -> Result<(Report, usize), OpenError> {
    let remote = Remote::open(url, options)?;
    let h = remote.load(remote.load_options(false), &mut |_| {})?;
    Ok((validate(&h), remote.requests()))
}

fn local_report(case: &Case, options: LoadOptions) -> Report {
    let store = LocalStore::open(&case.store()).expect("the case opens");
    validate(&load_with(&store, options).expect("the case loads"))
}

/// The store's path below the suite, as served.
fn served(case: &Case) -> String {
    let rel = case.store();
    let rel = rel.strip_prefix(suite_dir()).expect("inside the suite");
    format!("/{}", rel.to_string_lossy().replace('\\', "/"))
}

fn has_symlink(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().any(|e| {
        let e = e.unwrap();
        let t = e.file_type().unwrap();
        t.is_symlink() || (t.is_dir() && has_symlink(&e.path()))
    })
}

/// A report with its `store` cleared, to compare reports of one store read
/// two ways.
fn anonymous(mut r: Report) -> Report {
    r.store.clear();
    r
}

/// Every case over HTTP gives the report the local loader gives with the
/// same options (no listing; consolidated metadata trusted): consolidated
/// cases are complete reports, the others partial ones whose findings are
/// all findings of the full local check.
#[test]
fn conformance_cases_over_http_match_disk() {
    let server = Server::serve(&suite_dir());
    let mut consolidated = 0;
    let mut partial = 0;
    for case in cases().unwrap() {
        if has_symlink(&case.store()) {
            // A web server decides itself whether to follow symbolic links.
            continue;
        }
        let (remote, _) = remote_report(&server.url(&served(&case)), &quick())
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let same_options = local_report(
            &case,
            LoadOptions {
                listing: false,
                verify_consolidated: false,
                ..LoadOptions::default()
            },
        );
        assert_eq!(
            anonymous(remote.clone()),
            anonymous(same_options),
            "{}",
            case.name
        );
        let full = local_report(&case, LoadOptions::default());
        if remote.consolidated {
            consolidated += 1;
            assert_eq!(remote.coverage, Coverage::Consolidated, "{}", case.name);
        } else {
            partial += 1;
            assert_eq!(remote.coverage, Coverage::Reached, "{}", case.name);
            assert!(remote.nodes <= full.nodes, "{}", case.name);
            for f in &remote.findings {
                assert!(
                    full.findings.contains(f),
                    "{}: {f:?} is not a finding of the full check {:#?}",
                    case.name,
                    full.findings
                );
            }
        }
    }
    assert!(
        consolidated >= 4 && partial >= 40,
        "{consolidated} {partial}"
    );
}

const S2: &str = "/valid/use-cases/sentinel2-l2a-v3/store";

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

/// A copy of the Sentinel-2 v3 store without consolidated metadata, served
/// at `/store`: a reader has to reach its nodes one by one.
fn unconsolidated() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    copy_tree(&suite_dir().join(&S2[1..]), &store);
    let root = store.join("zarr.json");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&root).unwrap()).unwrap();
    doc.as_object_mut().unwrap().remove("consolidated_metadata");
    std::fs::write(&root, doc.to_string()).unwrap();
    dir
}

fn open_error(url: &str, options: &RemoteOptions) -> String {
    match remote_report(url, options) {
        Ok((r, _)) => panic!("{url} was read: {r:#?}"),
        Err(e) => e.to_string(),
    }
}

fn gets(server: &Server) -> usize {
    server
        .requests()
        .iter()
        .filter(|s| s.method == "GET")
        .count()
}

/// A consolidated store costs at most two GETs (v3: the root `zarr.json`;
/// v2: the absent `zarr.json`, then `.zmetadata`), counted by the server.
#[test]
fn a_consolidated_store_costs_at_most_two_gets() {
    let server = Server::serve(&suite_dir());
    for (case, expected) in [
        (S2, 1),
        ("/valid/stores/consolidated_v3/store", 1),
        ("/valid/stores/consolidated_v2/store", 2),
        ("/valid/use-cases/sentinel2-l2a-v2/store", 2),
    ] {
        server.clear();
        let (report, sent) = remote_report(&server.url(case), &quick()).unwrap();
        assert!(report.consolidated, "{case}");
        assert_eq!(gets(&server), expected, "{case}: {:?}", server.requests());
        assert_eq!(server.requests().len(), expected, "{case}");
        assert_eq!(sent, expected, "{case}: the client's own count");
    }
}

/// Without consolidated metadata, plain HTTP reads each reached node's
/// document once: one GET per node, plus the absent documents probed.
#[test]
fn a_partial_read_gets_each_document_once() {
    let dir = unconsolidated();
    let server = Server::serve(dir.path());
    let (report, _) = remote_report(&server.url("/store"), &quick()).unwrap();
    assert_eq!(report.coverage, Coverage::Reached);
    assert!(report.nodes > 50, "{}", report.nodes);
    let log = server.requests();
    let unique: HashSet<&str> = log.iter().map(|s| s.target.as_str()).collect();
    assert_eq!(
        unique.len(),
        log.len(),
        "a document was read twice: {log:?}"
    );
    assert!(log.iter().all(|s| s.method == "GET"), "{log:?}");
    let found = log
        .iter()
        .filter(|s| s.target.ends_with("/zarr.json"))
        .count();
    assert!(found >= report.nodes, "{found} < {}", report.nodes);
}

#[test]
fn a_refused_connection_names_the_url() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/store");
    let e = open_error(&url, &quick());
    assert!(
        e.starts_with(&format!("{url}/zarr.json: cannot connect")),
        "{e}"
    );
    assert!(e.contains("refused") && e.contains("tried 2 times"), "{e}");
}

#[test]
fn access_denied_on_the_root_names_the_url() {
    let server = Server::with_rule(&suite_dir(), Box::new(|_| Some(Reply::Status(403))));
    let e = open_error(&server.url(S2), &quick());
    assert_eq!(
        e,
        format!("{}/zarr.json: access denied (HTTP 403)", server.url(S2))
    );
    // Not retried.
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn nothing_at_the_root_names_the_url() {
    let server = Server::serve(&suite_dir());
    let e = open_error(&server.url("/valid/nothing"), &quick());
    assert!(
        e.starts_with(&format!(
            "{}: no Zarr metadata at the root",
            server.url("/valid/nothing")
        )),
        "{e}"
    );
}

/// Every document first fails with 500, then is served: the retry reads
/// the store as if nothing had happened, at twice the requests.
#[test]
fn a_server_error_is_retried() {
    let dir = unconsolidated();
    let failed = Mutex::new(HashSet::new());
    let flaky = Server::with_rule(
        dir.path(),
        Box::new(move |seen: &Seen| {
            failed
                .lock()
                .unwrap()
                .insert(seen.target.clone())
                .then_some(Reply::Status(500))
        }),
    );
    let steady = Server::serve(dir.path());
    let (expected, n) = remote_report(&steady.url("/store"), &quick()).unwrap();
    let (got, m) = remote_report(&flaky.url("/store"), &quick()).unwrap();
    assert!(n > 50, "{n}");
    assert_eq!(anonymous(got), anonymous(expected));
    assert_eq!(m, 2 * n);
    assert_eq!(flaky.requests().len(), 2 * steady.requests().len());
}

#[test]
fn a_server_error_that_lasts_names_the_status() {
    let server = Server::with_rule(&suite_dir(), Box::new(|_| Some(Reply::Status(503))));
    let e = open_error(&server.url(S2), &quick());
    assert_eq!(
        e,
        format!(
            "{}/zarr.json: the server answered HTTP 503 Service Unavailable (tried 2 times)",
            server.url(S2)
        )
    );
}

/// A server that never answers: the configured timeout ends the wait (the
/// test does not depend on timing otherwise).
#[test]
fn a_server_slower_than_the_timeout_names_the_url() {
    let server = Server::with_rule(&suite_dir(), Box::new(|_| Some(Reply::Stall)));
    let options = RemoteOptions {
        timeout: Duration::from_millis(300),
        retries: 0,
        ..quick()
    };
    let e = open_error(&server.url(S2), &options);
    assert_eq!(
        e,
        format!(
            "{}/zarr.json: no complete answer within the timeout of 0.3 s",
            server.url(S2)
        )
    );
}

/// A document larger than the limit is refused by its announced size, as
/// a finding about that document; the rest of the store is read.
#[test]
fn a_document_over_the_size_limit_is_a_finding() {
    let key = "measurements/reflectance/r10m/b04/zarr.json";
    let dir = unconsolidated();
    let server = Server::with_rule(
        dir.path(),
        Box::new(move |seen: &Seen| seen.target.ends_with(key).then_some(Reply::Large(17 << 20))),
    );
    let (report, _) = remote_report(&server.url("/store"), &quick()).unwrap();
    let f: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.file.as_deref() == Some(key))
        .collect();
    assert_eq!(f.len(), 1, "{:#?}", report.findings);
    assert_eq!(f[0].rule, zarr_links_model::Rule::StoreMetadata);
    assert!(f[0].message.contains("17825792 bytes"), "{}", f[0].message);
    assert!(!report.valid);
}

/// A redirect to another host (here: another port) is refused, naming
/// both URLs, unless the user allows it; one on the same origin is followed.
#[test]
fn redirects_stay_on_the_origin_unless_allowed() {
    let other = Server::serve(&suite_dir());
    let elsewhere = other.url(&format!("{S2}/zarr.json"));
    let away = Server::with_rule(
        &suite_dir(),
        Box::new(move |seen: &Seen| {
            seen.target
                .ends_with("v3/store/zarr.json")
                .then(|| Reply::Redirect(302, elsewhere.clone()))
        }),
    );
    let e = open_error(&away.url(S2), &quick());
    assert_eq!(
        e,
        format!(
            "{0}/zarr.json: redirect from {0}/zarr.json to {1}/zarr.json, on another host or port, not followed (pass --follow-redirects to follow it)",
            away.url(S2),
            other.url(S2)
        )
    );
    assert!(other.requests().is_empty());
    let allowed = RemoteOptions {
        follow_redirects: true,
        ..quick()
    };
    let (r, _) = remote_report(&away.url(S2), &allowed).unwrap();
    assert!(r.valid && r.nodes > 10, "{r:#?}");
    assert_eq!(other.requests().len(), 1);

    let moved = format!("{S2}/zarr.json");
    let same = Server::with_rule(
        &suite_dir(),
        Box::new(move |seen: &Seen| {
            (seen.target == "/moved/zarr.json").then(|| Reply::Redirect(301, moved.clone()))
        }),
    );
    let (r, _) = remote_report(&same.url("/moved"), &quick()).unwrap();
    assert!(r.nodes >= 1);
}
