//! A tiny order-preserving parallel map over scoped threads.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Below this many items the work runs on the calling thread.
const MIN_PARALLEL: usize = 64;

/// Applies `f` to every item, on up to `std::thread::available_parallelism()`
/// threads, and returns the results in the items' order. Small inputs run on
/// the calling thread.
pub fn par_map<T, R, F>(items: Vec<T>, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads <= 1 || items.len() < MIN_PARALLEL {
        return items.into_iter().map(f).collect();
    }
    let n = items.len();
    // Work is handed out in chunks from a shared cursor, so uneven items balance.
    let chunk = (n / (threads * 8)).clamp(1, 1024);
    let slots: Vec<Mutex<Option<T>>> = items.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let cursor = AtomicUsize::new(0);
    let mut parts: Vec<Vec<(usize, R)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let start = cursor.fetch_add(chunk, Ordering::Relaxed);
                        if start >= n {
                            break;
                        }
                        for (i, slot) in slots
                            .iter()
                            .enumerate()
                            .take((start + chunk).min(n))
                            .skip(start)
                        {
                            let item = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
                            if let Some(item) = item {
                                out.push((i, f(item)));
                            }
                        }
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut all: Vec<(usize, R)> = parts.drain(..).flatten().collect();
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
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
