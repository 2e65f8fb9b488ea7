//! Running an export: products from the source, selected, projected and validated, rendered
//! and written batch by batch. Rejected products are skipped and reported; the summary carries
//! the counts, the first issues, and the cursor the next delta starts from.

use std::collections::HashMap;
use std::io::Write;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::definition::{ChannelDefinition, Format};
use super::project::{Item, Projector, Subject};
use super::render::{self, Renderer};
use super::source::{self, Batch, FullScan, RawBatch, Wanted};
use super::validate::{ExportIssue, Validator};
use crate::catalog::Structure;
use crate::error::{Error, Result};
use crate::service::Catalog;
use crate::store;

/// Issues kept in a summary and in the history; the counts cover them all.
pub const MAX_ISSUES: usize = 1000;

/// What one export did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub channel: String,
    pub format: String,
    /// The cursor the delta started after; None for a full export.
    pub since: Option<i64>,
    /// The change log's position when the export started: the next delta's `since`.
    pub cursor: i64,
    pub exported: u64,
    pub rejected: u64,
    pub deleted: u64,
    /// Products the selection left out.
    pub skipped: u64,
    /// Image hashes of the exported products, when the channel has a rendition.
    #[serde(skip)]
    pub images: std::collections::BTreeSet<String>,
    pub issues: Vec<ExportIssue>,
}

/// Progress callback: products read so far and the catalog's total.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

fn io_error(e: std::io::Error) -> Error {
    Error::Unavailable(format!("cannot write the feed: {e}"))
}

/// One product's outcome on a channel.
pub enum Outcome {
    /// With the product's image hash when the channel sends renditions.
    Accepted(Item, Option<String>),
    Rejected(Item, Vec<ExportIssue>),
    NotSelected,
}

/// Projects and validates one batch; outcomes in the batch's order.
pub fn judge(
    catalog: &Catalog,
    structure: &Structure,
    def: &ChannelDefinition,
    batch: &Batch,
) -> Result<Vec<Outcome>> {
    let projector = Projector::new(structure, def);
    let validator = Validator::new(structure, def);
    let subjects: Vec<Subject<'_>> = batch
        .products
        .iter()
        .map(|p| Subject::new(p, &batch.models))
        .collect();
    let images = if def.images.is_some() {
        let hashes: Vec<String> = subjects
            .iter()
            .filter_map(|s| validator.image_of(s))
            .map(str::to_string)
            .collect();
        catalog
            .db()
            .read(|conn| store::assets::dimensions(conn, &hashes))?
    } else {
        HashMap::new()
    };
    Ok(subjects
        .iter()
        .map(|subject| {
            if !validator.selected(subject) {
                return Outcome::NotSelected;
            }
            let item = projector.project(subject);
            let issues = validator.check(subject, &item, &images);
            if issues.is_empty() {
                let image = def
                    .images
                    .as_ref()
                    .and_then(|i| i.rendition.as_ref())
                    .and_then(|_| validator.image_of(subject))
                    .map(str::to_string);
                Outcome::Accepted(item, image)
            } else {
                Outcome::Rejected(item, issues)
            }
        })
        .collect())
}

/// Renders accepted items group by group into `buf`, counting into `summary`; returns the
/// rendered items, so the thread that made them can free them.
fn render_outcomes(
    renderer: &mut dyn Renderer,
    outcomes: Vec<Outcome>,
    summary: &mut Summary,
    buf: &mut Vec<u8>,
) -> Vec<Item> {
    let mut spent = Vec::with_capacity(outcomes.len());
    let mut group: Vec<Item> = Vec::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Accepted(item, image) => {
                summary.images.extend(image);
                if group
                    .first()
                    .is_some_and(|g| g.group.is_none() || g.group != item.group)
                {
                    renderer.group(buf, &group);
                    spent.append(&mut group);
                }
                summary.exported += 1;
                group.push(item);
            }
            Outcome::Rejected(_, issues) => {
                summary.rejected += 1;
                let room = MAX_ISSUES.saturating_sub(summary.issues.len());
                summary.issues.extend(issues.into_iter().take(room));
            }
            Outcome::NotSelected => summary.skipped += 1,
        }
    }
    if !group.is_empty() {
        renderer.group(buf, &group);
        spent.append(&mut group);
    }
    spent
}

