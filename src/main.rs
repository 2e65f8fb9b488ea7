//! The `pim` binary: the command line over the library.

fn main() -> std::process::ExitCode {
    pim::cli::run()
}
