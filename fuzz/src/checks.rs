//! Properties shared by the targets that build a link graph or a report:
//! every query and drawing the command line uses is run, and what can be
//! checked cheaply is checked.

use std::collections::HashSet;

use zarr_links_graph::{render, Direction, Family, LinkGraph, NodeId};
use zarr_links_model::{CoreRelation, Hierarchy, RelationType, Rule, Severity, Topic};
use zarr_links_validator::Report;

/// A report agrees with itself: the verdict with the counts, the counts
/// with the findings, which are sorted and given once.
pub fn report(report: &Report, hierarchy: &Hierarchy) {
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    assert_eq!(report.errors, errors);
    assert_eq!(report.warnings, report.findings.len() - errors);
    assert_eq!(report.valid, errors == 0);
    assert_eq!(report.nodes, hierarchy.nodes().len());
    for w in report.findings.windows(2) {
        assert!(
            w[0].sort_key() < w[1].sort_key() || w[0] != w[1],
            "findings are sorted and given once: {:?}",
            w
        );
        assert!(w[0].sort_key() <= w[1].sort_key(), "findings are sorted");
    }
    for f in &report.findings {
        assert_eq!(f.severity, f.rule.severity(), "{f:?}");
        assert!(!f.message.is_empty(), "{f:?}");
    }
    serde_json::to_string(report).expect("a report serialises");
}

/// Every question the command line asks a graph, with the properties of
/// the answers; then every drawing.
pub fn graph(g: &LinkGraph, title: &str) {
    let h = g.hierarchy();
    for family in [Family::DerivedFrom, Family::PartOf] {
        cycles(g, family);
    }
    for (a, b) in g.contains_conflicts() {
        let (ea, eb) = (g.edge(a), g.edge(b));
        assert_eq!((ea.source, ea.target), (eb.target, eb.source));
    }
    let computed = g.computed_index();
    // The root's present index, read as `zarr-links index` reads it.
    let current = h
        .root()
        .and_then(|r| r.links.as_deref())
        .and_then(|v| v.index_json());
    let current = current.as_ref();
    let plan = g.merged_index(current, false);
    // Written categories are kept as they are, computed ones only added.
    let names: Vec<&String> = plan.index.keys().collect();
    let listed: Vec<&String> = plan.kept.iter().chain(&plan.added).collect();
    assert_eq!(names, listed, "kept categories first, then added ones");
    for name in &plan.kept {
        assert_eq!(plan.index.get(name), current.and_then(|c| c.get(name)));
    }
    for name in &plan.added {
        assert_eq!(plan.index.get(name), computed.0.get(name));
        assert!(current.is_none_or(|c| !c.contains_key(name)));
    }
    let mut seen: Vec<&String> = plan.added.iter().collect();
    seen.extend(plan.not_added.iter().map(|n| &n.name));
    seen.sort();
    let mut wanted: Vec<&String> = computed.0.keys().collect();
    wanted.sort();
    assert_eq!(seen, wanted, "each computed category is added or not");
    let replaced = g.merged_index(current, true);
    assert!(replaced.kept.is_empty() && replaced.not_added.is_empty());
    assert_eq!(
        serde_json::to_string(&replaced.index).unwrap(),
        serde_json::to_string(&computed.0).unwrap()
    );
    let derived_from = RelationType::of_core(CoreRelation::DerivedFrom);
    for (id, node) in g.nodes().take(64) {
        assert_eq!(g.find(node.name), Some(id), "{:?}", node.name);
        for direction in [Direction::Out, Direction::In, Direction::Both] {
            let rows = g.related(id, direction, None);
            for r in &rows {
                let (s, t) = (r.edge.source, r.edge.target);
                // A `quality_for` link to an enclosing group applies `via` it.
                assert!(s == id || t == id || r.via == Some(t));
                assert!(r.other == s || r.other == t);
            }
            render::related_json(g, &rows);
            g.related(id, direction, Some(&derived_from));
        }
        let mut seen = HashSet::new();
        for step in g.lineage(id) {
            assert!(step.depth >= 1 && step.node != id && seen.insert(step.node));
        }
        for layer in g.quality_layers(id) {
            assert_eq!(layer.inherited, layer.target != id);
        }
        g.index_of(id).count();
        let asked = node.name.to_uppercase();
        for s in g.suggest(&asked, 3) {
            assert_ne!(g.name(s), asked, "the input itself is never suggested");
        }
    }
    for c in g.categories() {
        g.category_members(&c.name);
    }
    drawings(g, title);
}

fn cycles(g: &LinkGraph, family: Family) {
    let mut used: HashSet<NodeId> = HashSet::new();
    for c in g.cycles(family) {
        assert!(!c.edges.is_empty());
        let mut at = c.start;
        let mut nodes = Vec::new();
        for id in &c.edges {
            let e = g.edge(*id);
            assert!(!e.derived);
            let t = g.edge_type(e).core().expect("a core type");
            let (from, to) = match (family, t) {
                (Family::DerivedFrom, CoreRelation::DerivedFrom)
                | (Family::PartOf, CoreRelation::PartOf) => (e.source, e.target),
                (Family::PartOf, CoreRelation::Contains) => (e.target, e.source),
                _ => panic!("an edge of another family in a {family:?} cycle"),
            };
            assert_eq!(from, at, "the cycle's edges follow each other");
            nodes.push(from);
            at = to;
        }
        assert_eq!(at, c.start, "the cycle ends where it starts");
        let smallest = nodes.iter().map(|n| g.name(*n)).min().unwrap();
        assert_eq!(
            g.name(c.start),
            smallest,
            "a cycle starts at its smallest node"
        );
        for n in nodes {
            assert!(used.insert(n), "two cycles of one family share a node");
        }
    }
}

/// The DOT, Mermaid and JSON drawings, checked for what a hostile node
/// name could break: a quote that ends a string early, a raw line break,
/// control characters.
pub fn drawings(g: &LinkGraph, title: &str) {
    let dot = render::dot(g, title);
    let mut in_string = false;
    let mut escaped = false;
    let mut depth = 0i64;
    for c in dot.chars() {
        if in_string {
            assert!(c != '\n', "a raw line break inside a DOT string:\n{dot}");
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else {
            match c {
                '"' => in_string = true,
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            assert!(depth >= 0, "an unbalanced `}}` in DOT:\n{dot}");
        }
        assert!(
            c == '\n' || !c.is_control(),
            "a control character in DOT: {c:?}"
        );
    }
    assert!(!in_string && depth == 0, "unbalanced DOT:\n{dot}");

    let mermaid = render::mermaid(g, title);
    for line in mermaid.lines() {
        assert!(
            !line.chars().any(char::is_control),
            "a control character in Mermaid: {line:?}"
        );
        if let Some(yaml) = line.strip_prefix("title: ") {
            // The front matter's title: one JSON (so YAML) string.
            serde_json::from_str::<String>(yaml).expect("the title is one quoted string");
            continue;
        }
        assert_eq!(
            line.matches('"').count() % 2,
            0,
            "a Mermaid line with an odd number of quotes: {line}"
        );
    }

    let json = render::json(g);
    serde_json::to_string(&json).expect("the JSON drawing serialises");
}

/// The rules under which the loader reports what it finds: those of the
/// stores chapter (metadata, layout, consolidated metadata, parents).
pub fn store_rule(rule: Rule) -> bool {
    rule.info().topic == Topic::Stores
}
