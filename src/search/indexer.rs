//! The indexer thread: follows the change log from the position stored in the index's last
//! commit, refreshes the documents each event touches, commits (with the new position) as soon
//! as it has caught up, and at least every 300 ms under a steady stream of writes. A write
//! is searchable on this node well within a second. It also picks up an index `pim reindex`
//! swapped in.
//!
//! Events about many products at once — a quality recompute's batches, a supplier's feed linking
//! products — are deferred: their products are refreshed when the indexer has caught up with
//! everything else and no job or import is running, so a recompute of a million products neither
//! competes with the job for the cores nor holds back the writes people make meanwhile.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexWriter, Term};

use super::Shared;
use super::directory::{OpenIndex, Position, internal};
use super::document::{self, Source, facet};
use super::reindex;
use super::schema::{ATTRIBUTE, FAMILY, ID};
use crate::catalog::Structure;
use crate::catalog::codes::sku_key;
use crate::error::Result;
use crate::import::run::SUPPLIER_ENTITY;
use crate::service::Catalog;
use crate::service::reads::ancestors_of;
use crate::service::recompute::QUALITY_ENTITY;
use crate::store;
use crate::store::changes::{ChangeFilter, ChangeRow, Event};
use crate::store::products::StoredProduct;

/// Events read per step.
const BATCH: i64 = 1000;
/// How often an idle indexer looks for new events.
const POLL: Duration = Duration::from_millis(50);
/// Commits are at most this far apart while events keep coming.
const MAX_COMMIT_INTERVAL: Duration = Duration::from_millis(300);
/// And at least this far apart, so a trickle of writes does not commit per event.
const MIN_COMMIT_INTERVAL: Duration = Duration::from_millis(100);
/// How often to look for an index swapped in by `pim reindex`.
const SWAP_CHECK: Duration = Duration::from_secs(1);
/// Wait after a failure (the database restarting, say) before trying again.
const RETRY: Duration = Duration::from_secs(1);
/// Memory tantivy may use while following the log, over its two indexing threads.
const FOLLOW_MEMORY: usize = 64 * 1024 * 1024;
const FOLLOW_THREADS: usize = 2;
/// Batches of at least this many products are built on two threads.
const PARALLEL_FROM: usize = 64;
/// Products whose documents are rebuilt per database query.
const REFRESH_CHUNK: usize = 1000;
/// An index this many events behind (a bulk load while no server ran) is rebuilt in one pass
/// rather than replayed event by event.
const REBUILD_BEHIND: i64 = 200_000;
/// How often deferred refreshes look whether bulk work is still running.
const BULK_CHECK: Duration = Duration::from_millis(500);
/// A job or import whose heartbeat is older than this no longer holds deferred refreshes back.
const BULK_HEARTBEAT: chrono::TimeDelta = chrono::TimeDelta::seconds(60);
/// Entities whose events list products rather than name one.
const BULK_ENTITIES: [&str; 2] = [QUALITY_ENTITY, SUPPLIER_ENTITY];

pub(super) fn run(shared: Arc<Shared>, catalog: Arc<Catalog>) {
    let mut follower = loop {
        if shared.stopped() {
            return;
        }
        match Follower::start(&shared, &catalog) {
            Ok(Some(f)) => break f,
            Ok(None) => return,
            Err(e) => {
                tracing::error!(error = %e, "search indexer cannot start; retrying");
                shared.pause(RETRY * 5);
            }
        }
    };
    while !shared.stopped() {
        match follower.step() {
            Ok(true) => {}
            Ok(false) => shared.pause(POLL),
            Err(e) => {
                tracing::warn!(error = %e, position = follower.position, "search indexer step failed; retrying");
                shared.pause(RETRY);
            }
        }
    }
    if follower.pending {
        if let Err(e) = follower.commit() {
            tracing::warn!(error = %e, "search indexer could not commit on shutdown");
        }
    }
}

struct Follower<'a> {
    shared: &'a Shared,
    catalog: &'a Catalog,
    open: Arc<OpenIndex>,
    writer: IndexWriter,
    position: i64,
    pending: bool,
    last_commit: Instant,
    last_swap_check: Instant,
    structure: (i64, Arc<Structure>),
    /// Products (case-folded SKUs) listed by deferred events, not refreshed yet.
    deferred: BTreeSet<String>,
    /// The first deferred event not fully applied; stored with each commit.
    deferred_from: Option<i64>,
    /// Whether bulk work ran at the last look, and when that was.
    bulk: (bool, Instant),
}

