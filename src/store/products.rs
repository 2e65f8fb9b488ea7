//! Product rows: identity and relations in columns, values as one JSON document; reads by SKU, id
//! and filter with keyset pagination, and the batched writes the write path issues.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_builder::AstPass;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamp};
use diesel::sqlite::Sqlite;

use super::db::Conn;
use super::schema::{
    model_categories, product_categories, product_models, products, unique_values,
};
use crate::catalog::product::Product;
use crate::error::Result;
use crate::on;
use crate::store::sqlite_rows;
use crate::store::stamp::Stamp;

/// Bound parameters per statement stay well below SQLite's limit of 32,766.
pub const IN_CHUNK: usize = 5000;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = products)]
struct ProductRow {
    id: i64,
    sku: String,
    family: Option<String>,
    parent_id: Option<i64>,
    enabled: bool,
    raw_values: String,
    associations: String,
    created: NaiveDateTime,
    updated: NaiveDateTime,
    version: i64,
    quality: String,
}

/// A product as stored, with its bookkeeping.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredProduct {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub product: Product,
    pub created: NaiveDateTime,
    pub updated: NaiveDateTime,
    pub version: i64,
    /// Completeness and failed rules as stored (`quality::completeness::Quality`, JSON).
    pub quality: String,
}

/// Which products to list; every field narrows the result.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub families: Option<Vec<String>>,
    /// Category codes, already expanded to their subtrees; a variant product matches through the
    /// categories of its models too.
    pub categories: Option<Vec<String>>,
    pub enabled: Option<bool>,
    pub updated_since: Option<NaiveDateTime>,
    pub sku_keys: Option<Vec<String>>,
    pub parent_id: Option<i64>,
    /// Channel, locale and percent: products whose completeness there is below it. The codes
    /// must be checked against the structure (they are written into SQL).
    pub completeness_below: Option<(String, String, u8)>,
    /// A quality rule code (checked against the structure): products failing it.
    pub failing_rule: Option<String>,
}

/// SQL conditions on the stored quality document, in each backend's JSON dialect.
fn quality_conditions(f: &ProductFilter, sqlite: bool) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((channel, locale, below)) = &f.completeness_below {
        out.push(if sqlite {
            format!("json_extract(quality, '$.completeness.{channel}.{locale}.ratio') < {below}")
        } else {
            format!(
                "((quality::jsonb) #>> '{{completeness,{channel},{locale},ratio}}')::int < {below}"
            )
        });
    }
    if let Some(rule) = &f.failing_rule {
        out.push(if sqlite {
            format!(
                "EXISTS (SELECT 1 FROM json_each(quality, '$.issues') WHERE json_extract(value, '$.rule') = '{rule}')"
            )
        } else {
            format!("(quality::jsonb -> 'issues') @> '[{{\"rule\": \"{rule}\"}}]'::jsonb")
        });
    }
    out
}

#[derive(Insertable)]
#[diesel(table_name = products, treat_none_as_default_value = false)]
pub struct NewProductRow {
    pub sku: String,
    pub sku_key: String,
    pub family: Option<String>,
    pub parent_id: Option<i64>,
    pub axis_key: Option<String>,
    pub enabled: bool,
    pub raw_values: String,
    pub associations: String,
    pub created: Stamp,
    pub updated: Stamp,
    pub version: i64,
    pub quality: String,
}

/// A new product's row with the id SQLite's insert is given.
struct NewProductWithId<'a> {
    id: i64,
    row: &'a NewProductRow,
}

impl sqlite_rows::Row for NewProductWithId<'_> {
    const INSERT: &'static str = "INSERT INTO products (id, sku, sku_key, family, parent_id, \
        axis_key, enabled, raw_values, associations, created, updated, version, quality) VALUES ";

    fn bind<'b>(&'b self, out: &mut AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        let r = self.row;
        crate::bind_values!(out;
            BigInt => &self.id,
            Text => &r.sku,
            Text => &r.sku_key,
            Nullable<Text> => &r.family,
            Nullable<BigInt> => &r.parent_id,
            Nullable<Text> => &r.axis_key,
            Bool => &r.enabled,
            Text => &r.raw_values,
            Text => &r.associations,
            Timestamp => &r.created,
            Timestamp => &r.updated,
            BigInt => &r.version,
            Text => &r.quality,
        )
    }
}

