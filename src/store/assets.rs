//! Asset metadata rows; the bytes live in the blob store, addressed by the same hash.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::db::Conn;
use super::products::IN_CHUNK;
use super::schema::assets;
use crate::error::Result;
use crate::on;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = assets)]
pub struct AssetRow {
    pub hash: String,
    pub filename: String,
    pub mime: String,
    pub bytes: i64,
    pub format: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub created: NaiveDateTime,
}

/// Records an asset; content already known keeps its first row.
pub fn insert(conn: &mut Conn<'_>, row: &AssetRow) -> Result<()> {
    on!(conn, |c| diesel::insert_into(assets::table)
        .values(row)
        .on_conflict(assets::hash)
        .do_nothing()
        .execute(c))?;
    Ok(())
}

pub fn find(conn: &mut Conn<'_>, hash: &str) -> Result<Option<AssetRow>> {
    Ok(on!(conn, |c| assets::table
        .find(hash)
        .select(AssetRow::as_select())
        .first(c)
        .optional())?)
}

pub fn find_many(conn: &mut Conn<'_>, hashes: &[String]) -> Result<Vec<AssetRow>> {
    let mut out = Vec::new();
    for chunk in hashes.chunks(IN_CHUNK) {
        out.extend(on!(conn, |c| assets::table
            .filter(assets::hash.eq_any(chunk))
            .select(AssetRow::as_select())
            .load(c))?);
    }
    Ok(out)
}

/// As `find_many`, for a write that will point values at these assets: on PostgreSQL the rows
/// stay locked against deletion until the transaction ends (SQLite has one writer at a time).
pub fn find_many_for_reference(conn: &mut Conn<'_>, hashes: &[String]) -> Result<Vec<AssetRow>> {
    let Conn::Postgres(c) = conn else {
        return find_many(conn, hashes);
    };
    let mut out = Vec::new();
    for chunk in hashes.chunks(IN_CHUNK) {
        out.extend(
            assets::table
                .filter(assets::hash.eq_any(chunk))
                .select(AssetRow::as_select())
                .for_key_share()
                .load(&mut **c)?,
        );
    }
    Ok(out)
}

/// Removes an asset's row; false when there was none.
pub fn delete(conn: &mut Conn<'_>, hash: &str) -> Result<bool> {
    let deleted = on!(conn, |c| diesel::delete(assets::table.find(hash))
        .execute(c))?;
    Ok(deleted > 0)
}

pub fn list(conn: &mut Conn<'_>, after: &str, limit: i64) -> Result<Vec<AssetRow>> {
    Ok(on!(conn, |c| assets::table
        .filter(assets::hash.gt(after))
        .order(assets::hash.asc())
        .limit(limit)
        .select(AssetRow::as_select())
        .load(c))?)
}

/// Width and height of the images among `hashes` (files and unknown hashes are left out).
pub fn dimensions(conn: &mut Conn<'_>, hashes: &[String]) -> Result<HashMap<String, (u32, u32)>> {
    Ok(find_many(conn, hashes)?
        .into_iter()
        .filter_map(|a| match (a.width, a.height) {
            (Some(w), Some(h)) => Some((a.hash, (w.max(0) as u32, h.max(0) as u32))),
            _ => None,
        })
        .collect())
}
