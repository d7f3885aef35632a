//! Checking external targets on request (`--check-external`), against a
//! server these tests start on 127.0.0.1.
//!
//!     cargo test -p zarr-links-remote --test external

mod common;

use std::path::Path;
use std::time::Duration;

use common::server::{Reply, Seen, Server};
use serde_json::json;
use zarr_links_conformance::suite_dir;
use zarr_links_model::{Rule, Severity};
use zarr_links_remote::{check_external, Reach, RemoteOptions};
use zarr_links_store::{load, LocalStore};
use zarr_links_validator::validate;

/// A v3 store whose root links to `targets` (all `describedby`).
fn store_linking_to(dir: &Path, targets: &[String]) {
    let links: Vec<_> = targets
        .iter()
        .map(|t| json!({"target": t, "type": "describedby"}))
        .collect();
    let root = json!({
        "zarr_format": 3,
        "node_type": "group",
        "attributes": {
            "zarr_conventions": [{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b"}],
            "links:index": {},
            "links:relationships": links
        }
    });
    std::fs::write(dir.join("zarr.json"), root.to_string()).unwrap();
}

fn options() -> RemoteOptions {
    RemoteOptions {
        timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        retries: 0,
        ..RemoteOptions::default()
    }
}

// rule: links.target.reachable
/// Each target that does not answer is a warning naming the status or the
/// reason, at the link's `target`; targets that answer, and schemes that
/// are not fetched, give none; a node of another store is looked up in
/// that store, which is opened once for all the targets that name it.
#[test]
fn unreachable_targets_are_warnings_with_the_reason() {
    let server = Server::with_rule(
        &suite_dir(),
        Box::new(|seen: &Seen| match seen.target.as_str() {
            "/doc.html" => Some(Reply::Body(b"<p>doc</p>".to_vec(), "text/html")),
            "/moved" => Some(Reply::Redirect(302, "https://example.org/".to_string())),
            "/no-head" if seen.method == "HEAD" => Some(Reply::Status(405)),
            "/no-head" => Some(Reply::Body(b"ok".to_vec(), "text/plain")),
            "/gone" => Some(Reply::Status(404)),
            _ => None,
        }),
    );
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let s2 = server.url("/valid/use-cases/sentinel2-l2a-v3/store");
    let targets = [
        server.url("/doc.html"),
        server.url("/moved"),
        server.url("/no-head"),
        server.url("/gone#section"),
        format!("{s2}#/measurements/reflectance/r10m/b04"),
        format!("{s2}#/measurements/reflectance/r10m/b99"),
        format!("http://127.0.0.1:{refused}/x"),
        "mailto:someone@example.org".to_string(),
    ];
    let dir = tempfile::tempdir().unwrap();
    store_linking_to(dir.path(), &targets);
    let h = load(&LocalStore::open(dir.path()).unwrap()).unwrap();
    let mut report = validate(&h);
    assert!(report.valid && report.findings.is_empty(), "{report:#?}");

    let check = check_external(&h, &options());
    let reach = |t: &str| check.targets[t].clone();
    assert_eq!(reach(&targets[0]), Reach::Reachable("HTTP 200 OK".into()));
    assert_eq!(
        reach(&targets[1]),
        Reach::Reachable("HTTP 302 Found, to https://example.org/".into())
    );
    assert_eq!(reach(&targets[2]), Reach::Reachable("HTTP 200 OK".into()));
    assert_eq!(
        reach(&targets[3]),
        Reach::Unreachable("HTTP 404 Not Found".into())
    );
    assert_eq!(
        reach(&targets[4]),
        Reach::Reachable("node found (measurements/reflectance/r10m/b04/zarr.json)".into())
    );
    assert_eq!(
        reach(&targets[5]),
        Reach::Unreachable(
            "the store has no node /measurements/reflectance/r10m/b99 (none of measurements/reflectance/r10m/b99/zarr.json, measurements/reflectance/r10m/b99/.zgroup, measurements/reflectance/r10m/b99/.zarray exists)".into()
        )
    );
    match reach(&targets[6]) {
        Reach::Unreachable(why) => assert!(why.starts_with("cannot connect"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        reach(&targets[7]),
        Reach::NotChecked("`mailto:` targets are not fetched".into())
    );
    assert_eq!((check.unreachable(), check.not_checked()), (3, 1));

    // The redirect to another host was not followed; the other store was
    // asked only for the nodes' documents.
    let log = server.requests();
    assert!(log.iter().all(|s| !s.target.contains("example.org")));
    let in_store: Vec<&str> = log
        .iter()
        .filter(|s| s.target.starts_with("/valid/"))
        .map(|s| s.target.as_str())
        .collect();
    assert_eq!(in_store.len(), 4, "{in_store:?}");

    report.add_findings(check.findings);
    assert!(report.valid);
    let found: Vec<(Rule, Severity, &str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.rule, f.severity, f.pointer.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found
        .iter()
        .all(|(r, s, _, _)| *r == Rule::TargetReachable && *s == Severity::Warning));
    assert_eq!(found[0].2, "/attributes/links:relationships/3/target");
    assert_eq!(
        found[0].3,
        format!(
            "external target {:?} cannot be reached: HTTP 404 Not Found; expected it to answer (checked on request)",
            targets[3]
        )
    );
}

// rule: links.reader.no-fetch
/// Validating a remote store reads only the store: its external targets,
/// on the same server, are never requested.
#[test]
fn validating_a_remote_store_does_not_fetch_its_targets() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    std::fs::create_dir(&store).unwrap();
    let server = Server::serve(dir.path());
    let targets = [
        server.url("/doc.html"),
        server.url("/other.zarr#/b04"),
        "s3://bucket/x.zarr#/b04".to_string(),
    ];
    store_linking_to(&store, &targets);
    let remote = zarr_links_remote::Remote::open(&server.url("/store"), &options()).unwrap();
    let h = remote
        .load(remote.load_options(false), &mut |_| {})
        .unwrap();
    assert!(validate(&h).valid);
    let log: Vec<String> = server.requests().into_iter().map(|s| s.target).collect();
    assert_eq!(log, ["/store/zarr.json"]);
}
