//! Import runs and the row outcomes worth keeping. The run's row is the truth about its state:
//! a run whose heartbeat stops (the process died) is marked failed with what it had committed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::db::Conn;
use super::schema::{import_rows, imports};
use crate::error::Result;
use crate::on;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = imports)]
pub struct ImportRow {
    pub id: i64,
    pub supplier: Option<String>,
    pub file_name: String,
    pub file_hash: String,
    pub file_bytes: i64,
    pub profile_code: Option<String>,
    pub profile_version: Option<i64>,
    /// JSON: the profile as used and the read options; enough to run it again.
    pub settings: String,
    pub dry_run: bool,
    pub state: String,
    pub bytes_read: i64,
    pub rows_read: i64,
    pub rows_created: i64,
    pub rows_updated: i64,
    pub rows_unchanged: i64,
    pub rows_rejected: i64,
    /// JSON: what was found out about the file (encoding, delimiter, header, notes).
    pub facts: String,
    pub error: Option<String>,
    pub actor: String,
    pub queued_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub heartbeat_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = imports)]
pub struct NewImport<'a> {
    pub supplier: Option<&'a str>,
    pub file_name: &'a str,
    pub file_hash: &'a str,
    pub file_bytes: i64,
    pub profile_code: Option<&'a str>,
    pub profile_version: Option<i64>,
    pub settings: &'a str,
    pub dry_run: bool,
    pub facts: &'a str,
    pub actor: &'a str,
    pub queued_at: NaiveDateTime,
}

/// Counters of a run, as stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, AsChangeset, serde::Serialize)]
#[diesel(table_name = imports)]
pub struct Counts {
    pub bytes_read: i64,
    pub rows_read: i64,
    pub rows_created: i64,
    pub rows_updated: i64,
    pub rows_unchanged: i64,
    pub rows_rejected: i64,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = import_rows)]
pub struct RowOutcome {
    pub import_id: i64,
    pub line: i64,
    pub sku: String,
    pub status: String,
    /// JSON list of `{column, value, reason}`.
    pub errors: String,
    /// JSON list of field changes (dry runs).
    pub changes: String,
}

/// Records a run as `queued`, nothing read yet.
pub fn create(conn: &mut Conn<'_>, new: &NewImport<'_>) -> Result<i64> {
    let nothing_yet = Counts::default();
    Ok(on!(conn, |c| diesel::insert_into(imports::table)
        .values((
            new,
            imports::state.eq("queued"),
            imports::bytes_read.eq(nothing_yet.bytes_read),
            imports::rows_read.eq(nothing_yet.rows_read),
            imports::rows_created.eq(nothing_yet.rows_created),
            imports::rows_updated.eq(nothing_yet.rows_updated),
            imports::rows_unchanged.eq(nothing_yet.rows_unchanged),
            imports::rows_rejected.eq(nothing_yet.rows_rejected),
        ))
        .returning(imports::id)
        .get_result(c))?)
}

pub fn start(conn: &mut Conn<'_>, id: i64, facts: &str, at: NaiveDateTime) -> Result<()> {
    on!(conn, |c| diesel::update(imports::table.find(id))
        .set((
            imports::state.eq("running"),
            imports::facts.eq(facts),
            imports::started_at.eq(Some(at)),
            imports::heartbeat_at.eq(Some(at)),
        ))
        .execute(c))?;
    Ok(())
}

pub fn set_facts(conn: &mut Conn<'_>, id: i64, facts: &str) -> Result<()> {
    on!(conn, |c| diesel::update(imports::table.find(id))
        .set(imports::facts.eq(facts))
        .execute(c))?;
    Ok(())
}

pub fn progress(conn: &mut Conn<'_>, id: i64, counts: &Counts, at: NaiveDateTime) -> Result<()> {
    on!(conn, |c| diesel::update(imports::table.find(id))
        .set((counts, imports::heartbeat_at.eq(Some(at))))
        .execute(c))?;
    Ok(())
}

pub fn finish(
    conn: &mut Conn<'_>,
    id: i64,
    counts: &Counts,
    error: Option<&str>,
    at: NaiveDateTime,
) -> Result<()> {
    let state = if error.is_some() {
        "failed"
    } else {
        "finished"
    };
    on!(conn, |c| diesel::update(imports::table.find(id))
        .set((
            counts,
            imports::state.eq(state),
            imports::error.eq(error),
            imports::finished_at.eq(Some(at)),
            imports::heartbeat_at.eq(Some(at)),
        ))
        .execute(c))?;
    Ok(())
}

pub fn find(conn: &mut Conn<'_>, id: i64) -> Result<Option<ImportRow>> {
    Ok(on!(conn, |c| imports::table
        .find(id)
        .select(ImportRow::as_select())
        .first(c)
        .optional())?)
}

/// The latest runs, newest first, of one supplier or of all.
pub fn recent(conn: &mut Conn<'_>, supplier: Option<&str>, limit: i64) -> Result<Vec<ImportRow>> {
    Ok(on!(conn, |c| {
        let mut query = imports::table.into_boxed();
        if let Some(s) = supplier {
            query = query.filter(imports::supplier.eq(s));
        }
        query
            .order(imports::id.desc())
            .limit(limit)
            .select(ImportRow::as_select())
            .load(c)
    })?)
}

/// Marks runs whose process stopped answering as failed; returns their ids.
pub fn fail_stale(
    conn: &mut Conn<'_>,
    stale_before: NaiveDateTime,
    at: NaiveDateTime,
) -> Result<Vec<i64>> {
    let ids: Vec<i64> = on!(conn, |c| imports::table
        .filter(imports::state.eq_any(["running", "queued"]))
        .filter(
            imports::heartbeat_at
                .lt(stale_before)
                .or(imports::heartbeat_at
                    .is_null()
                    .and(imports::queued_at.lt(stale_before))),
        )
        .select(imports::id)
        .load(c))?;
    if !ids.is_empty() {
        on!(conn, |c| diesel::update(
            imports::table.filter(imports::id.eq_any(&ids))
        )
        .set((
            imports::state.eq("failed"),
            imports::error.eq(Some(
                "interrupted: the process running the import stopped; the counts show what was \
                     committed (whole batches only). Run it again to complete it — rows already \
                     stored are unchanged the second time",
            )),
            imports::finished_at.eq(Some(at)),
        ))
        .execute(c))?;
    }
    Ok(ids)
}

pub fn add_rows(conn: &mut Conn<'_>, rows: &[RowOutcome]) -> Result<()> {
    for chunk in rows.chunks(500) {
        on!(conn, |c| diesel::insert_into(import_rows::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Kept row outcomes in line order, optionally of one status.
pub fn rows(
    conn: &mut Conn<'_>,
    id: i64,
    status: Option<&str>,
    after_line: i64,
    limit: i64,
) -> Result<Vec<RowOutcome>> {
    Ok(on!(conn, |c| {
        let mut query = import_rows::table
            .filter(import_rows::import_id.eq(id))
            .filter(import_rows::line.gt(after_line))
            .into_boxed();
        if let Some(s) = status {
            query = query.filter(import_rows::status.eq(s));
        }
        query
            .order(import_rows::line)
            .limit(limit)
            .select(RowOutcome::as_select())
            .load(c)
    })?)
}
