//! Remote stores over S3: the conformance suite in a local S3-compatible
//! server (moto) gives the same reports as from disk; and a fake S3
//! endpoint whose listing names keys outside the store.
//!
//!     cargo test -p zarr-links-remote --test s3

mod common;

use std::sync::Once;
use std::time::Duration;

use common::moto::{Moto, KEY_ID, SECRET};
use common::server::{Reply, Seen, Server};
use zarr_links_conformance::{cases, suite_dir, Case};
use zarr_links_model::{Coverage, Rule};
use zarr_links_remote::{Remote, RemoteOptions};
use zarr_links_store::{load_with, LoadOptions, LocalStore};
use zarr_links_validator::{validate, Report};

/// The signing credentials, for every test of this binary (moto accepts
/// any). Set once, before any store is opened.
fn credentials() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var("AWS_ACCESS_KEY_ID", KEY_ID);
        std::env::set_var("AWS_SECRET_ACCESS_KEY", SECRET);
        std::env::set_var("AWS_REGION", "us-east-1");
    });
}

fn options(endpoint: &str) -> RemoteOptions {
    RemoteOptions {
        endpoint: Some(endpoint.to_string()),
        timeout: Duration::from_secs(10),
        retries: 1,
        ..RemoteOptions::default()
    }
}

fn local(case: &Case, options: LoadOptions) -> Report {
    let store = LocalStore::open(&case.store()).expect("the case opens");
    validate(&load_with(&store, options).expect("the case loads"))
}

fn without_store(mut r: Report) -> Report {
    r.store.clear();
    r
}

/// The case's key prefix in the bucket.
fn key_prefix(case: &Case) -> String {
    let store = case.store();
    let rel = store.strip_prefix(suite_dir()).expect("inside the suite");
    rel.to_string_lossy().replace('\\', "/")
}

fn has_symlink(dir: &std::path::Path) -> bool {
    std::fs::read_dir(dir).unwrap().any(|e| {
        let e = e.unwrap();
        let t = e.file_type().unwrap();
        t.is_symlink() || (t.is_dir() && has_symlink(&e.path()))
    })
}

/// Every conformance case, uploaded to moto, gives over S3 the report it
/// gives from disk: exactly, with `verify_consolidated`; and with the
/// default (consolidated metadata trusted) the report the local loader
/// gives when it trusts it too. A consolidated store costs at most two
/// requests; unsigned requests to a private bucket are refused with a hint.
#[test]
fn conformance_cases_over_s3_match_disk() {
    let Some(moto) = Moto::start() else { return };
    credentials();
    moto.create_bucket("suite");
    moto.upload("suite", "", &suite_dir());
    let options = options(&moto.endpoint());
    let mut checked = 0;
    for case in cases().unwrap() {
        if has_symlink(&case.store()) {
            continue; // S3 has no symbolic links
        }
        let url = format!("s3://suite/{}", key_prefix(&case));
        let remote = Remote::open(&url, &options).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert!(remote.listing());

        let verified = remote
            .load(remote.load_options(true), &mut |_| {})
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        let verified = validate(&verified);
        assert_eq!(verified.store, url);
        let expected = local(&case, LoadOptions::default());
        assert_eq!(
            without_store(verified),
            without_store(expected),
            "{}",
            case.name
        );

        let before = remote.requests();
        let trusted = remote
            .load(remote.load_options(false), &mut |_| {})
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        let sent = remote.requests() - before;
        let trusted = validate(&trusted);
        let expected = local(
            &case,
            LoadOptions {
                verify_consolidated: false,
                ..LoadOptions::default()
            },
        );
        if trusted.consolidated {
            assert_eq!(trusted.coverage, Coverage::Consolidated);
            assert!(sent <= 2, "{}: {sent} requests", case.name);
        } else {
            assert_eq!(trusted.coverage, Coverage::Complete);
        }
        assert_eq!(
            without_store(trusted),
            without_store(expected),
            "{}",
            case.name
        );
        checked += 1;
    }
    assert!(checked > 100, "{checked} cases");

    let anonymous = RemoteOptions {
        anonymous: true,
        ..options.clone()
    };
    let url = "s3://suite/valid/use-cases/sentinel2-l2a-v3/store";
    let remote = Remote::open(url, &anonymous).unwrap();
    let e = remote
        .load(remote.load_options(false), &mut |_| {})
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!("{url}/zarr.json: access denied (HTTP 403); the store does not allow anonymous reads: drop --anonymous and give credentials")
    );
}

const LISTING: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bucket</Name><Prefix>store/</Prefix><KeyCount>4</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><IsTruncated>false</IsTruncated><Contents><Key>store/zarr.json</Key><LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>"1"</ETag><Size>2</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>other/zarr.json</Key><LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>"2"</ETag><Size>2</Size><StorageClass>STANDARD</StorageClass></Contents><CommonPrefixes><Prefix>store/a/</Prefix></CommonPrefixes><CommonPrefixes><Prefix>secret/</Prefix></CommonPrefixes></ListBucketResult>"#;

const EMPTY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bucket</Name><Prefix>store/a/</Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><IsTruncated>false</IsTruncated></ListBucketResult>"#;

// rule: links.reader.confined
/// An S3 listing that names keys outside the store (as a broken or hostile
/// server may) is reported, and those keys are never read.
#[test]
fn a_listing_with_keys_outside_the_store_is_reported_and_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("bucket/store");
    std::fs::create_dir_all(root.join("a")).unwrap();
    std::fs::create_dir_all(dir.path().join("bucket/secret")).unwrap();
    let group = r#"{"zarr_format": 3, "node_type": "group", "attributes": {}}"#;
    std::fs::write(root.join("zarr.json"), group).unwrap();
    std::fs::write(root.join("a/zarr.json"), group).unwrap();
    std::fs::write(dir.path().join("bucket/secret/zarr.json"), group).unwrap();
    let server = Server::with_rule(
        dir.path(),
        Box::new(|seen: &Seen| {
            if !seen.target.contains("list-type=2") {
                return None;
            }
            let xml = if seen.target.contains("prefix=store%2Fa%2F") {
                EMPTY
            } else {
                LISTING
            };
            Some(Reply::Body(xml.as_bytes().to_vec(), "application/xml"))
        }),
    );
    let options = RemoteOptions {
        anonymous: true,
        retries: 0,
        ..options(&server.url(""))
    };
    let remote = Remote::open("s3://bucket/store", &options).unwrap();
    let h = remote
        .load(remote.load_options(false), &mut |_| {})
        .unwrap();
    let paths: Vec<&str> = h.nodes().iter().map(|n| n.path.as_str()).collect();
    assert_eq!(paths, ["/", "/a"]);
    let report = validate(&h);
    let messages: Vec<(Rule, &str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.rule, f.node.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                Rule::StoreLayout,
                "/",
                "listing this directory returned \"other/zarr.json\", which is not an entry of it; expected only keys under s3://bucket/store, so it was not read"
            ),
            (
                Rule::StoreLayout,
                "/",
                "listing this directory returned \"secret\", which is not an entry of it; expected only keys under s3://bucket/store, so it was not read"
            ),
        ]
    );
    for seen in server.requests() {
        let path = seen.target.split('?').next().unwrap();
        assert!(
            path == "/bucket" || path.starts_with("/bucket/store/"),
            "read outside the store: {seen:?}"
        );
    }
}
