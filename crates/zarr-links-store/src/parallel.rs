//! An order-preserving map that runs on all cores when the `parallel`
//! feature is on (rayon's thread pool) and on the calling thread otherwise,
//! as on `wasm32-unknown-unknown`, which has no threads.

/// Applies `f` to every item and returns the results in the items' order:
/// on rayon's global thread pool (one thread per core unless
/// `RAYON_NUM_THREADS` says otherwise) with the `parallel` feature, else in
/// a plain loop.
pub fn par_map<T, R, F>(items: Vec<T>, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync + Send,
{
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        items.into_par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        items.into_iter().map(f).collect()
    }
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
