//! "Did you mean": the one spelling-distance and suggestion code of the
//! workspace, for relation types, link members, attributes and node paths.
//!
//! Every comparison is bounded: [`distance_within`] stops as soon as the
//! distance exceeds its cutoff ([`cutoff`], at most [`MAX_EDITS`]) and only
//! fills a band of the table, so comparing two 4,000-character paths costs
//! their length times the cutoff, not their product. [`Paths`] filters by
//! length first and compares with at most [`Paths::MAX_COMPARED`] paths per
//! question.

use std::collections::HashMap;

/// The Levenshtein distance between two strings, counted in characters.
///
/// ```
/// assert_eq!(zarr_links_model::similar::edit_distance("b4", "b04"), 1);
/// assert_eq!(zarr_links_model::similar::edit_distance("same", "same"), 0);
/// ```
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    distance_chars(&a, &b, a.len().max(b.len())).unwrap_or(usize::MAX)
}

/// The Levenshtein distance between `a` and `b` if it is at most `max`,
/// else `None`. Only the diagonal band of width `2 · max + 1` is computed, so
/// the cost is O(max · min(len a, len b)), and strings whose lengths differ
/// by more than `max` cost nothing.
///
/// ```
/// use zarr_links_model::similar::distance_within;
/// assert_eq!(distance_within("quality-for", "quality_for", 2), Some(1));
/// assert_eq!(distance_within("kitten", "sitting", 2), None);
/// assert_eq!(distance_within(&"x".repeat(4000), "b04", 2), None);
/// ```
pub fn distance_within(a: &str, b: &str, max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max.saturating_mul(4) {
        // More bytes apart than `max` characters can be (4 bytes each).
        return None;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    distance_chars(&a, &b, max)
}

fn distance_chars(a: &[char], b: &[char], max: usize) -> Option<usize> {
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if b.len() - a.len() > max {
        return None;
    }
    const FAR: usize = usize::MAX / 2;
    // prev[j] is the distance between a[..i] and b[..j], for j in the band.
    let mut prev: Vec<usize> = (0..=b.len())
        .map(|j| if j <= max { j } else { FAR })
        .collect();
    let mut cur = vec![FAR; b.len() + 1];
    for i in 1..=a.len() {
        let lo = i.saturating_sub(max).max(1);
        let hi = (i + max).min(b.len());
        // Only the band is touched, so a row costs O(max), not O(len):
        // the cell left of it reads as far (cur[0] is the first column).
        cur[0] = if i <= max { i } else { FAR };
        if lo > 1 {
            cur[lo - 1] = FAR;
        }
        let mut best = cur[0];
        #[cfg(test)]
        tests::CELLS.with(|c| c.set(c.get() + (hi + 1).saturating_sub(lo)));
        for j in lo..=hi {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let v = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
            cur[j] = v;
            best = best.min(v);
        }
        if best > max {
            return None;
        }
        // The cell right of the band, which the next row reads as prev[hi + 1].
        if hi < b.len() {
            cur[hi + 1] = FAR;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// No name is suggested for another that is more than this many edits away,
/// however long they are: it keeps [`distance_within`] linear in the
/// length of the names (a cutoff of a quarter of the length made comparing
/// two long names quadratic).
pub const MAX_EDITS: usize = 16;

/// The cutoff for a word or path of `len` characters: two edits, or a
/// quarter of the length for longer ones, and at most [`MAX_EDITS`].
pub fn cutoff(len: usize) -> usize {
    2.max(len / 4).min(MAX_EDITS)
}

/// The candidate closest to `word` within the cutoff of each candidate's
/// own length ([`cutoff`]), comparing them as `normalise` makes them (for
/// example lowercased). Ties go to the earliest candidate.
///
/// ```
/// use zarr_links_model::similar::closest;
/// let words = ["derived_from", "quality_for", "same_as"];
/// assert_eq!(closest("derivedFrom", words, |s| s.to_lowercase().replace('-', "_")), Some("derived_from"));
/// assert_eq!(closest("bogus_relation_name", words, str::to_string), None);
/// ```
pub fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    normalise: impl Fn(&str) -> String,
) -> Option<&'a str> {
    let wanted = normalise(word);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let limit = cutoff(candidate.chars().count());
        let limit = best.map_or(limit, |(d, _)| limit.min(d.saturating_sub(1)));
        if best.is_some_and(|(d, _)| d == 0) {
            break;
        }
        if let Some(d) = distance_within(&wanted, &normalise(candidate), limit) {
            if best.is_none_or(|(b, _)| d < b) {
                best = Some((d, candidate));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// Suggestions for a node path that does not exist, among the paths of a
/// store. Built once per store, in time linear in the number of paths.
///
/// Candidates are ranked, best first:
///
/// 1. the same path in another letter case;
/// 2. a sibling (same parent) whose name is within [`cutoff`] edits;
/// 3. a path with the same last segment (in any case), or ending with what
///    was asked (for input without the leading `/`);
/// 4. a path within [`cutoff`] edits of the whole input.
///
/// Within a rank, fewer edits come first, then paths in code point order.
#[derive(Debug, Clone, Default)]
pub struct Paths {
    /// Lowercased paths, by index of the original path.
    lower: Vec<String>,
    /// Lowercased path → first index.
    by_lower: HashMap<String, usize>,
    /// Parent path (as written) → indices of its children.
    children: HashMap<String, Vec<usize>>,
    /// Lowercased last segment → indices.
    by_name: HashMap<String, Vec<usize>>,
    /// Original paths.
    paths: Vec<String>,
}

impl Paths {
    /// At most this many paths are compared by whole-path distance (rank 4)
    /// and at most this many siblings by name (rank 2), so that a question
    /// about a store with a million nodes stays cheap.
    pub const MAX_COMPARED: usize = 10_000;

    /// The suggester over these absolute paths (their index is the answer).
    pub fn new<'a>(paths: impl IntoIterator<Item = &'a str>) -> Paths {
        let mut s = Paths::default();
        for (i, p) in paths.into_iter().enumerate() {
            let lower = p.to_lowercase();
            s.by_lower.entry(lower.clone()).or_insert(i);
            let (parent, name) = match p.rfind('/') {
                Some(0) if p.len() > 1 => ("/", &p[1..]),
                Some(cut) if cut > 0 => (&p[..cut], &p[cut + 1..]),
                _ => ("", ""),
            };
            if !name.is_empty() {
                s.children.entry(parent.to_string()).or_default().push(i);
                s.by_name.entry(name.to_lowercase()).or_default().push(i);
            }
            s.lower.push(lower);
            s.paths.push(p.to_string());
        }
        s
    }

    /// The best `max` suggestions for `input` (a path, with or without its
    /// leading `/`), as indices of the paths given to [`Paths::new`]. The
    /// input itself is never suggested.
    pub fn suggest(&self, input: &str, max: usize) -> Vec<usize> {
        let wanted = if input.starts_with('/') {
            input.to_string()
        } else {
            format!("/{input}")
        };
        let lower = wanted.to_lowercase();
        let (parent, name) = match wanted.rfind('/') {
            Some(0) => ("/".to_string(), wanted[1..].to_lowercase()),
            Some(cut) => (wanted[..cut].to_string(), wanted[cut + 1..].to_lowercase()),
            None => (String::new(), String::new()),
        };
        // (rank, distance, index)
        let mut scored: Vec<(u8, usize, usize)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        // Whether the path was added (it is not the input, nor listed yet).
        let mut push = |rank: u8, d: usize, i: usize, scored: &mut Vec<(u8, usize, usize)>| {
            let new = self.paths[i] != input && seen.insert(i);
            if new {
                scored.push((rank, d, i));
            }
            new
        };
        if let Some(&i) = self.by_lower.get(&lower) {
            push(0, 0, i, &mut scored);
        }
        if !name.is_empty() {
            let cutoff = cutoff(name.chars().count());
            // The distances of the best `max` siblings so far: once there
            // are `max` of them, a sibling farther than the worst cannot
            // enter the list, so the band narrows to that distance.
            let mut best: Vec<usize> = Vec::with_capacity(max + 1);
            if let Some(siblings) = self.children.get(&parent) {
                for &i in siblings.iter().take(Self::MAX_COMPARED) {
                    let limit = match best.last() {
                        Some(&worst) if best.len() == max => worst,
                        _ => cutoff,
                    };
                    let sibling = self.lower[i].rsplit('/').next().unwrap_or("");
                    let found = distance_within(&name, sibling, limit);
                    if let Some(d) = found.filter(|&d| push(1, d, i, &mut scored)) {
                        best.insert(best.partition_point(|&b| b <= d), d);
                        best.truncate(max);
                    }
                }
            }
            if let Some(same) = self.by_name.get(&name) {
                for &i in same.iter().take(Self::MAX_COMPARED) {
                    push(2, 0, i, &mut scored);
                }
            }
        }
        if !input.starts_with('/') {
            for (i, l) in self.lower.iter().enumerate().take(Self::MAX_COMPARED) {
                if l.ends_with(&lower) {
                    push(2, 0, i, &mut scored);
                }
            }
        }
        // Whole paths are compared only while the closer ranks leave room.
        if scored.len() >= max {
            return self.ranked(scored, max);
        }
        let limit = cutoff(lower.chars().count());
        let near = self
            .lower
            .iter()
            .enumerate()
            .filter(|(_, l)| l.len().abs_diff(lower.len()) <= limit * 4)
            .take(Self::MAX_COMPARED);
        for (i, l) in near {
            if let Some(d) = distance_within(&lower, l, limit) {
                push(3, d, i, &mut scored);
            }
        }
        self.ranked(scored, max)
    }

    /// The best `max` of (rank, distance, index), by rank, then distance,
    /// then path.
    fn ranked(&self, mut scored: Vec<(u8, usize, usize)>, max: usize) -> Vec<usize> {
        scored.sort_by(|a, b| (a.0, a.1, &self.paths[a.2]).cmp(&(b.0, b.1, &self.paths[b.2])));
        scored.into_iter().take(max).map(|(_, _, i)| i).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// Cells of the edit-distance table computed on this thread: the
        /// work of the suggester, counted instead of timed.
        pub(super) static CELLS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// The cells computed to suggest paths for `wrong` wrong paths among
    /// `names` sibling names of `len` characters, all alike (they differ in
    /// their last characters only, so that no comparison stops early).
    fn suggestion_work(names: usize, len: usize, wrong: usize) -> usize {
        let stem = "ab".repeat(len / 2 - 4);
        let paths: Vec<String> = (0..names).map(|i| format!("/{stem}{i:08}")).collect();
        let s = Paths::new(paths.iter().map(String::as_str));
        CELLS.with(|c| c.set(0));
        for w in 0..wrong {
            let asked = format!("/{stem}x{w:07}");
            assert!(!s.suggest(&asked, 5).is_empty());
        }
        CELLS.with(std::cell::Cell::get)
    }

    /// The suggestion search is linear in the length of the names and in
    /// the number of names and questions: each comparison fills a band of
    /// at most `2 · MAX_EDITS + 1` cells per character, whatever the length
    /// (a full table would be `len²`).
    #[test]
    fn suggestion_work_is_bounded_and_linear_in_the_name_length() {
        let band = 2 * MAX_EDITS + 1;
        let (names, wrong) = (50, 4);
        let short = suggestion_work(names, 400, wrong);
        let long = suggestion_work(names, 1600, wrong);
        // Per question: the siblings by name, and the whole paths.
        for (len, cells) in [(400, short), (1600, long)] {
            let bound = wrong * 2 * names * band * (len + 1);
            assert!(
                cells <= bound,
                "{cells} cells for {len} characters, bound {bound}"
            );
            assert!(cells >= wrong * names * len, "the comparisons ran: {cells}");
        }
        // Four times longer names cost about four times the work (a
        // quadratic search would cost sixteen times).
        let ratio = long as f64 / short as f64;
        assert!(
            (3.5..=4.5).contains(&ratio),
            "work ratio {ratio}: {short} -> {long}"
        );
        // And twice the names (or questions) at most twice the work (less,
        // once the best `max` siblings narrow the band).
        let ratio = suggestion_work(2 * names, 400, wrong) as f64 / short as f64;
        assert!((1.0..=2.2).contains(&ratio), "work ratio {ratio}");
    }

    #[test]
    fn banded_distance_equals_the_full_table_within_the_cutoff() {
        let words = [
            "",
            "a",
            "b04",
            "b4",
            "B04",
            "quality_for",
            "quality-for",
            "describedby",
            "describedBy",
            "température",
            "tempe\u{301}rature",
            "kitten",
            "sitting",
            "/bands/b03",
            "/bands/b04",
        ];
        for a in words {
            for b in words {
                let full = edit_distance(a, b);
                for max in 0..6 {
                    let want = (full <= max).then_some(full);
                    assert_eq!(distance_within(a, b, max), want, "{a:?} {b:?} {max}");
                }
            }
        }
    }

    /// Found by the `suggest` fuzz target: with a cutoff of a quarter of
    /// the length, two long paths took time quadratic in their length.
    #[test]
    fn long_names_are_compared_with_a_bounded_cutoff() {
        assert_eq!(cutoff(4), 2);
        assert_eq!(cutoff(40), 10);
        assert_eq!(cutoff(4000), MAX_EDITS);
        let asked = format!("/{}", "ab".repeat(200));
        let near = format!("/{}{}", "ab".repeat(195), "x".repeat(10));
        let far = format!("/{}{}", "ab".repeat(190), "x".repeat(20));
        assert!(edit_distance(&asked, &near) <= MAX_EDITS);
        assert!(edit_distance(&asked, &far) > MAX_EDITS);
        let paths = [near.as_str(), far.as_str()];
        assert_eq!(Paths::new(paths).suggest(&asked, 5), [0]);
    }

    #[test]
    fn path_suggestions_are_ranked() {
        let paths = [
            "/",
            "/bands",
            "/bands/b03x",
            "/bands/b04",
            "/bands/b08",
            "/legacy",
            "/legacy/B04",
        ];
        let s = Paths::new(paths);
        let names = |input: &str| -> Vec<&str> {
            s.suggest(input, 5).into_iter().map(|i| paths[i]).collect()
        };
        assert_eq!(names("/BANDS/B04")[0], "/bands/b04");
        assert_eq!(names("/bands/b03")[..2], ["/bands/b03x", "/bands/b04"]);
        assert!(names("b04").contains(&"/legacy/B04"));
        assert_eq!(
            names("/bands/b04"),
            ["/bands/b08", "/bands/b03x", "/legacy/B04"]
        );
        assert!(names("/completely/unrelated/thing").is_empty());
    }
}
