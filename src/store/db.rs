//! Connections to the one database behind the catalog: embedded SQLite by default, PostgreSQL for
//! deployments past one machine. Queries are written once and run on either through `with_conn!`.

use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::wal::Wal;
use crate::error::{Error, Result};
use crate::on;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A pool of connections to one of the two backends.
#[derive(Clone)]
pub enum Db {
    Sqlite(Pool<ConnectionManager<SqliteConnection>>, Arc<Wal>),
    Postgres(Pool<ConnectionManager<PgConnection>>),
}

#[derive(Debug)]
struct SqlitePragmas;

macro_rules! busy_timeout {
    () => {
        "PRAGMA busy_timeout = 15000;"
    };
}

/// Restores the busy timeout after a statement that waits less.
pub(super) const BUSY_TIMEOUT: &str = busy_timeout!();

/// WAL lets readers go on during a write; the busy timeout makes concurrent writers wait instead
/// of failing; foreign keys are off by default in SQLite. Pages of 16 KiB hold five products'
/// 2.8 KB rows where 8 KiB pages held two (a 1,000,000-product database is 6.7 GB instead of
/// 7.4). The log is checkpointed by a thread of its own (`wal.rs`) past 32 MiB; a writer's
/// automatic checkpoint is the fallback, at 256 MiB (16,384 pages).
const SQLITE_PRAGMAS: &str = concat!(
    busy_timeout!(),
    " PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
     PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; \
     PRAGMA wal_autocheckpoint = 16384;"
);

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(
        &self,
        conn: &mut SqliteConnection,
    ) -> std::result::Result<(), diesel::r2d2::Error> {
        conn.batch_execute(SQLITE_PRAGMAS)
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Whether a database URL names PostgreSQL; anything else is a SQLite path.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

impl Db {
    /// Opens a pool; `url` is a PostgreSQL URL or a SQLite file path (optionally `sqlite://`).
    pub fn connect(url: &str, pool_size: u32) -> Result<Db> {
        if is_postgres_url(url) {
            let manager = ConnectionManager::<PgConnection>::new(url);
            let pool = Pool::builder()
                .max_size(pool_size)
                .connection_timeout(Duration::from_secs(10))
                .build(manager)
                .map_err(|e| Error::Unavailable(format!("cannot connect to postgresql: {e}")))?;
            Ok(Db::Postgres(pool))
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            super::sqlite_library::configure();
            // One connection switches a new file to WAL before the pool opens its connections
            // side by side: switching needs the file to itself, and the pool's connections
            // would otherwise race for it (and log "database is locked" while they retry).
            SqliteConnection::establish(path)
                .map_err(|e| {
                    Error::Unavailable(format!("cannot open sqlite database {path}: {e}"))
                })?
                .batch_execute(SQLITE_PRAGMAS)
                .map_err(|e| {
                    Error::Unavailable(format!("cannot set up sqlite database {path}: {e}"))
                })?;
            let manager = ConnectionManager::<SqliteConnection>::new(path);
            let pool = Pool::builder()
                .max_size(pool_size)
                .connection_timeout(Duration::from_secs(30))
                .connection_customizer(Box::new(SqlitePragmas))
                .build(manager)
                .map_err(|e| {
                    Error::Unavailable(format!("cannot open sqlite database {path}: {e}"))
                })?;
            Ok(Db::Sqlite(pool, Wal::of(path)))
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Db::Sqlite(..) => "sqlite",
            Db::Postgres(_) => "postgresql",
        }
    }

    /// Applies pending migrations; returns the names of those applied.
    pub fn migrate(&self) -> Result<Vec<String>> {
        match self {
            Db::Sqlite(pool, _) => apply(&mut *pool.get()?, SQLITE_MIGRATIONS),
            Db::Postgres(pool) => apply(&mut *pool.get()?, POSTGRES_MIGRATIONS),
        }
    }

    /// Reverts every migration: the test of `down` migrations, and `pim migrate --revert-all`.
    pub fn revert_all(&self) -> Result<Vec<String>> {
        match self {
            Db::Sqlite(pool, _) => revert(&mut *pool.get()?, SQLITE_MIGRATIONS),
            Db::Postgres(pool) => revert(&mut *pool.get()?, POSTGRES_MIGRATIONS),
        }
    }

    /// A cheap query proving the database answers.
    pub fn ping(&self) -> Result<()> {
        self.read(|conn| {
            on!(conn, |c| diesel::sql_query("SELECT 1").execute(c))?;
            Ok(())
        })
    }
}

fn apply<DB: diesel::backend::Backend>(
    conn: &mut impl MigrationHarness<DB>,
    migrations: EmbeddedMigrations,
) -> Result<Vec<String>> {
    let applied = conn
        .run_pending_migrations(migrations)
        .map_err(|e| Error::Internal(format!("migration failed: {e}")))?;
    Ok(applied.iter().map(ToString::to_string).collect())
}

fn revert<DB: diesel::backend::Backend>(
    conn: &mut impl MigrationHarness<DB>,
    migrations: EmbeddedMigrations,
) -> Result<Vec<String>> {
    let reverted = conn
        .revert_all_migrations(migrations)
        .map_err(|e| Error::Internal(format!("migration revert failed: {e}")))?;
    Ok(reverted.iter().map(ToString::to_string).collect())
}

/// A connection of either backend, handed to repository functions; `on!` runs a query on it.
pub enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// Runs `$body` with `$c` bound to the backend connection inside a `Conn`; the body is compiled
/// once per backend, so it may use any query both support.
#[macro_export]
macro_rules! on {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::store::db::Conn::Sqlite(inner) => {
                let $c = &mut **inner;
                $body
            }
            $crate::store::db::Conn::Postgres(inner) => {
                let $c = &mut **inner;
                $body
            }
        }
    };
}

