//! Products and product models: their state, how a patch from any caller turns into a new state,
//! the rules that state must satisfy against the structure, and the field-level diff between states.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::codes::{check_code, check_sku};
use super::constraints;
use super::structure::Structure;
use super::values::{self, FlatValue, ValueDoc, ValueInput, value_path};
use super::{Family, FamilyVariant};
use crate::error::FieldError;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Product {
    pub sku: String,
    #[serde(default)]
    pub family: Option<String>,
    /// Code of the product model this variant product belongs to.
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub categories: BTreeSet<String>,
    #[serde(default)]
    pub values: ValueDoc,
    /// Association type -> associated SKUs.
    #[serde(default)]
    pub associations: BTreeMap<String, BTreeSet<String>>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProductModel {
    pub code: String,
    pub family_variant: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub categories: BTreeSet<String>,
    #[serde(default)]
    pub values: ValueDoc,
}

/// What a caller wants changed on a nullable field.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Patch<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T: Clone> Patch<T> {
    fn apply(&self, current: Option<T>) -> Option<T> {
        match self {
            Patch::Keep => current,
            Patch::Clear => None,
            Patch::Set(v) => Some(v.clone()),
        }
    }
}

/// A change to one product from any entry point: fields left out keep their current value, values
/// are merged one by one (`data: null` removes one), categories and each given association type
/// are replaced.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProductPatch {
    pub sku: String,
    pub family: Patch<String>,
    pub parent: Patch<String>,
    pub enabled: Option<bool>,
    pub categories: Option<Vec<String>>,
    pub values: Vec<ValueInput>,
    pub associations: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelPatch {
    pub code: String,
    pub family_variant: Option<String>,
    pub parent: Patch<String>,
    pub categories: Option<Vec<String>>,
    pub values: Vec<ValueInput>,
}

/// What the write path knows of a product model a product or model is attached to.
#[derive(Debug, Clone, PartialEq)]
pub struct ParentInfo {
    pub code: String,
    pub family_variant: String,
    /// 0 for a root model, 1 for a sub-model.
    pub depth: usize,
}

/// One changed field, as recorded in the change log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    pub before: Value,
    pub after: Value,
}

