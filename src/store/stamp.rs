//! A time written to many rows of one transaction. Diesel formats a `NaiveDateTime` for SQLite
//! on every bind, parsing its format string each time; a bulk load binds three times per
//! product. A `Stamp` is formatted once and bound as that text, in diesel's own format.

use std::sync::Arc;

use chrono::NaiveDateTime;
use diesel::expression::AsExpression;
use diesel::pg::Pg;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Timestamp;
use diesel::sqlite::Sqlite;

/// Diesel's text form of a SQLite timestamp.
const SQLITE_FORMAT: &str = "%F %T%.f";

#[derive(Debug, Clone, AsExpression)]
#[diesel(sql_type = Timestamp)]
pub struct Stamp {
    at: NaiveDateTime,
    text: Arc<str>,
}

impl Stamp {
    pub fn new(at: NaiveDateTime) -> Self {
        Stamp {
            at,
            text: at.format(SQLITE_FORMAT).to_string().into(),
        }
    }
}

impl ToSql<Timestamp, Sqlite> for Stamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(&*self.text);
        Ok(serialize::IsNull::No)
    }
}

impl ToSql<Timestamp, Pg> for Stamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDateTime as ToSql<Timestamp, Pg>>::to_sql(&self.at, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    /// Stamps are stored as diesel stores the time itself, so both read back alike.
    #[test]
    fn formats_as_diesel_does() {
        let at = chrono::DateTime::from_timestamp_micros(1_764_000_000_123_456)
            .unwrap()
            .naive_utc();
        assert_eq!(&*Stamp::new(at).text, "2025-11-24 16:00:00.123456");
        let whole = at.with_nanosecond(0).unwrap();
        assert_eq!(&*Stamp::new(whole).text, "2025-11-24 16:00:00");
    }
}
