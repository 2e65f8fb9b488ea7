//! One pass over a feed, in batches, on three threads at once: a reader reads and maps the next
//! rows; a stager reconciles them with what is stored and evaluates them against the catalog
//! outside the write lock; the calling thread commits the staged batch through the catalog's one
//! write path (each batch whole or not at all, with its rows' digests and its supplier's links in
//! the same transaction) and records its row outcomes and the run's progress.

use std::collections::{BTreeSet, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, SyncSender};

use csv::StringRecord;

use super::feed::Feed;
use super::mapping::{CellError, MappedRow, Mapper, NewOption};
use super::profile::{InheritedValues, Profile, Rows};
use super::reconcile;
use super::report::Report;
use super::run::{Run, SUPPLIER_ENTITY};
use super::unchanged::Digests;
use crate::catalog::codes::sku_key;
use crate::catalog::product::{ModelPatch, ProductPatch};
use crate::catalog::structure::Entity;
use crate::catalog::{AttributeOption, Structure};
use crate::error::{Error, FieldError, Result};
use crate::service::preview::Previewed;
use crate::service::products::{ItemResult, PreparedProducts};
use crate::service::{ItemStatus, now, parallel};
use crate::store::Conn;
use crate::store::changes::{self, Event};
use crate::store::imports::{self, Counts, RowOutcome};
use crate::store::row_hashes::{self, RowHash};
use crate::store::suppliers;

/// Rows written per transaction.
pub const BATCH: usize = 2500;

/// Row outcomes other than rejections kept per dry run (each row's status and diff); counts are
/// always complete.
const KEEP_ROWS: i64 = 100_000;

/// A batch of rows as read, less those an earlier import already applied.
struct Mapped {
    records: Vec<StringRecord>,
    rows: Vec<MappedRow>,
    /// Each record's digest; empty in passes that neither skip nor remember rows.
    hashes: Vec<RowHash>,
    /// Rows left out as already applied: unchanged.
    skipped: i64,
    /// The file's bytes read so far.
    bytes: u64,
}

/// A batch reconciled and evaluated, waiting for its commit.
struct Staged {
    mapped: Mapped,
    /// The rows the write path sees (those the mapping did not refuse).
    valid: Vec<usize>,
    work: Work,
}

/// What committing a staged batch does.
enum Work {
    /// Nothing: the outcomes are known (a dry run's previews, or an empty batch).
    Known(Vec<Previewed>),
    Products(PreparedProducts<'static>),
    Models(Vec<ModelPatch>),
}

/// What every thread of a pass reads.
struct Context<'r, 'a> {
    run: &'r Run<'a>,
    mapper: &'r Mapper,
    rows: Rows,
    inherited_values: InheritedValues,
    dry_run: bool,
    keep_only_rejected: bool,
    digests: &'r Digests,
}

/// What the committing thread tallies.
struct Tally<'r> {
    kept: i64,
    counts: Counts,
    report: &'r mut Report,
    /// Files rows named but that were not sent (skipped values), first few and count.
    skipped_files: (Vec<String>, usize),
}

impl Tally<'_> {
    /// Remembers the files rows named but that were not sent: the first few, and how many.
    fn note_skipped_files(&mut self, mapped: &[MappedRow]) {
        for row in mapped {
            self.skipped_files.1 += row.skipped_files.len();
            for f in &row.skipped_files {
                if self.skipped_files.0.len() < 5 && !self.skipped_files.0.contains(f) {
                    self.skipped_files.0.push(f.clone());
                }
            }
        }
    }
}

/// A row's outcome: its status, its errors and its changes as JSON (empty for none).
type Status = (ItemStatus, Vec<CellError>, String);

/// One pass over the file, in batches.
pub struct Pass<'r, 'a> {
    cx: Context<'r, 'a>,
    tally: Tally<'r>,
}

impl<'r, 'a> Pass<'r, 'a> {
    /// `keep_only_rejected`: a checking pass before an all-or-nothing commit, which keeps no
    /// outcomes but the rejections.
    pub fn new(
        run: &'r Run<'a>,
        mapper: &'r Mapper,
        profile: &Profile,
        (dry_run, keep_only_rejected): (bool, bool),
        report: &'r mut Report,
        digests: &'r Digests,
    ) -> Self {
        Pass {
            cx: Context {
                run,
                mapper,
                rows: profile.rows,
                inherited_values: profile.inherited_values,
                dry_run,
                keep_only_rejected,
                digests,
            },
            tally: Tally {
                kept: 0,
                counts: Counts::default(),
                report,
                skipped_files: (Vec::new(), 0),
            },
        }
    }