/// Writes a full feed (`since` None) or a delta after `since` to `out`.
pub fn export(
    catalog: &Catalog,
    def: &ChannelDefinition,
    format: Format,
    since: Option<i64>,
    out: &mut dyn Write,
    progress: Progress<'_>,
) -> Result<Summary> {
    let structure = catalog.structure()?;
    let errors = def.check(&structure);
    if !errors.is_empty() {
        return Err(Error::Invalid(
            errors
                .into_iter()
                .map(|e| e.under(&format!("channel {}", def.code)))
                .collect(),
        ));
    }
    let cursor = catalog.change_head()?;
    let mut summary = Summary {
        channel: def.code.clone(),
        format: format.as_str().to_string(),
        since,
        cursor,
        ..Summary::default()
    };
    let mut renderer = render::renderer(def, format);
    let mut buf = Vec::with_capacity(1 << 20);
    renderer.begin(&mut buf);
    match since {
        None => {
            let total = catalog.db().read(store::products::count_all)?.max(0) as u64;
            let mut read = 0u64;
            let wanted = Wanted::of(def, &structure);
            judged_in_order(catalog, &structure, def, &wanted, |read_now, outcomes| {
                read += read_now;
                let spent = render_outcomes(renderer.as_mut(), outcomes, &mut summary, &mut buf);
                out.write_all(&buf).map_err(io_error)?;
                buf.clear();
                progress(read, total);
                Ok(spent)
            })?;
        }
        Some(since) => {
            let delta = source::delta(catalog, since, cursor)?;
            let total = delta.changed.len() as u64;
            let mut read = 0u64;
            let mut removed: Vec<String> = delta.deleted;
            for batch in source::delta_batches(catalog, delta.changed)? {
                read += batch.products.len() as u64;
                let outcomes = judge(catalog, &structure, def, &batch)?;
                // A changed product the channel no longer selects is gone for its consumers.
                for (p, o) in batch.products.iter().zip(&outcomes) {
                    if matches!(o, Outcome::NotSelected) && !delta.created.contains(&p.product.sku)
                    {
                        removed.push(p.product.sku.clone());
                    }
                }
                render_outcomes(renderer.as_mut(), outcomes, &mut summary, &mut buf);
                out.write_all(&buf).map_err(io_error)?;
                buf.clear();
                progress(read, total);
            }
            for sku in &removed {
                renderer.deleted(&mut buf, sku);
            }
            summary.deleted = removed.len() as u64;
        }
    }
    renderer.end(&mut buf);
    out.write_all(&buf).map_err(io_error)?;
    out.flush().map_err(io_error)?;
    Ok(summary)
}

/// A batch's judgement: how many products were read, their outcomes, and where the worker
/// that judged them takes the rendered items back to free them.
type Judged = Result<(u64, Vec<Outcome>, mpsc::Sender<Vec<Item>>)>;

