//! Cycles and disagreeing inverses: the graph questions behind the rules of
//! the consistency chapter.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/consistency.html>

use std::collections::{HashMap, HashSet, VecDeque};

use zarr_links_model::CoreRelation;

use crate::build::{EdgeId, LinkGraph, NodeId};

/// The links whose cycles are errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `derived_from` links.
    DerivedFrom,
    /// `part_of` links, and `contains` links read backwards.
    PartOf,
}

/// One cycle: the declared edges walked from its smallest node back to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// The node with the smallest path in the cycle, where the walk starts.
    pub start: NodeId,
    /// The edges, in walking order. In the `part_of` family, a `contains`
    /// edge is walked from its target to its source.
    pub edges: Vec<EdgeId>,
}

impl<'h> LinkGraph<'h> {
    /// Every cycle of a family among the declared links between nodes of the
    /// store, one per strongly connected component with more than one node:
    /// the shortest cycle through the component's smallest node. Linear in
    /// nodes + links (iterative Tarjan, then a breadth-first search inside
    /// the component); no recursion.
    pub fn cycles(&self, family: Family) -> Vec<Cycle> {
        let nodes = self.hierarchy.nodes();
        let n = nodes.len();
        // Nodes whose document could not be read (a placeholder root) take
        // part in no cycle.
        let readable =
            |id: NodeId| id.ix() < n && !self.hierarchy.unreadable.contains(&nodes[id.ix()].path);
        // The walking step of each edge of the family.
        let step = |e: &crate::Edge| -> Option<(u32, u32)> {
            if e.derived || !readable(e.target) || !readable(e.source) {
                return None;
            }
            match (family, self.edge_type(e).core()?) {
                (Family::DerivedFrom, CoreRelation::DerivedFrom)
                | (Family::PartOf, CoreRelation::PartOf) => Some((e.source.0, e.target.0)),
                (Family::PartOf, CoreRelation::Contains) => Some((e.target.0, e.source.0)),
                _ => None,
            }
        };
        let count = self.edges().filter(|(_, e)| step(e).is_some()).count();
        let mut steps: Vec<(u32, u32, EdgeId)> = Vec::with_capacity(count);
        for (id, e) in self.edges() {
            if let Some((a, b)) = step(e) {
                steps.push((a, b, id));
            }
        }
        cycles(n, &steps)
            .into_iter()
            .map(|edges| {
                let first = &steps
                    .iter()
                    .find(|s| s.2 == edges[0])
                    .expect("a step of the cycle");
                Cycle {
                    start: NodeId(first.0),
                    edges,
                }
            })
            .collect()
    }

    /// Pairs of groups that each declare `contains` the other: the first
    /// edge is declared on the node with the smaller path.
    pub fn contains_conflicts(&self) -> Vec<(EdgeId, EdgeId)> {
        let contains = |e: &crate::Edge| {
            !e.derived && self.edge_type(e).core() == Some(CoreRelation::Contains)
        };
        let by_ends: HashMap<(NodeId, NodeId), EdgeId> = self
            .edges()
            .filter(|(_, e)| contains(e))
            .map(|(id, e)| ((e.source, e.target), id))
            .collect();
        self.edges()
            .filter(|(_, e)| contains(e) && e.source < e.target)
            .filter_map(|(id, e)| by_ends.get(&(e.target, e.source)).map(|back| (id, *back)))
            .collect()
    }
}

