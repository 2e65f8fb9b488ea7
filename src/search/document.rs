//! One product as an index document: its values merged with those it inherits from its product
//! models, spread over the fixed fields of `schema`. Also the text of a product per language,
//! which highlights are cut from.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::Value;
use tantivy::TantivyDocument;
use tantivy::schema::{Facet, OwnedValue};

use super::analyzers::Lang;
use super::schema::{ATTRIBUTE, CATEGORY, COMPLETENESS, ENABLED, FAMILY, Fields, RULE, SUPPLIER};
use crate::catalog::codes::sku_key;
use crate::catalog::product::{self, merge_inherited};
use crate::catalog::values::{self, ALL_CHANNELS, ALL_LOCALES, ValueDoc};
use crate::catalog::{Attribute, AttributeType, Structure, measure};
use crate::quality::completeness::{Quality, band};
use crate::store::models::StoredModel;
use crate::store::products::StoredProduct;

/// A product with the product models above it, root first, and the suppliers whose feeds
/// carried it.
pub struct Source<'a> {
    pub product: &'a StoredProduct,
    pub chain: Vec<&'a StoredModel>,
    pub suppliers: &'a [String],
}

impl Source<'_> {
    /// Own values over inherited ones; a product without models has only its own.
    pub fn values(&self) -> Cow<'_, ValueDoc> {
        if self.chain.is_empty() {
            return Cow::Borrowed(&self.product.product.values);
        }
        Cow::Owned(
            merge_inherited(
                &self.product.product.values,
                self.chain
                    .iter()
                    .map(|m| (m.model.code.as_str(), &m.model.values)),
            )
            .0,
        )
    }
}

/// One text value and the language field it is indexed in.
#[derive(Debug, Clone, PartialEq)]
pub struct TextValue {
    pub lang: Lang,
    pub attribute: String,
    pub scope: Option<String>,
    pub locale: Option<String>,
    pub text: String,
}

/// Text attributes that belong to no locale and no channel are codes, references and GTINs:
/// they are matched by prefix as well as by word.
fn is_identifier_like(attribute: &Attribute) -> bool {
    attribute.kind == AttributeType::Text && !attribute.localizable && !attribute.scopable
}

