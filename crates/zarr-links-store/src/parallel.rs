//! An order-preserving parallel map, on rayon's thread pool.

use rayon::prelude::*;

/// Applies `f` to every item on rayon's global thread pool (one thread per
/// core unless `RAYON_NUM_THREADS` says otherwise) and returns the results in
/// the items' order.
pub fn par_map<T, R, F>(items: Vec<T>, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync + Send,
{
    items.into_par_iter().map(f).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order() {
        let v: Vec<u32> = (0..10_000).collect();
        let out = super::par_map(v, |x| x * 2);
        assert_eq!(out, (0..10_000).map(|x| x * 2).collect::<Vec<_>>());
        assert_eq!(super::par_map(vec![1, 2, 3], |x| x + 1), vec![2, 3, 4]);
    }
}
