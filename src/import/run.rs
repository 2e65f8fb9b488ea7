//! One import run, file to report: rows streamed in batches, mapped on every core, checked (dry
//! run) or written through the catalog's one write path, each batch atomic; progress, kept row
//! outcomes and the rejected-rows CSV (`report.rs`) recorded as it goes.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use csv::StringRecord;
use serde::Serialize;

use super::akeneo::flat;
use super::feed::{Feed, FileFacts, ReadOptions};
use super::mapping::{CellError, MappedRow, Mapper, NewOption};
use super::profile::{InheritedValues, Profile, Rows};
use super::report::{ERROR_COLUMN, Report};
use super::unchanged::Digests;
use super::{decode, reconcile, sniff};
use crate::catalog::codes::sku_key;
use crate::catalog::product::ModelPatch;
use crate::catalog::structure::Entity;
use crate::catalog::{AttributeOption, Structure};
use crate::error::{Error, Result};
use crate::service::preview::Previewed;
use crate::service::products::ItemResult;
use crate::service::{Catalog, ItemStatus, now, parallel};
use crate::store::changes::{self, Event, Origin};
use crate::store::imports::{self, Counts, RowOutcome};
use crate::store::row_hashes::{self, RowHash};
use crate::store::suppliers;

/// The change log's entity for a supplier's product links.
pub const SUPPLIER_ENTITY: &str = "supplier";

/// Rows written per transaction.
pub const BATCH: usize = 2000;
/// Row outcomes other than rejections kept per dry run (each row's status and diff); counts are
/// always complete.
pub const KEEP_ROWS: i64 = 100_000;

/// Which profile reads the file.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProfileSpec {
    Profile {
        profile: Box<Profile>,
    },
    /// Akeneo's flat format: the profile is derived from the header.
    Akeneo,
}

/// What a run found out about its file, stored with the run.
#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    #[serde(flatten)]
    pub file: FileFacts,
    pub rows: Rows,
    pub unused_columns: Vec<String>,
    pub notes: Vec<String>,
}

pub struct Run<'a> {
    pub catalog: &'a Catalog,
    pub import_id: i64,
    pub file: &'a Path,
    pub spec: &'a ProfileSpec,
    /// Given by the caller; wins over the profile's settings.
    pub read: ReadOptions,
    pub dry_run: bool,
    pub supplier: Option<&'a str>,
    pub assets: HashMap<String, String>,
    pub origin: &'a Origin,
    /// Where the rejected rows go, as CSV with an error column.
    pub report: &'a Path,
}