/// Every product of the catalog in id order, judged batch by batch, handed to `each` in order.
/// One thread reads batches, workers on every core parse and judge them (the bulk of the CPU),
/// and the caller renders them in the order read. Each batch gets its own slot for its result,
/// queued in reading order, so at most a few batches are in flight whatever the workers' pace.
/// Items go back to the worker that made them to be freed there: freed on the rendering thread
/// instead, the allocator kept up to twice the memory of a single-threaded export.
fn judged_in_order(
    catalog: &Catalog,
    structure: &Structure,
    def: &ChannelDefinition,
    wanted: &Wanted,
    mut each: impl FnMut(u64, Vec<Outcome>) -> Result<Vec<Item>>,
) -> Result<()> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    std::thread::scope(|scope| -> Result<()> {
        let (jobs_tx, jobs_rx) = mpsc::sync_channel::<(Result<RawBatch>, SyncSender<Judged>)>(1);
        // Shared by the workers; gone with the last of them.
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let (order_tx, order_rx) = mpsc::sync_channel::<Receiver<Judged>>(workers);
        let reader_wanted = wanted.clone();
        scope.spawn(move || {
            let mut scan = FullScan::new(catalog, reader_wanted);
            loop {
                let next = match scan.next_raw() {
                    Ok(Some(batch)) => Ok(batch),
                    Ok(None) => break,
                    Err(e) => Err(e),
                };
                let failed = next.is_err();
                let (slot, result) = mpsc::sync_channel(1);
                if order_tx.send(result).is_err() || jobs_tx.send((next, slot)).is_err() || failed {
                    break;
                }
            }
        });
        for _ in 0..workers {
            let jobs_rx = Arc::clone(&jobs_rx);
            scope.spawn(move || {
                let (trash_tx, trash) = mpsc::channel::<Vec<Item>>();
                loop {
                    trash.try_iter().for_each(drop);
                    let job = jobs_rx
                        .lock()
                        .map_err(|_| ())
                        .and_then(|jobs| jobs.recv().map_err(|_| ()));
                    let Ok((raw, slot)) = job else {
                        break;
                    };
                    let judged = raw.and_then(|raw| raw.parse(wanted)).and_then(|batch| {
                        let outcomes = judge(catalog, structure, def, &batch)?;
                        Ok((batch.products.len() as u64, outcomes, trash_tx.clone()))
                    });
                    // The caller stopped early when nobody waits for the slot.
                    let _ = slot.send(judged);
                }
            });
        }
        drop(jobs_rx);
        for result in order_rx {
            let judged = result
                .recv()
                .map_err(|_| Error::Internal("an export worker stopped".into()))?;
            let (read, outcomes, trash) = judged?;
            let spent = each(read, outcomes)?;
            // A worker that already stopped hands the items back; they are freed here.
            let _ = trash.send(spent);
        }
        Ok(())
    })
}

/// One product as a preview shows it.
#[derive(Debug, Clone)]
pub struct Previewed {
    pub item: Item,
    pub accepted: bool,
    pub issues: Vec<ExportIssue>,
}

/// The first `first` selected products of a channel, rendered and checked, and the feed those
/// accepted would make.
pub fn preview(
    catalog: &Catalog,
    def: &ChannelDefinition,
    first: usize,
) -> Result<(Vec<Previewed>, String)> {
    let structure = catalog.structure()?;
    let errors = def.check(&structure);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut out = Vec::new();
    let mut scan = FullScan::new(catalog, Wanted::of(def, &structure));
    while out.len() < first {
        let Some(batch) = scan.next_batch()? else {
            break;
        };
        for outcome in judge(catalog, &structure, def, &batch)? {
            match outcome {
                Outcome::Accepted(item, _) => out.push(Previewed {
                    item,
                    accepted: true,
                    issues: Vec::new(),
                }),
                Outcome::Rejected(item, issues) => out.push(Previewed {
                    item,
                    accepted: false,
                    issues,
                }),
                Outcome::NotSelected => {}
            }
            if out.len() >= first {
                break;
            }
        }
    }
    let mut renderer = render::renderer(def, def.format);
    let mut buf = Vec::new();
    renderer.begin(&mut buf);
    let accepted: Vec<Outcome> = out
        .iter()
        .filter(|p| p.accepted)
        .map(|p| Outcome::Accepted(p.item.clone(), None))
        .collect();
    render_outcomes(
        renderer.as_mut(),
        accepted,
        &mut Summary::default(),
        &mut buf,
    );
    renderer.end(&mut buf);
    Ok((out, String::from_utf8_lossy(&buf).into_owned()))
}
