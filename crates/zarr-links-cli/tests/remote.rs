//! The command line on remote stores: the Sentinel-2 use case read from
//! disk, over HTTP and over S3 (moto) gives the same report; a batch of the
//! whole conformance suite; `index --write` refuses a URL;
//! `--check-external`. The servers are started by the tests on 127.0.0.1.
//!
//!     cargo test -p zarr-links-cli --test remote

#![cfg(feature = "remote")]

#[path = "../../zarr-links-remote/tests/common/moto.rs"]
mod moto;
#[path = "../../zarr-links-remote/tests/common/server.rs"]
mod server;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use server::{Reply, Seen, Server};

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../conformance")
}

const S2: &str = "valid/use-cases/sentinel2-l2a-v3/store";

/// Runs `zarr-links` with `args`, `stdin` as standard input and the S3
/// test credentials in the environment.
fn zarr_links(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zarr-links"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("AWS_ACCESS_KEY_ID", moto::KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", moto::SECRET)
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    out
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A JSON report without the members that name where it was read from
/// and how much of it (`store`, `coverage`).
fn content(mut report: Value) -> Value {
    let o = report.as_object_mut().unwrap();
    o.remove("store");
    o.remove("coverage");
    report
}

/// The Sentinel-2 store gives one report from disk, over HTTP and over S3.
/// With consolidated metadata, HTTP and S3 trust it (at most two requests)
/// and S3 with `--verify-consolidated` reads everything as the local check
/// does; without it, HTTP is a partial check whose findings are all local
/// findings, and S3 (which can list) is the full check.
#[test]
fn sentinel2_gives_the_same_report_from_disk_http_and_s3() {
    let local_path = suite().join(S2);
    let local = zarr_links(
        &["validate", "--format", "json", local_path.to_str().unwrap()],
        "",
    );
    assert_eq!(local.status.code(), Some(0));
    let local = json(&local);

    let http = Server::serve(&suite());
    let url = http.url(&format!("/{S2}"));
    let over_http = zarr_links(&["validate", "--format", "json", &url], "");
    assert_eq!(over_http.status.code(), Some(0));
    let over_http = json(&over_http);
    assert_eq!(over_http["store"], url.as_str());
    if local["consolidated"] == true {
        assert_eq!(content(over_http.clone()), content(local.clone()));
        assert_eq!(over_http["coverage"], "consolidated");
        assert!(http.requests().len() <= 2, "{:?}", http.requests());
    } else {
        assert_eq!(over_http["coverage"], "reached");
        assert_eq!(over_http["valid"], local["valid"]);
        assert!(over_http["nodes"].as_u64() <= local["nodes"].as_u64());
        let all = local["findings"].as_array().unwrap();
        for f in over_http["findings"].as_array().unwrap() {
            assert!(all.contains(f), "{f} is not a local finding");
        }
        let text = zarr_links(&["validate", &url], "");
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(
            text.contains("partial check") && text.contains("valid for the nodes reached"),
            "{text}"
        );
    }

    let Some(moto) = moto::Moto::start() else {
        return;
    };
    moto.create_bucket("sentinel");
    moto.upload("sentinel", "store", &local_path);
    let endpoint = moto.endpoint();
    let s3 = "s3://sentinel/store";
    for extra in [&[][..], &["--verify-consolidated"][..]] {
        let mut args = vec!["validate", "--format", "json", "--endpoint-url", &endpoint];
        args.extend_from_slice(extra);
        args.push(s3);
        let out = zarr_links(&args, "");
        assert_eq!(out.status.code(), Some(0), "{extra:?}");
        let over_s3 = json(&out);
        assert_eq!(over_s3["store"], s3);
        assert_eq!(
            content(over_s3.clone()),
            content(local.clone()),
            "{extra:?}"
        );
        let expected = if local["consolidated"] == true && extra.is_empty() {
            "consolidated"
        } else {
            "complete"
        };
        assert_eq!(over_s3["coverage"], expected, "{extra:?}");
    }
    // The text report too, line for line but the store's name and the
    // coverage note.
    let local_text = zarr_links(&["validate", local_path.to_str().unwrap()], "");
    let s3_text = zarr_links(
        &[
            "validate",
            "--verify-consolidated",
            "--endpoint-url",
            &endpoint,
            s3,
        ],
        "",
    );
    assert_eq!(
        String::from_utf8_lossy(&s3_text.stdout).replace(s3, "STORE"),
        String::from_utf8_lossy(&local_text.stdout).replace(local_path.to_str().unwrap(), "STORE")
    );
}

