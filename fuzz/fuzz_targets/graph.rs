//! The link graph, its queries and its drawings, on hierarchies built
//! straight from the input (no JSON text in between, so that every input
//! is a store full of links): dense cycles, conflicting inverses, missing
//! and external targets, hostile node names, broken link objects. The
//! validator runs on the same hierarchy.

#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};
use zarr_links_fuzz::checks;
use zarr_links_graph::LinkGraph;
use zarr_links_model::{Hierarchy, Node, NodeKind, NodePath, ZarrFormat, CONVENTION_UUID};

/// Node names, some of them hostile to the drawings.
const NAMES: &[&str] = &[
    "a",
    "b",
    "B",
    "b04",
    "r10m",
    "é",
    "x y",
    "\"q\"",
    "#1",
    "a|b",
    "<&>",
    "{}",
    "\\",
    "\u{202e}rtl",
    "tab\there",
    "nl\nx",
    "%",
    "[[x]]",
    "(y)",
    "-->",
    "end",
    "subgraph",
    ";",
    "\u{7f}",
];

const TYPES: &[&str] = &[
    "derived_from",
    "quality_for",
    "same_as",
    "part_of",
    "contains",
    "derived_from",
    "part_of",
    "contains",
    "describedby",
    "DescribedBy",
    "alternate",
    "https://example.org/rels/x",
    "quality-for",
    "bogus",
    "",
    "urn:x",
];

const EXTERNAL: &[&str] = &[
    "https://example.org/x",
    "s3://bucket/other.zarr#/a/b",
    "s3://bucket/other.zarr",
    "s3://bucket/other.zarr#/",
    "urn:x:y",
    "https://h/#/\"q\"",
    "https://h/a b",
];

const ODD: &[&str] = &[
    "a/b", "/a/../b", "/a//b", "", "/", "./a", "/a/", "/..", "b04",
];

const MEDIA: &[&str] = &[
    "text/html",
    "application/json; charset=utf-8",
    "bad type",
    "a/b/c",
];

fn text(u: &mut Unstructured) -> Result<String> {
    let n = u.int_in_range(0..=6)?;
    let bytes = u.bytes(n)?;
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

fn name(u: &mut Unstructured) -> Result<String> {
    Ok(if u.ratio(1, 6)? {
        let t = text(u)?;
        if t.is_empty() || t == "." || t == ".." || t.contains('/') {
            "z".to_string()
        } else {
            t
        }
    } else {
        u.choose(NAMES)?.to_string()
    })
}

fn target(u: &mut Unstructured, own: &str, paths: &[String]) -> Result<Value> {
    Ok(Value::String(match u.int_in_range(0..=11)? {
        0..=5 => u.choose(paths)?.clone(),
        6 => {
            let parent = u.choose(paths)?;
            NodePath::parse(parent)
                .map(|p| p.child(&format!("{}x", name(u).unwrap_or_default())))
                .map_or_else(|_| "/missing".to_string(), |p| p.as_str().to_string())
        }
        7 => u.choose(EXTERNAL)?.to_string(),
        8 => u.choose(ODD)?.to_string(),
        9 => text(u)?,
        10 => own.to_string(),
        _ => return Ok(json!(u.int_in_range(0..=9)?)),
    }))
}

fn link(u: &mut Unstructured, own: &str, paths: &[String]) -> Result<Value> {
    if u.ratio(1, 20)? {
        return Ok(json!(["not", "an", "object"]));
    }
    let mut l = Map::new();
    if !u.ratio(1, 30)? {
        l.insert("target".into(), target(u, own, paths)?);
    }
    if !u.ratio(1, 30)? {
        let t = if u.ratio(1, 10)? {
            text(u)?
        } else {
            u.choose(TYPES)?.to_string()
        };
        l.insert("type".into(), Value::String(t));
    }
    if u.ratio(1, 8)? {
        l.insert("description".into(), Value::String(text(u)?));
    }
    if u.ratio(1, 8)? {
        l.insert("media_type".into(), json!(u.choose(MEDIA)?));
    }
    if u.ratio(1, 10)? {
        l.insert(
            u.choose(&["foo", "x:ext", "title", "role"])?.to_string(),
            json!(1),
        );
    }
    Ok(Value::Object(l))
}

fn attributes(u: &mut Unstructured, own: &str, paths: &[String]) -> Result<Value> {
    let mut a = Map::new();
    match u.int_in_range(0..=9)? {
        0 => {}
        1 => {
            a.insert("zarr_conventions".into(), json!([CONVENTION_UUID]));
        }
        2 => {
            a.insert("zarr_conventions".into(), json!([{"name": "links:"}]));
        }
        _ => {
            a.insert(
                "zarr_conventions".into(),
                json!([{"uuid": CONVENTION_UUID, "name": "links:"}]),
            );
        }
    }
    let links = u.int_in_range(0..=5)?;
    if links > 0 {
        let list = (0..links)
            .map(|_| link(u, own, paths))
            .collect::<Result<Vec<_>>>()?;
        a.insert("links:relationships".into(), Value::Array(list));
    }
    if u.ratio(1, 4)? {
        let mut index = Map::new();
        for _ in 0..u.int_in_range(0..=3)? {
            let entries = (0..u.int_in_range(0..=3)?)
                .map(|_| target(u, own, paths))
                .collect::<Result<Vec<_>>>()?;
            index.insert(name(u)?, Value::Array(entries));
        }
        a.insert("links:index".into(), Value::Object(index));
    }
    if u.ratio(1, 20)? {
        a.insert("links:unknown".into(), json!(true));
    }
    Ok(Value::Object(a))
}

fn hierarchy(u: &mut Unstructured) -> Result<Hierarchy> {
    let mut paths = vec!["/".to_string()];
    let mut kinds = vec![if u.ratio(1, 16)? {
        NodeKind::Array
    } else {
        NodeKind::Group
    }];
    for _ in 0..u.int_in_range(0..=14)? {
        let parent = NodePath::parse(u.choose(&paths)?).expect("a valid path");
        paths.push(parent.child(&name(u)?).as_str().to_string());
        kinds.push(if u.ratio(1, 2)? {
            NodeKind::Array
        } else {
            NodeKind::Group
        });
    }
    // A node whose document exists but could not be read.
    let unreadable = if u.ratio(1, 8)? {
        Some(u.choose_index(paths.len())?)
    } else {
        None
    };
    let mut nodes = Vec::new();
    for (i, (path, kind)) in paths.iter().zip(&kinds).enumerate() {
        if unreadable == Some(i) {
            continue;
        }
        nodes.push(Node::v3(path, *kind, attributes(u, path, &paths)?));
    }
    let mut h = Hierarchy::new("fuzz".to_string(), ZarrFormat::V3, false, nodes);
    if let Some(i) = unreadable {
        h.unreadable
            .insert(NodePath::parse(&paths[i]).expect("a valid path"));
    }
    Ok(h)
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(h) = hierarchy(&mut u) else {
        return;
    };
    let title = text(&mut u).unwrap_or_default();
    let graph = LinkGraph::build(&h);
    checks::graph(&graph, &title);
    let report = zarr_links_validator::validate(&h);
    checks::report(&report, &h);
});
