//! Completeness and rule issues of one product: per channel and locale, the share of required
//! attributes that have a value (family requirements plus the channel's `required` error rules)
//! and what is missing; and every quality rule that fails. Computed by the write path on every
//! save and stored with the product.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::rules::{self, Condition, Issue, Severity, Subject};
use crate::catalog::{Attribute, AttributeType, Channel, Structure};

/// One channel and locale.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completeness {
    /// Percent of the required attributes that have a value, rounded down (100 with none required).
    pub ratio: u8,
    pub required: u16,
    /// Required attributes without a value, in code order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// A product's quality as stored: completeness by channel and locale, and failed rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quality {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub completeness: BTreeMap<String, BTreeMap<String, Completeness>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<Issue>,
}

impl Quality {
    pub fn get(&self, channel: &str, locale: &str) -> Option<&Completeness> {
        self.completeness.get(channel)?.get(locale)
    }

    /// Whether an error-severity rule fails in the channel (for any locale): publishing there is
    /// blocked.
    pub fn blocked(&self, channel: &str) -> bool {
        self.issues
            .iter()
            .any(|i| i.channel == channel && i.severity == Severity::Error)
    }
}

/// Completeness bands used by reports and facets.
pub const BANDS: [(&str, u8, u8); 4] = [
    ("0-49", 0, 49),
    ("50-79", 50, 79),
    ("80-99", 80, 99),
    ("100", 100, 100),
];

pub fn band(ratio: u8) -> &'static str {
    BANDS
        .iter()
        .find(|(_, lo, hi)| (*lo..=*hi).contains(&ratio))
        .map_or("100", |(name, _, _)| name)
}

/// Whether a required attribute is filled in a channel and locale: prices need every currency
/// of the channel; the identifier is always there.
fn filled(subject: &Subject<'_>, a: &Attribute, channel: &Channel, locale: &str) -> bool {
    let value = rules::visible_of(subject.values, a, &channel.code, locale);
    match a.kind {
        AttributeType::Identifier => true,
        AttributeType::PriceCollection => {
            let prices = value
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice);
            let present = || {
                prices
                    .iter()
                    .filter_map(|p| p.get("currency").and_then(Value::as_str))
            };
            present().next().is_some()
                && channel.currencies.iter().all(|c| present().any(|x| x == c))
        }
        _ => value.is_some(),
    }
}

/// `filled`, worked out once per channel for an attribute that has no locales: it is the same
/// in every locale of the channel.
struct Filled<'s> {
    unlocalized: Vec<(&'s str, bool)>,
}

impl<'s> Filled<'s> {
    fn check(
        &mut self,
        structure: &'s Structure,
        subject: &Subject<'_>,
        attribute: &str,
        channel: &Channel,
        locale: &str,
    ) -> bool {
        let Some(a) = structure.attribute(attribute) else {
            return true;
        };
        if a.localizable {
            return filled(subject, a, channel, locale);
        }
        if let Some((_, known)) = self.unlocalized.iter().find(|(c, _)| *c == a.code) {
            return *known;
        }
        let known = filled(subject, a, channel, locale);
        self.unlocalized.push((&a.code, known));
        known
    }
}