/// A product's category, as its row.
#[derive(Insertable)]
#[diesel(table_name = product_categories)]
struct CategoryRow<'a> {
    category_code: &'a str,
    product_id: i64,
}

impl sqlite_rows::Row for CategoryRow<'_> {
    const INSERT: &'static str =
        "INSERT INTO product_categories (category_code, product_id) VALUES ";

    fn bind<'b>(&'b self, out: &mut AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        crate::bind_values!(out; Text => self.category_code, BigInt => &self.product_id)
    }
}

/// A product's unique value, as its row.
#[derive(Insertable)]
#[diesel(table_name = unique_values)]
struct UniqueRow<'a> {
    attribute_code: &'a str,
    value_key: &'a str,
    product_id: i64,
}

impl sqlite_rows::Row for UniqueRow<'_> {
    const INSERT: &'static str =
        "INSERT INTO unique_values (attribute_code, value_key, product_id) VALUES ";

    fn bind<'b>(&'b self, out: &mut AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        crate::bind_values!(out;
            Text => self.attribute_code,
            Text => self.value_key,
            BigInt => &self.product_id,
        )
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = products, treat_none_as_null = true)]
pub struct ProductChangeset {
    pub family: Option<String>,
    pub parent_id: Option<i64>,
    pub axis_key: Option<String>,
    pub enabled: bool,
    pub raw_values: String,
    pub associations: String,
    pub updated: NaiveDateTime,
    pub version: i64,
    pub quality: String,
}

macro_rules! filtered {
    ($filter:expr, $sqlite:expr) => {{
        let f: &ProductFilter = $filter;
        let mut q = products::table.into_boxed();
        for condition in quality_conditions(f, $sqlite) {
            q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&condition));
        }
        if let Some(families) = &f.families {
            q = q.filter(products::family.eq_any(families.clone()));
        }
        if let Some(enabled) = f.enabled {
            q = q.filter(products::enabled.eq(enabled));
        }
        if let Some(since) = f.updated_since {
            q = q.filter(products::updated.ge(since));
        }
        if let Some(keys) = &f.sku_keys {
            q = q.filter(products::sku_key.eq_any(keys.clone()));
        }
        if let Some(parent) = f.parent_id {
            q = q.filter(products::parent_id.eq(parent));
        }
        if let Some(codes) = &f.categories {
            let own = product_categories::table
                .filter(product_categories::category_code.eq_any(codes.clone()))
                .select(product_categories::product_id);
            let in_models = model_categories::table
                .filter(model_categories::category_code.eq_any(codes.clone()))
                .select(model_categories::model_id.nullable());
            let under_models = product_models::table
                .filter(
                    product_models::parent_id.eq_any(
                        model_categories::table
                            .filter(model_categories::category_code.eq_any(codes.clone()))
                            .select(model_categories::model_id.nullable()),
                    ),
                )
                .select(product_models::id.nullable());
            q = q.filter(
                products::id
                    .eq_any(own)
                    .or(products::parent_id.eq_any(in_models))
                    .or(products::parent_id.eq_any(under_models)),
            );
        }
        q
    }};
}

/// A page of products after the product with id `after`, in id order.
pub fn list(
    conn: &mut Conn<'_>,
    filter: &ProductFilter,
    after: i64,
    limit: i64,
) -> Result<Vec<StoredProduct>> {
    let sqlite = matches!(conn, Conn::Sqlite(_));
    let rows: Vec<ProductRow> = on!(conn, |c| filtered!(filter, sqlite)
        .filter(products::id.gt(after))
        .order(products::id.asc())
        .limit(limit)
        .select(ProductRow::as_select())
        .load(c))?;
    hydrate(conn, rows)
}

pub fn count(conn: &mut Conn<'_>, filter: &ProductFilter) -> Result<i64> {
    let sqlite = matches!(conn, Conn::Sqlite(_));
    let n = on!(conn, |c| filtered!(filter, sqlite).count().get_result(c))?;
    Ok(n)
}

pub fn find_by_sku_keys(conn: &mut Conn<'_>, keys: &[String]) -> Result<Vec<StoredProduct>> {
    let mut rows: Vec<ProductRow> = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(IN_CHUNK) {
        rows.extend(on!(conn, |c| products::table
            .filter(products::sku_key.eq_any(chunk))
            .select(ProductRow::as_select())
            .load(c))?);
    }
    hydrate(conn, rows)
}

