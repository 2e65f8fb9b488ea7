//! Background jobs as rows: the row is the truth about a job's state, progress and heartbeat, so
//! a crashed worker's job is seen as stale and taken over from its last cursor.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::db::Conn;
use super::schema::jobs;
use crate::error::Result;
use crate::on;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub state: String,
    pub detail: String,
    pub total: i64,
    pub done: i64,
    pub cursor: i64,
    pub error: Option<String>,
    pub worker: Option<String>,
    pub heartbeat: Option<NaiveDateTime>,
    pub created: NaiveDateTime,
    pub started: Option<NaiveDateTime>,
    pub finished: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = jobs)]
struct NewJob<'a> {
    kind: &'a str,
    state: &'a str,
    detail: &'a str,
    total: i64,
    done: i64,
    cursor: i64,
    created: NaiveDateTime,
}

/// Adds a pending job unless one of the kind is already waiting (it will see the latest state
/// anyway); returns the waiting job's id.
pub fn enqueue(conn: &mut Conn<'_>, kind: &str, detail: &str, at: NaiveDateTime) -> Result<i64> {
    let waiting: Option<i64> = on!(conn, |c| jobs::table
        .filter(jobs::kind.eq(kind))
        .filter(jobs::state.eq("pending"))
        .select(jobs::id)
        .first(c)
        .optional())?;
    if let Some(id) = waiting {
        return Ok(id);
    }
    let row = NewJob {
        kind,
        state: "pending",
        detail,
        total: 0,
        done: 0,
        cursor: 0,
        created: at,
    };
    Ok(on!(conn, |c| diesel::insert_into(jobs::table)
        .values(&row)
        .returning(jobs::id)
        .get_result(c))?)
}

/// Takes the oldest pending job, or a running one whose heartbeat is older than `stale_before`
/// (its worker died); the job keeps its cursor, so work resumes where it stopped.
pub fn claim(
    conn: &mut Conn<'_>,
    worker: &str,
    now: NaiveDateTime,
    stale_before: NaiveDateTime,
) -> Result<Option<JobRow>> {
    let lock = match conn {
        Conn::Sqlite(_) => "",
        Conn::Postgres(_) => " FOR UPDATE SKIP LOCKED",
    };
    let query = format!(
        "UPDATE jobs SET state = 'running', worker = $1, heartbeat = $2, started = COALESCE(started, $2) \
         WHERE id = (SELECT id FROM jobs WHERE state = 'pending' OR (state = 'running' AND heartbeat < $3) \
         ORDER BY id LIMIT 1{lock}) RETURNING *"
    );
    use diesel::sql_types::{Text, Timestamp};
    let rows: Vec<JobRow> = on!(conn, |c| diesel::sql_query(query.as_str())
        .bind::<Text, _>(worker)
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(stale_before)
        .load(c))?;
    Ok(rows.into_iter().next())
}

/// Records progress and a heartbeat; false when the job is no longer this worker's.
pub fn progress(
    conn: &mut Conn<'_>,
    id: i64,
    worker: &str,
    total: i64,
    done: i64,
    cursor: i64,
    at: NaiveDateTime,
) -> Result<bool> {
    let n = on!(conn, |c| diesel::update(
        jobs::table
            .find(id)
            .filter(jobs::worker.eq(worker))
            .filter(jobs::state.eq("running"))
    )
    .set((
        jobs::total.eq(total),
        jobs::done.eq(done),
        jobs::cursor.eq(cursor),
        jobs::heartbeat.eq(Some(at)),
    ))
    .execute(c))?;
    Ok(n == 1)
}

pub fn finish(conn: &mut Conn<'_>, id: i64, error: Option<&str>, at: NaiveDateTime) -> Result<()> {
    let state = if error.is_some() { "failed" } else { "done" };
    on!(conn, |c| diesel::update(jobs::table.find(id))
        .set((
            jobs::state.eq(state),
            jobs::error.eq(error),
            jobs::finished.eq(Some(at)),
            jobs::heartbeat.eq(Some(at)),
        ))
        .execute(c))?;
    Ok(())
}

pub fn find(conn: &mut Conn<'_>, id: i64) -> Result<Option<JobRow>> {
    Ok(on!(conn, |c| jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(c)
        .optional())?)
}

/// The newest jobs first.
pub fn recent(conn: &mut Conn<'_>, kind: Option<&str>, limit: i64) -> Result<Vec<JobRow>> {
    Ok(on!(conn, |c| {
        let mut q = jobs::table.into_boxed();
        if let Some(kind) = kind {
            q = q.filter(jobs::kind.eq(kind.to_string()));
        }
        q.order(jobs::id.desc())
            .limit(limit)
            .select(JobRow::as_select())
            .load(c)
    })?)
}

/// Whether bulk work is under way: a job or an import running with a heartbeat since `since`
/// (one whose worker died stops counting once its heartbeat is older).
pub fn bulk_work_running(conn: &mut Conn<'_>, since: NaiveDateTime) -> Result<bool> {
    use super::schema::imports;
    let jobs: i64 = on!(conn, |c| jobs::table
        .filter(jobs::state.eq("running"))
        .filter(jobs::heartbeat.ge(since))
        .count()
        .get_result(c))?;
    if jobs > 0 {
        return Ok(true);
    }
    let running: i64 = on!(conn, |c| imports::table
        .filter(imports::state.eq("running"))
        .filter(imports::heartbeat_at.ge(since))
        .count()
        .get_result(c))?;
    Ok(running > 0)
}
