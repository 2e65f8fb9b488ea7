//! `pim reindex`: rebuilds the search index from the database beside the one in use, with a
//! progress bar, and swaps it in; a running server answers from the old index until then.

use std::time::Instant;

use super::progress;
use crate::app::AppState;
use crate::search::reindex;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Afterwards, index the same documents again with raw tantivy (built in memory first,
    /// same schema, analyzers, threads and memory) and print both times: the benchmark of
    /// BENCHMARKS.md. Needs memory for every document at once.
    #[arg(long)]
    compare_raw: bool,
}

pub fn run(state: AppState, args: Args) -> anyhow::Result<()> {
    let catalog = &state.catalog;
    let total = reindex::count(catalog)?;
    let bar = progress::bar(total, "products");
    let rebuilt = reindex::rebuild(&state.config.data_dir, catalog, &|n| bar.set_position(n))?;
    bar.finish_and_clear();
    let seconds = rebuilt.elapsed.as_secs_f64();
    println!(
        "reindexed {} products into {} in {seconds:.1} s ({:.0} products/s), at change-log position {}; {}",
        rebuilt.products,
        rebuilt.name,
        rebuilt.products as f64 / seconds.max(1e-9),
        rebuilt.position,
        if rebuilt.old_removed {
            "the old index is removed"
        } else {
            "a running server switches to it within a second and removes the old one"
        }
    );
    if args.compare_raw {
        let started = Instant::now();
        eprintln!("building the same documents in memory for the raw tantivy baseline");
        let (docs, raw) = reindex::raw_baseline(&state.config.data_dir, catalog)?;
        let raw_seconds = raw.as_secs_f64();
        println!(
            "raw tantivy indexed the same {docs} documents in {raw_seconds:.1} s ({:.0} documents/s, {} threads); full reindex / raw = {:.2} (baseline run took {:.1} s in all)",
            docs as f64 / raw_seconds.max(1e-9),
            reindex::build_threads(),
            seconds / raw_seconds.max(1e-9),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(())
}
