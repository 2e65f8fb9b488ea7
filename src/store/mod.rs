//! Persistence: the database connection, the schema, and one repository per stored concern.
//! Callers above this module never write SQL.

pub mod accounts;
pub mod assets;
pub mod changes;
pub mod db;
pub mod exports;
pub mod imports;
pub mod jobs;
pub mod models;
pub mod products;
pub mod row_hashes;
pub mod schema;
pub mod sqlite_library;
pub mod sqlite_rows;
pub mod stamp;
pub mod structure;
pub mod suppliers;
pub mod usage;
mod wal;

pub use db::{Conn, Db};