pub fn find_by_ids(conn: &mut Conn<'_>, ids: &[i64]) -> Result<Vec<StoredProduct>> {
    let mut rows: Vec<ProductRow> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IN_CHUNK) {
        rows.extend(on!(conn, |c| products::table
            .filter(products::id.eq_any(chunk))
            .select(ProductRow::as_select())
            .load(c))?);
    }
    hydrate(conn, rows)
}

/// The id and version of each of these case-folded SKUs that exists: what the write path
/// compares to decide whether a batch evaluated outside the write lock is still current.
pub fn versions_by_sku_keys(
    conn: &mut Conn<'_>,
    keys: &[String],
) -> Result<BTreeMap<String, (i64, i64)>> {
    let mut found = BTreeMap::new();
    for chunk in keys.chunks(IN_CHUNK) {
        let rows: Vec<(String, i64, i64)> = on!(conn, |c| products::table
            .filter(products::sku_key.eq_any(chunk))
            .select((products::sku_key, products::id, products::version))
            .load(c))?;
        found.extend(
            rows.into_iter()
                .map(|(key, id, version)| (key, (id, version))),
        );
    }
    Ok(found)
}

/// Which of these case-folded SKUs exist.
pub fn existing_sku_keys(conn: &mut Conn<'_>, keys: &[String]) -> Result<BTreeSet<String>> {
    let mut found = BTreeSet::new();
    for chunk in keys.chunks(IN_CHUNK) {
        let rows: Vec<String> = on!(conn, |c| products::table
            .filter(products::sku_key.eq_any(chunk))
            .select(products::sku_key)
            .load(c))?;
        found.extend(rows);
    }
    Ok(found)
}

/// Turns rows into products: values parsed, categories and parent codes loaded in one query each.
fn hydrate(conn: &mut Conn<'_>, rows: Vec<ProductRow>) -> Result<Vec<StoredProduct>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut categories = categories_of(conn, &ids)?;
    let parent_codes = super::models::codes_by_id(conn, rows.iter().filter_map(|r| r.parent_id))?;
    rows.into_iter()
        .map(|row| {
            Ok(StoredProduct {
                id: row.id,
                parent_id: row.parent_id,
                product: Product {
                    sku: row.sku,
                    family: row.family,
                    parent: row.parent_id.and_then(|id| parent_codes.get(&id).cloned()),
                    enabled: row.enabled,
                    categories: categories.remove(&row.id).unwrap_or_default(),
                    values: serde_json::from_str(&row.raw_values)?,
                    associations: serde_json::from_str(&row.associations)?,
                },
                created: row.created,
                updated: row.updated,
                version: row.version,
                quality: row.quality,
            })
        })
        .collect()
}

pub fn categories_of(conn: &mut Conn<'_>, ids: &[i64]) -> Result<HashMap<i64, BTreeSet<String>>> {
    let mut out: HashMap<i64, BTreeSet<String>> = HashMap::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let rows: Vec<(i64, String)> = on!(conn, |c| product_categories::table
            .filter(product_categories::product_id.eq_any(chunk))
            .select((
                product_categories::product_id,
                product_categories::category_code
            ))
            .load(c))?;
        for (id, code) in rows {
            out.entry(id).or_default().insert(code);
        }
    }
    Ok(out)
}

/// Inserts new products and returns their ids by case-folded SKU.
pub fn insert(conn: &mut Conn<'_>, rows: &[NewProductRow]) -> Result<HashMap<String, i64>> {
    let mut ids = HashMap::with_capacity(rows.len());
    match conn {
        // SQLite cannot return ids from a multi-row insert; the write transaction holds the only
        // write lock, so ids after the current maximum are ours to take.
        Conn::Sqlite(c) => {
            let max: Option<i64> = products::table
                .select(diesel::dsl::max(products::id))
                .first(*c)?;
            let first = max.unwrap_or(0) + 1;
            let with_ids: Vec<NewProductWithId<'_>> = rows
                .iter()
                .zip(first..)
                .map(|(row, id)| {
                    ids.insert(row.sku_key.clone(), id);
                    NewProductWithId { id, row }
                })
                .collect();
            sqlite_rows::insert(c, &with_ids)?;
        }
        Conn::Postgres(c) => {
            for chunk in rows.chunks(2500) {
                let inserted: Vec<(i64, String)> = diesel::insert_into(products::table)
                    .values(chunk)
                    .returning((products::id, products::sku_key))
                    .get_results(*c)?;
                ids.extend(inserted.into_iter().map(|(id, key)| (key, id)));
            }
        }
    }
    Ok(ids)
}

