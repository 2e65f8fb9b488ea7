//! The floor of the import benchmark: parse a CSV, build one JSON document per row, insert
//! them into a fresh SQLite database in one transaction — with the service's SQLite settings
//! and nothing else (no mapping, validation, diff, change log or indexes). An import is
//! measured against this, in the same run, on the same machine.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

diesel::table! {
    floor_rows (id) {
        id -> BigInt,
        sku -> Text,
        doc -> Text,
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The supplier CSV (as `pim generate --csv` writes it).
    #[arg(long)]
    pub csv: PathBuf,
    /// Where the scratch database goes (default: a temporary directory, removed afterwards).
    #[arg(long)]
    pub scratch: Option<PathBuf>,
}

pub struct Floor {
    pub rows: u64,
    pub elapsed: Duration,
}

/// Rows per INSERT statement.
const CHUNK: usize = 500;

pub fn run(args: &Args) -> anyhow::Result<Floor> {
    let dir = tempfile::TempDir::new_in(args.scratch.clone().unwrap_or_else(std::env::temp_dir))?;
    let path = dir.path().join("floor.db");
    crate::store::sqlite_library::configure();
    let mut conn = SqliteConnection::establish(&path.display().to_string())?;
    diesel::sql_query("PRAGMA page_size = 8192").execute(&mut conn)?;
    diesel::sql_query("PRAGMA journal_mode = WAL").execute(&mut conn)?;
    diesel::sql_query("PRAGMA synchronous = NORMAL").execute(&mut conn)?;
    diesel::sql_query("PRAGMA cache_size = -65536").execute(&mut conn)?;
    diesel::sql_query(
        "CREATE TABLE floor_rows (id INTEGER PRIMARY KEY NOT NULL, sku TEXT NOT NULL, doc TEXT NOT NULL)",
    )
    .execute(&mut conn)?;
    let started = Instant::now();
    let mut reader = csv::ReaderBuilder::new()
        .buffer_capacity(256 * 1024)
        .from_path(&args.csv)?;
    let header: Vec<String> = reader.headers()?.iter().map(str::to_string).collect();
    let mut rows = 0u64;
    conn.immediate_transaction(|c| -> anyhow::Result<()> {
        let mut chunk: Vec<(i64, String, String)> = Vec::with_capacity(CHUNK);
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record)? {
            let doc: serde_json::Map<String, serde_json::Value> = header
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.clone(), serde_json::Value::String(v.to_string())))
                .collect();
            rows += 1;
            chunk.push((
                rows as i64,
                record.get(0).unwrap_or_default().to_string(),
                serde_json::to_string(&doc)?,
            ));
            if chunk.len() == CHUNK {
                insert(c, &mut chunk)?;
            }
        }
        insert(c, &mut chunk)
    })?;
    Ok(Floor {
        rows,
        elapsed: started.elapsed(),
    })
}

fn insert(
    conn: &mut SqliteConnection,
    chunk: &mut Vec<(i64, String, String)>,
) -> anyhow::Result<()> {
    if chunk.is_empty() {
        return Ok(());
    }
    let values: Vec<_> = chunk
        .iter()
        .map(|(id, sku, doc)| {
            (
                floor_rows::id.eq(*id),
                floor_rows::sku.eq(sku.as_str()),
                floor_rows::doc.eq(doc.as_str()),
            )
        })
        .collect();
    diesel::insert_into(floor_rows::table)
        .values(&values)
        .execute(conn)?;
    chunk.clear();
    Ok(())
}