impl Run<'_> {
    /// Runs the import to its end and records the outcome; `Err` only when the run itself
    /// failed (unreadable file, bad profile, database down) — then the run is marked failed.
    pub fn execute(self, on_progress: &mut dyn FnMut(&Counts)) -> Result<Counts> {
        let outcome = self.run(on_progress);
        let (counts, error) = match &outcome {
            Ok(counts) => (*counts, None),
            Err((counts, e)) => (*counts, Some(e.public_message())),
        };
        let id = self.import_id;
        self.catalog
            .db()
            .write(|conn| imports::finish(conn, id, &counts, error.as_deref(), now()))?;
        outcome.map_err(|(_, e)| e)
    }

    fn run(&self, on_progress: &mut dyn FnMut(&Counts)) -> Result<Counts, (Counts, Error)> {
        let fail = |e: Error| (Counts::default(), e);
        let (mut feed, profile, notes) = self.open().map_err(fail)?;
        let structure = self.catalog.structure().map_err(fail)?;
        let mapper = Mapper::compile(
            &profile,
            &feed.facts.header,
            structure,
            feed.facts.decimal_comma,
        )
        .map_err(fail)?
        .with_assets(self.assets.clone());
        let facts = Facts {
            file: feed.facts.clone(),
            rows: profile.rows,
            unused_columns: mapper.unused.clone(),
            notes,
        };
        let facts_json = serde_json::to_string(&facts).map_err(|e| fail(e.into()))?;
        let id = self.import_id;
        self.catalog
            .db()
            .write(|conn| imports::start(conn, id, &facts_json, now()))
            .map_err(fail)?;
        let mut report = Report::new(self.report, &feed.facts);
        let digests = Digests::load(
            self.catalog,
            self.supplier,
            &profile,
            &feed.facts,
            &self.assets,
            !self.dry_run,
        )
        .map_err(fail)?;
        if profile.all_or_nothing && !self.dry_run {
            // First every row is checked; only a clean file is then written.
            let mut pass = Pass::new(self, &mapper, &profile, true, &mut report, &digests);
            pass.keep_only_rejected = true;
            let checked = pass.all(&mut feed, on_progress)?;
            if checked.rows_rejected > 0 {
                report.finish().map_err(|e| (checked, e))?;
                return Err((
                    checked,
                    Error::BadRequest(format!(
                        "all or nothing: {} of {} rows were rejected, so nothing was written; \
                         see the rejected rows",
                        checked.rows_rejected, checked.rows_read
                    )),
                ));
            }
            feed = self.open().map_err(fail)?.0;
        }
        let mut pass = Pass::new(self, &mapper, &profile, self.dry_run, &mut report, &digests);
        let counts = pass.all(&mut feed, on_progress)?;
        let (first, skipped) = std::mem::take(&mut pass.skipped_files);
        report.finish().map_err(|e| (counts, e))?;
        if skipped > 0 {
            let mut facts = facts;
            facts.notes.push(format!(
                "{skipped} image or file values left out: the files were not sent with the feed ({}{})",
                first.join(", "),
                if skipped > first.len() { ", …" } else { "" }
            ));
            let json = serde_json::to_string(&facts).map_err(|e| (counts, e.into()))?;
            self.catalog
                .db()
                .write(|conn| imports::set_facts(conn, id, &json))
                .map_err(|e| (counts, e))?;
        }
        Ok(counts)
    }

    fn open(&self) -> Result<(Feed, Profile, Vec<String>)> {
        let mut options = self.read;
        let mut notes = Vec::new();
        if let ProfileSpec::Profile { profile } = self.spec {
            if options.encoding.is_none() {
                options.encoding = decode::parse_label(profile.encoding.as_deref().unwrap_or(""))?;
            }
            if options.delimiter.is_none() {
                options.delimiter =
                    sniff::parse_delimiter(profile.delimiter.as_deref().unwrap_or(""))
                        .map_err(Error::BadRequest)?;
            }
            options.decimal_comma = options.decimal_comma.or(profile.decimal_comma);
        }
        let feed = Feed::open(self.file, options)?;
        let mut profile = match self.spec {
            ProfileSpec::Profile { profile } => (**profile).clone(),
            ProfileSpec::Akeneo => {
                let (profile, found) =
                    flat::profile_for(&feed.facts.header, &*self.catalog.structure()?)?;
                notes.extend(found);
                profile
            }
        };
        profile.ignore.push(ERROR_COLUMN.to_string());
        Ok((feed, profile, notes))
    }
}

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

/// One pass over the file, in batches.
struct Pass<'r, 'a> {
    run: &'r Run<'a>,
    mapper: &'r Mapper,
    rows: Rows,
    inherited_values: InheritedValues,
    dry_run: bool,
    keep_only_rejected: bool,
    kept: i64,
    counts: Counts,
    report: &'r mut Report,
    digests: &'r Digests,
    /// Files rows named but that were not sent (skipped values), first few and count.
    skipped_files: (Vec<String>, usize),
}

impl<'r, 'a> Pass<'r, 'a> {
    fn new(
        run: &'r Run<'a>,
        mapper: &'r Mapper,
        profile: &Profile,
        dry_run: bool,
        report: &'r mut Report,
        digests: &'r Digests,
    ) -> Self {
        Pass {
            run,
            mapper,
            rows: profile.rows,
            inherited_values: profile.inherited_values,
            dry_run,
            keep_only_rejected: false,
            kept: 0,
            counts: Counts::default(),
            report,
            digests,
            skipped_files: (Vec::new(), 0),
        }
    }