pub fn update(conn: &mut Conn<'_>, id: i64, changes: &ProductChangeset) -> Result<()> {
    on!(conn, |c| diesel::update(products::table.find(id))
        .set(changes)
        .execute(c))?;
    Ok(())
}

/// Stores a recomputed quality unless the product changed since it was read (the write path
/// then stored a fresher one); true when written.
pub fn set_quality(conn: &mut Conn<'_>, id: i64, version: i64, quality: &str) -> Result<bool> {
    let n = on!(conn, |c| diesel::update(
        products::table
            .find(id)
            .filter(products::version.eq(version))
    )
    .set(products::quality.eq(quality))
    .execute(c))?;
    Ok(n == 1)
}

/// The stored quality of the products matching `filter` after id `after`, in id order.
pub fn qualities(
    conn: &mut Conn<'_>,
    filter: &ProductFilter,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, String)>> {
    let sqlite = matches!(conn, Conn::Sqlite(_));
    Ok(on!(conn, |c| filtered!(filter, sqlite)
        .filter(products::id.gt(after))
        .order(products::id)
        .limit(limit)
        .select((products::id, products::quality))
        .load(c))?)
}

/// Products after id `after`, in id order: a page of a full scan.
pub fn scan(conn: &mut Conn<'_>, after: i64, limit: i64) -> Result<Vec<StoredProduct>> {
    let rows = on!(conn, |c| products::table
        .filter(products::id.gt(after))
        .order(products::id)
        .limit(limit)
        .select(ProductRow::as_select())
        .load(c))?;
    hydrate(conn, rows)
}

/// Products of the given models (variants), for recomputing what they inherit.
pub fn ids_under_models(conn: &mut Conn<'_>, model_ids: &[i64]) -> Result<Vec<i64>> {
    let mut out = Vec::new();
    for chunk in model_ids.chunks(IN_CHUNK) {
        out.extend(on!(conn, |c| products::table
            .filter(products::parent_id.eq_any(chunk))
            .select(products::id)
            .load::<i64>(c))?);
    }
    Ok(out)
}

/// Whether any product exists.
pub fn any(conn: &mut Conn<'_>) -> Result<bool> {
    let first: Option<i64> = on!(conn, |c| products::table
        .select(products::id)
        .first(c)
        .optional())?;
    Ok(first.is_some())
}

pub fn count_all(conn: &mut Conn<'_>) -> Result<i64> {
    Ok(on!(conn, |c| products::table.count().get_result(c))?)
}

pub fn delete(conn: &mut Conn<'_>, id: i64) -> Result<()> {
    on!(conn, |c| {
        diesel::delete(product_categories::table.filter(product_categories::product_id.eq(id)))
            .execute(c)?;
        diesel::delete(unique_values::table.filter(unique_values::product_id.eq(id))).execute(c)?;
        diesel::delete(products::table.find(id)).execute(c)
    })?;
    Ok(())
}

/// Replaces the categories of the given products; `new` ones have none to remove.
pub fn set_categories(
    conn: &mut Conn<'_>,
    categories: &BTreeMap<i64, BTreeSet<String>>,
    new: &BTreeSet<i64>,
) -> Result<()> {
    let ids: Vec<i64> = categories
        .keys()
        .filter(|id| !new.contains(id))
        .copied()
        .collect();
    for chunk in ids.chunks(IN_CHUNK) {
        on!(conn, |c| diesel::delete(
            product_categories::table.filter(product_categories::product_id.eq_any(chunk))
        )
        .execute(c))?;
    }
    let mut rows: Vec<CategoryRow<'_>> = categories
        .iter()
        .flat_map(|(id, codes)| {
            codes.iter().map(move |code| CategoryRow {
                category_code: code,
                product_id: *id,
            })
        })
        .collect();
    // In the primary key's order: each statement then touches a few pages of that index, not
    // one page per category (each a page SQLite's statement journal copies first).
    rows.sort_unstable_by(|a, b| {
        (a.category_code, a.product_id).cmp(&(b.category_code, b.product_id))
    });
    match conn {
        Conn::Sqlite(c) => sqlite_rows::insert(c, &rows)?,
        Conn::Postgres(c) => {
            for chunk in rows.chunks(IN_CHUNK) {
                diesel::insert_into(product_categories::table)
                    .values(chunk)
                    .execute(&mut **c)?;
            }
        }
    }
    Ok(())
}

