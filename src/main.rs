//! The `pim` binary: the command line over the library.

// The write path allocates many small JSON values; mimalloc roughly halves their cost.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`: its place in mimalloc 3's `mi_option_e`, which the Rust
/// bindings do not name (the test below checks it is the option whose default is 1,000 ms).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    keep_freed_memory();
    pim::cli::run()
}

/// Memory freed by the write path's threads is kept for reuse instead of being handed back to the
/// system a second later and faulted in again: in a 1,000,000-product load that cost about 7 % of
/// the run (BENCHMARKS.md, session 7). The process keeps its peak (about 0.7 GB in that load)
/// until it exits.
#[allow(unsafe_code)]
fn keep_freed_memory() {
    // SAFETY: called before any other thread starts; mimalloc reads the option when it purges.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

#[cfg(test)]
mod tests {
    #[test]
    #[allow(unsafe_code)]
    fn the_purge_delay_option_is_the_one_set() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return; // the environment chose another default
        }
        // SAFETY: reading an option; nothing in this test process sets it.
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, 1000, "mimalloc's option 15 is no longer purge_delay");
    }
}
