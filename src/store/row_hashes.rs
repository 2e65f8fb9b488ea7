//! Digests of the import rows each product last took in, per source. The write path forgets a
//! product's digests whenever it writes the product (or a product model it inherits from), so a
//! stored digest always means: the product still holds exactly what that row gave it.

use std::collections::HashSet;

use diesel::prelude::*;

use super::db::Conn;
use super::products::IN_CHUNK;
use super::schema::import_row_hashes as hashes;
use crate::error::Result;
use crate::on;

/// A row's digest: the first 16 bytes of its SHA-256.
pub type RowHash = [u8; 16];

/// Every digest stored for a source.
pub fn of_source(conn: &mut Conn<'_>, source: &str) -> Result<HashSet<RowHash>> {
    let rows: Vec<Vec<u8>> = on!(conn, |c| hashes::table
        .filter(hashes::source.eq(source))
        .select(hashes::row_hash)
        .load(c))?;
    Ok(rows
        .into_iter()
        .filter_map(|h| RowHash::try_from(h.as_slice()).ok())
        .collect())
}

/// Records the rows products took in from a source, replacing what the source gave before;
/// `created` products have nothing to replace.
pub fn record(
    conn: &mut Conn<'_>,
    source: &str,
    rows: &[(i64, RowHash)],
    created: &HashSet<i64>,
) -> Result<()> {
    // Three bound values per row: well under SQLite's limit of 32,766 per statement. Diesel
    // has no batch upsert on SQLite, so what the source gave before is deleted first.
    for chunk in rows.chunks(IN_CHUNK) {
        let ids: Vec<i64> = chunk
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| !created.contains(id))
            .collect();
        if !ids.is_empty() {
            on!(conn, |c| diesel::delete(
                hashes::table
                    .filter(hashes::source.eq(source))
                    .filter(hashes::product_id.eq_any(&ids))
            )
            .execute(c))?;
        }
        let values: Vec<_> = chunk
            .iter()
            .map(|(id, hash)| {
                (
                    hashes::source.eq(source),
                    hashes::product_id.eq(*id),
                    hashes::row_hash.eq(hash.as_slice()),
                )
            })
            .collect();
        on!(conn, |c| diesel::insert_into(hashes::table)
            .values(&values)
            .execute(c))?;
    }
    Ok(())
}

/// Forgets every source's digests of these products: they were just written.
pub fn forget(conn: &mut Conn<'_>, product_ids: &[i64]) -> Result<()> {
    for chunk in product_ids.chunks(IN_CHUNK) {
        on!(conn, |c| diesel::delete(
            hashes::table.filter(hashes::product_id.eq_any(chunk))
        )
        .execute(c))?;
    }
    Ok(())
}