/// Products holding any of these unique values, as (attribute, value key) -> product id.
pub fn unique_holders(
    conn: &mut Conn<'_>,
    attribute: &str,
    keys: &[String],
) -> Result<HashMap<String, i64>> {
    let mut out = HashMap::new();
    for chunk in keys.chunks(IN_CHUNK) {
        let rows: Vec<(String, i64)> = on!(conn, |c| unique_values::table
            .filter(unique_values::attribute_code.eq(attribute))
            .filter(unique_values::value_key.eq_any(chunk))
            .select((unique_values::value_key, unique_values::product_id))
            .load(c))?;
        out.extend(rows);
    }
    Ok(out)
}

/// Replaces the unique values recorded for the given products; `new` ones have none to remove.
pub fn set_unique_values(
    conn: &mut Conn<'_>,
    values: &BTreeMap<i64, Vec<(String, String)>>,
    new: &BTreeSet<i64>,
) -> Result<()> {
    let ids: Vec<i64> = values
        .keys()
        .filter(|id| !new.contains(id))
        .copied()
        .collect();
    for chunk in ids.chunks(IN_CHUNK) {
        on!(conn, |c| diesel::delete(
            unique_values::table.filter(unique_values::product_id.eq_any(chunk))
        )
        .execute(c))?;
    }
    let mut rows: Vec<UniqueRow<'_>> = values
        .iter()
        .flat_map(|(id, pairs)| {
            pairs.iter().map(move |(attribute, key)| UniqueRow {
                attribute_code: attribute,
                value_key: key,
                product_id: *id,
            })
        })
        .collect();
    // In the primary key's order, as for categories: values such as EANs come in any order.
    rows.sort_unstable_by(|a, b| {
        (a.attribute_code, a.value_key).cmp(&(b.attribute_code, b.value_key))
    });
    match conn {
        Conn::Sqlite(c) => sqlite_rows::insert(c, &rows)?,
        Conn::Postgres(c) => {
            for chunk in rows.chunks(IN_CHUNK / 3) {
                diesel::insert_into(unique_values::table)
                    .values(chunk)
                    .execute(&mut **c)?;
            }
        }
    }
    Ok(())
}

/// Siblings' axis keys under one parent, for the uniqueness of axis combinations.
pub fn axis_keys_under(conn: &mut Conn<'_>, parent_id: i64) -> Result<HashMap<String, i64>> {
    let rows: Vec<(Option<String>, i64)> = on!(conn, |c| products::table
        .filter(products::parent_id.eq(parent_id))
        .select((products::axis_key, products::id))
        .load(c))?;
    Ok(rows
        .into_iter()
        .filter_map(|(k, id)| k.map(|k| (k, id)))
        .collect())
}

/// How many products a family, a category or a product model still holds (for refusing deletes).
pub fn count_in_family(conn: &mut Conn<'_>, family: &str) -> Result<i64> {
    Ok(on!(conn, |c| products::table
        .filter(products::family.eq(family))
        .count()
        .get_result(c))?)
}

pub fn count_in_categories(conn: &mut Conn<'_>, codes: &[String]) -> Result<i64> {
    let products: i64 = on!(conn, |c| product_categories::table
        .filter(product_categories::category_code.eq_any(codes))
        .count()
        .get_result(c))?;
    let models: i64 = on!(conn, |c| model_categories::table
        .filter(model_categories::category_code.eq_any(codes))
        .count()
        .get_result(c))?;
    Ok(products + models)
}

pub fn count_children(conn: &mut Conn<'_>, model_id: i64) -> Result<i64> {
    Ok(on!(conn, |c| products::table
        .filter(products::parent_id.eq(model_id))
        .count()
        .get_result(c))?)
}