    /// Files rows named but that were not sent: the first few, and how many.
    pub fn skipped_files(&mut self) -> (Vec<String>, usize) {
        std::mem::take(&mut self.tally.skipped_files)
    }

    /// Reads, stages and commits every batch, the three overlapping; stops at the first
    /// error, with the counts of what was committed before it.
    pub fn all(
        &mut self,
        feed: &mut Feed,
        on_progress: &mut dyn FnMut(&Counts),
    ) -> Result<Counts, (Counts, Error)> {
        let Pass { cx, tally } = self;
        let cx = &*cx;
        std::thread::scope(|scope| {
            let (batches, incoming) = mpsc::sync_channel::<Result<Mapped>>(1);
            let reader = scope.spawn(move || cx.read_all(feed, batches));
            // One staged batch waits while another commits, so the stager goes on evaluating
            // the next rather than idle beside the committing thread.
            let (staged, to_commit) = mpsc::sync_channel::<Result<Staged>>(1);
            let (acks, committed) = mpsc::channel::<()>();
            let stager = scope.spawn(move || cx.stage_all(incoming, staged, committed));
            let outcome = (|| {
                for item in to_commit.iter() {
                    let staged = item.map_err(|e| (tally.counts, e))?;
                    cx.commit(tally, staged).map_err(|e| (tally.counts, e))?;
                    let _ = acks.send(());
                    on_progress(&tally.counts);
                }
                Ok(tally.counts)
            })();
            drop(to_commit);
            drop(acks);
            for (name, thread) in [("stager", stager), ("reader", reader)] {
                thread.join().map_err(|_| {
                    (
                        tally.counts,
                        Error::Internal(format!("the feed's {name} panicked")),
                    )
                })?;
            }
            outcome
        })
    }
}

impl Context<'_, '_> {
    /// Rows already applied are left out unless this pass keeps every row's outcome (a dry
    /// run shows each row). Model rows are always read: they are few.
    fn skips_known_rows(&self) -> bool {
        self.rows == Rows::Products && (!self.dry_run || self.keep_only_rejected)
    }

    /// The reader: batches of rows, digested and mapped on every core.
    fn read_all(&self, feed: &mut Feed, batches: SyncSender<Result<Mapped>>) {
        let digests = self.digests;
        let skip_known = self.skips_known_rows();
        // Digests are for skipping rows and for remembering those a commit applies.
        let with_digests = skip_known || !self.dry_run;
        loop {
            let mut batch: Vec<StringRecord> = Vec::with_capacity(BATCH);
            let mut record = StringRecord::new();
            while batch.len() < BATCH {
                match feed.next(&mut record) {
                    Ok(true) => batch.push(std::mem::take(&mut record)),
                    Ok(false) => break,
                    Err(e) => {
                        let _ = batches.send(Err(e));
                        return;
                    }
                }
            }
            if batch.is_empty() {
                return;
            }
            let read = batch.len();
            let (batch, hashes): (Vec<StringRecord>, Vec<RowHash>) = if with_digests {
                let hashes = parallel::map(&batch, |record| digests.of(record));
                batch
                    .into_iter()
                    .zip(hashes)
                    .filter(|(_, hash)| !skip_known || !digests.is_known(hash))
                    .unzip()
            } else {
                (batch, Vec::new())
            };
            let rows = parallel::map(&batch, |record| self.mapper.map(record));
            let mapped = Mapped {
                skipped: (read - batch.len()) as i64,
                records: batch,
                rows,
                hashes,
                bytes: feed.bytes_read(),
            };
            if batches.send(Ok(mapped)).is_err() {
                return; // the committer stopped
            }
        }
    }

    /// The stager. Reconciling reads stored values (a product's prices in other currencies)
    /// outside the write path's check; so a batch naming a product that a batch still waiting
    /// for its commit also names is staged only once that commit is done.
    fn stage_all(
        &self,
        incoming: Receiver<Result<Mapped>>,
        staged: SyncSender<Result<Staged>>,
        committed: Receiver<()>,
    ) {
        let guard = self.rows == Rows::Products && !self.dry_run;
        // The products of the staged batches not yet committed, oldest first.
        let mut pending: VecDeque<HashSet<String>> = VecDeque::new();
        for item in incoming {
            let outcome = item.and_then(|batch| {
                let keys: HashSet<String> = if guard {
                    batch.rows.iter().map(|r| sku_key(&r.patch.sku)).collect()
                } else {
                    HashSet::new()
                };
                while committed.try_recv().is_ok() {
                    pending.pop_front();
                }
                // Commits come in staging order: wait until no batch still pending shares a product.
                while pending.iter().any(|p| !p.is_disjoint(&keys)) && committed.recv().is_ok() {
                    pending.pop_front();
                }
                pending.push_back(keys);
                self.stage(batch)
            });
            let failed = outcome.is_err();
            if staged.send(outcome).is_err() || failed {
                return; // the committer stopped, or this side did
            }
        }
    }

