//! The change log: sequence-numbered catalog events with before and after of each changed field.
//! History, delta exports, search indexing and undo all read it; their positions are sequence numbers.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_builder::AstPass;
use diesel::sql_types::{Text, Timestamp};
use diesel::sqlite::Sqlite;
use serde::Serialize;

use super::db::Conn;
use super::schema::changes;
use crate::catalog::product::FieldChange;
use crate::error::Result;
use crate::on;
use crate::store::sqlite_rows;
use crate::store::stamp::Stamp;

/// Who made a change and through which entry point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// A user's e-mail, a token's name, or `system`.
    pub actor: String,
    /// `ui`, `api`, `cli`, `demo`, or `job:<id>`.
    pub source: String,
}

impl Origin {
    pub fn new(actor: impl Into<String>, source: impl Into<String>) -> Self {
        Self {
            actor: actor.into(),
            source: source.into(),
        }
    }

    pub fn cli() -> Self {
        Self::new("system", "cli")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    Create,
    Update,
    Delete,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }
}

/// One event about to be appended, its changed fields already serialized (the write path does
/// that outside the write lock, in parallel).
#[derive(Debug, Clone)]
pub struct Event {
    pub entity: String,
    pub code: String,
    pub operation: Operation,
    pub fields: String,
}

impl Event {
    pub fn new(entity: &str, code: &str, operation: Operation, fields: &[FieldChange]) -> Event {
        Event {
            entity: entity.to_string(),
            code: code.to_string(),
            operation,
            fields: serde_json::to_string(fields).expect("field changes are plain json"),
        }
    }

    /// An event about a set of products rather than one entity's fields (a supplier's feed
    /// carrying them, a quality recompute changing them): one `products` field listing their
    /// SKUs. The search index refreshes those products.
    pub fn about_products(entity: &str, code: &str, skus: Vec<String>) -> Event {
        Event::new(
            entity,
            code,
            Operation::Update,
            &[FieldChange {
                field: PRODUCTS_FIELD.into(),
                scope: None,
                locale: None,
                before: serde_json::Value::Null,
                after: serde_json::Value::from(skus),
            }],
        )
    }

    /// The SKUs an `about_products` event lists (empty for any other event).
    pub fn listed_products(fields: &str) -> Vec<String> {
        let Ok(changes) = serde_json::from_str::<Vec<FieldChange>>(fields) else {
            return Vec::new();
        };
        changes
            .into_iter()
            .filter(|c| c.field == PRODUCTS_FIELD)
            .flat_map(|c| match c.after {
                serde_json::Value::Array(items) => items,
                _ => Vec::new(),
            })
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    }
}

const PRODUCTS_FIELD: &str = "products";

#[derive(Insertable)]
#[diesel(table_name = changes)]
struct NewChange<'a> {
    entity: &'a str,
    code: &'a str,
    operation: &'a str,
    fields: &'a str,
    actor: &'a str,
    source: &'a str,
    at: Stamp,
}

impl sqlite_rows::Row for NewChange<'_> {
    const INSERT: &'static str =
        "INSERT INTO changes (entity, code, operation, fields, actor, source, at) VALUES ";

    fn bind<'b>(&'b self, out: &mut AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        crate::bind_values!(out;
            Text => self.entity,
            Text => self.code,
            Text => self.operation,
            Text => self.fields,
            Text => self.actor,
            Text => self.source,
            Timestamp => &self.at,
        )
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = changes)]
pub struct ChangeRow {
    pub seq: i64,
    pub entity: String,
    pub code: String,
    pub operation: String,
    pub fields: String,
    pub actor: String,
    pub source: String,
    pub at: NaiveDateTime,
}

/// Rows per INSERT: well under SQLite's bound-parameter limit.
const CHUNK: usize = 2000;

/// Appends events in the caller's transaction, after taking the change-log lock.
pub fn append(
    conn: &mut Conn<'_>,
    events: &[Event],
    origin: &Origin,
    at: NaiveDateTime,
) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    conn.lock_change_log()?;
    let at = Stamp::new(at);
    for chunk in events.chunks(CHUNK) {
        let rows: Vec<NewChange<'_>> = chunk
            .iter()
            .map(|e| NewChange {
                entity: &e.entity,
                code: &e.code,
                operation: e.operation.as_str(),
                fields: &e.fields,
                actor: &origin.actor,
                source: &origin.source,
                at: at.clone(),
            })
            .collect();
        match conn {
            Conn::Sqlite(c) => sqlite_rows::insert(c, &rows)?,
            Conn::Postgres(c) => {
                diesel::insert_into(changes::table)
                    .values(&rows)
                    .execute(&mut **c)?;
            }
        }
    }
    Ok(())
}

/// Filters for reading the log.
#[derive(Debug, Clone, Default)]
pub struct ChangeFilter {
    pub entity: Option<String>,
    pub code: Option<String>,
}

/// Events after `since`, oldest first.
pub fn since(
    conn: &mut Conn<'_>,
    since: i64,
    limit: i64,
    filter: &ChangeFilter,
) -> Result<Vec<ChangeRow>> {
    let rows = on!(conn, |c| {
        let mut q = changes::table
            .filter(changes::seq.gt(since))
            .order(changes::seq.asc())
            .limit(limit)
            .select(ChangeRow::as_select())
            .into_boxed();
        if let Some(entity) = &filter.entity {
            q = q.filter(changes::entity.eq(entity));
        }
        if let Some(code) = &filter.code {
            q = q.filter(changes::code.eq(code));
        }
        q.load(c)
    })?;
    Ok(rows)
}

/// The newest sequence number, 0 for an empty log.
pub fn head(conn: &mut Conn<'_>) -> Result<i64> {
    let max: Option<i64> = on!(conn, |c| changes::table
        .select(diesel::dsl::max(changes::seq))
        .first(c))?;
    Ok(max.unwrap_or(0))
}