/// The whole conformance suite, read from a list on standard input: one
/// line per store in the order given, with the case's verdict, and a
/// correct summary; exit 1 (the worst: invalid). JSON Lines likewise.
#[test]
fn a_batch_of_the_conformance_suite_from_a_list() {
    let cases = zarr_links_conformance_cases();
    let list: String = cases
        .iter()
        .map(|(store, _)| format!("{}\n", store.display()))
        .collect();
    let out = zarr_links(&["validate", "-"], &format!("# the suite\n\n{list}"));
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), cases.len() + 2, "{stdout}");
    for ((store, valid), line) in cases.iter().zip(&lines) {
        let verdict = if *valid { "valid " } else { "invalid " };
        assert!(
            line.starts_with(verdict) && line.contains(&format!(" {}: ", store.display())),
            "{line}"
        );
    }
    let valid = cases.iter().filter(|(_, v)| *v).count();
    assert_eq!(
        lines[cases.len() + 1],
        format!(
            "{} stores: {valid} valid, {} invalid, 0 could not be read",
            cases.len(),
            cases.len() - valid
        )
    );
    assert!(out.stderr.is_empty(), "no progress off a terminal");

    let out = zarr_links(&["validate", "--format", "json", "-"], &list);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let reports: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), cases.len());
    for ((store, valid), r) in cases.iter().zip(&reports) {
        assert_eq!(r["store"], store.to_str().unwrap());
        assert_eq!(r["valid"], *valid);
    }
}

/// Every case's store and its expected verdict, from its case.json.
fn zarr_links_conformance_cases() -> Vec<(PathBuf, bool)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, bool)>) {
        let case = dir.join("case.json");
        if case.is_file() {
            let v: Value = serde_json::from_slice(&std::fs::read(case).unwrap()).unwrap();
            out.push((dir.join("store"), v["valid"] == true));
            return;
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        entries.sort();
        for e in entries {
            walk(&e, out);
        }
    }
    let mut out = Vec::new();
    for verdict in ["valid", "invalid"] {
        walk(&suite().join(verdict), &mut out);
    }
    assert!(out.len() > 100);
    out
}

