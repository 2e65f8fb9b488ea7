//! `pim quality report`: the quality report of GraphQL's `qualityReport`, as tables.

use clap::Subcommand;

use crate::app::AppState;
use crate::service::quality_report::ReportFilter;

#[derive(Subcommand, Debug)]
pub enum QualityCommand {
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
    let QualityCommand::Report {
        channel,
        locale,
        family,
        category,
    } = command;
    let structure = state.catalog.structure()?;
    if let Some(c) = &channel
        && !structure.channels.contains_key(c)
    {
        anyhow::bail!("unknown channel {c}");
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
