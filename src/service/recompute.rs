//! The quality recompute job: after a change to requirements, channels, rules or attributes,
//! every product's completeness and issues are recomputed in the background, in batches, while
//! saves go on (the write path computes fresh quality itself; the job never overwrites a product
//! that changed since it read it). Progress and a heartbeat are stored per batch; a job whose
//! worker died is taken over from its cursor.

use std::sync::Arc;
use std::time::Duration;

use super::{Catalog, now, quality};
use crate::catalog::structure::EntityKind;
use crate::error::Result;
use crate::store::changes::{Event, Origin};
use crate::store::{self, jobs::JobRow};

pub const KIND: &str = "quality_recompute";
/// The change log's entity for products whose quality a recompute changed.
pub const QUALITY_ENTITY: &str = "quality";
const BATCH: i64 = 1_000;
/// A running job whose heartbeat is older than this is considered abandoned.
const STALE_AFTER: chrono::TimeDelta = chrono::TimeDelta::seconds(30);

/// Whether a structure change can change products' completeness or issues.
pub fn affects_quality(kind: EntityKind) -> bool {
    matches!(
        kind,
        EntityKind::Family
            | EntityKind::Channel
            | EntityKind::QualityRule
            | EntityKind::Attribute
            | EntityKind::Category
            | EntityKind::Currency
            | EntityKind::Locale
    )
}

impl Catalog {
    /// Queues a recompute; returns the job id (an already waiting one is reused).
    pub fn schedule_recompute(&self, reason: &str) -> Result<i64> {
        let detail = serde_json::json!({ "reason": reason }).to_string();
        self.db()
            .write(|conn| store::jobs::enqueue(conn, KIND, &detail, now()))
    }

    /// Runs one waiting or abandoned job to its end; false when there was none.
    pub fn run_next_job(&self, worker: &str) -> Result<bool> {
        let at = now();
        let Some(job) = self
            .db()
            .write(|conn| store::jobs::claim(conn, worker, at, at - STALE_AFTER))?
        else {
            return Ok(false);
        };
        tracing::info!(job = job.id, kind = %job.kind, cursor = job.cursor, "job started");
        let outcome = self.recompute(&job, worker);
        let error = outcome.as_ref().err().map(ToString::to_string);
        self.db()
            .write(|conn| store::jobs::finish(conn, job.id, error.as_deref(), now()))?;
        match &error {
            Some(e) => tracing::error!(job = job.id, error = %e, "job failed"),
            None => tracing::info!(job = job.id, "job done"),
        }
        Ok(true)
    }

    fn recompute(&self, job: &JobRow, worker: &str) -> Result<()> {
        let total = self.db().read(store::products::count_all)?;
        let (mut cursor, mut done) = (job.cursor, job.done);
        loop {
            // The latest structure for every batch: a change mid-job is picked up at once.
            let structure = self.structure()?;
            let ours = self.db().write(|conn| {
                let batch = store::products::scan(conn, cursor, BATCH)?;
                if let Some(last) = batch.last() {
                    let changed = quality::refresh_products(conn, &structure, &batch)?;
                    if !changed.is_empty() {
                        // Followers of the change log (the search index's completeness facet)
                        // hear which products' quality moved.
                        let origin = Origin::new("system", format!("job:{}", job.id));
                        store::changes::append(
                            conn,
                            &[Event::about_products(QUALITY_ENTITY, "recompute", changed)],
                            &origin,
                            now(),
                        )?;
                    }
                    cursor = last.id;
                    done += batch.len() as i64;
                } else {
                    cursor = -1;
                }
                store::jobs::progress(
                    conn,
                    job.id,
                    worker,
                    total.max(done),
                    done,
                    cursor.max(0),
                    now(),
                )
            })?;
            if !ours || cursor < 0 {
                return Ok(());
            }
        }
    }

    pub fn job(&self, id: i64) -> Result<Option<JobRow>> {
        self.db().read(|conn| store::jobs::find(conn, id))
    }

    pub fn jobs(&self, kind: Option<&str>, limit: i64) -> Result<Vec<JobRow>> {
        self.db()
            .read(|conn| store::jobs::recent(conn, kind, limit))
    }
}

/// Runs jobs on a background thread for as long as the process lives, checking for new ones
/// every `interval`.
pub fn spawn_worker(catalog: Arc<Catalog>, interval: Duration) {
    let worker = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    std::thread::Builder::new()
        .name("pim-jobs".into())
        .spawn(move || {
            loop {
                match catalog.run_next_job(&worker) {
                    Ok(true) => continue,
                    Ok(false) => {}
                    Err(e) => tracing::error!(error = %e, "job worker"),
                }
                std::thread::sleep(interval);
            }
        })
        .expect("start the job worker");
}
