//! Hierarchy-level checks: per-node rules that need the rest of the store
//! (targets resolve, node kinds, duplicates) and graph rules (inverses,
//! cycles). Linear in nodes + links; no recursion.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/consistency.html>

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::OnceLock;
use zarr_links_model::similar::edit_distance;

use serde_json::Value;
use zarr_links_model::attributes::{INDEX, RELATIONSHIPS, ZARR_CONVENTIONS};
use zarr_links_model::hierarchy::pointer_token;
use zarr_links_model::link::LINK_FIELDS;
use zarr_links_model::path::parse_target;
use zarr_links_model::relation::RelationType;
use zarr_links_model::{
    CoreRelation, Node, NodeKind, NodePath, Rule, Target, CONVENTION_UUID, PREFIX,
};
use zarr_links_store::Loaded;

use crate::{schema_checks, Finding};

/// A resolved in-store link with a core type.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Edge {
    /// Index of the declaring node.
    pub src: usize,
    /// Index of the target node.
    pub dst: usize,
    /// Index of the link in the declaring node's `links:relationships`.
    pub link: usize,
    /// The core type.
    pub rel: CoreRelation,
}

/// Everything the per-node pass needs, shared read-only across threads.
pub(crate) struct Context<'a> {
    pub loaded: &'a Loaded,
    pub nodes: Vec<&'a Node>,
    pub index: HashMap<&'a str, usize>,
    suggester: OnceLock<Suggester>,
}

struct Suggester {
    lower: HashMap<String, usize>,
    children: HashMap<String, Vec<usize>>,
}

pub(crate) fn make_finding(
    node: &Node,
    rule: Rule,
    within: &str,
    message: String,
    hint: Option<String>,
) -> Finding {
    Finding {
        rule,
        severity: rule.severity(),
        node: node.path.as_str().to_string(),
        file: Some(node.origin.key.clone()),
        pointer: node.pointer(within),
        message,
        hint,
    }
}

fn link_ptr(i: usize) -> String {
    format!("/{}/{i}", pointer_token(RELATIONSHIPS))
}

/// Groups with more children than this get no "did you mean" by spelling.
const MAX_SIBLINGS_TO_COMPARE: usize = 1000;

