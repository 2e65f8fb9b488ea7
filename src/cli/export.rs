//! `pim export CHANNEL [-o FILE] [--since CURSOR]`: a channel's feed to a file or stdout, full or
//! as a delta after a cursor, with a progress bar; the summary (counts, first issues, the next
//! cursor) goes to stderr and into the export history. `--list` shows the channels;
//! `--compare-floor` also times the benchmark floor on the same catalog; `--images DIR` writes the
//! channel's image renditions of the exported products.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use super::progress;
use crate::app::AppState;
use crate::export::{Format, floor};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Channel code (see --list).
    channel: Option<String>,
    /// Output file (default: stdout); written beside it and renamed when complete.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Export what changed after this change-log cursor (created, updated, deleted products).
    #[arg(long)]
    since: Option<i64>,
    /// Another format the channel offers: google_tsv, csv, json, ndjson, …
    #[arg(long)]
    format: Option<String>,
    /// Use another catalog channel's values (e.g. `ecommerce` of a generated catalog).
    #[arg(long)]
    scope: Option<String>,
    #[arg(long)]
    locale: Option<String>,
    #[arg(long)]
    currency: Option<String>,
    /// Also write the channel's image renditions of the exported products into this directory.
    #[arg(long)]
    images: Option<PathBuf>,
    /// List the channels and exit.
    #[arg(long)]
    list: bool,
    /// Afterwards, stream the stored documents to XML without any work (the floor) to the same
    /// kind of destination and print both times.
    #[arg(long)]
    compare_floor: bool,
}

pub fn run(state: AppState, args: Args) -> anyhow::Result<()> {
    let exports = &state.exports;
    if args.list {
        for c in exports.list()? {
            let d = &c.definition;
            println!(
                "{:<16} {:<17} {:<16} {:<6} {:<4} {:<9} {}",
                d.code,
                d.format.as_str(),
                d.scope,
                d.locale,
                d.currency,
                c.origin.as_str(),
                d.label
            );
        }
        return Ok(());
    }
    let Some(code) = args.channel.as_deref() else {
        anyhow::bail!("name a channel (pim export --list shows them)");
    };
    let mut def = exports.get(code)?.definition;
    if let Some(scope) = args.scope {
        def.scope = scope;
    }
    if let Some(locale) = args.locale {
        def.locale = locale;
    }
    if let Some(currency) = args.currency {
        def.currency = currency;
    }
    let format = match args.format.as_deref() {
        None => def.format,
        Some(f) => Format::parse(f).ok_or_else(|| anyhow::anyhow!("unknown format {f}"))?,
    };
    let destination = args
        .output
        .as_ref()
        .map_or_else(|| "stdout".to_string(), |p| p.display().to_string());
    let started = Instant::now();
    let bar = progress::bar(0, "products");
    let mut on_progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let summary = match &args.output {
        Some(path) => {
            let partial = path.with_extension("partial");
            let mut out = BufWriter::with_capacity(1 << 20, File::create(&partial)?);
            let summary = exports.run(
                &def,
                format,
                args.since,
                &mut out,
                "system",
                &destination,
                &mut on_progress,
            )?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            std::fs::rename(&partial, path)?;
            summary
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
            exports.run(
                &def,
                format,
                args.since,
                &mut out,
                "system",
                &destination,
                &mut on_progress,
            )?
        }
    };
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "{}: {} exported, {} rejected, {} deleted, {} not selected in {seconds:.2} s ({:.0} products/s); next delta: --since {}",
        def.code,
        summary.exported,
        summary.rejected,
        summary.deleted,
        summary.skipped,
        (summary.exported + summary.rejected + summary.skipped) as f64 / seconds.max(1e-9),
        summary.cursor
    );
    for issue in summary.issues.iter().take(20) {
        eprintln!(
            "  rejected {} [{}{}]: {}",
            issue.sku,
            issue.rule,
            issue
                .field
                .as_deref()
                .map(|f| format!(" {f}"))
                .unwrap_or_default(),
            issue.message
        );
    }
    if summary.rejected > 20 {
        eprintln!("  … see pim's export history (GraphQL exportRuns) for more");
    }
    if let Some(dir) = &args.images {
        let written = exports.write_images(&def, &summary.images, dir)?;
        eprintln!("{written} image renditions in {}", dir.display());
    }
    if args.compare_floor {
        let (n, floor_time) = match &args.output {
            Some(path) => {
                let floor_path = path.with_extension("floor.xml");
                let mut out = BufWriter::with_capacity(1 << 20, File::create(&floor_path)?);
                let result = floor::stream(&state.catalog, &mut out)?;
                out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
                std::fs::remove_file(&floor_path)?;
                result
            }
            None => floor::stream(&state.catalog, &mut std::io::sink())?,
        };
        let floor_seconds = floor_time.as_secs_f64();
        eprintln!(
            "floor (stored documents to XML, no work): {n} products in {floor_seconds:.2} s; export / floor = {:.2}",
            seconds / floor_seconds.max(1e-9)
        );
    }
    std::io::stdout().flush()?;
    Ok(())
}