/// Finds the cycles of a directed graph given as (from, to, edge) steps: one
/// per strongly connected component with more than one node, as the edges of
/// the shortest cycle through the component's smallest node, starting there.
/// Neighbours are visited in the order the steps are given.
fn cycles(n: usize, steps: &[(u32, u32, EdgeId)]) -> Vec<Vec<EdgeId>> {
    if steps.is_empty() {
        return Vec::new();
    }
    // The steps by their first node, in compressed form (u32 throughout:
    // a store of a million nodes costs a few megabytes here).
    let mut start = vec![0u32; n + 1];
    for &(a, b, _) in steps {
        if a != b {
            start[a as usize + 1] += 1;
        }
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut adj = vec![(0u32, EdgeId(0)); start[n] as usize];
    for &(a, b, k) in steps {
        if a != b {
            adj[fill[a as usize] as usize] = (b, k);
            fill[a as usize] += 1;
        }
    }
    drop(fill);
    let next_of = |v: usize| &adj[start[v] as usize..start[v + 1] as usize];
    // Iterative Tarjan.
    const UNSEEN: u32 = u32::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut comp = vec![UNSEEN; n];
    let mut comps: Vec<Vec<u32>> = Vec::new();
    let mut counter = 0u32;
    for root in 0..n {
        if index[root] != UNSEEN || next_of(root).is_empty() {
            continue;
        }
        let mut call: Vec<(u32, u32)> = vec![(root as u32, 0)];
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root as u32);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut next)) = call.last_mut() {
            let v = v as usize;
            let out = next_of(v);
            if (*next as usize) < out.len() {
                let w = out[*next as usize].0 as usize;
                *next += 1;
                if index[w] == UNSEEN {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w as u32);
                    on_stack[w] = true;
                    call.push((w as u32, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    let parent = parent as usize;
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut members = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w as usize] = false;
                        members.push(w);
                        if w as usize == v {
                            break;
                        }
                    }
                    // Only components that hold a cycle are kept.
                    if members.len() > 1 {
                        for &w in &members {
                            comp[w as usize] = comps.len() as u32;
                        }
                        comps.push(members);
                    }
                }
            }
        }
    }
    drop((index, low, on_stack, stack));
    let mut out = Vec::new();
    let mut prev: HashMap<u32, (u32, EdgeId)> = HashMap::new();
    for (c, members) in comps.iter().enumerate() {
        let Some(&s) = members.iter().min() else {
            continue;
        };
        // Breadth first from s inside the component until an edge returns to s.
        prev.clear();
        let mut queue = VecDeque::from([s]);
        let mut seen: HashSet<u32> = HashSet::from([s]);
        let mut closing = None;
        'bfs: while let Some(v) = queue.pop_front() {
            for &(w, k) in next_of(v as usize) {
                if comp[w as usize] != c as u32 {
                    continue;
                }
                if w == s {
                    closing = Some((v, k));
                    break 'bfs;
                }
                if seen.insert(w) {
                    prev.insert(w, (v, k));
                    queue.push_back(w);
                }
            }
        }
        let Some((mut v, k)) = closing else { continue };
        let mut path = vec![k];
        while v != s {
            let (p, k) = prev[&v];
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
    use super::{cycles, EdgeId};

    fn steps(list: &[(u32, u32, u32)]) -> Vec<(u32, u32, EdgeId)> {
        list.iter().map(|&(a, b, k)| (a, b, EdgeId(k))).collect()
    }

    fn ids(c: &[Vec<EdgeId>]) -> Vec<Vec<u32>> {
        c.iter().map(|p| p.iter().map(|e| e.0).collect()).collect()
    }

    #[test]
    fn finds_each_cycle_once_from_its_smallest_node() {
        // 0 -> 1 -> 2 -> 0, and 3 -> 4 -> 3, and 5 -> 0 (not in a cycle).
        let s = steps(&[
            (1, 2, 10),
            (2, 0, 11),
            (0, 1, 12),
            (4, 3, 13),
            (3, 4, 14),
            (5, 0, 15),
        ]);
        assert_eq!(ids(&cycles(6, &s)), vec![vec![12, 10, 11], vec![14, 13]]);
    }

    #[test]
    fn long_chains_do_not_recurse() {
        let n = 200_000;
        let last = n as u32 - 1;
        let mut s: Vec<(u32, u32, u32)> = (0..last).map(|i| (i, i + 1, i)).collect();
        s.push((last, 0, last));
        let c = cycles(n, &steps(&s));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].len(), n);
        assert_eq!(c[0][0], EdgeId(0));
    }
}
