//! `pim generate`: writes a deterministic synthetic catalog through the batch write path and,
//! with `--csv`, the same products as a supplier CSV.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::bail;

use super::progress;
use crate::app::AppState;
use crate::catalog::product::{ModelPatch, ProductPatch};
use crate::generate::{self, csv_feed::FeedWriter};
use crate::service::products::PreparedProducts;
use crate::store::changes::Origin;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// How many products.
    #[arg(long)]
    products: u64,
    /// Seed: the same seed and size give the same catalog.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also write the products as a supplier CSV to this file.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Products per write transaction. Against 1,000, batches of 2,500 cut the write path's
    /// fixed costs per transaction (its queries, statements and commit) by about a tenth of the
    /// CPU of a 1,000,000-product load (BENCHMARKS.md, session 7).
    #[arg(long, default_value_t = 2500)]
    batch: usize,
    /// Only write the CSV, not the database.
    #[arg(long, requires = "csv")]
    csv_only: bool,
    /// Write the structure and the product models only, not the products: the catalog a
    /// supplier CSV of the same size (`--csv`) imports into (see `scripts/bench-import.sh`).
    #[arg(long, conflicts_with = "csv_only")]
    models_only: bool,
    /// Store products without computing completeness and quality issues (they are computed by
    /// the next `pim quality recompute`); for measuring the write path's quality cost.
    #[arg(long)]
    without_quality: bool,
}

pub fn run(state: AppState, args: Args) -> anyhow::Result<()> {
    if args.batch == 0 {
        bail!("--batch must be at least 1");
    }
    let catalog = &state.catalog;
    catalog.set_quality_on_write(!args.without_quality);
    let origin = Origin::new("system", "cli:generate");
    let started = Instant::now();
    if !args.csv_only {
        catalog.save_entities(generate::structure(), &origin)?;
    }
    // Product models first, as a catalog load writes them: each batch of products then only
    // reads its models, and preparing it never waits for the write lock.
    let models_started = Instant::now();
    let mut models_written = 0usize;
    if !args.csv_only {
        for chunk in generate::models_of(0..args.products).chunks(args.batch) {
            let models: Vec<ModelPatch> = chunk
                .iter()
                .map(|m| generate::model(args.seed, *m))
                .collect();
            let results = catalog.upsert_models(&models, &origin)?;
            models_written += results.iter().filter(|r| !r.is_rejected()).count();
            report_rejections(&results)?;
        }
    }
    let models_time = models_started.elapsed();
    let bar = progress::bar(args.products, "products");
    let (mut written, mut rejected) = (0usize, 0usize);
    let mut write_time = Duration::ZERO;
    // Making products and writing them overlap: a producer thread builds the next batches (and
    // the CSV) while this one writes, as an importer's reader would.
    let (batches, incoming) = mpsc::sync_channel::<Batch>(1);
    let (seed, total, batch_size, csv_path) = (
        args.seed,
        args.products,
        args.batch as u64,
        args.csv.clone(),
    );
    let producer = thread::spawn(move || -> anyhow::Result<()> {
        let mut csv = match &csv_path {
            Some(path) => Some(FeedWriter::new(BufWriter::with_capacity(
                1 << 20,
                File::create(path)?,
            ))?),
            None => None,
        };
        let mut start = 0;
        while start < total {
            let end = (start + batch_size).min(total);
            let products: Vec<ProductPatch> =
                (start..end).map(|i| generate::product(seed, i)).collect();
            if let Some(csv) = &mut csv {
                let models: Vec<ModelPatch> = generate::models_of(start..end)
                    .into_iter()
                    .map(|m| generate::model(seed, m))
                    .collect();
                for (i, p) in (start..end).zip(&products) {
                    let model = generate::model_of(i)
                        .and_then(|m| models.iter().find(|x| x.code == generate::model_code(m)));
                    csv.write(p, model)?;
                }
            }
            if batches.send(Batch { end, products }).is_err() {
                break;
            }
            start = end;
        }
        if let Some(csv) = csv {
            csv.finish()?;
        }
        Ok(())
    });
    if args.csv_only || args.models_only {
        for batch in incoming {
            bar.set_position(batch.end);
        }
    } else {
        let t = Instant::now();
        let origin = &origin;
        // Preparing the next batch (its products read and evaluated) on another thread overlaps
        // with committing this one; the write path checks under its lock that nothing a
        // prepared batch read has moved on.
        thread::scope(|scope| -> anyhow::Result<()> {
            let (ready, prepared) = mpsc::sync_channel::<anyhow::Result<Ready>>(1);
            scope.spawn(move || {
                for batch in incoming {
                    let outcome = catalog
                        .prepare_products(batch.products)
                        .map(|products| Ready {
                            end: batch.end,
                            products,
                        })
                        .map_err(anyhow::Error::from);
                    let failed = outcome.is_err();
                    if ready.send(outcome).is_err() || failed {
                        return; // the committing side stopped, or this side did
                    }
                }
            });
            for item in prepared {
                let item = item?;
                let results = catalog.commit_products(item.products, origin, |_, _| Ok(()))?;
                rejected += results.iter().filter(|r| r.is_rejected()).count();
                written += results.len();
                report_rejections(&results)?;
                bar.set_position(item.end);
            }
            Ok(())
        })?;
        write_time = t.elapsed();
    }
    producer
        .join()
        .map_err(|_| anyhow::anyhow!("the product generator panicked"))??;
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    if args.csv_only {
        println!(
            "wrote {} products to {} in {elapsed:.1} s",
            args.products,
            args.csv
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
    } else {
        println!(
            "generated {written} products ({rejected} rejected) and {models_written} product models into {} in {elapsed:.1} s; models {:.1} s; write path {:.1} s, {:.0} products/s",
            catalog.db().backend_name(),
            models_time.as_secs_f64(),
            write_time.as_secs_f64(),
            written as f64 / write_time.as_secs_f64().max(1e-9),
        );
    }
    Ok(())
}

/// A batch whose products are evaluated, ready to commit.
struct Ready {
    end: u64,
    products: PreparedProducts<'static>,
}

struct Batch {
    end: u64,
    products: Vec<ProductPatch>,
}

/// Generated data is valid by construction: a rejection is a bug worth stopping for.
fn report_rejections(results: &[crate::service::products::ItemResult]) -> anyhow::Result<()> {
    if let Some(r) = results.iter().find(|r| r.is_rejected()) {
        bail!("generated item {} was rejected: {:?}", r.code, r.errors);
    }
    Ok(())
}
