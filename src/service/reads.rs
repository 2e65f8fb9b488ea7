//! Reads of the catalog shared by every entry point: products by SKU and by filter, models, the
//! model chains behind inherited values, and the change log.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::Catalog;
use crate::catalog::codes::sku_key;
use crate::error::{Error, FieldError, Result};
use crate::store::changes::{self, ChangeFilter, ChangeRow};
use crate::store::models::{ModelFilter, StoredModel};
use crate::store::products::{ProductFilter, StoredProduct};
use crate::store::{self};

/// A product listing request as callers phrase it.
#[derive(Debug, Clone, Default)]
pub struct ProductQuery {
    pub families: Option<Vec<String>>,
    /// Categories; products in their subtrees match too.
    pub categories: Option<Vec<String>>,
    pub enabled: Option<bool>,
    pub updated_since: Option<NaiveDateTime>,
    pub skus: Option<Vec<String>>,
    /// Code of a product model: its variant products.
    pub parent: Option<String>,
    /// Channel, locale and percent: completeness there below it.
    pub completeness_below: Option<(String, String, u8)>,
    /// Products failing this quality rule.
    pub failing_rule: Option<String>,
}

impl Catalog {
    pub fn product(&self, sku: &str) -> Result<Option<StoredProduct>> {
        self.db().read(|conn| {
            Ok(store::products::find_by_sku_keys(conn, &[sku_key(sku)])?
                .into_iter()
                .next())
        })
    }

    pub fn products_by_skus(&self, skus: &[String]) -> Result<Vec<StoredProduct>> {
        let keys: Vec<String> = skus.iter().map(|s| sku_key(s)).collect();
        self.db()
            .read(|conn| store::products::find_by_sku_keys(conn, &keys))
    }

    /// Products after id `after`, at most `limit`, and whether more follow.
    pub fn products(
        &self,
        query: &ProductQuery,
        after: i64,
        limit: i64,
    ) -> Result<(Vec<StoredProduct>, bool)> {
        let Some(filter) = self.product_filter(query)? else {
            return Ok((Vec::new(), false));
        };
        self.db().read(|conn| {
            let mut page = store::products::list(conn, &filter, after, limit + 1)?;
            let more = page.len() as i64 > limit;
            page.truncate(limit as usize);
            Ok((page, more))
        })
    }

    pub fn count_products(&self, query: &ProductQuery) -> Result<i64> {
        let Some(filter) = self.product_filter(query)? else {
            return Ok(0);
        };
        self.db().read(|conn| store::products::count(conn, &filter))
    }

    /// The store's filter for a query; None when it cannot match anything.
    pub(crate) fn product_filter_of(&self, query: &ProductQuery) -> Result<Option<ProductFilter>> {
        self.product_filter(query)
    }

    fn product_filter(&self, query: &ProductQuery) -> Result<Option<ProductFilter>> {
        let structure = self.structure()?;
        let categories = query.categories.as_ref().map(|codes| {
            let mut all: Vec<String> = codes
                .iter()
                .flat_map(|c| structure.category_subtree(c))
                .collect();
            all.sort();
            all.dedup();
            all
        });
        let parent_id = match &query.parent {
            Some(code) => match self.model(code)? {
                Some(model) => Some(model.id),
                None => return Ok(None),
            },
            None => None,
        };
        Ok(Some(ProductFilter {
            families: query.families.clone(),
            categories,
            enabled: query.enabled,
            updated_since: query.updated_since,
            sku_keys: query
                .skus
                .as_ref()
                .map(|s| s.iter().map(|s| sku_key(s)).collect()),
            parent_id,
            completeness_below: match &query.completeness_below {
                Some((channel, locale, below)) => {
                    structure
                        .check_channel_locale(channel, locale, "filter.completeness")
                        .map_err(Error::field)?;
                    Some((channel.clone(), locale.clone(), *below))
                }
                None => None,
            },
            failing_rule: match &query.failing_rule {
                Some(rule) if !structure.quality_rules.contains_key(rule) => {
                    return Err(Error::field(FieldError::not_found(
                        "filter.failingRule",
                        format!("unknown quality rule {rule:?}"),
                    )));
                }
                other => other.clone(),
            },
        }))
    }

    pub fn model(&self, code: &str) -> Result<Option<StoredModel>> {
        self.db().read(|conn| {
            Ok(store::models::find_by_codes(conn, &[code.to_string()])?
                .into_iter()
                .next())
        })
    }

    pub fn models(
        &self,
        filter: &ModelFilter,
        after: i64,
        limit: i64,
    ) -> Result<(Vec<StoredModel>, bool)> {
        self.db().read(|conn| {
            let mut page = store::models::list(conn, filter, after, limit + 1)?;
            let more = page.len() as i64 > limit;
            page.truncate(limit as usize);
            Ok((page, more))
        })
    }

    /// The models behind these ids and their ancestors, for inherited values.
    pub fn model_chains(&self, ids: &[i64]) -> Result<HashMap<i64, StoredModel>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        self.db()
            .read(|conn| store::models::find_with_ancestors(conn, ids))
    }

    pub fn changes(&self, since: i64, limit: i64, filter: &ChangeFilter) -> Result<Vec<ChangeRow>> {
        self.db()
            .read(|conn| changes::since(conn, since, limit, filter))
    }

    pub fn change_head(&self) -> Result<i64> {
        self.db().read(changes::head)
    }
}

/// Root-first chain of models above a node, from a map holding them all.
pub fn ancestors_of(
    parent_id: Option<i64>,
    models: &HashMap<i64, StoredModel>,
) -> Vec<&StoredModel> {
    let mut chain = Vec::new();
    let mut next = parent_id;
    while let Some(id) = next {
        let Some(model) = models.get(&id) else { break };
        if chain.iter().any(|m: &&StoredModel| m.id == id) {
            break;
        }
        chain.push(model);
        next = model.parent_id;
    }
    chain.reverse();
    chain
}
