//! Product model rows: the shared values of a family of variants, one or two levels deep.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::db::Conn;
use super::products::IN_CHUNK;
use super::schema::{model_categories, product_models, products};
use crate::catalog::product::ProductModel;
use crate::error::Result;
use crate::on;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = product_models)]
struct ModelRow {
    id: i64,
    code: String,
    family_variant: String,
    parent_id: Option<i64>,
    raw_values: String,
    created: NaiveDateTime,
    updated: NaiveDateTime,
    version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredModel {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub model: ProductModel,
    pub created: NaiveDateTime,
    pub updated: NaiveDateTime,
    pub version: i64,
}

#[derive(Insertable)]
#[diesel(table_name = product_models)]
pub struct NewModelRow {
    pub code: String,
    pub family_variant: String,
    pub parent_id: Option<i64>,
    pub axis_key: Option<String>,
    pub raw_values: String,
    pub created: NaiveDateTime,
    pub updated: NaiveDateTime,
    pub version: i64,
}

#[derive(AsChangeset)]
#[diesel(table_name = product_models, treat_none_as_null = true)]
pub struct ModelChangeset {
    pub parent_id: Option<i64>,
    pub axis_key: Option<String>,
    pub raw_values: String,
    pub updated: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ModelFilter {
    pub family_variant: Option<String>,
    pub parent_id: Option<Option<i64>>,
}

pub fn find_by_codes(conn: &mut Conn<'_>, codes: &[String]) -> Result<Vec<StoredModel>> {
    let mut rows = Vec::with_capacity(codes.len());
    for chunk in codes.chunks(IN_CHUNK) {
        rows.extend(on!(conn, |c| product_models::table
            .filter(product_models::code.eq_any(chunk))
            .select(ModelRow::as_select())
            .load(c))?);
    }
    hydrate(conn, rows)
}

pub fn find_by_ids(conn: &mut Conn<'_>, ids: &[i64]) -> Result<Vec<StoredModel>> {
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IN_CHUNK) {
        rows.extend(on!(conn, |c| product_models::table
            .filter(product_models::id.eq_any(chunk))
            .select(ModelRow::as_select())
            .load(c))?);
    }
    hydrate(conn, rows)
}

/// The id and version of each of these model codes that exists.
pub fn versions_by_codes(
    conn: &mut Conn<'_>,
    codes: &[String],
) -> Result<BTreeMap<String, (i64, i64)>> {
    let mut found = BTreeMap::new();
    for chunk in codes.chunks(IN_CHUNK) {
        let rows: Vec<(String, i64, i64)> = on!(conn, |c| product_models::table
            .filter(product_models::code.eq_any(chunk))
            .select((
                product_models::code,
                product_models::id,
                product_models::version
            ))
            .load(c))?;
        found.extend(
            rows.into_iter()
                .map(|(code, id, version)| (code, (id, version))),
        );
    }
    Ok(found)
}

/// The version of each of these model ids that exists.
pub fn versions_by_ids(conn: &mut Conn<'_>, ids: &[i64]) -> Result<BTreeMap<i64, i64>> {
    let mut found = BTreeMap::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let rows: Vec<(i64, i64)> = on!(conn, |c| product_models::table
            .filter(product_models::id.eq_any(chunk))
            .select((product_models::id, product_models::version))
            .load(c))?;
        found.extend(rows);
    }
    Ok(found)
}

/// Models with their ancestors: everything needed to read inherited values for these ids.
pub fn find_with_ancestors(conn: &mut Conn<'_>, ids: &[i64]) -> Result<HashMap<i64, StoredModel>> {
    let mut found: HashMap<i64, StoredModel> = HashMap::new();
    let mut wanted: Vec<i64> = ids.to_vec();
    // Two levels at most, so this loops at most twice.
    while !wanted.is_empty() {
        let models = find_by_ids(conn, &wanted)?;
        wanted = models
            .iter()
            .filter_map(|m| m.parent_id)
            .filter(|p| !found.contains_key(p))
            .collect();
        found.extend(models.into_iter().map(|m| (m.id, m)));
        wanted.retain(|p| !found.contains_key(p));
    }
    Ok(found)
}

pub fn list(
    conn: &mut Conn<'_>,
    filter: &ModelFilter,
    after: i64,
    limit: i64,
) -> Result<Vec<StoredModel>> {
    let rows: Vec<ModelRow> = on!(conn, |c| {
        let mut q = product_models::table.into_boxed();
        if let Some(fv) = &filter.family_variant {
            q = q.filter(product_models::family_variant.eq(fv));
        }
        match filter.parent_id {
            Some(Some(id)) => q = q.filter(product_models::parent_id.eq(id)),
            Some(None) => q = q.filter(product_models::parent_id.is_null()),
            None => {}
        }
        q.filter(product_models::id.gt(after))
            .order(product_models::id.asc())
            .limit(limit)
            .select(ModelRow::as_select())
            .load(c)
    })?;
    hydrate(conn, rows)
}

