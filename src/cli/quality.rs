//! `pim quality report`: the quality report of GraphQL's `qualityReport`, as tables.

use clap::Subcommand;

use std::time::{Duration, Instant};

use super::progress;
use crate::app::AppState;
use crate::service::quality_report::ReportFilter;

#[derive(Subcommand, Debug)]
pub enum QualityCommand {
    /// Recompute every product's completeness and issues now, in the foreground (what a
    /// structure change queues for the background of `pim serve`).
    Recompute,
    /// Completeness bands, most missing attributes and failing rules per channel and locale.
    Report {
        /// One channel (default: every channel).
        #[arg(long)]
        channel: Option<String>,
        /// One locale (default: every locale of the channel).
        #[arg(long)]
        locale: Option<String>,
        #[arg(long)]
        family: Option<String>,
        /// A category; products below it count too.
        #[arg(long)]
        category: Option<String>,
    },
}

pub fn run(state: AppState, command: QualityCommand) -> anyhow::Result<()> {
    let (channel, locale, family, category) = match command {
        QualityCommand::Recompute => return recompute(&state),
        QualityCommand::Report {
            channel,
            locale,
            family,
            category,
        } => (channel, locale, family, category),
    };
    let structure = state.catalog.structure()?;
    if let Some(c) = &channel
        && !structure.channels.contains_key(c)
    {
        anyhow::bail!("unknown channel {c}");
    }
    if let Some(l) = &locale {
        let covered = structure
            .channels
            .values()
            .filter(|c| channel.as_ref().is_none_or(|x| *x == c.code))
            .any(|c| c.locales.contains(l));
        if !covered {
            anyhow::bail!("no selected channel has locale {l}");
        }
    }
    for ch in structure
        .channels
        .values()
        .filter(|c| channel.as_ref().is_none_or(|x| *x == c.code))
    {
        for loc in ch
            .locales
            .iter()
            .filter(|l| locale.as_ref().is_none_or(|x| x == *l))
        {
            let report = state.catalog.quality_report(&ReportFilter {
                channel: ch.code.clone(),
                locale: loc.clone(),
                family: family.clone(),
                category: category.clone(),
            })?;
            println!(
                "\n{} / {}: {} products, average completeness {:.1}%",
                report.channel, report.locale, report.products, report.average
            );
            println!("  {:<10} {:>10}", "band", "products");
            for (band, n) in &report.bands {
                println!("  {band:<10} {n:>10}");
            }
            if !report.most_missing.is_empty() {
                println!("  {:<30} {:>10}", "most often missing", "products");
                for (attribute, n) in report.most_missing.iter().take(10) {
                    println!("  {attribute:<30} {n:>10}");
                }
            }
            if !report.issues.is_empty() {
                println!("  {:<30} {:<8} {:>10}", "rule", "severity", "products");
                for (rule, severity, n) in &report.issues {
                    println!("  {rule:<30} {:<8} {n:>10}", severity.as_str());
                }
            }
        }
    }
    Ok(())
}

/// Queues a recompute and runs queued jobs here, drawing the job's progress from its row.
fn recompute(state: &AppState) -> anyhow::Result<()> {
    let catalog = state.catalog.clone();
    let id = catalog.schedule_recompute("pim quality recompute")?;
    let started = Instant::now();
    let worker = std::thread::spawn(move || -> anyhow::Result<()> {
        let name = format!("cli-{}", std::process::id());
        while catalog.run_next_job(&name)? {}
        Ok(())
    });
    let bar = progress::bar(0, "products");
    let job = loop {
        let job = state.catalog.job(id)?;
        if let Some(job) = &job {
            bar.set_length(job.total.max(0) as u64);
            bar.set_position(job.done.max(0) as u64);
        }
        if worker.is_finished() {
            break job;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    worker
        .join()
        .map_err(|_| anyhow::anyhow!("the recompute worker panicked"))??;
    bar.finish_and_clear();
    let job = job.ok_or_else(|| anyhow::anyhow!("job {id} vanished"))?;
    if let Some(error) = job.error {
        anyhow::bail!("recompute failed: {error}");
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "recomputed quality of {} products in {seconds:.1} s ({:.0} products/s)",
        job.done,
        job.done as f64 / seconds.max(1e-9)
    );
    Ok(())
}
