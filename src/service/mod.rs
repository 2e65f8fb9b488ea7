//! The catalog service: the one write path every entry point (GraphQL, CLI, importer, jobs) goes
//! through, and the reads built on it. Validates, skips unchanged items, writes and logs in one
//! transaction.

pub mod accounts;
mod asset_values;
pub mod assets;
mod authorized;
mod in_use;
pub mod models;
pub(crate) mod parallel;
pub mod preview;
pub mod products;
pub(crate) mod quality;
pub mod quality_report;
pub mod reads;
pub mod recompute;
pub mod structure;

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::assets::AssetStore;
use crate::catalog::Structure;
use crate::error::Result;
use crate::store::{self, Db};

/// How stale a node's structure snapshot may get before it asks the database for the version.
const STRUCTURE_CHECK_INTERVAL: Duration = Duration::from_millis(500);

pub struct Catalog {
    db: Db,
    assets: AssetStore,
    /// Whether the write path computes completeness and issues (off only to measure its cost).
    quality_on_write: std::sync::atomic::AtomicBool,
    snapshot: RwLock<Snapshot>,
    last_check: Mutex<Instant>,
}

struct Snapshot {
    version: i64,
    structure: Arc<Structure>,
}

/// Result of one item of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemStatus {
    Created,
    Updated,
    Unchanged,
    Deleted,
    Rejected,
}

impl Catalog {
    pub fn open(db: Db, assets: AssetStore) -> Result<Catalog> {
        let (version, structure) = load_structure(&db)?;
        Ok(Catalog {
            db,
            assets,
            quality_on_write: std::sync::atomic::AtomicBool::new(true),
            snapshot: RwLock::new(Snapshot {
                version,
                structure: Arc::new(structure),
            }),
            last_check: Mutex::new(Instant::now()),
        })
    }

    /// Turns the write path's quality step off or on. Off, products are stored without
    /// completeness until the next recompute: only `pim generate --without-quality` does this.
    pub fn set_quality_on_write(&self, on: bool) {
        self.quality_on_write
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    pub(crate) fn quality_on_write(&self) -> bool {
        self.quality_on_write
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn assets(&self) -> &AssetStore {
        &self.assets
    }

    /// The cached structure when it was checked against the database recently enough: no I/O,
    /// so async callers can use it without leaving the executor.
    pub fn fresh_structure(&self) -> Option<Arc<Structure>> {
        let fresh = self
            .last_check
            .lock()
            .expect("structure check lock")
            .elapsed()
            < STRUCTURE_CHECK_INTERVAL;
        fresh.then(|| {
            self.snapshot
                .read()
                .expect("structure lock")
                .structure
                .clone()
        })
    }

    /// The current structure; reloaded when another node (or this one) changed it.
    pub fn structure(&self) -> Result<Arc<Structure>> {
        Ok(self.versioned_structure()?.1)
    }

    /// The current structure with its version, which the write path checks again under the
    /// write lock.
    pub(crate) fn versioned_structure(&self) -> Result<(i64, Arc<Structure>)> {
        let due = {
            let mut last = self.last_check.lock().expect("structure check lock");
            let due = last.elapsed() >= STRUCTURE_CHECK_INTERVAL;
            if due {
                *last = Instant::now();
            }
            due
        };
        if due {
            let stored = self.db.read(store::structure::version)?;
            if stored != self.snapshot.read().expect("structure lock").version {
                self.reload_structure()?;
            }
        }
        let snapshot = self.snapshot.read().expect("structure lock");
        Ok((snapshot.version, snapshot.structure.clone()))
    }

    fn reload_structure(&self) -> Result<Arc<Structure>> {
        let (version, structure) = load_structure(&self.db)?;
        let structure = Arc::new(structure);
        *self.snapshot.write().expect("structure lock") = Snapshot {
            version,
            structure: structure.clone(),
        };
        Ok(structure)
    }

    /// Installs a snapshot this node just committed, so its next read sees it without a reload.
    fn install_structure(&self, version: i64, structure: Structure) {
        *self.snapshot.write().expect("structure lock") = Snapshot {
            version,
            structure: Arc::new(structure),
        };
    }
}

fn load_structure(db: &Db) -> Result<(i64, Structure)> {
    db.read(|conn| {
        let version = store::structure::version(conn)?;
        let entities = store::structure::load_all(conn)?;
        Ok((version, Structure::from_entities(entities)))
    })
}

/// The time stamps stored with rows and events: UTC, microsecond precision on both backends.
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    chrono::DateTime::from_timestamp_micros(now.and_utc().timestamp_micros())
        .map_or(now, |d| d.naive_utc())
}
