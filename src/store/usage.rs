//! Which products and product models hold a value: of an attribute, equal to an option code, or
//! pointing at an asset. Values are one JSON document per row with no index by attribute, so each
//! question scans the documents: a `LIKE` on the raw text skips most rows cheaply, then the
//! backend's JSON functions decide exactly for the few that remain.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::db::Conn;
use crate::error::Result;

/// What a stored value must be for a row to count.
#[derive(Debug, Clone)]
pub struct ValueMatch {
    /// Attribute codes whose values are looked at; a row matches through any of them.
    pub attributes: Vec<String>,
    /// A data leaf (an option code, an asset hash) that must appear among those values; `None`
    /// counts any value of the attributes.
    pub leaf: Option<String>,
}

/// How many rows hold the value, with the first few of them (SKUs, model codes) in id order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    pub products: i64,
    pub models: i64,
    pub skus: Vec<String>,
    pub model_codes: Vec<String>,
}

impl Usage {
    pub fn is_empty(&self) -> bool {
        self.products == 0 && self.models == 0
    }
}

/// Examples named per table in a refusal; enough to find the rows, short enough to read.
pub const EXAMPLES: i64 = 5;

#[derive(QueryableByName)]
struct Hit {
    #[diesel(sql_type = BigInt)]
    total: i64,
    #[diesel(sql_type = Text)]
    code: String,
}

pub fn holding(conn: &mut Conn<'_>, wanted: &ValueMatch) -> Result<Usage> {
    if wanted.attributes.is_empty() {
        return Ok(Usage::default());
    }
    let (products, skus) = count(conn, "products", "sku", wanted)?;
    let (models, model_codes) = count(conn, "product_models", "code", wanted)?;
    Ok(Usage {
        products,
        models,
        skus,
        model_codes,
    })
}

/// One scan of `table`: the window count sees every matching row, the limit keeps a few.
fn count(
    conn: &mut Conn<'_>,
    table: &str,
    name: &str,
    wanted: &ValueMatch,
) -> Result<(i64, Vec<String>)> {
    let postgres = conn.is_postgres();
    let mut binds: Vec<String> = Vec::new();
    let mut placeholder = |value: String| {
        binds.push(value);
        if postgres {
            format!("${}", binds.len())
        } else {
            "?".to_owned()
        }
    };
    // Serialized documents hold `"code":` for each attribute and `"leaf"` for each text leaf
    // (JSON escapes the quotes inside strings, so text values cannot fake either).
    let mut conditions = Vec::new();
    if let Some(leaf) = &wanted.leaf {
        let like = placeholder(format!("%\"{}\"%", like_escape(leaf)));
        conditions.push(format!("raw_values LIKE {like} ESCAPE '\\'"));
    }
    let mut any_attribute = Vec::new();
    for attribute in &wanted.attributes {
        let like = placeholder(format!("%\"{}\":%", like_escape(attribute)));
        let exact = match (&wanted.leaf, postgres) {
            (None, false) => {
                let path = placeholder(format!("$.\"{attribute}\""));
                format!("json_type(raw_values, {path}) IS NOT NULL")
            }
            (None, true) => {
                let key = placeholder(attribute.clone());
                format!("(raw_values::jsonb -> {key}) IS NOT NULL")
            }
            (Some(leaf), false) => {
                let path = placeholder(format!("$.\"{attribute}\""));
                let atom = placeholder(leaf.clone());
                format!(
                    "EXISTS (SELECT 1 FROM json_tree({table}.raw_values, {path}) AS t \
                     WHERE t.type = 'text' AND t.atom = {atom})"
                )
            }
            (Some(leaf), true) => {
                let path = placeholder(format!("strict $.\"{attribute}\".** ? (@ == $leaf)"));
                let value = placeholder(leaf.clone());
                format!(
                    "jsonb_path_exists(raw_values::jsonb, CAST({path} AS jsonpath), \
                     jsonb_build_object('leaf', CAST({value} AS text)))"
                )
            }
        };
        any_attribute.push(format!("(raw_values LIKE {like} ESCAPE '\\' AND {exact})"));
    }
    conditions.push(format!("({})", any_attribute.join(" OR ")));
    let sql = format!(
        "SELECT COUNT(*) OVER () AS total, {name} AS code FROM {table} WHERE {} \
         ORDER BY id LIMIT {EXAMPLES}",
        conditions.join(" AND ")
    );
    let hits: Vec<Hit> = match conn {
        Conn::Sqlite(c) => {
            let mut query = diesel::sql_query(&sql).into_boxed::<diesel::sqlite::Sqlite>();
            for value in binds {
                query = query.bind::<Text, _>(value);
            }
            query.load(&mut **c)?
        }
        Conn::Postgres(c) => {
            let mut query = diesel::sql_query(&sql).into_boxed::<diesel::pg::Pg>();
            for value in binds {
                query = query.bind::<Text, _>(value);
            }
            query.load(&mut **c)?
        }
    };
    let total = hits.first().map_or(0, |h| h.total);
    Ok((total, hits.into_iter().map(|h| h.code).collect()))
}

/// Codes and hashes are letters, digits, `_` and `-`; `_` is a `LIKE` wildcard.
fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
