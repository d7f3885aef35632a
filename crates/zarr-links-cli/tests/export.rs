//! `zarr-links export`: snapshots of both outputs for the use-case stores,
//! the book's example exports, and the command's options and refusals.
//! The round-trip property (every link once, mapped as the crosswalk says)
//! is tested on every conformance store in the `zarr-links-export` crate.

use serde_json::Value;

mod common;
use common::{json_output, repo_root, store, zarr_links};

const STORES: [&str; 4] = [
    "sentinel2-l2a-v3",
    "sentinel2-l2a-v2",
    "climate-model-v3",
    "climate-model-v2",
];

const BASE: &str = "https://example.org/products/store.zarr";

fn stdout_of(args: &[&str]) -> String {
    let out = zarr_links(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// `zarr-links export` of a use-case store with `--base-url BASE` and `args`.
fn export_of(name: &str, args: &[&str]) -> String {
    let s = store(name);
    let mut all = vec!["export", s.to_str().unwrap(), "--base-url", BASE];
    all.extend_from_slice(args);
    stdout_of(&all)
}

#[test]
fn stac_items_of_the_use_cases() {
    for name in STORES {
        let item = ["--item", "--id", name, "--datetime", "2025-01-13T10:33:09Z"];
        let text = export_of(name, &item);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["type"], "Feature", "{name}");
        let version = if name.ends_with("v2") { "2" } else { "3" };
        assert_eq!(
            v["assets"]["/"]["type"],
            format!("application/vnd.zarr; version={version}"),
            "{name}"
        );
        insta::assert_snapshot!(format!("stac_item_{name}"), text);
    }
}

#[test]
fn atom_feeds_of_the_use_cases() {
    for name in STORES {
        let feed = ["--format", "atom", "--updated", "2025-01-13T12:00:00Z"];
        let text = export_of(
            name,
            &[&feed[..], &["--author", "zarr-links tests"]].concat(),
        );
        assert!(text.starts_with("<?xml"), "{name}");
        insta::assert_snapshot!(format!("atom_{name}"), text);
    }
}

/// The book's example exports (`spec/examples/`, written by `cargo xtask
/// book`) are what the command prints with the options the book states.
#[test]
fn the_books_examples_are_the_commands_output() {
    let root = repo_root();
    let case = root.join("conformance/valid/relationships/external_links/store");
    let climate = store("climate-model-v3");
    let base = "https://example.org/products/S2B_MSIL2A_20250113.zarr";
    for (file, args) in [
        (
            "spec/examples/external-links.stac.json",
            vec![
                "export",
                case.to_str().unwrap(),
                "--base-url",
                base,
                "--item",
                "--id",
                "S2B_MSIL2A_20250113_T32TLQ",
                "--datetime",
                "2025-01-13T10:33:09Z",
            ],
        ),
        (
            "spec/examples/external-links.atom.xml",
            vec![
                "export",
                case.to_str().unwrap(),
                "--format",
                "atom",
                "--base-url",
                base,
                "--updated",
                "2025-01-13T12:00:00Z",
                "--author",
                "Example Producer",
            ],
        ),
        (
            "spec/examples/climate-model.stac.json",
            vec!["export", climate.to_str().unwrap(), "--base-url", base],
        ),
    ] {
        let want = std::fs::read_to_string(root.join(file)).expect("the example exists");
        assert_eq!(
            stdout_of(&args),
            want,
            "{file} differs from the command's output; run `cargo xtask book`"
        );
    }
}

#[test]
fn default_base_url_is_the_stores_file_url() {
    let s = store("climate-model-v3");
    let v = json_output(&["export", s.to_str().unwrap()]);
    let href = v["assets"]["/"]["href"].as_str().unwrap();
    assert!(href.starts_with("file:///"), "{href}");
    assert!(href.ends_with("/climate-model-v3/store"), "{href}");
    assert_eq!(
        v["assets"]["/temperature"]["href"],
        format!("{href}/temperature")
    );
}

#[test]
fn bbox_and_interval() {
    let s = store("climate-model-v3");
    let v = json_output(&[
        "export",
        s.to_str().unwrap(),
        "--item",
        "--id",
        "x",
        "--datetime",
        "2014-01-01T00:00:00+01:00/2014-12-31T23:59:59Z",
        "--bbox",
        "-180,-90,180,90",
    ]);
    assert_eq!(v["bbox"], serde_json::json!([-180.0, -90.0, 180.0, 90.0]));
    assert_eq!(v["geometry"]["type"], "Polygon");
    assert_eq!(v["properties"]["datetime"], Value::Null);
    assert_eq!(v["properties"]["start_datetime"], "2013-12-31T23:00:00Z");
    assert_eq!(v["properties"]["end_datetime"], "2014-12-31T23:59:59Z");
}

#[test]
fn output_file_is_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("item.json");
    let s = store("climate-model-v3");
    let args = |extra: &[&str]| {
        let mut a = vec![
            "export",
            s.to_str().unwrap(),
            "--base-url",
            BASE,
            "-o",
            file.to_str().unwrap(),
        ];
        a.extend_from_slice(extra);
        zarr_links(&a)
    };
    let first = args(&[]);
    assert!(first.status.success());
    assert!(first.stdout.is_empty());
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("\"assets\""));
    std::fs::write(&file, "keep me").unwrap();
    let again = args(&[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    let forced = args(&["--force"]);
    assert!(forced.status.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), written);
}

#[test]
fn refusals_exit_with_2() {
    let s = store("climate-model-v3");
    let s = s.to_str().unwrap();
    // `export STORE` followed by the words of one argument line.
    let line = |words: &'static str| {
        let mut v = vec!["export", s];
        v.extend(words.split(' '));
        v
    };
    for (args, says) in [
        (line("--updated 2025-01-13T12:00:00Z"), "--format atom"),
        (
            line("--format atom --item --id x --datetime 2025-01-13T00:00:00Z"),
            "--format stac",
        ),
        (line("--item --id x"), "--datetime"),
        (line("--id x"), "--item"),
        (
            vec![
                "export",
                s,
                "--item",
                "--id",
                "",
                "--datetime",
                "2025-01-13T00:00:00Z",
            ],
            "cannot be empty",
        ),
        (line("--base-url store.zarr"), "absolute URI"),
        (line("--item --id x --datetime 2025-01-13"), "RFC 3339"),
        (
            line("--item --id x --datetime 2025-01-13T00:00:00Z --bbox 1,2,3"),
            "W,S,E,N",
        ),
        (line("--force"), "--output"),
        (vec!["export", "/no/such/store"], "/no/such/store"),
    ] {
        let out = zarr_links(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn help_documents_every_flag() {
    let help = stdout_of(&["export", "--help"]);
    for flag in [
        "--format",
        "--base-url",
        "--item",
        "--id",
        "--datetime",
        "--bbox",
        "--updated",
        "--author",
        "--title",
        "--output",
        "--force",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
    assert!(help.contains("zarr_links:notes"), "{help}");
}
