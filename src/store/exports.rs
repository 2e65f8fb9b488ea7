//! Export persistence: channel definitions edited through the API, each consumer's cursor in
//! the change log per channel, the export history, and the reads a feed streams from (products
//! without a model, root models, the products and models a stretch of the change log touched).
//! The tables are declared here, next to their only queries (migration `000005_exports`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::db::Conn;
use super::schema::{changes, product_models, products};
use crate::error::Result;
use crate::on;

diesel::table! {
    export_channels (code) {
        code -> Text,
        definition -> Text,
        updated -> Timestamp,
    }
}

diesel::table! {
    export_cursors (consumer, channel) {
        consumer -> Text,
        channel -> Text,
        seq -> BigInt,
        updated -> Timestamp,
    }
}

diesel::table! {
    export_runs (id) {
        id -> BigInt,
        channel -> Text,
        format -> Text,
        since_seq -> Nullable<BigInt>,
        until_seq -> BigInt,
        exported -> BigInt,
        rejected -> BigInt,
        deleted -> BigInt,
        issues -> Text,
        actor -> Text,
        destination -> Text,
        error -> Nullable<Text>,
        started -> Timestamp,
        finished -> Timestamp,
    }
}

/// Stored channel definitions as (code, JSON, updated).
pub fn channels(conn: &mut Conn<'_>) -> Result<Vec<(String, String, NaiveDateTime)>> {
    Ok(on!(conn, |c| export_channels::table
        .order(export_channels::code)
        .select((
            export_channels::code,
            export_channels::definition,
            export_channels::updated
        ))
        .load(c))?)
}

pub fn save_channel(
    conn: &mut Conn<'_>,
    code: &str,
    definition: &str,
    at: NaiveDateTime,
) -> Result<()> {
    on!(conn, |c| {
        diesel::delete(export_channels::table.find(code)).execute(c)?;
        diesel::insert_into(export_channels::table)
            .values((
                export_channels::code.eq(code),
                export_channels::definition.eq(definition),
                export_channels::updated.eq(at),
            ))
            .execute(c)
    })?;
    Ok(())
}

/// Removes a stored definition; true when there was one.
pub fn delete_channel(conn: &mut Conn<'_>, code: &str) -> Result<bool> {
    let n = on!(conn, |c| diesel::delete(export_channels::table.find(code))
        .execute(c))?;
    Ok(n > 0)
}

pub fn cursor(conn: &mut Conn<'_>, consumer: &str, channel: &str) -> Result<Option<i64>> {
    Ok(on!(conn, |c| export_cursors::table
        .find((consumer, channel))
        .select(export_cursors::seq)
        .first(c)
        .optional())?)
}

pub fn set_cursor(
    conn: &mut Conn<'_>,
    consumer: &str,
    channel: &str,
    seq: i64,
    at: NaiveDateTime,
) -> Result<()> {
    on!(conn, |c| {
        diesel::delete(export_cursors::table.find((consumer, channel))).execute(c)?;
        diesel::insert_into(export_cursors::table)
            .values((
                export_cursors::consumer.eq(consumer),
                export_cursors::channel.eq(channel),
                export_cursors::seq.eq(seq),
                export_cursors::updated.eq(at),
            ))
            .execute(c)
    })?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = export_runs)]
pub struct RunRow {
    pub id: i64,
    pub channel: String,
    pub format: String,
    pub since_seq: Option<i64>,
    pub until_seq: i64,
    pub exported: i64,
    pub rejected: i64,
    pub deleted: i64,
    /// JSON list of the first issues.
    pub issues: String,
    pub actor: String,
    pub destination: String,
    pub error: Option<String>,
    pub started: NaiveDateTime,
    pub finished: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = export_runs)]
pub struct NewRun {
    pub channel: String,
    pub format: String,
    pub since_seq: Option<i64>,
    pub until_seq: i64,
    pub exported: i64,
    pub rejected: i64,
    pub deleted: i64,
    pub issues: String,
    pub actor: String,
    pub destination: String,
    pub error: Option<String>,
    pub started: NaiveDateTime,
    pub finished: NaiveDateTime,
}

pub fn record_run(conn: &mut Conn<'_>, run: &NewRun) -> Result<()> {
    on!(conn, |c| diesel::insert_into(export_runs::table)
        .values(run)
        .execute(c))?;
    Ok(())
}

