//! Spreading CPU-bound work over the machine's cores on one pool of threads: the write path
//! validates and serialises a batch this way while the database waits for nothing.

use rayon::prelude::*;

/// Items below which a second thread costs more than it saves.
const MIN_PER_THREAD: usize = 64;

/// `f` applied to every item, in order, on the process's pool of one thread per core. The pool
/// lives as long as the process, where threads started for each batch each began with an empty
/// allocator cache of their own.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    if items.len() < 2 * MIN_PER_THREAD {
        return items.iter().map(f).collect();
    }
    items
        .par_iter()
        .with_min_len(MIN_PER_THREAD)
        .map(f)
        .collect()
}

/// Drops `value` on the pool rather than on the calling thread (which may hold a lock).
pub fn drop_later<T: Send + 'static>(value: T) {
    rayon::spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order() {
        let items: Vec<u32> = (0..1000).collect();
        assert_eq!(
            super::map(&items, |x| x * 2),
            items.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        assert!(super::map(&Vec::<u32>::new(), |x| *x).is_empty());
    }
}