/// The index's writer; None when another process (a running server, `pim reindex` about to
/// swap) holds it.
fn writer(open: &OpenIndex) -> Result<Option<IndexWriter>> {
    match open
        .index
        .writer_with_num_threads(FOLLOW_THREADS, FOLLOW_MEMORY)
    {
        Ok(w) => Ok(Some(w)),
        Err(tantivy::TantivyError::LockFailure(..)) => Ok(None),
        Err(e) => Err(internal(e)),
    }
}

impl<'a> Follower<'a> {
    /// Opens the writer and, for an index never built, builds it from the database first.
    /// None when stopped during that build.
    fn start(shared: &'a Shared, catalog: &'a Catalog) -> Result<Option<Follower<'a>>> {
        let open = shared.current();
        let Some(mut writer) = writer(&open)? else {
            tracing::info!(index = %open.name, "another process keeps this search index current; not following the change log here");
            return Ok(None);
        };
        let head = catalog.change_head()?;
        let position = match open.position()?.seq {
            Some(seq) if head - seq < REBUILD_BEHIND => seq,
            _ => {
                let started = Instant::now();
                tracing::info!(index = %open.name, "building the search index from the database");
                let built =
                    reindex::fill(catalog, &open, &mut writer, &|| shared.stopped(), &|_| {})?;
                let Some(seq) = built else { return Ok(None) };
                open.reader.reload().map_err(internal)?;
                tracing::info!(index = %open.name, seconds = started.elapsed().as_secs_f64(), position = seq, "search index built");
                seq
            }
        };
        let (version, structure) = reindex::load_structure(catalog)?;
        let mut follower = Follower {
            shared,
            catalog,
            open,
            writer,
            position,
            pending: false,
            last_commit: Instant::now(),
            last_swap_check: Instant::now(),
            structure: (version, Arc::new(structure)),
            deferred: BTreeSet::new(),
            deferred_from: None,
            bulk: (
                true,
                Instant::now()
                    .checked_sub(BULK_CHECK)
                    .unwrap_or_else(Instant::now),
            ),
        };
        let stored = follower.open.position()?;
        if let (Some(from), Some(seq)) = (stored.deferred_from, stored.seq) {
            follower.reload_deferred(from, seq)?;
        }
        shared.publish(follower.searchable());
        Ok(Some(follower))
    }

    /// Reads again the deferred events in `[from, until]` that a previous run had not applied.
    fn reload_deferred(&mut self, from: i64, until: i64) -> Result<()> {
        for entity in BULK_ENTITIES {
            let filter = ChangeFilter {
                entity: Some(entity.to_string()),
                code: None,
            };
            let mut after = from - 1;
            loop {
                let events = self.catalog.changes(after, BATCH, &filter)?;
                for e in events.iter().filter(|e| e.seq <= until) {
                    self.defer(e);
                }
                match events.last() {
                    Some(last) if last.seq < until && events.len() as i64 == BATCH => {
                        after = last.seq
                    }
                    _ => break,
                }
            }
        }
        Ok(())
    }

    fn defer(&mut self, e: &ChangeRow) {
        let keys = Event::listed_products(&e.fields);
        if keys.is_empty() {
            return;
        }
        self.deferred.extend(keys.iter().map(|s| sku_key(s)));
        self.deferred_from = Some(self.deferred_from.map_or(e.seq, |f| f.min(e.seq)));
    }

    /// What a commit records now: the log position and the first deferred event still owed.
    fn stored_position(&self) -> Position {
        let mut position = Position::at(self.position);
        position.deferred_from = self.deferred_from.filter(|_| !self.deferred.is_empty());
        position
    }

    /// The position searchers may rely on: every event up to it is reflected.
    fn searchable(&self) -> i64 {
        self.stored_position().searchable()
    }

    /// Whether a job or an import is running now (looked up at most every `BULK_CHECK`).
    fn bulk_running(&mut self) -> Result<bool> {
        if self.bulk.1.elapsed() >= BULK_CHECK {
            let since = crate::service::now() - BULK_HEARTBEAT;
            let running = self
                .catalog
                .db()
                .read(|c| store::jobs::bulk_work_running(c, since))?;
            self.bulk = (running, Instant::now());
        }
        Ok(self.bulk.0)
    }

    /// Refreshes one chunk of deferred products once nothing else waits; true when it did.
    fn refresh_deferred(&mut self) -> Result<bool> {
        if self.deferred.is_empty() || self.bulk_running()? {
            return Ok(false);
        }
        let chunk: Vec<String> = self.deferred.iter().take(REFRESH_CHUNK).cloned().collect();
        for key in &chunk {
            self.deferred.remove(key);
        }
        let structure = self.structure()?;
        self.refresh_keys(&structure, &chunk)?;
        if self.deferred.is_empty() {
            self.deferred_from = None;
        }
        self.pending = true;
        Ok(true)
    }

    /// Applies the next events; true when more are waiting.
    fn step(&mut self) -> Result<bool> {
        if self.last_swap_check.elapsed() >= SWAP_CHECK {
            self.last_swap_check = Instant::now();
            self.follow_swap()?;
        }
        let events = self
            .catalog
            .changes(self.position, BATCH, &ChangeFilter::default())?;
        let mut caught_up = (events.len() as i64) < BATCH;
        if let Some(last) = events.last() {
            self.apply(&events)?;
            self.position = last.seq;
            self.pending = true;
        } else if self.refresh_deferred()? {
            caught_up = self.deferred.is_empty();
        }
        let since = self.last_commit.elapsed();
        if self.pending
            && ((caught_up && since >= MIN_COMMIT_INTERVAL) || since >= MAX_COMMIT_INTERVAL)
        {
            self.commit()?;
        }
        Ok(!caught_up)
    }

    fn commit(&mut self) -> Result<()> {
        let position = self.stored_position();
        reindex::commit(&mut self.writer, position)?;
        self.open.reader.reload().map_err(internal)?;
        self.pending = false;
        self.last_commit = Instant::now();
        self.shared.publish(self.searchable());
        Ok(())
    }

    /// Switches to the index `pim reindex` made current, if it did.
    fn follow_swap(&mut self) -> Result<()> {
        let Some(name) = self.shared.layout.current()? else {
            return Ok(());
        };
        if name == self.open.name {
            return Ok(());
        }
        let index =
            tantivy::Index::open_in_dir(self.shared.layout.path(&name)).map_err(internal)?;
        let open = OpenIndex::new(name.clone(), index)?;
        let Some(seq) = open.position()?.seq else {
            return Ok(());
        };
        let Some(next_writer) = writer(&open)? else {
            return Ok(());
        };
        let old = std::mem::replace(&mut self.writer, next_writer);
        drop(old);
        let open = Arc::new(open);
        self.open = open.clone();
        self.shared.replace(open);
        self.position = seq;
        self.pending = false;
        // The rebuilt index read every product as it was: nothing deferred before it is owed.
        self.deferred.clear();
        self.deferred_from = None;
        self.shared.publish(seq);
        self.shared.layout.remove_unused(&name);
        tracing::info!(index = %name, position = seq, "switched to the rebuilt search index");
        Ok(())
    }

    /// The structure as of now: events about products may name entities the catalog's
    /// cache has not seen yet.
    fn structure(&mut self) -> Result<Arc<Structure>> {
        let version = self.catalog.db().read(store::structure::version)?;
        if version != self.structure.0 {
            let (version, structure) = reindex::load_structure(self.catalog)?;
            self.structure = (version, Arc::new(structure));
        }
        Ok(self.structure.1.clone())
    }

    /// Rebuilds the documents of every product the events touch: the products themselves,
    /// those below a changed product model, and those carrying a changed category, option,
    /// attribute or family. Each is read as it is now, so replaying an event is harmless.
    fn apply(&mut self, events: &[ChangeRow]) -> Result<()> {
        let open = self.open.clone();
        let fields = &open.fields;
        let mut skus: BTreeSet<String> = BTreeSet::new();
        let mut dependents: Vec<Term> = Vec::new();
        for e in events {
            match e.entity.as_str() {
                "product" => {
                    let key = sku_key(&e.code);
                    // Read as it is now, which includes whatever a deferred event said of it.
                    self.deferred.remove(&key);
                    skus.insert(key);
                }
                SUPPLIER_ENTITY | QUALITY_ENTITY => self.defer(e),
                "product_model" => dependents.push(Term::from_field_text(fields.models, &e.code)),
                "category" => dependents.push(Term::from_field_text(fields.categories, &e.code)),
                "attribute" => dependents.push(Term::from_field_text(fields.attributes, &e.code)),
                "attribute_option" => {
                    if let Some((attribute, option)) = e.code.split_once('/') {
                        dependents.push(Term::from_facet(
                            fields.facets,
                            &facet(ATTRIBUTE, &[attribute, option]),
                        ));
                    }
                }
                "family" => {
                    dependents.push(Term::from_facet(fields.facets, &facet(FAMILY, &[&e.code])))
                }
                _ => {}
            }
        }
        let structure = self.structure()?;
        let keys: Vec<String> = skus.iter().cloned().collect();
        for chunk in keys.chunks(REFRESH_CHUNK) {
            self.refresh_keys(&structure, chunk)?;
        }
        if !dependents.is_empty() {
            let ids: Vec<i64> = self.ids_matching(dependents)?;
            for chunk in ids.chunks(REFRESH_CHUNK) {
                let found = self
                    .catalog
                    .db()
                    .read(|c| store::products::find_by_ids(c, chunk))?
                    .into_iter()
                    .filter(|p| !skus.contains(&sku_key(&p.product.sku)))
                    .collect();
                self.upsert(&structure, found)?;
            }
        }
        Ok(())
    }

    /// Rebuilds the documents of these products (case-folded SKUs) as stored now; removes those
    /// that no longer exist.
    fn refresh_keys(&self, structure: &Structure, keys: &[String]) -> Result<()> {
        let found = self
            .catalog
            .db()
            .read(|c| store::products::find_by_sku_keys(c, keys))?;
        let present: BTreeSet<String> = found.iter().map(|p| sku_key(&p.product.sku)).collect();
        for key in keys.iter().filter(|k| !present.contains(*k)) {
            self.writer
                .delete_term(Term::from_field_text(self.open.fields.sku, key));
        }
        self.upsert(structure, found)
    }

    /// Replaces the documents of these products; large batches are built on two threads, so
    /// the indexer keeps up with an import that has the other core.
    fn upsert(&self, structure: &Structure, products: Vec<StoredProduct>) -> Result<()> {
        let parents: Vec<i64> = products.iter().filter_map(|p| p.parent_id).collect();
        let models = self.catalog.model_chains(&parents)?;
        let suppliers = reindex::suppliers_of(self.catalog, &products)?;
        let add = |chunk: &[StoredProduct]| -> Result<()> {
            for product in chunk {
                let key = sku_key(&product.product.sku);
                let source = Source {
                    product,
                    chain: ancestors_of(product.parent_id, &models),
                    suppliers: suppliers.get(&product.id).map_or(&[], Vec::as_slice),
                };
                let doc = document::build(structure, &self.open.fields, &source);
                self.writer
                    .delete_term(Term::from_field_text(self.open.fields.sku, &key));
                self.writer.add_document(doc).map_err(internal)?;
            }
            Ok(())
        };
        if products.len() < PARALLEL_FROM {
            return add(&products);
        }
        std::thread::scope(|scope| {
            let builders: Vec<_> = products
                .chunks(products.len().div_ceil(2))
                .map(|chunk| scope.spawn(|| add(chunk)))
                .collect();
            builders
                .into_iter()
                .try_for_each(|b| b.join().expect("document builder panicked"))
        })
    }

    /// Product ids of the committed documents holding any of the terms.
    fn ids_matching(&self, terms: Vec<Term>) -> Result<Vec<i64>> {
        let query = BooleanQuery::new(
            terms
                .into_iter()
                .map(|t| {
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>,
                    )
                })
                .collect(),
        );
        let searcher = self.open.reader.searcher();
        let docs = searcher
            .search(&query, &DocSetCollector)
            .map_err(internal)?;
        let mut by_segment: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for address in docs {
            by_segment
                .entry(address.segment_ord)
                .or_default()
                .push(address.doc_id);
        }
        let mut ids = Vec::new();
        for (segment, docs) in by_segment {
            let column = searcher
                .segment_reader(segment)
                .fast_fields()
                .u64(ID)
                .map_err(internal)?;
            ids.extend(
                docs.into_iter()
                    .filter_map(|d| column.first(d))
                    .map(|id| id as i64),
            );
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }
}