/// Assesses a product against the structure's requirements and quality rules.
pub fn assess(structure: &Structure, subject: &Subject<'_>) -> Quality {
    let family = subject.family.and_then(|f| structure.families.get(f));
    let applicable: Vec<&rules::QualityRule> = structure
        .quality_rules
        .values()
        .filter(|r| rules::applies_to(structure, r, subject))
        .collect();
    let mut quality = Quality::default();
    for channel in structure.channels.values() {
        let mut filled = Filled {
            unlocalized: Vec::new(),
        };
        for locale in &channel.locales {
            let mut required: BTreeSet<&str> = BTreeSet::new();
            if let Some(family) = family
                && let Some(reqs) = family.requirements.get(&channel.code)
            {
                required.extend(reqs.iter().map(String::as_str));
            }
            for rule in &applicable {
                if !rules::covers(rule, &channel.code, locale) {
                    continue;
                }
                if let (Condition::Required { attribute }, Severity::Error) =
                    (&rule.condition, rule.severity)
                {
                    required.insert(attribute);
                }
                if !rules::holds(structure, &rule.condition, subject, channel, locale) {
                    quality.issues.push(Issue {
                        rule: rule.code.clone(),
                        channel: channel.code.clone(),
                        locale: locale.clone(),
                        severity: rule.severity,
                    });
                }
            }
            if family.is_none() && required.is_empty() {
                continue;
            }
            let missing: Vec<String> = required
                .iter()
                .filter(|a| !filled.check(structure, subject, a, channel, locale))
                .map(|a| a.to_string())
                .collect();
            let total = required.len();
            let ratio = ((total - missing.len()) * 100)
                .checked_div(total)
                .map_or(100, |r| r as u8);
            quality
                .completeness
                .entry(channel.code.clone())
                .or_default()
                .insert(
                    locale.clone(),
                    Completeness {
                        ratio,
                        required: total as u16,
                        missing,
                    },
                );
        }
    }
    quality
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::structure::Entity;
    use serde_json::json;
    use std::collections::HashMap;

    fn structure() -> Structure {
        let file: crate::fixtures::StructureFile = serde_json::from_value(json!({
            "locales": [{"code": "en_US"}, {"code": "de_DE"}],
            "currencies": [{"code": "EUR"}, {"code": "USD"}],
            "categories": [{"code": "master"}, {"code": "shirts", "parent": "master"}],
            "channels": [{"code": "web", "locales": ["en_US", "de_DE"], "currencies": ["EUR", "USD"], "category_tree": "master"}],
            "attribute_groups": [{"code": "g"}],
            "attributes": [
                {"code": "sku", "type": "identifier", "group": "g", "unique": true},
                {"code": "name", "type": "text", "group": "g", "localizable": true},
                {"code": "description", "type": "textarea", "group": "g", "localizable": true},
                {"code": "price", "type": "price_collection", "group": "g"},
                {"code": "picture", "type": "image", "group": "g"}
            ],
            "families": [{"code": "shirts", "attributes": ["sku", "name", "description", "price", "picture"],
                          "requirements": {"web": ["sku", "name", "price"]}}],
            "quality_rules": [
                {"code": "words", "condition": {"type": "min_words", "attribute": "description", "min": 3}, "severity": "warning"},
                {"code": "picture", "scope": {"categories": ["master"], "locales": ["en_US"]}, "condition": {"type": "required", "attribute": "picture"}, "severity": "error"},
                {"code": "big", "condition": {"type": "min_images", "attributes": ["picture"], "count": 1, "min_width": 500, "min_height": 500}, "severity": "warning"}
            ]
        }))
        .unwrap();
        Structure::from_entities(file.into_entities())
    }

    #[test]
    fn completeness_counts_family_and_rule_requirements_per_locale() {
        let s = structure();
        assert!(
            s.quality_rules.len() == 3
                && matches!(s.entities().last(), Some(Entity::QualityRule(_)))
        );
        let values: crate::catalog::ValueDoc = serde_json::from_value(json!({
            "name": {"<all_channels>": {"en_US": "Shirt"}},
            "price": {"<all_channels>": {"<all_locales>": [{"amount": "10", "currency": "EUR"}]}},
            "description": {"<all_channels>": {"en_US": "Soft warm cotton"}},
            "picture": {"<all_channels>": {"<all_locales>": "a".repeat(64)}}
        }))
        .unwrap();
        let categories = BTreeSet::from(["shirts".to_string()]);
        let images = HashMap::from([("a".repeat(64), (400, 400))]);
        let q = assess(
            &s,
            &Subject {
                family: Some("shirts"),
                categories: &categories,
                values: &values,
                images: &images,
            },
        );
        // en_US: sku, name, price (USD missing), picture from the rule -> 3 of 4.
        let en = q.get("web", "en_US").unwrap();
        assert_eq!(
            (en.ratio, en.required, en.missing.clone()),
            (75, 4, vec!["price".to_string()])
        );
        // de_DE: the picture rule covers en_US only; name is missing in German.
        let de = q.get("web", "de_DE").unwrap();
        assert_eq!(
            (de.ratio, de.missing.clone()),
            (33, vec!["name".to_string(), "price".to_string()])
        );
        let failed: Vec<(&str, &str)> = q
            .issues
            .iter()
            .map(|i| (i.rule.as_str(), i.locale.as_str()))
            .collect();
        assert_eq!(
            failed,
            [("big", "en_US"), ("big", "de_DE"), ("words", "de_DE")]
        );
        assert!(!q.blocked("web"));
        assert_eq!(band(en.ratio), "50-79");
    }

    /// A price has no locales: whether it is filled is worked out once per channel, with that
    /// channel's currencies, and holds in each of its locales.
    #[test]
    fn a_price_is_judged_by_each_channels_currencies_in_all_its_locales() {
        let file: crate::fixtures::StructureFile = serde_json::from_value(json!({
            "locales": [{"code": "en_US"}, {"code": "de_DE"}],
            "currencies": [{"code": "EUR"}, {"code": "USD"}],
            "categories": [{"code": "master"}],
            "channels": [
                {"code": "web", "locales": ["en_US", "de_DE"], "currencies": ["EUR", "USD"], "category_tree": "master"},
                {"code": "shop", "locales": ["en_US", "de_DE"], "currencies": ["EUR"], "category_tree": "master"}
            ],
            "attribute_groups": [{"code": "g"}],
            "attributes": [
                {"code": "sku", "type": "identifier", "group": "g", "unique": true},
                {"code": "price", "type": "price_collection", "group": "g"}
            ],
            "families": [{"code": "f", "attributes": ["sku", "price"],
                          "requirements": {"web": ["sku", "price"], "shop": ["sku", "price"]}}]
        }))
        .unwrap();
        let s = Structure::from_entities(file.into_entities());
        let values: crate::catalog::ValueDoc = serde_json::from_value(json!({
            "price": {"<all_channels>": {"<all_locales>": [{"amount": "10", "currency": "EUR"}]}}
        }))
        .unwrap();
        let q = assess(
            &s,
            &Subject {
                family: Some("f"),
                categories: &BTreeSet::new(),
                values: &values,
                images: &HashMap::new(),
            },
        );
        for locale in ["en_US", "de_DE"] {
            let web = q.get("web", locale).unwrap();
            assert_eq!((web.ratio, web.missing.clone()), (50, vec!["price".into()]));
            let shop = q.get("shop", locale).unwrap();
            assert_eq!((shop.ratio, shop.missing.len()), (100, 0));
        }
    }
}