/// A batch mixing a local store, a remote one and stores that cannot be
/// read: every store gets its line, and the exit status is the worst (2).
#[test]
fn a_mixed_batch_reports_every_store_and_exits_with_the_worst() {
    let http = Server::serve(&suite());
    let remote = http.url("/valid/use-cases/sentinel2-l2a-v2/store");
    let local = suite().join("valid/use-cases/climate-model-v3/store");
    let missing = http.url("/valid/nothing");
    let out = zarr_links(
        &[
            "validate",
            local.to_str().unwrap(),
            &remote,
            &missing,
            "file://relative/path",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let nodes = |store: &Path| {
        let out = zarr_links(
            &["validate", "--format", "json", store.to_str().unwrap()],
            "",
        );
        json(&out)["nodes"].clone()
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "valid      {}: 0 errors, 0 warnings in {} nodes",
            local.display(),
            nodes(&local)
        )
    );
    assert_eq!(
        lines[1],
        format!(
            "valid      {remote}: 0 errors, 0 warnings in {} nodes",
            nodes(&suite().join("valid/use-cases/sentinel2-l2a-v2/store"))
        )
    );
    assert!(
        lines[2].starts_with(&format!(
            "unreadable {missing}: no Zarr metadata at the root"
        )),
        "{}",
        lines[2]
    );
    assert!(
        lines[3]
            .starts_with("unreadable file://relative/path: a file URL names a local absolute path"),
        "{}",
        lines[3]
    );
    assert_eq!(
        lines[5],
        "4 stores: 2 valid, 0 invalid, 2 could not be read"
    );
}

#[test]
fn index_write_refuses_a_remote_store() {
    let http = Server::serve(&suite());
    let url = http.url(&format!("/{S2}"));
    let out = zarr_links(&["index", "--write", &url], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("zarr-links index: {url}: --write is not supported for remote stores; write the index into a local copy of the store\n")
    );
    assert!(http.requests().is_empty());
    // Without --write, the index is computed from what was read.
    let out = zarr_links(
        &[
            "index",
            &http.url("/valid/use-cases/sentinel2-l2a-v2/store"),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(json(&out).is_object());
}

/// `export` reads a remote store too: over HTTP, with no --base-url, the
/// node URLs are built on the store's own URL, and the record is the one
/// the local store gives with that URL as --base-url.
#[test]
fn export_of_a_remote_store_uses_its_url() {
    let http = Server::serve(&suite());
    let url = http.url(&format!("/{S2}"));
    let remote = zarr_links(&["export", &url], "");
    assert_eq!(
        remote.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&remote.stderr)
    );
    let local_path = suite().join(S2);
    let local = zarr_links(
        &["export", local_path.to_str().unwrap(), "--base-url", &url],
        "",
    );
    assert_eq!(local.status.code(), Some(0));
    let remote = json(&remote);
    assert_eq!(remote, json(&local));
    let href = remote["assets"]["/"]["href"].as_str().unwrap();
    assert!(href.starts_with(&url), "{href}");
    assert!(http.requests().len() <= 2, "{:?}", http.requests());
}

/// A remote store that cannot be reached is exit 2 with a message naming
/// the URL, for every read command.
#[test]
fn an_unreachable_remote_store_is_exit_2_naming_the_url() {
    let http = Server::with_rule(&suite(), Box::new(|_| Some(Reply::Status(403))));
    let url = http.url(&format!("/{S2}"));
    for args in [
        vec!["validate", url.as_str()],
        vec!["graph", url.as_str()],
        vec!["related", url.as_str(), "/indices/ndvi"],
        vec!["index", url.as_str()],
    ] {
        let out = zarr_links(&args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!(
                "zarr-links {}: {url}/zarr.json: access denied (HTTP 403)\n",
                args[0]
            )
        );
    }
}

/// `--check-external`: a link to a page that is gone is a warning (the
/// store stays valid), in `validate` and in `related`.
#[test]
fn check_external_reports_targets_that_do_not_answer() {
    let http = Server::with_rule(
        &suite(),
        Box::new(|seen: &Seen| (seen.target == "/gone").then_some(Reply::Status(404))),
    );
    let dir = tempfile::tempdir().unwrap();
    let gone = http.url("/gone");
    let node = format!("{}#/indices/ndvi", http.url(&format!("/{S2}")));
    let root = serde_json::json!({
        "zarr_format": 3,
        "node_type": "group",
        "attributes": {
            "zarr_conventions": [{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b"}],
            "links:index": {},
            "links:relationships": [
                {"target": gone, "type": "describedby"},
                {"target": node, "type": "derived_from"}
            ]
        }
    });
    std::fs::write(dir.path().join("zarr.json"), root.to_string()).unwrap();
    let store = dir.path().to_str().unwrap();

    let out = zarr_links(&["validate", "--format", "json", store], "");
    assert_eq!(json(&out)["warnings"], 0);
    assert!(
        http.requests().is_empty(),
        "nothing fetched without the flag"
    );

    let out = zarr_links(
        &["validate", "--check-external", "--format", "json", store],
        "",
    );
    assert_eq!(out.status.code(), Some(0));
    let report = json(&out);
    assert_eq!(report["warnings"], 1);
    assert_eq!(report["findings"][0]["rule"], "links.target.reachable");
    assert_eq!(
        report["findings"][0]["message"],
        format!("external target {gone:?} cannot be reached: HTTP 404 Not Found; expected it to answer (checked on request)")
    );

    let out = zarr_links(&["related", "--check-external", store, "/"], "");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "{gone}  (external; does not answer: HTTP 404 Not Found)"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "{node}  (external; answers: node found (indices/ndvi/zarr.json))"
        )),
        "{stdout}"
    );
    let out = zarr_links(
        &[
            "related",
            "--check-external",
            "--format",
            "json",
            store,
            "/",
        ],
        "",
    );
    let rows = json(&out);
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["target"] == gone.as_str())
        .unwrap();
    assert_eq!(row["reachable"], false);
    assert_eq!(row["reach"], "HTTP 404 Not Found");
}