impl<'a> Context<'a> {
    pub fn new(loaded: &'a Loaded) -> Context<'a> {
        let nodes: Vec<&Node> = loaded.hierarchy.nodes.values().collect();
        let index = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.path.as_str(), i))
            .collect();
        Context {
            loaded,
            nodes,
            index,
            suggester: OnceLock::new(),
        }
    }

    fn suggester(&self) -> &Suggester {
        self.suggester.get_or_init(|| {
            let mut lower = HashMap::new();
            let mut children: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, n) in self.nodes.iter().enumerate() {
                lower.entry(n.path.as_str().to_lowercase()).or_insert(i);
                if let Some(p) = n.path.parent() {
                    children.entry(p.as_str().to_string()).or_default().push(i);
                }
            }
            Suggester { lower, children }
        })
    }

    /// A node path close to `missing`, if there is one.
    fn suggest(&self, missing: &NodePath) -> Option<&str> {
        let s = self.suggester();
        if let Some(&i) = s.lower.get(&missing.as_str().to_lowercase()) {
            return Some(self.nodes[i].path.as_str());
        }
        let parent = missing.parent()?;
        let name = missing.name()?.to_lowercase();
        let siblings = s.children.get(parent.as_str())?;
        if siblings.len() > MAX_SIBLINGS_TO_COMPARE {
            // Keep the whole run linear: no fuzzy search in huge groups.
            return None;
        }
        siblings
            .iter()
            .filter_map(|&i| {
                let n = self.nodes[i].path.name()?;
                let d = edit_distance(&name, &n.to_lowercase());
                (d <= 2.max(name.chars().count() / 4)).then_some((d, i))
            })
            .min()
            .map(|(_, i)| self.nodes[i].path.as_str())
    }

    fn unresolved_message(&self, what: &str, p: &NodePath) -> String {
        let mut m = format!(
            "{what} {:?} does not name a node in the store; expected an existing array or group",
            p.as_str()
        );
        if let Some(s) = self.suggest(p) {
            m.push_str(&format!(" (did you mean {s:?}?)"));
        }
        m
    }

    /// The per-node checks: schema, declaration name, unknown attributes
    /// and members, duplicates, self-links, resolution, node kinds, index
    /// entries. Returns the findings and the node's resolved core links.
    pub fn check_node(&self, i: usize) -> (Vec<Finding>, Vec<Edge>) {
        let node = self.nodes[i];
        let attrs = &node.attributes;
        let mut out = Vec::new();
        let mut edges = Vec::new();
        if !schema_checks::relevant(attrs) {
            return (out, edges);
        }
        for f in schema_checks::check(self.loaded.hierarchy.format, node.kind, attrs) {
            out.push(make_finding(node, f.rule, &f.pointer, f.message, f.hint));
        }
        let uses = attrs.keys().any(|k| k.starts_with(PREFIX));
        // The CMO's name.
        if let Some(Value::Array(items)) = attrs.get(ZARR_CONVENTIONS) {
            for (j, item) in items.iter().enumerate() {
                if item.get("uuid").and_then(Value::as_str) == Some(CONVENTION_UUID) {
                    if let Some(Value::String(name)) = item.get("name") {
                        if name != PREFIX {
                            out.push(make_finding(
                                node,
                                Rule::DeclarationName,
                                &format!("/{ZARR_CONVENTIONS}/{j}/name"),
                                format!("the convention's `name` is {name:?}; expected \"links:\""),
                                None,
                            ));
                        }
                    }
                }
            }
        }
        if !uses {
            return (out, edges);
        }
        for key in attrs
            .keys()
            .filter(|k| k.starts_with(PREFIX) && *k != RELATIONSHIPS && *k != INDEX)
        {
            out.push(make_finding(
                node,
                Rule::AttributesUnknown,
                &format!("/{}", pointer_token(key)),
                format!("found the unknown attribute `{key}`; expected only `links:relationships` and `links:index` under the reserved `links:` prefix"),
                None,
            ));
        }
        if let Some(Value::Array(links)) = attrs.get(RELATIONSHIPS) {
            let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
            for (li, link) in links.iter().enumerate() {
                let Value::Object(obj) = link else { continue };
                let base = || link_ptr(li);
                for key in obj
                    .keys()
                    .filter(|k| !LINK_FIELDS.contains(&k.as_str()) && !k.contains(':'))
                {
                    let hint = LINK_FIELDS
                        .iter()
                        .map(|f| (edit_distance(key, f), *f))
                        .filter(|(d, _)| *d <= 2)
                        .min()
                        .map(|(_, f)| {
                            format!("did you mean `{f}`? Otherwise prefix it, e.g. `ext:{key}`")
                        })
                        .or_else(|| Some(format!("prefix extension members, e.g. `ext:{key}`")));
                    out.push(make_finding(
                        node,
                        Rule::LinkUnknownField,
                        &format!("{}/{}", base(), pointer_token(key)),
                        format!("the link has the unknown member `{key}`; expected only the defined members or prefixed extension members"),
                        hint,
                    ));
                }
                let (Some(Value::String(t)), Some(Value::String(ty))) =
                    (obj.get("target"), obj.get("type"))
                else {
                    continue;
                };
                let (Ok(target), Ok(rel)) = (parse_target(t), RelationType::parse(ty)) else {
                    continue;
                };
                if let Some(first) = seen.insert((t.as_str(), ty.as_str()), li) {
                    seen.insert((t.as_str(), ty.as_str()), first);
                    out.push(make_finding(
                        node,
                        Rule::LinkDuplicate,
                        &base(),
                        format!(
                            "the link ({t:?}, {ty:?}) is already stated at {}; expected each (target, type) pair once",
                            node.pointer(&link_ptr(first))
                        ),
                        Some("remove the repeated link".into()),
                    ));
                    continue;
                }
                let Target::InStore(path) = target else {
                    continue;
                };
                let tptr = || format!("{}/target", base());
                if path == node.path {
                    out.push(make_finding(
                        node,
                        Rule::TargetSelf,
                        &tptr(),
                        format!(
                            "target {t:?} is the node that carries the link; expected another node"
                        ),
                        None,
                    ));
                    continue;
                }
                let Some(&j) = self.index.get(path.as_str()) else {
                    if !self.loaded.unreadable.contains(&path) {
                        out.push(make_finding(
                            node,
                            Rule::TargetResolves,
                            &tptr(),
                            self.unresolved_message("target", &path),
                            None,
                        ));
                    }
                    continue;
                };
                if self.loaded.unreadable.contains(&path) {
                    continue;
                }
                let Some(core) = rel.core() else { continue };
                let target_kind = self.nodes[j].kind;
                let kind_problem = match core {
                    CoreRelation::QualityFor if node.kind != NodeKind::Array => Some((
                        Rule::KindQualityFor,
                        format!("{}/type", base()),
                        format!("`quality_for` is declared on a {}; expected it on an array (the quality or mask array)", node.kind.as_str()),
                    )),
                    CoreRelation::SameAs if node.kind != target_kind => Some((
                        Rule::KindSameAs,
                        tptr(),
                        format!(
                            "`same_as` joins this {} to the {} {t:?}; expected two arrays or two groups",
                            node.kind.as_str(),
                            target_kind.as_str()
                        ),
                    )),
                    CoreRelation::PartOf if target_kind != NodeKind::Group => Some((
                        Rule::KindPartOf,
                        tptr(),
                        format!("`part_of` targets the array {t:?}; expected a group"),
                    )),
                    CoreRelation::Contains if node.kind != NodeKind::Group => Some((
                        Rule::KindContains,
                        format!("{}/type", base()),
                        "`contains` is declared on an array; expected it on a group".to_string(),
                    )),
                    _ => None,
                };
                if let Some((rule, ptr, msg)) = kind_problem {
                    out.push(make_finding(node, rule, &ptr, msg, None));
                }
                edges.push(Edge {
                    src: i,
                    dst: j,
                    link: li,
                    rel: core,
                });
            }
        }
        if let Some(Value::Object(index)) = attrs.get(INDEX) {
            for (cat, entries) in index {
                let Value::Array(entries) = entries else {
                    continue;
                };
                for (k, e) in entries.iter().enumerate() {
                    let Some(s) = e.as_str() else { continue };
                    let Ok(p) = NodePath::parse(s) else { continue };
                    if !self.index.contains_key(p.as_str()) && !self.loaded.unreadable.contains(&p)
                    {
                        out.push(make_finding(
                            node,
                            Rule::IndexResolves,
                            &format!("/{}/{}/{k}", pointer_token(INDEX), pointer_token(cat)),
                            self.unresolved_message("index entry", &p),
                            None,
                        ));
                    }
                }
            }
        }
        (out, edges)
    }

    fn link_pointer(&self, e: &Edge, sub: &str) -> String {
        self.nodes[e.src].pointer(&format!("{}{sub}", link_ptr(e.link)))
    }

    /// `links.inverse.agree`, `links.cycle.derived-from`, `links.cycle.part-of`.
    pub fn check_graph(&self, edges: &[Edge]) -> Vec<Finding> {
        let mut out = Vec::new();
        // Composition links between the same two nodes, both directions.
        let contains: HashMap<(usize, usize), &Edge> = edges
            .iter()
            .filter(|e| e.rel == CoreRelation::Contains)
            .map(|e| ((e.src, e.dst), e))
            .collect();
        for e in edges.iter().filter(|e| e.rel == CoreRelation::Contains) {
            if let Some(back) = contains.get(&(e.dst, e.src)) {
                if e.src < e.dst {
                    let other = self.link_pointer(back, "/type");
                    let (a, b) = (self.nodes[e.src], self.nodes[e.dst]);
                    out.push(make_finding(
                        a,
                        Rule::InverseAgree,
                        &format!("{}/type", link_ptr(e.link)),
                        format!(
                            "{} `contains` {}, and {} also declares `contains` back ({} in {}); expected the inverse `part_of` there",
                            a.path, b.path, b.path, other, b.origin.key
                        ),
                        Some(format!("change the link on {} to `part_of`, or remove it", b.path)),
                    ));
                }
            }
        }
        // derived_from cycles.
        let derived: Vec<(usize, usize, usize)> = edges
            .iter()
            .enumerate()
            .filter(|(_, e)| e.rel == CoreRelation::DerivedFrom)
            .map(|(k, e)| (e.src, e.dst, k))
            .collect();
        for cycle in cycles(self.nodes.len(), &derived) {
            out.push(self.cycle_finding(Rule::CycleDerivedFrom, "derived_from", &cycle, edges));
        }
        // part_of cycles: part_of edges, and contains edges read backwards.
        // Two groups that contain each other also form such a cycle; the
        // specification reports both findings for them.
        let part: Vec<(usize, usize, usize)> = edges
            .iter()
            .enumerate()
            .filter_map(|(k, e)| match e.rel {
                CoreRelation::PartOf => Some((e.src, e.dst, k)),
                CoreRelation::Contains => Some((e.dst, e.src, k)),
                _ => None,
            })
            .collect();
        for cycle in cycles(self.nodes.len(), &part) {
            out.push(self.cycle_finding(Rule::CyclePartOf, "part_of", &cycle, edges));
        }
        out
    }

    /// A finding for one cycle, given as the edge ids from the smallest node round.
    fn cycle_finding(&self, rule: Rule, what: &str, cycle: &[usize], edges: &[Edge]) -> Finding {
        let first = &edges[cycle[0]];
        // The smallest node is where the cycle starts: the source of the first
        // step (for a reversed `contains`, its target).
        let start = if first.rel == CoreRelation::Contains {
            first.dst
        } else {
            first.src
        };
        let node = self.nodes[start];
        let steps: Vec<String> = cycle
            .iter()
            .map(|&k| {
                let e = &edges[k];
                format!(
                    "{} {} {}",
                    self.nodes[e.src].path, e.rel, self.nodes[e.dst].path
                )
            })
            .collect();
        let mut chain = vec![node.path.as_str()];
        let mut at = start;
        for &k in cycle {
            let e = &edges[k];
            at = if e.src == at { e.dst } else { e.src };
            chain.push(self.nodes[at].path.as_str());
        }
        // Point at a link of the cycle that the reported node declares
        // itself, if any (a `contains` read backwards is declared on the
        // other end).
        let within = cycle
            .iter()
            .map(|&k| &edges[k])
            .find(|e| e.src == start)
            .map(|e| format!("{}/target", link_ptr(e.link)))
            .unwrap_or_default();
        let how = if rule == Rule::CyclePartOf {
            " (reading `contains` backwards)"
        } else {
            ""
        };
        make_finding(
            node,
            rule,
            &within,
            format!(
                "following `{what}`{how} from {} leads back to it: {}; the links are: {}; expected no cycle",
                node.path,
                chain.join(" → "),
                steps.join(", ")
            ),
            Some(format!("remove or redirect one of these {} links", cycle.len())),
        )
    }
}