/// Codes of the product models with these ids, for rows that point at their parent by id.
pub fn codes_by_id(
    conn: &mut Conn<'_>,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, String>> {
    let ids: Vec<i64> = ids.collect::<BTreeSet<_>>().into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IN_CHUNK) {
        out.extend(on!(conn, |c| product_models::table
            .filter(product_models::id.eq_any(chunk))
            .select((product_models::id, product_models::code))
            .load::<(i64, String)>(c))?);
    }
    Ok(out)
}

fn hydrate(conn: &mut Conn<'_>, rows: Vec<ModelRow>) -> Result<Vec<StoredModel>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut categories = categories_of(conn, &ids)?;
    let parent_codes = codes_by_id(conn, rows.iter().filter_map(|r| r.parent_id))?;
    rows.into_iter()
        .map(|row| {
            Ok(StoredModel {
                id: row.id,
                parent_id: row.parent_id,
                model: ProductModel {
                    code: row.code,
                    family_variant: row.family_variant,
                    parent: row.parent_id.and_then(|id| parent_codes.get(&id).cloned()),
                    categories: categories.remove(&row.id).unwrap_or_default(),
                    values: serde_json::from_str(&row.raw_values)?,
                },
                created: row.created,
                updated: row.updated,
                version: row.version,
            })
        })
        .collect()
}

fn categories_of(conn: &mut Conn<'_>, ids: &[i64]) -> Result<HashMap<i64, BTreeSet<String>>> {
    let mut out: HashMap<i64, BTreeSet<String>> = HashMap::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let rows: Vec<(i64, String)> = on!(conn, |c| model_categories::table
            .filter(model_categories::model_id.eq_any(chunk))
            .select((model_categories::model_id, model_categories::category_code))
            .load(c))?;
        for (id, code) in rows {
            out.entry(id).or_default().insert(code);
        }
    }
    Ok(out)
}

pub fn insert(conn: &mut Conn<'_>, row: &NewModelRow) -> Result<i64> {
    let id = on!(conn, |c| diesel::insert_into(product_models::table)
        .values(row)
        .returning(product_models::id)
        .get_result(c))?;
    Ok(id)
}

pub fn update(conn: &mut Conn<'_>, id: i64, changes: &ModelChangeset) -> Result<()> {
    on!(conn, |c| diesel::update(product_models::table.find(id))
        .set(changes)
        .execute(c))?;
    Ok(())
}

pub fn delete(conn: &mut Conn<'_>, id: i64) -> Result<()> {
    on!(conn, |c| {
        diesel::delete(model_categories::table.filter(model_categories::model_id.eq(id)))
            .execute(c)?;
        diesel::delete(product_models::table.find(id)).execute(c)
    })?;
    Ok(())
}

pub fn set_categories(
    conn: &mut Conn<'_>,
    categories: &BTreeMap<i64, BTreeSet<String>>,
) -> Result<()> {
    for (id, codes) in categories {
        on!(conn, |c| diesel::delete(
            model_categories::table.filter(model_categories::model_id.eq(*id))
        )
        .execute(c))?;
        let rows: Vec<_> = codes
            .iter()
            .map(|code| {
                (
                    model_categories::category_code.eq(code.clone()),
                    model_categories::model_id.eq(*id),
                )
            })
            .collect();
        if !rows.is_empty() {
            on!(conn, |c| diesel::insert_into(model_categories::table)
                .values(&rows)
                .execute(c))?;
        }
    }
    Ok(())
}

/// Axis keys already taken among the sub-models of a root model.
pub fn axis_keys_under(conn: &mut Conn<'_>, parent_id: i64) -> Result<HashMap<String, i64>> {
    let rows: Vec<(Option<String>, i64)> = on!(conn, |c| product_models::table
        .filter(product_models::parent_id.eq(parent_id))
        .select((product_models::axis_key, product_models::id))
        .load(c))?;
    Ok(rows
        .into_iter()
        .filter_map(|(k, id)| k.map(|k| (k, id)))
        .collect())
}

/// Products and sub-models attached to a model.
pub fn count_children(conn: &mut Conn<'_>, id: i64) -> Result<i64> {
    let models: i64 = on!(conn, |c| product_models::table
        .filter(product_models::parent_id.eq(id))
        .count()
        .get_result(c))?;
    let variants: i64 = on!(conn, |c| products::table
        .filter(products::parent_id.eq(id))
        .count()
        .get_result(c))?;
    Ok(models + variants)
}

pub fn count_with_family_variant(conn: &mut Conn<'_>, family_variant: &str) -> Result<i64> {
    Ok(on!(conn, |c| product_models::table
        .filter(product_models::family_variant.eq(family_variant))
        .count()
        .get_result(c))?)
}

/// Ids of the sub-models of the given models.
pub fn child_ids(conn: &mut Conn<'_>, ids: &[i64]) -> Result<Vec<i64>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(IN_CHUNK) {
        out.extend(on!(conn, |c| product_models::table
            .filter(product_models::parent_id.eq_any(chunk))
            .select(product_models::id)
            .load::<i64>(c))?);
    }
    Ok(out)
}
