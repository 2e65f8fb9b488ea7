//! The `pim` binary: the command line over the library.

// The write path allocates many small JSON values; mimalloc roughly halves their cost.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    pim::cli::run()
}
