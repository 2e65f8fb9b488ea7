//! `pim bench`: load against a running service, printed as a block for BENCHMARKS.md; a run
//! with any failed or wrong response exits non-zero.

use clap::Subcommand;

use crate::bench::{self, Report};
use crate::config::Config;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Kind,
}

#[derive(Subcommand, Debug)]
enum Kind {
    /// Read single products by SKU at a constant rate and report latency from schedule.
    Product(bench::product::Args),
    /// Read pages of products after random cursors with a fixed number of requests in flight.
    Page(bench::page::Args),
    /// Search over HTTP for typical queries, next to the same queries on the index directly
    /// (run on the server's machine, with its data directory).
    Search(bench::search::Args),
    /// Time from a write's answer until a search finds it; run it during an import.
    Searchable(bench::search::DelayArgs),
    /// The import benchmark's floor: parse a CSV, build a JSON document per row, insert into a
    /// scratch SQLite database in one transaction (see scripts/bench-import.sh).
    ImportFloor(bench::import_floor::Args),
    /// Many consumers pulling one feed at once: time to first byte and throughput.
    Feed(bench::feed::Args),
}

pub fn run(config: Config, args: Args) -> anyhow::Result<()> {
    let command = command_line();
    if let Kind::Feed(a) = &args.command {
        let report = actix_web::rt::System::new().block_on(bench::feed::run(a, &command))?;
        print!("{report}");
        return Ok(());
    }
    let target = match &args.command {
        Kind::ImportFloor(a) => {
            let floor = bench::import_floor::run(a)?;
            let seconds = floor.elapsed.as_secs_f64();
            println!(
                "floor: {} rows parsed, turned into JSON documents and inserted into SQLite in {seconds:.1} s ({:.0} rows/s)",
                floor.rows,
                floor.rows as f64 / seconds.max(1e-9)
            );
            return Ok(());
        }
        Kind::Product(a) => &a.target,
        Kind::Page(a) => &a.target,
        Kind::Search(a) => &a.target,
        Kind::Feed(_) => unreachable!("answered above"),
        Kind::Searchable(a) => {
            let base = a
                .url
                .clone()
                .unwrap_or_else(|| format!("http://{}", config.listen));
            let report =
                actix_web::rt::System::new().block_on(bench::search::delay(&base, a, &command))?;
            print!("{report}");
            return Ok(());
        }
    };
    let base = target
        .url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.listen));
    if let Kind::Search(a) = &args.command {
        let state = crate::app::AppState::open_without_indexer(config)?;
        print!("{}", bench::search::run(&state, &base, a, &command)?);
        return Ok(());
    }
    let report: Report = actix_web::rt::System::new().block_on(async {
        match &args.command {
            Kind::Product(a) => bench::product::run(&base, a, command).await,
            Kind::Page(a) => bench::page::run(&base, a, command).await,
            Kind::Search(_) | Kind::Searchable(_) | Kind::ImportFloor(_) | Kind::Feed(_) => {
                unreachable!("answered above")
            }
        }
    })?;
    print!("{report}");
    if !report.tally.is_clean() {
        anyhow::bail!(
            "benchmark failed: {} errors and {} mismatches",
            report.tally.errors(),
            report.tally.mismatches()
        );
    }
    Ok(())
}

/// The command as typed, quoted where a shell would need it, so a report can be rerun.
fn command_line() -> String {
    std::env::args()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@".contains(c))
            {
                a
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