/// Applies a patch to the current state (None for a new product) and checks the result against
/// the structure. Checks needing stored data (unique values, SKUs referenced, taken axis
/// combinations, assets) are the write path's.
pub fn apply_product_patch(
    structure: &Structure,
    current: Option<&Product>,
    patch: &ProductPatch,
    parent: Option<&ParentInfo>,
) -> Result<Product, Vec<FieldError>> {
    let mut errors = Vec::new();
    if let Err(e) = check_sku("sku", &patch.sku) {
        errors.push(e);
    } else if current.is_none() {
        // Like any value, the SKU meets its attribute's constraints when it is set.
        if let Err(message) = constraints::check_sku(structure, &patch.sku) {
            errors.push(FieldError::invalid("sku", message));
        }
    }
    let mut next = current.cloned().unwrap_or_else(|| Product {
        sku: patch.sku.clone(),
        enabled: true,
        ..Product::default()
    });
    next.family = patch.family.apply(next.family);
    next.parent = patch.parent.apply(next.parent);
    if let Some(enabled) = patch.enabled {
        next.enabled = enabled;
    }
    if let Some(categories) = &patch.categories {
        next.categories = categories.iter().cloned().collect();
    }
    for (kind, skus) in &patch.associations {
        let skus: BTreeSet<String> = skus.iter().cloned().collect();
        if skus.is_empty() {
            next.associations.remove(kind);
        } else {
            next.associations.insert(kind.clone(), skus);
        }
    }

    // A variant product's family is its model's; it may be left out.
    let variant = match (&next.parent, parent) {
        (Some(code), Some(info)) if *code == info.code => {
            structure.variant_family(&info.family_variant)
        }
        (Some(code), _) => {
            errors.push(FieldError::not_found(
                "parent",
                format!("unknown product model {code:?}"),
            ));
            None
        }
        (None, _) => None,
    };
    if let (Some((variant, family)), Some(info)) = (variant, parent) {
        match &next.family {
            None => next.family = Some(family.code.clone()),
            Some(f) if *f != family.code => errors.push(FieldError::invalid(
                "family",
                format!(
                    "family {f} differs from family {} of product model {}",
                    family.code, info.code
                ),
            )),
            Some(_) => {}
        }
        if info.depth + 1 != variant.levels.len() {
            errors.push(FieldError::invalid(
                "parent",
                format!(
                    "product model {} is not at the variant product level of family variant {}: attach the product to one of its sub-models",
                    info.code, variant.code
                ),
            ));
        }
    }
    let family = match &next.family {
        Some(code) => match structure.families.get(code) {
            Some(f) => Some(f),
            None => {
                errors.push(FieldError::not_found(
                    "family",
                    format!("unknown family {code:?}"),
                ));
                None
            }
        },
        None => None,
    };
    let allowed: Option<Vec<&String>> = match (variant, family) {
        (Some((variant, family)), _) => {
            Some(variant.attributes_at_depth(family, variant.levels.len()))
        }
        (None, Some(family)) => Some(family.attributes.iter().collect()),
        (None, None) => None,
    };
    apply_values(
        structure,
        &mut next.values,
        &patch.values,
        allowed.as_deref(),
        &mut errors,
    );
    if let Some((variant, _)) = variant {
        if let Some(level) = variant.levels.last() {
            check_axes(&next.values, &level.axes, &mut errors);
        }
    }
    check_categories(structure, &next.categories, &mut errors);
    for kind in patch
        .associations
        .iter()
        .map(|(k, _)| k)
        .chain(next.associations.keys())
    {
        if !structure.association_types.contains_key(kind)
            && !errors
                .iter()
                .any(|e| e.field == format!("associations.{kind}"))
        {
            errors.push(FieldError::not_found(
                format!("associations.{kind}"),
                format!("unknown association type {kind:?}"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(next)
    } else {
        Err(errors)
    }
}

/// Applies a patch to a product model; models carry the values their variants share.
pub fn apply_model_patch(
    structure: &Structure,
    current: Option<&ProductModel>,
    patch: &ModelPatch,
    parent: Option<&ParentInfo>,
) -> Result<ProductModel, Vec<FieldError>> {
    let mut errors = Vec::new();
    if let Err(e) = check_code("code", &patch.code) {
        errors.push(e);
    }
    let mut next = current.cloned().unwrap_or_else(|| ProductModel {
        code: patch.code.clone(),
        ..ProductModel::default()
    });
    if let Some(fv) = &patch.family_variant {
        if current.is_some_and(|c| c.family_variant != *fv) {
            errors.push(FieldError::invalid(
                "family_variant",
                "the family variant of a product model cannot change",
            ));
        }
        next.family_variant = fv.clone();
    }
    next.parent = patch.parent.apply(next.parent);
    if let Some(categories) = &patch.categories {
        next.categories = categories.iter().cloned().collect();
    }
    let Some((variant, family)) = structure.variant_family(&next.family_variant) else {
        let message = if next.family_variant.is_empty() {
            "a product model needs a family variant".to_string()
        } else {
            format!("unknown family variant {:?}", next.family_variant)
        };
        errors.push(FieldError::not_found("family_variant", message));
        return Err(errors);
    };
    let depth = match (&next.parent, parent) {
        (None, _) => 0,
        (Some(code), Some(info)) if *code == info.code => {
            if info.family_variant != variant.code {
                errors.push(FieldError::invalid(
                    "parent",
                    format!(
                        "parent {} has family variant {}, not {}",
                        info.code, info.family_variant, variant.code
                    ),
                ));
            }
            if info.depth != 0 || variant.levels.len() < 2 {
                errors.push(FieldError::invalid(
                    "parent",
                    format!("product model {} cannot have sub-models: family variant {} has no level for them", info.code, variant.code),
                ));
            }
            info.depth + 1
        }
        (Some(code), _) => {
            errors.push(FieldError::not_found(
                "parent",
                format!("unknown product model {code:?}"),
            ));
            1
        }
    };
    let allowed = variant.attributes_at_depth(family, depth);
    apply_values(
        structure,
        &mut next.values,
        &patch.values,
        Some(&allowed),
        &mut errors,
    );
    if depth > 0 {
        if let Some(level) = variant.levels.get(depth - 1) {
            check_axes(&next.values, &level.axes, &mut errors);
        }
    }
    check_categories(structure, &next.categories, &mut errors);
    if errors.is_empty() {
        Ok(next)
    } else {
        Err(errors)
    }
}

fn apply_values(
    structure: &Structure,
    doc: &mut ValueDoc,
    inputs: &[ValueInput],
    allowed: Option<&[&String]>,
    errors: &mut Vec<FieldError>,
) {
    for input in inputs {
        let Some(attribute) = structure.attribute(&input.attribute) else {
            errors.push(FieldError::not_found(
                format!("values.{}", input.attribute),
                format!("unknown attribute {:?}", input.attribute),
            ));
            continue;
        };
        if let Some(allowed) = allowed {
            if !allowed.iter().any(|a| **a == attribute.code) {
                errors.push(FieldError::invalid(
                    format!("values.{}", attribute.code),
                    format!("attribute {} cannot be set here: it is not among the attributes of this family or variant level", attribute.code),
                ));
                continue;
            }
        }
        let (scope, locale) = match values::slot(
            structure,
            attribute,
            input.channel.as_deref(),
            input.locale.as_deref(),
        ) {
            Ok(slot) => slot,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match values::normalize(structure, attribute, &input.data) {
            Ok(data) => values::set_value(doc, &attribute.code, scope, locale, data),
            Err(message) => errors.push(FieldError::invalid(
                value_path(&attribute.code, scope, locale),
                message,
            )),
        }
    }
}

fn check_axes(doc: &ValueDoc, axes: &[String], errors: &mut Vec<FieldError>) {
    for axis in axes {
        if !doc.contains_key(axis.as_str()) {
            errors.push(FieldError::invalid(
                format!("values.{axis}"),
                format!("variant axis {axis} needs a value"),
            ));
        }
    }
}

fn check_categories(
    structure: &Structure,
    categories: &BTreeSet<String>,
    errors: &mut Vec<FieldError>,
) {
    for code in categories {
        if !structure.categories.contains_key(code) {
            errors.push(FieldError::not_found(
                "categories",
                format!("unknown category {code:?}"),
            ));
        }
    }
}

/// The key under which an axis combination must be unique among siblings.
pub fn axis_key(doc: &ValueDoc, axes: &[String]) -> String {
    axes.iter()
        .map(|axis| {
            let value = values::get_value(doc, axis, values::ALL_CHANNELS, values::ALL_LOCALES);
            format!("{axis}={}", value.map(Value::to_string).unwrap_or_default())
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The axes of the level a node sits at: the last level for a variant product.
pub fn axes_at_depth(variant: &FamilyVariant, depth: usize) -> &[String] {
    if depth == 0 {
        &[]
    } else {
        variant
            .levels
            .get(depth - 1)
            .map_or(&[], |l| l.axes.as_slice())
    }
}

/// Values of unique attributes, keyed as the store indexes them.
pub fn unique_values<'a>(structure: &Structure, doc: &'a ValueDoc) -> Vec<(&'a str, String)> {
    values::flatten(doc)
        .filter(|v| structure.attribute(v.attribute).is_some_and(|a| a.unique))
        .map(|v| (v.attribute, unique_key(v.data)))
        .collect()
}

fn unique_key(data: &Value) -> String {
    match data {
        Value::String(s) => s.to_lowercase(),
        other => other.to_string(),
    }
}

/// SKUs a product points at through associations and product reference values.
pub fn referenced_skus(structure: &Structure, product: &Product) -> BTreeSet<String> {
    let mut skus: BTreeSet<String> = product.associations.values().flatten().cloned().collect();
    for data in values_of(&product.values, structure.reference_attributes()) {
        if let Some(list) = data.as_array() {
            skus.extend(list.iter().filter_map(Value::as_str).map(str::to_string));
        }
    }
    skus
}

/// Asset hashes a document points at.
pub fn referenced_assets(structure: &Structure, doc: &ValueDoc) -> BTreeSet<String> {
    values_of(doc, structure.asset_attributes())
        .filter_map(|data| data.as_str().map(str::to_string))
        .collect()
}

/// Every value of the given attributes in a document, in any scope and locale.
fn values_of<'a>(doc: &'a ValueDoc, attributes: &'a [String]) -> impl Iterator<Item = &'a Value> {
    values::flatten_only(doc, attributes).map(|v| v.data)
}

/// The fields that differ between two states of a product; empty when nothing changed.
pub fn diff_products(before: Option<&Product>, after: Option<&Product>) -> Vec<FieldChange> {
    let mut changes = diff_product_fields(before, after);
    changes.extend(diff_document(
        before.map(|p| &p.values),
        after.map(|p| &p.values),
    ));
    changes
}

/// The change-log fields of a created product, as `diff_products(None, Some(product))` would
/// serialise them, given its values already serialised: the document is written once, not
/// copied into a change and serialised again.
pub fn created_fields_json(product: &Product, values_json: &str) -> serde_json::Result<String> {
    let mut json = serde_json::to_string(&diff_product_fields(None, Some(product)))?;
    if !product.values.is_empty() {
        json.pop(); // the closing bracket
        if json.len() > 1 {
            json.push(',');
        }
        json.push_str(r#"{"field":"values","before":null,"after":"#);
        json.push_str(values_json);
        json.push_str("}]");
    }
    Ok(json)
}

/// `diff_products` without the value document.
fn diff_product_fields(before: Option<&Product>, after: Option<&Product>) -> Vec<FieldChange> {
    let empty = Product::default();
    let (b, a) = (before.unwrap_or(&empty), after.unwrap_or(&empty));
    let mut changes = Vec::new();
    let mut top = |field: &str, before: Value, after: Value| {
        if before != after {
            changes.push(FieldChange {
                field: field.into(),
                scope: None,
                locale: None,
                before,
                after,
            });
        }
    };
    if before.is_none() || after.is_none() {
        top("sku", sku_json(before), sku_json(after));
    }
    top("family", json_opt(&b.family), json_opt(&a.family));
    top("parent", json_opt(&b.parent), json_opt(&a.parent));
    let enabled = |p: Option<&Product>| p.map_or(Value::Null, |p| Value::Bool(p.enabled));
    top("enabled", enabled(before), enabled(after));
    top(
        "categories",
        set_json(&b.categories),
        set_json(&a.categories),
    );
    let kinds: BTreeSet<&String> = b.associations.keys().chain(a.associations.keys()).collect();
    for kind in kinds {
        let list = |p: &Product| p.associations.get(kind).map_or(Value::Null, set_json);
        top(&format!("associations.{kind}"), list(b), list(a));
    }
    changes
}

pub fn diff_models(
    before: Option<&ProductModel>,
    after: Option<&ProductModel>,
) -> Vec<FieldChange> {
    let empty = ProductModel::default();
    let (b, a) = (before.unwrap_or(&empty), after.unwrap_or(&empty));
    let mut changes = Vec::new();
    let mut top = |field: &str, before: Value, after: Value| {
        if before != after {
            changes.push(FieldChange {
                field: field.into(),
                scope: None,
                locale: None,
                before,
                after,
            });
        }
    };
    let code = |m: Option<&ProductModel>| m.map_or(Value::Null, |m| Value::String(m.code.clone()));
    if before.is_none() || after.is_none() {
        top("code", code(before), code(after));
    }
    let fv = |m: Option<&ProductModel>| {
        m.map_or(Value::Null, |m| Value::String(m.family_variant.clone()))
    };
    top("family_variant", fv(before), fv(after));
    top("parent", json_opt(&b.parent), json_opt(&a.parent));
    top(
        "categories",
        set_json(&b.categories),
        set_json(&a.categories),
    );
    changes.extend(diff_document(
        before.map(|m| &m.values),
        after.map(|m| &m.values),
    ));
    changes
}

/// Values of a created or deleted node are one change of the whole document, so the log of a
/// bulk load holds each document once; updates list each changed value.
fn diff_document(before: Option<&ValueDoc>, after: Option<&ValueDoc>) -> Vec<FieldChange> {
    let whole = |doc: &ValueDoc| serde_json::to_value(doc).unwrap_or(Value::Null);
    match (before, after) {
        (Some(b), Some(a)) => diff_values(b, a),
        (None, Some(doc)) | (Some(doc), None) if doc.is_empty() => Vec::new(),
        (None, Some(doc)) => vec![FieldChange {
            field: "values".into(),
            scope: None,
            locale: None,
            before: Value::Null,
            after: whole(doc),
        }],
        (Some(doc), None) => vec![FieldChange {
            field: "values".into(),
            scope: None,
            locale: None,
            before: whole(doc),
            after: Value::Null,
        }],
        (None, None) => Vec::new(),
    }
}

fn diff_values(before: &ValueDoc, after: &ValueDoc) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let record = |v: &FlatValue<'_>, before: Value, after: Value| FieldChange {
        field: format!("values.{}", v.attribute),
        scope: (v.scope != values::ALL_CHANNELS).then(|| v.scope.to_string()),
        locale: (v.locale != values::ALL_LOCALES).then(|| v.locale.to_string()),
        before,
        after,
    };
    for v in values::flatten(before) {
        match values::get_value(after, v.attribute, v.scope, v.locale) {
            Some(now) if now == v.data => {}
            now => changes.push(record(
                &v,
                v.data.clone(),
                now.cloned().unwrap_or(Value::Null),
            )),
        }
    }
    for v in values::flatten(after) {
        if values::get_value(before, v.attribute, v.scope, v.locale).is_none() {
            changes.push(record(&v, Value::Null, v.data.clone()));
        }
    }
    changes
}

fn sku_json(p: Option<&Product>) -> Value {
    p.map_or(Value::Null, |p| Value::String(p.sku.clone()))
}

fn json_opt(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |s| Value::String(s.clone()))
}

fn set_json(set: &BTreeSet<String>) -> Value {
    Value::Array(set.iter().cloned().map(Value::String).collect())
}

/// The values a reader sees: own values over those inherited from the model chain (root first).
/// Returns the merged document and, for each inherited value, the code of the model it came from.
pub fn merge_inherited<'a>(
    own: &ValueDoc,
    ancestors: impl IntoIterator<Item = (&'a str, &'a ValueDoc)>,
) -> (ValueDoc, BTreeMap<(String, String, String), String>) {
    let mut merged = ValueDoc::new();
    let mut origin = BTreeMap::new();
    for (code, doc) in ancestors {
        for v in values::flatten(doc) {
            values::set_value(
                &mut merged,
                v.attribute,
                v.scope,
                v.locale,
                Some(v.data.clone()),
            );
            origin.insert(
                (
                    v.attribute.to_string(),
                    v.scope.to_string(),
                    v.locale.to_string(),
                ),
                code.to_string(),
            );
        }
    }
    for v in values::flatten(own) {
        values::set_value(
            &mut merged,
            v.attribute,
            v.scope,
            v.locale,
            Some(v.data.clone()),
        );
        origin.remove(&(
            v.attribute.to_string(),
            v.scope.to_string(),
            v.locale.to_string(),
        ));
    }
    (merged, origin)
}

/// The family's attribute used as the product's label, if it has a value in `locale`.
pub fn label<'a>(
    family: Option<&Family>,
    doc: &'a ValueDoc,
    locale: Option<&str>,
    structure: &Structure,
) -> Option<&'a str> {
    let attribute = structure.attribute(family?.label_attribute.as_deref()?)?;
    let scopes = doc.get(attribute.code.as_str())?;
    let locales = scopes
        .get(values::ALL_CHANNELS)
        .or_else(|| scopes.values().next())?;
    let value = if attribute.localizable {
        locale
            .and_then(|l| locales.get(l))
            .or_else(|| locales.values().next())
    } else {
        locales.get(values::ALL_LOCALES)
    };
    value?.as_str()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::catalog::values::{ALL_CHANNELS, ALL_LOCALES, set_value};

    #[test]
    fn created_fields_are_the_created_diff_serialised() {
        let mut product = Product {
            sku: "Kubek \"XL\"".into(),
            family: Some("mugs".into()),
            parent: Some("mug_model".into()),
            categories: ["kitchen".to_string(), "gifts".to_string()].into(),
            associations: [("upsell".to_string(), ["B-1".to_string()].into())].into(),
            ..Product::default()
        };
        let whole =
            |p: &Product| serde_json::to_string(&diff_products(None, Some(p))).expect("json");
        let spliced = |p: &Product| {
            let values = serde_json::to_string(&p.values).expect("json");
            created_fields_json(p, &values).expect("json")
        };
        assert_eq!(spliced(&product), whole(&product), "without values");

        set_value(
            &mut product.values,
            "name",
            ALL_CHANNELS,
            "pl_PL",
            Some(json!("Kubek ceramiczny \"duży\"\n")),
        );
        set_value(
            &mut product.values,
            "price",
            "ecommerce",
            ALL_LOCALES,
            Some(json!([{"amount": "12.50", "currency": "PLN"}])),
        );
        assert_eq!(spliced(&product), whole(&product), "with values");

        let bare = Product {
            sku: "A".into(),
            values: product.values.clone(),
            ..Product::default()
        };
        assert_eq!(spliced(&bare), whole(&bare), "only the sku and values");
    }
}