    /// Reconciles a batch with what is stored, creates the options it needs and evaluates it:
    /// everything but the commit.
    fn stage(&self, mut batch: Mapped) -> Result<Staged> {
        if batch.records.is_empty() {
            return Ok(Staged {
                mapped: batch,
                valid: Vec::new(),
                work: Work::Known(Vec::new()),
            });
        }
        let catalog = self.run.catalog;
        let mapped = &mut batch.rows;
        if self.rows == Rows::Products {
            let structure = catalog.structure()?;
            let policy = self.inherited_values;
            reconcile::inherited(catalog, &structure, mapped, policy, |path| {
                self.mapper.column_of(path)
            })?;
            reconcile::partial_prices(catalog, &structure, mapped)?;
        } else if self.inherited_values == InheritedValues::Ignore {
            reconcile::model_levels(&*catalog.structure()?, mapped);
        }
        let valid: Vec<usize> = (0..mapped.len())
            .filter(|i| mapped[*i].errors.is_empty())
            .collect();
        let structure = self.options_for(mapped, &valid)?;
        self.more_reasons(&structure, &batch.records, mapped)?;
        let work = self.evaluate(&structure, mapped, &valid)?;
        Ok(Staged {
            mapped: batch,
            valid,
            work,
        })
    }

    fn evaluate(
        &self,
        structure: &Structure,
        mapped: &mut [MappedRow],
        valid: &[usize],
    ) -> Result<Work> {
        let catalog = self.run.catalog;
        Ok(match self.rows {
            Rows::Products => {
                // The rows keep their SKUs for the report.
                let patches: Vec<ProductPatch> = valid
                    .iter()
                    .map(|i| {
                        let patch = std::mem::take(&mut mapped[*i].patch);
                        mapped[*i].patch.sku.clone_from(&patch.sku);
                        patch
                    })
                    .collect();
                if self.dry_run {
                    Work::Known(catalog.preview_products(structure, &patches)?)
                } else {
                    Work::Products(catalog.prepare_products(patches)?)
                }
            }
            Rows::ProductModels => {
                let patches: Vec<ModelPatch> = valid
                    .iter()
                    .map(|i| {
                        let row = &mapped[*i];
                        ModelPatch {
                            code: row.patch.sku.clone(),
                            family_variant: row.family_variant.clone(),
                            parent: row.patch.parent.clone(),
                            categories: row.patch.categories.clone(),
                            values: row.patch.values.clone(),
                        }
                    })
                    .collect();
                if self.dry_run {
                    Work::Known(catalog.preview_models(structure, &patches)?)
                } else {
                    Work::Models(patches)
                }
            }
        })
    }

    /// Commits a staged batch (each applied row's digest with its product, so the next import
    /// of the same row skips it), then records its row outcomes, supplier links and the run's
    /// progress in one more transaction.
    fn commit(&self, tally: &mut Tally<'_>, staged: Staged) -> Result<()> {
        let Staged {
            mapped,
            valid,
            work,
        } = staged;
        let Mapped {
            records: batch,
            rows: mut mapped,
            hashes,
            skipped,
            bytes,
        } = mapped;
        tally.counts.rows_read += skipped;
        tally.counts.rows_unchanged += skipped;
        let outcomes = self.write(work, &mapped, &valid, &hashes)?;
        let statuses = self.statuses(&batch, &mut mapped, &valid, outcomes)?;
        tally.note_skipped_files(&mapped);
        let keep = self.tally_rows(tally, &batch, &mapped, statuses)?;
        parallel::drop_later((batch, mapped));
        self.progress(tally, bytes, &keep)
    }

