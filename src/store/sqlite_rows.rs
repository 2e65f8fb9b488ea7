//! Bulk inserts on SQLite that stay prepared. Diesel never caches an insert of many rows (each
//! length is a statement of its own), so every batch's inserts were built and then parsed and
//! planned by SQLite again: 8 % of the committing thread's time in a bulk import. Here rows go
//! in `ROWS_PER_STATEMENT` at a time; a table has at most that many statements (the last of a
//! batch is shorter), and diesel keeps each in the connection's cache under its SQL.

use diesel::QueryResult;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sqlite::{Sqlite, SqliteConnection};

/// Rows per statement: a few kilobytes of SQL, far below SQLite's limit of bound values.
pub const ROWS_PER_STATEMENT: usize = 64;

/// A row of one table, bound value by value in the order of `INSERT`'s columns.
pub trait Row {
    /// `INSERT INTO table (columns…) VALUES `
    const INSERT: &'static str;
    fn bind<'b>(&'b self, out: &mut AstPass<'_, 'b, Sqlite>) -> QueryResult<()>;
}

/// Inserts the rows in statements diesel may cache.
pub fn insert<R: Row>(conn: &mut SqliteConnection, rows: &[R]) -> QueryResult<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        diesel::RunQueryDsl::execute(Insert(chunk), conn)?;
    }
    Ok(())
}

struct Insert<'a, R>(&'a [R]);

impl<R: Row> QueryFragment<Sqlite> for Insert<'_, R> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql(R::INSERT);
        for (i, row) in self.0.iter().enumerate() {
            out.push_sql(if i == 0 { "(" } else { ", (" });
            row.bind(&mut out)?;
            out.push_sql(")");
        }
        Ok(())
    }

    /// Safe: the SQL is the cache key, and a table has at most `ROWS_PER_STATEMENT` of them.
    fn is_safe_to_cache_prepared(&self, _backend: &Sqlite) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<R> QueryId for Insert<'_, R> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<R, C> diesel::RunQueryDsl<C> for Insert<'_, R> {}

/// Binds values separated by commas: `bind_values!(out; Text => &a, BigInt => &b)`.
#[macro_export]
macro_rules! bind_values {
    ($out:expr; $($ty:ty => $value:expr),+ $(,)?) => {{
        let mut first = true;
        $(
            if !std::mem::take(&mut first) {
                $out.push_sql(", ");
            }
            $out.push_bind_param::<$ty, _>($value)?;
        )+
        Ok(())
    }};
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::{BigInt, Nullable, Text};

    use super::*;

    struct Item {
        id: i64,
        name: String,
        note: Option<String>,
    }

    impl Row for Item {
        const INSERT: &'static str = "INSERT INTO items (id, name, note) VALUES ";

        fn bind<'b>(&'b self, out: &mut AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
            crate::bind_values!(out;
                BigInt => &self.id,
                Text => &self.name,
                Nullable<Text> => &self.note,
            )
        }
    }

    fn items(ids: std::ops::Range<i64>) -> Vec<Item> {
        ids.map(|id| Item {
            id,
            name: format!("item {id}"),
            note: (id % 3 == 0).then(|| format!("note {id}")),
        })
        .collect()
    }

    fn connection() -> SqliteConnection {
        crate::store::sqlite_library::configure();
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        diesel::sql_query(
            "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT NOT NULL, note TEXT)",
        )
        .execute(&mut conn)
        .unwrap();
        conn
    }

    fn stored(conn: &mut SqliteConnection) -> Vec<(i64, String, Option<String>)> {
        diesel::sql_query("SELECT id, name, note FROM items ORDER BY id")
            .load::<Stored>(conn)
            .unwrap()
            .into_iter()
            .map(|s| (s.id, s.name, s.note))
            .collect()
    }

    #[derive(QueryableByName)]
    struct Stored {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Nullable<Text>)]
        note: Option<String>,
    }

    #[test]
    fn inserts_every_row_of_full_and_partial_statements_with_their_values() {
        let mut conn = connection();
        let rows = items(1..(2 * ROWS_PER_STATEMENT as i64 + 23));
        insert(&mut conn, &rows).unwrap();
        // A second batch of another length reuses the full statement and adds its own tail.
        insert(&mut conn, &items(1000..1005)).unwrap();
        let expected: Vec<_> = rows
            .iter()
            .chain(&items(1000..1005))
            .map(|i| (i.id, i.name.clone(), i.note.clone()))
            .collect();
        assert_eq!(stored(&mut conn), expected);
    }

    #[test]
    fn a_failing_row_fails_its_statement_and_the_insert() {
        let mut conn = connection();
        insert(&mut conn, &items(1..10)).unwrap();
        // The second statement holds id 5 again: the first statement's rows stay, which is why
        // callers insert inside their transaction.
        let mut rows = items(100..(100 + ROWS_PER_STATEMENT as i64 + 10));
        rows.extend(items(5..6));
        let error = insert(&mut conn, &rows).unwrap_err();
        assert!(error.to_string().contains("UNIQUE"), "{error}");
        assert_eq!(stored(&mut conn).len(), 9 + ROWS_PER_STATEMENT);
        insert::<Item>(&mut conn, &[]).unwrap();
        assert_eq!(stored(&mut conn).len(), 9 + ROWS_PER_STATEMENT);
    }
}