impl Conn<'_> {
    /// On PostgreSQL, serialises appends to the change log until commit, so sequence numbers
    /// become visible in commit order and a reader following the log never skips one that commits
    /// late. SQLite has one writer at a time already.
    pub fn lock_change_log(&mut self) -> Result<()> {
        if let Conn::Postgres(c) = self {
            diesel::sql_query("SELECT pg_advisory_xact_lock(7301001)").execute(&mut **c)?;
        }
        Ok(())
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Conn::Postgres(_))
    }
}

impl Db {
    /// Runs `f` on a pooled connection, outside a transaction.
    pub fn read<T>(&self, f: impl FnOnce(&mut Conn<'_>) -> Result<T>) -> Result<T> {
        match self {
            Db::Sqlite(pool, _) => f(&mut Conn::Sqlite(&mut *pool.get()?)),
            Db::Postgres(pool) => f(&mut Conn::Postgres(&mut *pool.get()?)),
        }
    }

    /// As `read`, for reads a writer's log restart waits for: the write path's evaluation of
    /// its next batch, which would otherwise keep a bulk write's log from ever restarting.
    pub fn read_beside_writes<T>(&self, f: impl FnOnce(&mut Conn<'_>) -> Result<T>) -> Result<T> {
        match self {
            Db::Sqlite(_, wal) => {
                let _reading = wal.reading();
                self.read(f)
            }
            Db::Postgres(_) => self.read(f),
        }
    }

    /// Runs `f` in one write transaction: all of it commits or none. On SQLite the write lock is
    /// taken up front, so two writers never deadlock upgrading read locks.
    pub fn write<T>(&self, f: impl FnOnce(&mut Conn<'_>) -> Result<T>) -> Result<T> {
        match self {
            Db::Sqlite(pool, wal) => {
                let mut conn = pool.get()?;
                let out = conn.immediate_transaction(|c| f(&mut Conn::Sqlite(c)))?;
                wal.wrote();
                wal.restart_if_long(&mut conn);
                Ok(out)
            }
            Db::Postgres(pool) => pool.get()?.transaction(|c| f(&mut Conn::Postgres(c))),
        }
    }
}
