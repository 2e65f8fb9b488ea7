//! What a supplier's row means against what is stored. Suppliers send variant rows complete,
//! values and categories of their product model included: a value a variant inherits is dropped
//! from its row when it equals the model's (when it differs, the row is refused with a message
//! saying where the value is changed), inherited categories are not copied onto the variant.
//! A price column sets its currency only: the product's prices in other currencies stay.

use std::collections::{BTreeSet, HashMap};

use super::mapping::{CellError, MappedRow};
use super::profile::InheritedValues;
use crate::catalog::codes::sku_key;
use crate::catalog::product::Patch;
use crate::catalog::values::{self, ALL_CHANNELS, ALL_LOCALES, ValueDoc};
use crate::catalog::{AttributeType, Structure};
use crate::error::Result;
use crate::service::Catalog;
use crate::service::reads::ancestors_of;
use serde_json::Value;

/// What a variant inherits from one parent model.
struct Inherited {
    code: String,
    categories: BTreeSet<String>,
    /// Attributes set on the variant level itself.
    own: BTreeSet<String>,
    values: ValueDoc,
}

/// Drops inherited values equal to the model's from the rows' patches; marks rows whose
/// inherited values differ. `label_of` names the column an attribute came from.
pub fn inherited(
    catalog: &Catalog,
    structure: &Structure,
    rows: &mut [MappedRow],
    policy: InheritedValues,
    label_of: impl Fn(&str) -> String,
) -> Result<()> {
    let parents: BTreeSet<String> = rows
        .iter()
        .filter(|r| r.errors.is_empty())
        .filter_map(|r| match &r.patch.parent {
            Patch::Set(code) => Some(code.clone()),
            _ => None,
        })
        .collect();
    if parents.is_empty() {
        return Ok(());
    }
    let models = catalog.db().read(|conn| {
        crate::store::models::find_by_codes(conn, &parents.into_iter().collect::<Vec<_>>())
    })?;
    let chains = catalog.model_chains(&models.iter().map(|m| m.id).collect::<Vec<_>>())?;
    let mut inherited: HashMap<String, Inherited> = HashMap::new();
    for model in &models {
        let Some((variant, family)) = structure.variant_family(&model.model.family_variant) else {
            continue;
        };
        let own = variant
            .attributes_at_depth(family, variant.levels.len())
            .into_iter()
            .cloned()
            .collect();
        let mut doc = ValueDoc::new();
        let mut categories = BTreeSet::new();
        for ancestor in ancestors_of(Some(model.id), &chains) {
            categories.extend(ancestor.model.categories.iter().cloned());
            for (attribute, scopes) in &ancestor.model.values {
                let slot = doc.entry(attribute.clone()).or_default();
                for (scope, locales) in scopes {
                    slot.entry(scope.clone())
                        .or_default()
                        .extend(locales.iter().map(|(l, v)| (l.clone(), v.clone())));
                }
            }
        }
        inherited.insert(
            model.model.code.clone(),
            Inherited {
                code: model.model.code.clone(),
                categories,
                own,
                values: doc,
            },
        );
    }
    for row in rows.iter_mut().filter(|r| r.errors.is_empty()) {
        let Patch::Set(parent) = &row.patch.parent else {
            continue;
        };
        let Some(from) = inherited.get(parent) else {
            continue;
        };
        if let Some(categories) = &mut row.patch.categories {
            categories.retain(|c| !from.categories.contains(c));
        }
        let mut errors = Vec::new();
        row.patch.values.retain(|v| {
            if from.own.contains(&v.attribute) {
                return true;
            }
            let Some(attribute) = structure.attributes.get(&v.attribute) else {
                return true;
            };
            let scope = v.channel.as_deref().unwrap_or(ALL_CHANNELS);
            let locale = v.locale.as_deref().unwrap_or(ALL_LOCALES);
            let stored = values::get_value(&from.values, &v.attribute, scope, locale);
            let given = values::normalize(structure, attribute, &v.data)
                .ok()
                .flatten();
            if given.as_ref() == stored || policy == InheritedValues::Ignore {
                return false;
            }
            errors.push(CellError {
                column: label_of(&values::value_path(&v.attribute, scope, locale)),
                value: given.as_ref().map(display).unwrap_or_default(),
                reason: format!(
                    "{} is inherited from product model {} ({}); change it there",
                    v.attribute,
                    from.code,
                    stored.map(display).unwrap_or_else(|| "empty".into()),
                ),
            });
            false
        });
        row.errors.extend(errors);
    }
    Ok(())
}

fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) if m.contains_key("amount") && m.contains_key("unit") => {
            format!("{} {}", display(&m["amount"]), display(&m["unit"]))
        }
        other => other.to_string(),
    }
}

/// Adds the stored prices in currencies a row does not give to its price values.
pub fn partial_prices(
    catalog: &Catalog,
    structure: &Structure,
    rows: &mut [MappedRow],
) -> Result<()> {
    let is_price = |attribute: &str| {
        structure
            .attributes
            .get(attribute)
            .is_some_and(|a| a.kind == AttributeType::PriceCollection)
    };
    let keys: Vec<String> = rows
        .iter()
        .filter(|r| r.errors.is_empty() && r.patch.values.iter().any(|v| is_price(&v.attribute)))
        .map(|r| sku_key(&r.patch.sku))
        .collect();
    if keys.is_empty() {
        return Ok(());
    }
    let stored: HashMap<String, ValueDoc> = catalog
        .db()
        .read(|conn| crate::store::products::find_by_sku_keys(conn, &keys))?
        .into_iter()
        .map(|p| (sku_key(&p.product.sku), p.product.values))
        .collect();
    for row in rows.iter_mut().filter(|r| r.errors.is_empty()) {
        let Some(doc) = stored.get(&sku_key(&row.patch.sku)) else {
            continue;
        };
        for v in row
            .patch
            .values
            .iter_mut()
            .filter(|v| is_price(&v.attribute))
        {
            let scope = v.channel.as_deref().unwrap_or(ALL_CHANNELS);
            let locale = v.locale.as_deref().unwrap_or(ALL_LOCALES);
            let (Some(Value::Array(have)), Value::Array(given)) = (
                values::get_value(doc, &v.attribute, scope, locale),
                &mut v.data,
            ) else {
                continue;
            };
            let named: BTreeSet<String> = given
                .iter()
                .filter_map(|p| {
                    p.get("currency")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .collect();
            given.extend(
                have.iter()
                    .filter(|p| {
                        p.get("currency")
                            .and_then(Value::as_str)
                            .is_some_and(|c| !named.contains(c))
                    })
                    .cloned(),
            );
        }
    }
    Ok(())
}

/// For imports that ignore inherited values (Akeneo's format): values a product model row gives
/// for attributes of another variant level are left out, as Akeneo's own import does.
pub fn model_levels(structure: &Structure, rows: &mut [MappedRow]) {
    for row in rows.iter_mut().filter(|r| r.errors.is_empty()) {
        let Some((variant, family)) = row
            .family_variant
            .as_deref()
            .and_then(|fv| structure.variant_family(fv))
        else {
            continue;
        };
        let depth = usize::from(matches!(row.patch.parent, Patch::Set(_)));
        let allowed: BTreeSet<&String> = variant
            .attributes_at_depth(family, depth)
            .into_iter()
            .collect();
        row.patch.values.retain(|v| allowed.contains(&v.attribute));
    }
}