/// The newest runs first, of one channel or all.
pub fn runs(conn: &mut Conn<'_>, channel: Option<&str>, limit: i64) -> Result<Vec<RunRow>> {
    Ok(on!(conn, |c| {
        let mut q = export_runs::table.into_boxed();
        if let Some(channel) = channel {
            q = q.filter(export_runs::channel.eq(channel.to_string()));
        }
        q.order(export_runs::id.desc())
            .limit(limit)
            .select(RunRow::as_select())
            .load(c)
    })?)
}

/// A condition on `parent_id` the planner must not answer from the `(parent_id, axis_key)`
/// index (the unary `+`): walking that index for "no parent" visits every such row to sort
/// them by id, once per page, where walking the table in id order stops after a page.
fn without_index(condition: &str) -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql::<diesel::sql_types::Bool>(&format!("+{condition}"))
}

/// Ids of root product models after `after`, in id order.
pub fn root_model_ids(conn: &mut Conn<'_>, after: i64, limit: i64) -> Result<Vec<i64>> {
    Ok(on!(conn, |c| product_models::table
        .filter(without_index("parent_id IS NULL"))
        .filter(product_models::id.gt(after))
        .order(product_models::id)
        .limit(limit)
        .select(product_models::id)
        .load(c))?)
}

/// What the change log says about products and models in `(since, until]`: (entity, code,
/// operation), oldest first.
pub fn touched(
    conn: &mut Conn<'_>,
    since: i64,
    until: i64,
) -> Result<Vec<(String, String, String)>> {
    Ok(on!(conn, |c| changes::table
        .filter(changes::seq.gt(since))
        .filter(changes::seq.le(until))
        .filter(changes::entity.eq_any(["product", "product_model"]))
        .order(changes::seq)
        .select((changes::entity, changes::code, changes::operation))
        .load(c))?)
}

/// When the change log last moved (its newest event), for `Last-Modified`.
pub fn changed_at(conn: &mut Conn<'_>, seq: i64) -> Result<Option<NaiveDateTime>> {
    Ok(on!(conn, |c| changes::table
        .find(seq)
        .select(changes::at)
        .first(c)
        .optional())?)
}

/// SKUs and stored value documents after product id `after`, in id order: the benchmark floor's
/// read, with nothing parsed.
pub fn raw_documents(
    conn: &mut Conn<'_>,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, String, String)>> {
    Ok(on!(conn, |c| products::table
        .filter(products::id.gt(after))
        .order(products::id)
        .limit(limit)
        .select((products::id, products::sku, products::raw_values))
        .load(c))?)
}

/// A product row as exports read it: no associations, values as stored text (parsed by the
/// caller, often only in part).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = products)]
pub struct ExportRow {
    pub id: i64,
    pub sku: String,
    pub family: Option<String>,
    pub parent_id: Option<i64>,
    pub enabled: bool,
    pub raw_values: String,
    pub created: NaiveDateTime,
    pub updated: NaiveDateTime,
    pub version: i64,
    pub quality: String,
}

/// Products without a model after id `after`, in id order.
pub fn standalone_rows(conn: &mut Conn<'_>, after: i64, limit: i64) -> Result<Vec<ExportRow>> {
    Ok(on!(conn, |c| products::table
        .filter(without_index("parent_id IS NULL"))
        .filter(products::id.gt(after))
        .order(products::id)
        .limit(limit)
        .select(ExportRow::as_select())
        .load(c))?)
}

/// The products under these models, in id order.
pub fn rows_under_models(conn: &mut Conn<'_>, model_ids: &[i64]) -> Result<Vec<ExportRow>> {
    let mut out = Vec::new();
    for chunk in model_ids.chunks(super::products::IN_CHUNK) {
        out.extend(on!(conn, |c| products::table
            .filter(products::parent_id.eq_any(chunk))
            .order(products::id)
            .select(ExportRow::as_select())
            .load(c))?);
    }
    Ok(out)
}

/// Categories of the products with ids in `[low, high]`, by product id: one range scan of the
/// index, cheaper than looking up a batch's ids one by one.
pub fn categories_between(
    conn: &mut Conn<'_>,
    low: i64,
    high: i64,
) -> Result<std::collections::HashMap<i64, std::collections::BTreeSet<String>>> {
    use super::schema::product_categories;
    let rows: Vec<(i64, String)> = on!(conn, |c| product_categories::table
        .filter(product_categories::product_id.between(low, high))
        .select((
            product_categories::product_id,
            product_categories::category_code
        ))
        .load(c))?;
    let mut out: std::collections::HashMap<i64, std::collections::BTreeSet<String>> =
        std::collections::HashMap::new();
    for (id, code) in rows {
        out.entry(id).or_default().insert(code);
    }
    Ok(out)
}