/// Finds the cycles of a directed graph: one per strongly connected
/// component with more than one node, as the edge ids of the shortest cycle
/// through the component's smallest node, starting there. Iterative Tarjan,
/// then a breadth-first search inside the component; linear time.
fn cycles(n: usize, edges: &[(usize, usize, usize)]) -> Vec<Vec<usize>> {
    let mut adj: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for &(a, b, k) in edges {
        if a != b {
            adj[a].push((b, k));
        }
    }
    if edges.is_empty() {
        return Vec::new();
    }
    // Iterative Tarjan.
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut comp = vec![UNSEEN; n];
    let mut comps: Vec<Vec<usize>> = Vec::new();
    let mut counter = 0usize;
    for root in 0..n {
        if index[root] != UNSEEN || adj[root].is_empty() {
            continue;
        }
        let mut call: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut next)) = call.last_mut() {
            if *next < adj[v].len() {
                let (w, _) = adj[v][*next];
                *next += 1;
                if index[w] == UNSEEN {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut members = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp[w] = comps.len();
                        members.push(w);
                        if w == v {
                            break;
                        }
                    }
                    comps.push(members);
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut prev: Vec<Option<(usize, usize)>> = vec![None; n];
    for (c, members) in comps.iter().enumerate() {
        if members.len() < 2 {
            continue;
        }
        let s = *members.iter().min().expect("non-empty");
        // BFS from s inside the component until an edge returns to s.
        let mut queue = VecDeque::from([s]);
        let mut seen: HashSet<usize> = HashSet::from([s]);
        let mut closing = None;
        'bfs: while let Some(v) = queue.pop_front() {
            for &(w, k) in &adj[v] {
                if comp[w] != c {
                    continue;
                }
                if w == s {
                    closing = Some((v, k));
                    break 'bfs;
                }
                if seen.insert(w) {
                    prev[w] = Some((v, k));
                    queue.push_back(w);
                }
            }
        }
        let Some((mut v, k)) = closing else { continue };
        let mut path = vec![k];
        while v != s {
            let (p, k) = prev[v].expect("reached by the search");
            path.push(k);
            v = p;
        }
        path.reverse();
        out.push(path);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cycles;

    #[test]
    fn finds_each_cycle_once_from_its_smallest_node() {
        // 0 -> 1 -> 2 -> 0, and 3 -> 4 -> 3, and 5 -> 0 (not in a cycle).
        let edges = [
            (1, 2, 10),
            (2, 0, 11),
            (0, 1, 12),
            (4, 3, 13),
            (3, 4, 14),
            (5, 0, 15),
        ];
        let c = cycles(6, &edges);
        assert_eq!(c, vec![vec![12, 10, 11], vec![14, 13]]);
    }

    #[test]
    fn long_chains_do_not_recurse() {
        let n = 200_000;
        let mut edges: Vec<(usize, usize, usize)> = (0..n - 1).map(|i| (i, i + 1, i)).collect();
        edges.push((n - 1, 0, n - 1));
        let c = cycles(n, &edges);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].len(), n);
        assert_eq!(c[0][0], 0);
    }
}
