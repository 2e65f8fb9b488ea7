//! SQLite's write-ahead log kept from growing without bound while the write path reads its next
//! batch beside a committing writer.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{RwLock, RwLockReadGuard};

use diesel::SqliteConnection;
use diesel::connection::SimpleConnection;

/// The log's size past which a writer, after its commit, checkpoints it and has the next writer
/// start it again from the beginning.
const RESTART_BYTES: u64 = 256 << 20;

/// A SQLite database's write-ahead log, and the gate that keeps the write path's own reads out of
/// the way of a writer restarting it.
pub struct Wal {
    path: PathBuf,
    gate: RwLock<()>,
    /// The log's size at the last try: a restarted log is written again from its start without
    /// growing, so the next try waits until the file outgrows this.
    tried_at: AtomicU64,
}

impl Wal {
    /// The log of the database file at `db_path`.
    pub fn of(db_path: &str) -> Wal {
        Wal {
            path: PathBuf::from(format!("{db_path}-wal")),
            gate: RwLock::new(()),
            tried_at: AtomicU64::new(0),
        }
    }

    /// Held by the write path's reads: a restart waits for them, and they for it.
    pub fn reading(&self) -> RwLockReadGuard<'_, ()> {
        self.gate.read().expect("wal gate")
    }

    /// Passive checkpoints (`wal_autocheckpoint`) cannot finish while readers are busy, and a log
    /// that never finishes a checkpoint is never started again: under a bulk write beside steady
    /// reads it grows by gigabytes, and every write extends the file. A long log is checkpointed
    /// here with the write path's own reads held back, waiting at most 200 ms for other readers
    /// (a long export is not waited for: the log then stays long until the next try). Failing
    /// only costs disk space, so errors are logged, not returned.
    pub fn restart_if_long(&self, conn: &mut SqliteConnection) {
        let len = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        if len <= RESTART_BYTES || len <= self.tried_at.load(Ordering::Relaxed) {
            return;
        }
        self.tried_at.store(len, Ordering::Relaxed);
        let _alone = self.gate.write().expect("wal gate");
        let restarted =
            conn.batch_execute("PRAGMA busy_timeout = 200; PRAGMA wal_checkpoint(RESTART);");
        if let Err(e) = restarted {
            tracing::warn!(error = %e, "checkpointing the write-ahead log failed");
        }
        if let Err(e) = conn.batch_execute(super::db::BUSY_TIMEOUT) {
            tracing::warn!(error = %e, "restoring the busy timeout after a checkpoint failed");
        }
    }
}