    /// Rows already applied are left out unless this pass keeps every row's outcome (a dry
    /// run shows each row). Model rows are always read: they are few.
    fn skips_known_rows(&self) -> bool {
        self.rows == Rows::Products && (!self.dry_run || self.keep_only_rejected)
    }

    /// Reading and mapping the next batch (one thread) overlaps with checking and writing this
    /// one (this thread), as the write path holds the database's single writer.
    fn all(
        &mut self,
        feed: &mut Feed,
        on_progress: &mut dyn FnMut(&Counts),
    ) -> Result<Counts, (Counts, Error)> {
        let mapper = self.mapper;
        let digests = self.digests;
        let skip_known = self.skips_known_rows();
        // Digests are for skipping rows and for remembering those a commit applies.
        let with_digests = skip_known || !self.dry_run;
        std::thread::scope(|scope| {
            let (batches, incoming) = std::sync::mpsc::sync_channel::<Result<Mapped>>(2);
            let reader = scope.spawn(move || {
                loop {
                    let mut batch: Vec<StringRecord> = Vec::with_capacity(BATCH);
                    let mut record = StringRecord::new();
                    loop {
                        if batch.len() == BATCH {
                            break;
                        }
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
                    let rows = parallel::map(&batch, |record| mapper.map(record));
                    let mapped = Mapped {
                        skipped: (read - batch.len()) as i64,
                        records: batch,
                        rows,
                        hashes,
                        bytes: feed.bytes_read(),
                    };
                    if batches.send(Ok(mapped)).is_err() {
                        return; // the writer stopped
                    }
                }
            });
            let outcome = (|| {
                for item in incoming.iter() {
                    let mapped = item.map_err(|e| (self.counts, e))?;
                    self.batch(mapped).map_err(|e| (self.counts, e))?;
                    on_progress(&self.counts);
                }
                Ok(self.counts)
            })();
            drop(incoming);
            reader.join().map_err(|_| {
                (
                    self.counts,
                    Error::Internal("the feed reader panicked".into()),
                )
            })?;
            outcome
        })
    }

    /// Checks or writes one batch, then records its row outcomes, supplier links and the run's
    /// progress in one more transaction.
    fn batch(&mut self, batch: Mapped) -> Result<()> {
        self.counts.rows_read += batch.skipped;
        self.counts.rows_unchanged += batch.skipped;
        let Mapped {
            records: batch,
            rows: mut mapped,
            hashes,
            bytes,
            ..
        } = batch;
        let batch = batch.as_slice();
        if batch.is_empty() {
            return self.progress(bytes, &[], &[]);
        }
        if self.rows == Rows::Products {
            let structure = self.run.catalog.structure()?;
            let policy = self.inherited_values;
            reconcile::inherited(self.run.catalog, &structure, &mut mapped, policy, |path| {
                self.mapper.column_of(path)
            })?;
            reconcile::partial_prices(self.run.catalog, &structure, &mut mapped)?;
        } else if self.inherited_values == InheritedValues::Ignore {
            reconcile::model_levels(&*self.run.catalog.structure()?, &mut mapped);
        }
        let valid: Vec<usize> = (0..mapped.len())
            .filter(|i| mapped[*i].errors.is_empty())
            .collect();
        let structure = self.options_for(&mapped, &valid)?;
        self.more_reasons(&structure, batch, &mut mapped)?;
        let outcomes = self.write(&structure, &mut mapped, &valid, &hashes)?;
        let mut statuses: Vec<(ItemStatus, Vec<CellError>, String)> = mapped
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
        for row in &mapped {
            self.skipped_files.1 += row.skipped_files.len();
            for f in &row.skipped_files {
                if self.skipped_files.0.len() < 5 && !self.skipped_files.0.contains(f) {
                    self.skipped_files.0.push(f.clone());
                }
            }
        }
        let mut keep = Vec::new();
        let mut linked = Vec::new();
        for ((record, row), (status, errors, changes)) in batch.iter().zip(&mapped).zip(statuses) {
            let line = record.position().map_or(0, |p| p.line()) as i64;
            self.counts.rows_read += 1;
            match status {
                ItemStatus::Created => self.counts.rows_created += 1,
                ItemStatus::Updated => self.counts.rows_updated += 1,
                ItemStatus::Rejected => self.counts.rows_rejected += 1,
                _ => self.counts.rows_unchanged += 1,
            }
            if status == ItemStatus::Rejected {
                self.report.row(line, record, &errors)?;
            } else if self.rows == Rows::Products {
                linked.push(sku_key(&row.patch.sku));
            }
            let worth_keeping = status == ItemStatus::Rejected
                || (!self.keep_only_rejected && self.dry_run && self.kept < KEEP_ROWS);
            if worth_keeping {
                if status != ItemStatus::Rejected {
                    self.kept += 1;
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
        self.progress(bytes, &keep, &linked)
    }

    /// Records kept row outcomes, supplier links and the run's progress in one transaction.
    fn progress(&mut self, bytes: u64, keep: &[RowOutcome], linked: &[String]) -> Result<()> {
        let supplier = self.run.supplier.filter(|_| !self.dry_run);
        self.counts.bytes_read = bytes as i64;
        let (id, counts) = (self.run.import_id, self.counts);
        let origin = self.run.origin;
        self.run.catalog.db().write(|conn| {
            imports::add_rows(conn, keep)?;
            if let Some(s) = supplier {
                let new = suppliers::link_products(conn, s, linked)?;
                if !new.is_empty() {
                    // Followers of the change log (the search index's supplier facet) hear of
                    // products newly carried by this supplier.
                    let event = Event::about_products(SUPPLIER_ENTITY, s, new);
                    changes::append(conn, &[event], origin, now())?;
                }
            }
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
    fn cell_errors(
        &self,
        record: &StringRecord,
        errors: &[crate::error::FieldError],
    ) -> Vec<CellError> {
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
    /// created before the batch is written, or, in a dry run, assumed in the structure used.
    fn options_for(
        &self,
        mapped: &[MappedRow],
        valid: &[usize],
    ) -> Result<std::sync::Arc<Structure>> {
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
            Ok(std::sync::Arc::new(
                fresh
                    .into_iter()
                    .fold((*structure).clone(), |s, e| s.with(e)),
            ))
        } else {
            self.run.catalog.save_entities(fresh, self.run.origin)?;
            self.run.catalog.structure()
        }
    }

    fn write(
        &self,
        structure: &Structure,
        mapped: &mut [MappedRow],
        valid: &[usize],
        hashes: &[RowHash],
    ) -> Result<Vec<Previewed>> {
        let catalog = self.run.catalog;
        let source = self.digests.source.as_str();
        match self.rows {
            Rows::Products => {
                let patches: Vec<_> = valid
                    .iter()
                    .map(|i| std::mem::take(&mut mapped[*i].patch))
                    .collect();
                let out = if self.dry_run {
                    catalog.preview_products(structure, &patches)?
                } else {
                    // Each applied row's digest commits with its product: the next import of
                    // the same row skips it.
                    let remember = |conn: &mut crate::store::Conn<'_>, results: &[ItemResult]| {
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
                        row_hashes::record(conn, source, &applied, &created)
                    };
                    written(catalog.upsert_products_then(&patches, self.run.origin, remember)?)
                };
                for (i, patch) in valid.iter().zip(patches) {
                    mapped[*i].patch = patch;
                }
                Ok(out)
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
                    catalog.preview_models(structure, &patches)
                } else {
                    Ok(written(catalog.upsert_models(&patches, self.run.origin)?))
                }
            }
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

pub fn status_name(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Created => "created",
        ItemStatus::Updated => "updated",
        ItemStatus::Unchanged => "unchanged",
        ItemStatus::Deleted => "deleted",
        ItemStatus::Rejected => "rejected",
    }
}
