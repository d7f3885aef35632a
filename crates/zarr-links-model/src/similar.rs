//! Spelling distance, for "did you mean" hints on relation types, node paths
//! and link fields.

/// The Levenshtein distance between two strings, counted in characters.
///
/// ```
/// assert_eq!(zarr_links_model::similar::edit_distance("b4", "b04"), 1);
/// assert_eq!(zarr_links_model::similar::edit_distance("same", "same"), 0);
/// ```
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
