//! SQLite's write-ahead log: copied into the database by a checkpointer thread of its own, off
//! the committing writer's time, and restarted by the writer when readers beside a bulk write
//! keep it from ever starting again.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock, RwLockReadGuard, Weak};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};

/// The log's size past which a writer, after its commit, checkpoints it and has the next writer
/// start it again from the beginning.
const RESTART_BYTES: u64 = 256 << 20;

/// The log's size past which the checkpointer copies it into the database.
const CHECKPOINT_BYTES: u64 = 32 << 20;

/// How long the checkpointer sleeps when no writer wakes it.
const IDLE: Duration = Duration::from_secs(1);

/// The least time between two checkpoints: pages a bulk load writes in every commit (the ends of
/// its tables and indexes) are then copied once for several commits, not once for each.
const GAP: Duration = Duration::from_millis(250);

/// A SQLite database's write-ahead log, the gate that keeps the write path's own reads out of
/// the way of a writer restarting it, and the bell that wakes its checkpointer.
pub struct Wal {
    path: PathBuf,
    gate: RwLock<()>,
    /// The log's size at the last try: a restarted log is written again from its start without
    /// growing, so the next try waits until the file outgrows this.
    tried_at: AtomicU64,
    /// Set by a commit, cleared by the checkpointer when it looks at the log.
    written: Mutex<bool>,
    bell: Condvar,
}

impl Wal {
    /// The log of the database file at `db_path`, with a thread of its own copying it into the
    /// database while writers go on (see `checkpoint_beside_writers`).
    pub fn of(db_path: &str) -> Arc<Wal> {
        let wal = Arc::new(Wal {
            path: PathBuf::from(format!("{db_path}-wal")),
            gate: RwLock::new(()),
            tried_at: AtomicU64::new(0),
            written: Mutex::new(false),
            bell: Condvar::new(),
        });
        let (weak, db_path) = (Arc::downgrade(&wal), db_path.to_string());
        let started = std::thread::Builder::new()
            .name("sqlite-checkpointer".into())
            .spawn(move || checkpoint_beside_writers(&db_path, &weak));
        if let Err(e) = started {
            // Writers' own automatic checkpoints still keep the log in bounds, on their time.
            tracing::warn!(error = %e, "starting the sqlite checkpointer failed");
        }
        wal
    }

    /// Called after each commit: wakes the checkpointer.
    pub fn wrote(&self) {
        *self.written.lock().expect("wal bell") = true;
        self.bell.notify_one();
    }

    fn len(&self) -> u64 {
        std::fs::metadata(&self.path).map_or(0, |m| m.len())
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
        let len = self.len();
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

/// Copies the log into the database on a connection of its own, so the committing writer does
/// not: SQLite's automatic checkpoint runs inside the commit that crosses its threshold and, in a
/// bulk load, took about a tenth of the run's CPU on the writer's thread. A passive checkpoint
/// never blocks writers or readers; it stops where a reader still needs the log. Ends when the
/// database's pool is gone.
fn checkpoint_beside_writers(db_path: &str, wal: &Weak<Wal>) {
    let mut conn = match SqliteConnection::establish(db_path) {
        Ok(conn) => conn,
        Err(e) => {
            tracing::warn!(error = %e, "the sqlite checkpointer cannot open the database");
            return;
        }
    };
    loop {
        let Some(wal) = wal.upgrade() else { return };
        {
            let written = wal.written.lock().expect("wal bell");
            let (mut written, _) = wal
                .bell
                .wait_timeout_while(written, IDLE, |written| !*written)
                .expect("wal bell");
            *written = false;
        }
        if wal.len() > CHECKPOINT_BYTES {
            if let Err(e) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE);") {
                tracing::warn!(error = %e, "checkpointing the write-ahead log failed");
            }
            drop(wal);
            std::thread::sleep(GAP);
        }
    }
}
