//! The write path's quality step, shared with the recompute job: completeness and rule issues of
//! products, with values and categories inherited from their models and the sizes of their images.

use std::collections::{BTreeSet, HashMap};

use super::parallel;
use super::reads::ancestors_of;
use crate::catalog::product;
use crate::catalog::{Structure, ValueDoc};
use crate::error::Result;
use crate::quality::completeness::assess;
use crate::quality::rules::Subject;
use crate::store::models::StoredModel;
use crate::store::{self, Conn};

/// What the quality of one product is computed from.
pub(crate) struct Assessing<'a> {
    pub family: Option<&'a str>,
    pub parent_id: Option<i64>,
    pub categories: &'a BTreeSet<String>,
    pub values: &'a ValueDoc,
}

/// A product's values over its models' (nearest model first): what it shows. Leaner than
/// `merge_inherited`, which also records where each value came from.
fn inherit<'a>(own: &ValueDoc, models: impl Iterator<Item = &'a ValueDoc>) -> ValueDoc {
    let mut merged = own.clone();
    for doc in models {
        for (attribute, scopes) in doc {
            let slot = merged.entry(attribute.clone()).or_default();
            for (scope, locales) in scopes {
                let by_locale = slot.entry(scope.clone()).or_default();
                for (locale, data) in locales {
                    by_locale
                        .entry(locale.clone())
                        .or_insert_with(|| data.clone());
                }
            }
        }
    }
    merged
}

/// The stored form (JSON) of each product's quality, in input order.
pub(crate) fn assess_many(
    conn: &mut Conn<'_>,
    structure: &Structure,
    items: &[Assessing<'_>],
) -> Result<Vec<String>> {
    let models = models_of(conn, items)?;
    assess_with(conn, structure, items, &models)
}

/// The models (with their ancestors) these products inherit from.
pub(crate) fn models_of(
    conn: &mut Conn<'_>,
    items: &[Assessing<'_>],
) -> Result<HashMap<i64, StoredModel>> {
    let parents: Vec<i64> = items
        .iter()
        .filter_map(|i| i.parent_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if parents.is_empty() {
        return Ok(HashMap::new());
    }
    store::models::find_with_ancestors(conn, &parents)
}

/// As `assess_many`, with the models already read by `models_of`.
pub(crate) fn assess_with(
    conn: &mut Conn<'_>,
    structure: &Structure,
    items: &[Assessing<'_>],
    models: &HashMap<i64, StoredModel>,
) -> Result<Vec<String>> {
    // The images a product shows are its own or its models'; an image a product's own value
    // hides is looked up for nothing, which costs less than merging every document here.
    let mut images = BTreeSet::new();
    for item in items {
        images.extend(product::referenced_assets(structure, item.values));
    }
    for model in models.values() {
        images.extend(product::referenced_assets(structure, &model.model.values));
    }
    let images = if images.is_empty() {
        HashMap::new()
    } else {
        store::assets::dimensions(conn, &images.into_iter().collect::<Vec<_>>())?
    };
    parallel::map(items, |item| {
        // Variant products are judged on what they show: their own values over their models'.
        let chain = ancestors_of(item.parent_id, models);
        let inherited = (!chain.is_empty()).then(|| {
            let values = inherit(item.values, chain.iter().rev().map(|m| &m.model.values));
            let mut categories = item.categories.clone();
            for m in &chain {
                categories.extend(m.model.categories.iter().cloned());
            }
            (values, categories)
        });
        let (values, categories) = match &inherited {
            Some((values, categories)) => (values, categories),
            None => (item.values, item.categories),
        };
        let quality = assess(
            structure,
            &Subject {
                family: item.family,
                categories,
                values,
                images: &images,
            },
        );
        Ok(serde_json::to_string(&quality)?)
    })
    .into_iter()
    .collect()
}

/// Recomputes the quality of the given products in the caller's transaction, skipping any whose
/// version moved on; returns the SKUs of those whose quality changed.
pub(crate) fn refresh(
    conn: &mut Conn<'_>,
    structure: &Structure,
    ids: &[i64],
) -> Result<Vec<String>> {
    let products = store::products::find_by_ids(conn, ids)?;
    refresh_products(conn, structure, &products)
}

pub(crate) fn refresh_products(
    conn: &mut Conn<'_>,
    structure: &Structure,
    products: &[store::products::StoredProduct],
) -> Result<Vec<String>> {
    let items: Vec<Assessing<'_>> = products
        .iter()
        .map(|p| Assessing {
            family: p.product.family.as_deref(),
            parent_id: p.parent_id,
            categories: &p.product.categories,
            values: &p.product.values,
        })
        .collect();
    let qualities = assess_many(conn, structure, &items)?;
    let mut written = Vec::new();
    for (p, quality) in products.iter().zip(qualities) {
        if quality != p.quality && store::products::set_quality(conn, p.id, p.version, &quality)? {
            written.push(p.product.sku.clone());
        }
    }
    Ok(written)
}