    /// Carries out a staged batch's work (a dry run's is already done): the outcome of each
    /// valid row, in order. In the same transaction as the products a commit applies, their
    /// rows' digests are remembered and the supplier is linked to them.
    fn write(
        &self,
        work: Work,
        mapped: &[MappedRow],
        valid: &[usize],
        hashes: &[RowHash],
    ) -> Result<Vec<Previewed>> {
        let catalog = self.run.catalog;
        let origin = self.run.origin;
        Ok(match work {
            Work::Known(previewed) => previewed,
            Work::Products(prepared) => {
                let source = self.digests.source.as_str();
                let remember = |conn: &mut Conn<'_>, results: &[ItemResult]| {
                    let applied: Vec<(i64, RowHash)> = results
                        .iter()
                        .zip(valid)
                        .filter_map(|(r, i)| Some((r.id?, hashes[*i])))
                        .collect();
                    let created = results
                        .iter()
                        .filter(|r| r.status == ItemStatus::Created)
                        .filter_map(|r| r.id)
                        .collect();
                    row_hashes::record(conn, source, &applied, &created)?;
                    match self.run.supplier {
                        Some(supplier) => self.link(conn, supplier, mapped, valid, results),
                        None => Ok(()),
                    }
                };
                written(catalog.commit_products(prepared, origin, remember)?)
            }
            Work::Models(patches) => written(catalog.upsert_models(&patches, origin)?),
        })
    }

    /// Links the supplier to the products of the rows the write path took. A product this commit
    /// wrote needs no event besides its own: whoever follows the log reads it, link included,
    /// once the transaction is visible. Products left unchanged but newly linked are listed in
    /// a supplier event, for the search index's supplier facet.
    fn link(
        &self,
        conn: &mut Conn<'_>,
        supplier: &str,
        mapped: &[MappedRow],
        valid: &[usize],
        results: &[ItemResult],
    ) -> Result<()> {
        let mut keys = Vec::with_capacity(results.len());
        let mut unchanged = HashSet::new();
        for (result, i) in results.iter().zip(valid) {
            if result.status == ItemStatus::Rejected {
                continue;
            }
            let key = sku_key(&mapped[*i].patch.sku);
            if result.status == ItemStatus::Unchanged {
                unchanged.insert(key.clone());
            }
            keys.push(key);
        }
        let listed: Vec<String> = suppliers::link_products(conn, supplier, &keys)?
            .into_iter()
            .filter(|key| unchanged.contains(key))
            .collect();
        if !listed.is_empty() {
            let event = Event::about_products(SUPPLIER_ENTITY, supplier, listed);
            changes::append(conn, &[event], self.run.origin, now())?;
        }
        Ok(())
    }

    /// Every row's status, errors and changes (as JSON, empty for none): rejected with the
    /// mapping's errors unless the write path gave it an outcome.
    fn statuses(
        &self,
        batch: &[StringRecord],
        mapped: &mut [MappedRow],
        valid: &[usize],
        outcomes: Vec<Previewed>,
    ) -> Result<Vec<Status>> {
        let mut statuses: Vec<Status> = mapped
            .iter_mut()
            .map(|m| {
                (
                    ItemStatus::Rejected,
                    std::mem::take(&mut m.errors),
                    String::new(),
                )
            })
            .collect();
        for (i, previewed) in valid.iter().zip(outcomes) {
            let errors = self.cell_errors(&batch[*i], &previewed.result.errors);
            let changes = if previewed.changes.is_empty() {
                String::new()
            } else {
                serde_json::to_string(&previewed.changes)?
            };
            statuses[*i] = (previewed.result.status, errors, changes);
        }
        Ok(statuses)
    }

    /// Counts each row and reports the rejected ones; returns the outcomes to store: every
    /// rejection, and a dry run's first rows.
    fn tally_rows(
        &self,
        tally: &mut Tally<'_>,
        batch: &[StringRecord],
        mapped: &[MappedRow],
        statuses: Vec<Status>,
    ) -> Result<Vec<RowOutcome>> {
        let mut keep = Vec::new();
        for ((record, row), (status, errors, changes)) in batch.iter().zip(mapped).zip(statuses) {
            let line = record.position().map_or(0, |p| p.line()) as i64;
            let counts = &mut tally.counts;
            counts.rows_read += 1;
            match status {
                ItemStatus::Created => counts.rows_created += 1,
                ItemStatus::Updated => counts.rows_updated += 1,
                ItemStatus::Rejected => counts.rows_rejected += 1,
                _ => counts.rows_unchanged += 1,
            }
            if status == ItemStatus::Rejected {
                tally.report.row(line, record, &errors)?;
            }
            let worth_keeping = status == ItemStatus::Rejected
                || (!self.keep_only_rejected && self.dry_run && tally.kept < KEEP_ROWS);
            if worth_keeping {
                if status != ItemStatus::Rejected {
                    tally.kept += 1;
                }
                keep.push(RowOutcome {
                    import_id: self.run.import_id,
                    line,
                    sku: row.patch.sku.clone(),
                    status: status_name(status).to_string(),
                    errors: serde_json::to_string(&errors)?,
                    changes: if changes.is_empty() {
                        "[]".into()
                    } else {
                        changes
                    },
                });
            }
        }
        Ok(keep)
    }

    /// Records kept row outcomes and the run's progress in one transaction.
    fn progress(&self, tally: &mut Tally<'_>, bytes: u64, keep: &[RowOutcome]) -> Result<()> {
        tally.counts.bytes_read = bytes as i64;
        let (id, counts) = (self.run.import_id, tally.counts);
        self.run.catalog.db().write(|conn| {
            imports::add_rows(conn, keep)?;
            imports::progress(conn, id, &counts, now())
        })
    }

    /// A row refused for its cells is also checked by the write path (without the bad cells,
    /// never written), so its report lists every problem at once.
    fn more_reasons(
        &self,
        structure: &Structure,
        batch: &[StringRecord],
        mapped: &mut [MappedRow],
    ) -> Result<()> {
        if self.rows != Rows::Products {
            return Ok(());
        }
        let refused: Vec<usize> = (0..mapped.len())
            .filter(|i| !mapped[*i].errors.is_empty() && !mapped[*i].patch.sku.is_empty())
            .collect();
        if refused.is_empty() {
            return Ok(());
        }
        let patches: Vec<_> = refused.iter().map(|i| mapped[*i].patch.clone()).collect();
        let previews = self.run.catalog.preview_products(structure, &patches)?;
        for (i, previewed) in refused.iter().zip(previews) {
            let more = self.cell_errors(&batch[*i], &previewed.result.errors);
            mapped[*i].errors.extend(more);
        }
        Ok(())
    }

    /// Write-path errors named by column, with the cell's value.
    fn cell_errors(&self, record: &StringRecord, errors: &[FieldError]) -> Vec<CellError> {
        errors
            .iter()
            .map(|e| {
                let column = self.mapper.column_of(&e.field);
                let value = self
                    .mapper
                    .header()
                    .iter()
                    .position(|h| *h == column)
                    .and_then(|p| record.get(p))
                    .unwrap_or_default()
                    .to_string();
                CellError {
                    column,
                    value,
                    reason: e.message.clone(),
                }
            })
            .collect()
    }

    /// Options the rows name that do not exist yet (profiles with `unknown_options: create`):
    /// created before the batch is evaluated, or, in a dry run, assumed in the structure used.
    fn options_for(&self, mapped: &[MappedRow], valid: &[usize]) -> Result<Arc<Structure>> {
        let new: BTreeSet<&NewOption> =
            valid.iter().flat_map(|i| &mapped[*i].new_options).collect();
        let structure = self.run.catalog.structure()?;
        if new.is_empty() {
            return Ok(structure);
        }
        let mut fresh = Vec::new();
        let mut seen = BTreeSet::new();
        for o in new {
            if structure.option_by_word(&o.attribute, &o.code).is_some()
                || !seen.insert((&o.attribute, &o.code))
            {
                continue;
            }
            let sort_order = structure
                .options
                .get(&o.attribute)
                .map_or(0, |m| m.len() as i32);
            let labels = structure
                .locales
                .keys()
                .map(|l| (l.clone(), o.label.clone()))
                .take(1)
                .collect();
            fresh.push(Entity::AttributeOption(AttributeOption {
                attribute: o.attribute.clone(),
                code: o.code.clone(),
                sort_order,
                labels,
            }));
        }
        if fresh.is_empty() {
            return Ok(structure);
        }
        if self.dry_run {
            Ok(Arc::new(
                fresh
                    .into_iter()
                    .fold((*structure).clone(), |s, e| s.with(e)),
            ))
        } else {
            self.run.catalog.save_entities(fresh, self.run.origin)?;
            self.run.catalog.structure()
        }
    }
}

fn written(results: Vec<ItemResult>) -> Vec<Previewed> {
    results
        .into_iter()
        .map(|result| Previewed {
            result,
            changes: Vec::new(),
        })
        .collect()
}

fn status_name(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Created => "created",
        ItemStatus::Updated => "updated",
        ItemStatus::Unchanged => "unchanged",
        ItemStatus::Deleted => "deleted",
        ItemStatus::Rejected => "rejected",
    }
}