/// The searchable text of a merged value document: text values in their locale's language
/// (`Plain` when not localizable) and option labels in each label's language.
pub fn texts(structure: &Structure, values: &ValueDoc) -> Vec<TextValue> {
    let mut out = Vec::new();
    for v in values::flatten(values) {
        let Some(attribute) = structure.attribute(v.attribute) else {
            continue;
        };
        let scope = (v.scope != ALL_CHANNELS).then(|| v.scope.to_string());
        let locale = (v.locale != ALL_LOCALES).then(|| v.locale.to_string());
        let lang = locale.as_deref().map_or(Lang::Plain, Lang::of_locale);
        let mut push = |lang: Lang, locale: Option<String>, text: String| {
            out.push(TextValue {
                lang,
                attribute: attribute.code.clone(),
                scope: scope.clone(),
                locale,
                text,
            })
        };
        match attribute.kind {
            AttributeType::Text | AttributeType::Textarea => {
                if let Some(s) = v.data.as_str() {
                    push(lang, locale.clone(), s.to_string());
                }
            }
            AttributeType::RichText => {
                if let Some(s) = v.data.as_str() {
                    push(lang, locale.clone(), strip_tags(s));
                }
            }
            AttributeType::SimpleSelect | AttributeType::MultiSelect => {
                for code in option_codes(v.data) {
                    let Some(option) = structure.option(&attribute.code, code) else {
                        continue;
                    };
                    for (label_locale, label) in &option.labels {
                        push(
                            Lang::of_locale(label_locale),
                            Some(label_locale.clone()),
                            label.clone(),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn option_codes(data: &Value) -> Vec<&str> {
    match data {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Rich text without its markup: tags become spaces so words on both sides stay apart.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The category codes of a product (own and its models') with all their ancestors, and the
/// facet path of each.
fn categories(structure: &Structure, source: &Source<'_>) -> (BTreeSet<String>, Vec<Vec<String>>) {
    let own = source.product.product.categories.iter();
    let inherited = source.chain.iter().flat_map(|m| m.model.categories.iter());
    let mut codes = BTreeSet::new();
    let mut paths = Vec::new();
    for code in own.chain(inherited) {
        let path = structure.category_path(code);
        codes.extend(path.iter().cloned());
        paths.push(path);
    }
    paths.sort();
    paths.dedup();
    (codes, paths)
}

pub fn facet(root: &str, rest: &[&str]) -> Facet {
    Facet::from_path(std::iter::once(root).chain(rest.iter().copied()))
}

/// The number a value sorts and filters by: metrics in the attribute's default unit (else the
/// family's standard unit), dates as days since 1970.
fn number(attribute: &Attribute, data: &Value) -> Option<f64> {
    match attribute.kind {
        AttributeType::Number => decimal(data)?.to_f64(),
        AttributeType::Metric => {
            let amount = decimal(data.get("amount")?)?;
            let unit = data.get("unit")?.as_str()?;
            let family = measure::family(attribute.metric_family.as_deref()?)?;
            let target = attribute
                .default_unit
                .as_deref()
                .unwrap_or(family.standard_unit);
            measure::convert(family, amount, unit, target)
                .ok()?
                .to_f64()
        }
        AttributeType::Date => date_days(data.as_str()?),
        _ => None,
    }
}

fn decimal(data: &Value) -> Option<Decimal> {
    match data {
        Value::String(s) => Decimal::from_str(s).ok(),
        Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        _ => None,
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn date_days(text: &str) -> Option<f64> {
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
    Some((date - epoch).num_days() as f64)
}

fn push_number(map: &mut BTreeMap<String, OwnedValue>, key: &str, value: f64) {
    match map.get_mut(key) {
        Some(OwnedValue::Array(values)) => values.push(OwnedValue::F64(value)),
        Some(existing) => {
            let first = std::mem::replace(existing, OwnedValue::Null);
            *existing = OwnedValue::Array(vec![first, OwnedValue::F64(value)]);
        }
        None => {
            map.insert(key.to_string(), OwnedValue::F64(value));
        }
    }
}

/// The index document of a product.
pub fn build(structure: &Structure, fields: &Fields, source: &Source<'_>) -> TantivyDocument {
    let stored = source.product;
    let p = &stored.product;
    let values = source.values();
    let mut doc = TantivyDocument::default();
    doc.add_u64(fields.id, stored.id as u64);
    doc.add_text(fields.sku, sku_key(&p.sku));
    doc.add_text(fields.identifiers, &p.sku);
    doc.add_i64(fields.updated, stored.updated.and_utc().timestamp_micros());
    doc.add_facet(fields.facets, facet(ENABLED, &[bool_str(p.enabled)]));
    if let Some(family) = &p.family {
        doc.add_facet(fields.facets, facet(FAMILY, &[family]));
    }
    let (category_codes, category_paths) = categories(structure, source);
    for code in &category_codes {
        doc.add_text(fields.categories, code);
    }
    for path in &category_paths {
        let segments: Vec<&str> = path.iter().map(String::as_str).collect();
        doc.add_facet(fields.facets, facet(CATEGORY, &segments));
    }
    for model in &source.chain {
        doc.add_text(fields.models, &model.model.code);
    }
    if let Some(parent) = &p.parent {
        doc.add_text(fields.parent, parent);
    }
    for supplier in source.suppliers {
        doc.add_facet(fields.facets, facet(SUPPLIER, &[supplier]));
    }
    add_quality(&mut doc, fields, &stored.quality);

    let mut numbers: BTreeMap<String, OwnedValue> = BTreeMap::new();
    let mut prices: BTreeMap<String, BTreeMap<String, OwnedValue>> = BTreeMap::new();
    let mut option_facets: BTreeSet<(String, String)> = BTreeSet::new();
    for (code, _) in values.iter() {
        doc.add_text(fields.attributes, code);
    }
    for v in values::flatten(&values) {
        let Some(attribute) = structure.attribute(v.attribute) else {
            continue;
        };
        match attribute.kind {
            AttributeType::SimpleSelect | AttributeType::MultiSelect => {
                for code in option_codes(v.data) {
                    option_facets.insert((attribute.code.clone(), code.to_string()));
                }
            }
            AttributeType::Boolean => {
                if let Some(b) = v.data.as_bool() {
                    option_facets.insert((attribute.code.clone(), bool_str(b).to_string()));
                }
            }
            AttributeType::PriceCollection => {
                for price in v.data.as_array().into_iter().flatten() {
                    let (Some(currency), Some(amount)) = (
                        price.get("currency").and_then(Value::as_str),
                        price
                            .get("amount")
                            .and_then(decimal)
                            .and_then(|d| d.to_f64()),
                    ) else {
                        continue;
                    };
                    push_number(
                        prices.entry(attribute.code.clone()).or_default(),
                        currency,
                        amount,
                    );
                }
            }
            AttributeType::Text if is_identifier_like(attribute) => {
                if let Some(s) = v.data.as_str() {
                    doc.add_text(fields.identifiers, s);
                }
            }
            _ => {
                if let Some(n) = number(attribute, v.data) {
                    push_number(&mut numbers, &attribute.code, n);
                }
            }
        }
    }
    for (attribute, option) in &option_facets {
        doc.add_facet(fields.facets, facet(ATTRIBUTE, &[attribute, option]));
    }
    for (attribute, per_currency) in prices {
        numbers.insert(attribute, OwnedValue::Object(per_currency));
    }
    if !numbers.is_empty() {
        doc.add_object(fields.numbers, numbers);
    }

    for text in texts(structure, &values) {
        doc.add_text(fields.text(text.lang), &text.text);
    }

    let family = p.family.as_ref().and_then(|f| structure.families.get(f));
    let labels: BTreeMap<String, OwnedValue> = structure
        .locales
        .keys()
        .map(|locale| {
            let label = product::label(family, &values, Some(locale), structure)
                .map_or_else(|| sku_key(&p.sku), str::to_lowercase);
            (locale.clone(), OwnedValue::Str(label))
        })
        .collect();
    if !labels.is_empty() {
        doc.add_object(fields.labels, labels);
    }
    doc
}

/// Completeness bands and percents per channel and locale, and the rules the product fails,
/// from the quality the write path stored with it.
fn add_quality(doc: &mut TantivyDocument, fields: &Fields, stored: &str) {
    if stored.is_empty() {
        return;
    }
    let Ok(quality) = serde_json::from_str::<Quality>(stored) else {
        return;
    };
    let mut percents: BTreeMap<String, OwnedValue> = BTreeMap::new();
    for (channel, locales) in &quality.completeness {
        let mut per_locale = BTreeMap::new();
        for (locale, c) in locales {
            doc.add_facet(
                fields.facets,
                facet(COMPLETENESS, &[channel, locale, band(c.ratio)]),
            );
            per_locale.insert(locale.clone(), OwnedValue::F64(f64::from(c.ratio)));
        }
        percents.insert(channel.clone(), OwnedValue::Object(per_locale));
    }
    if !percents.is_empty() {
        doc.add_object(fields.completeness, percents);
    }
    let rules: BTreeSet<&str> = quality.issues.iter().map(|i| i.rule.as_str()).collect();
    for rule in rules {
        doc.add_facet(fields.facets, facet(RULE, &[rule]));
    }
}

pub fn bool_str(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_stripped() {
        assert_eq!(
            strip_tags("<p>Soft <b>linen</b></p>")
                .split_whitespace()
                .collect::<Vec<_>>(),
            vec!["Soft", "linen"]
        );
    }

    #[test]
    fn dates_are_days() {
        assert_eq!(date_days("1970-01-02"), Some(1.0));
        assert_eq!(date_days("2026-13-01"), None);
    }
}
