//! Suppliers and their mapping profiles; a profile save adds a version, never overwrites one.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::db::Conn;
use super::products::IN_CHUNK;
use super::schema::{import_profiles, supplier_products, suppliers};
use crate::error::Result;
use crate::on;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = suppliers)]
pub struct SupplierRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// JSON list of contacts.
    pub contacts: String,
    pub created: NaiveDateTime,
    pub updated: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = import_profiles)]
pub struct ProfileRow {
    pub id: i64,
    pub supplier: String,
    pub code: String,
    pub version: i64,
    pub body: String,
    pub actor: String,
    pub created: NaiveDateTime,
}

pub fn all(conn: &mut Conn<'_>) -> Result<Vec<SupplierRow>> {
    Ok(on!(conn, |c| suppliers::table
        .order(suppliers::code)
        .select(SupplierRow::as_select())
        .load(c))?)
}

pub fn find(conn: &mut Conn<'_>, code: &str) -> Result<Option<SupplierRow>> {
    Ok(on!(conn, |c| suppliers::table
        .filter(suppliers::code.eq(code))
        .select(SupplierRow::as_select())
        .first(c)
        .optional())?)
}

/// Creates or updates a supplier; true when something changed.
pub fn upsert(
    conn: &mut Conn<'_>,
    code: &str,
    name: &str,
    contacts: &str,
    at: NaiveDateTime,
) -> Result<bool> {
    match find(conn, code)? {
        Some(row) if row.name == name && row.contacts == contacts => Ok(false),
        Some(row) => {
            on!(conn, |c| diesel::update(suppliers::table.find(row.id))
                .set((
                    suppliers::name.eq(name),
                    suppliers::contacts.eq(contacts),
                    suppliers::updated.eq(at),
                ))
                .execute(c))?;
            Ok(true)
        }
        None => {
            on!(conn, |c| diesel::insert_into(suppliers::table)
                .values((
                    suppliers::code.eq(code),
                    suppliers::name.eq(name),
                    suppliers::contacts.eq(contacts),
                    suppliers::created.eq(at),
                    suppliers::updated.eq(at),
                ))
                .execute(c))?;
            Ok(true)
        }
    }
}

/// The latest version of each of a supplier's profiles.
pub fn latest_profiles(conn: &mut Conn<'_>, supplier: &str) -> Result<Vec<ProfileRow>> {
    let rows: Vec<ProfileRow> = on!(conn, |c| import_profiles::table
        .filter(import_profiles::supplier.eq(supplier))
        .order((import_profiles::code, import_profiles::version.desc()))
        .select(ProfileRow::as_select())
        .load(c))?;
    let mut out: Vec<ProfileRow> = Vec::new();
    for row in rows {
        if out.last().is_none_or(|last| last.code != row.code) {
            out.push(row);
        }
    }
    Ok(out)
}

/// One version of a profile, or the latest when `version` is none.
pub fn profile(
    conn: &mut Conn<'_>,
    supplier: &str,
    code: &str,
    version: Option<i64>,
) -> Result<Option<ProfileRow>> {
    Ok(on!(conn, |c| {
        let mut query = import_profiles::table
            .filter(import_profiles::supplier.eq(supplier))
            .filter(import_profiles::code.eq(code))
            .into_boxed();
        if let Some(v) = version {
            query = query.filter(import_profiles::version.eq(v));
        }
        query
            .order(import_profiles::version.desc())
            .select(ProfileRow::as_select())
            .first(c)
            .optional()
    })?)
}

pub fn profile_versions(
    conn: &mut Conn<'_>,
    supplier: &str,
    code: &str,
) -> Result<Vec<ProfileRow>> {
    Ok(on!(conn, |c| import_profiles::table
        .filter(import_profiles::supplier.eq(supplier))
        .filter(import_profiles::code.eq(code))
        .order(import_profiles::version.desc())
        .select(ProfileRow::as_select())
        .load(c))?)
}

/// Stores `body` as the next version unless it equals the latest; returns the version.
pub fn save_profile(
    conn: &mut Conn<'_>,
    supplier: &str,
    code: &str,
    body: &str,
    actor: &str,
    at: NaiveDateTime,
) -> Result<i64> {
    let latest = profile(conn, supplier, code, None)?;
    if let Some(latest) = &latest {
        if latest.body == body {
            return Ok(latest.version);
        }
    }
    let version = latest.map_or(1, |l| l.version + 1);
    on!(conn, |c| diesel::insert_into(import_profiles::table)
        .values((
            import_profiles::supplier.eq(supplier),
            import_profiles::code.eq(code),
            import_profiles::version.eq(version),
            import_profiles::body.eq(body),
            import_profiles::actor.eq(actor),
            import_profiles::created.eq(at),
        ))
        .execute(c))?;
    Ok(version)
}

/// Records that these products came in a supplier's feed; returns the keys not linked before.
pub fn link_products(
    conn: &mut Conn<'_>,
    supplier: &str,
    sku_keys: &[String],
) -> Result<Vec<String>> {
    let mut linked = Vec::new();
    for chunk in sku_keys.chunks(500) {
        let known: BTreeSet<String> = on!(conn, |c| supplier_products::table
            .filter(supplier_products::supplier.eq(supplier))
            .filter(supplier_products::sku_key.eq_any(chunk))
            .select(supplier_products::sku_key)
            .load::<String>(c))?
        .into_iter()
        .collect();
        let new: BTreeSet<&String> = chunk.iter().filter(|k| !known.contains(*k)).collect();
        if new.is_empty() {
            continue;
        }
        let rows: Vec<_> = new
            .iter()
            .map(|k| {
                (
                    supplier_products::supplier.eq(supplier),
                    supplier_products::sku_key.eq(k.as_str()),
                )
            })
            .collect();
        match conn {
            Conn::Sqlite(c) => {
                diesel::insert_or_ignore_into(supplier_products::table)
                    .values(&rows)
                    .execute(&mut **c)?;
            }
            Conn::Postgres(c) => {
                diesel::insert_into(supplier_products::table)
                    .values(&rows)
                    .on_conflict_do_nothing()
                    .execute(&mut **c)?;
            }
        }
        linked.extend(new.into_iter().cloned());
    }
    Ok(linked)
}

/// The suppliers of each of these products (by case-folded SKU), in code order.
pub fn of_products(
    conn: &mut Conn<'_>,
    sku_keys: &[String],
) -> Result<HashMap<String, Vec<String>>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for chunk in sku_keys.chunks(IN_CHUNK) {
        let rows: Vec<(String, String)> = on!(conn, |c| supplier_products::table
            .filter(supplier_products::sku_key.eq_any(chunk))
            .select((supplier_products::sku_key, supplier_products::supplier))
            .order((supplier_products::sku_key, supplier_products::supplier))
            .load(c))?;
        for (key, supplier) in rows {
            out.entry(key).or_default().push(supplier);
        }
    }
    Ok(out)
}

pub fn count_products(conn: &mut Conn<'_>, supplier: &str) -> Result<i64> {
    Ok(on!(conn, |c| supplier_products::table
        .filter(supplier_products::supplier.eq(supplier))
        .count()
        .get_result(c))?)
}
