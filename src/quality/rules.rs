//! Quality rules: conditions on a product's values beyond one attribute's constraints, defined by
//! catalog managers per family, category, channel and locale. An `error` blocks publishing to the
//! channel; a `warning` is shown and blocks nothing. Rules are structure entities (kind
//! `quality_rule`); their file format is `schema/quality-rule.schema.json`.

use std::collections::{BTreeSet, HashMap};

use regex::Regex;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::text;
use crate::catalog::codes::Labels;
use crate::catalog::values::{self, ALL_CHANNELS, ALL_LOCALES, ValueDoc};
use crate::catalog::{Attribute, AttributeType, Channel, Structure, measure};
use crate::error::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks publishing to the channel.
    Error,
    /// Shown; blocks nothing.
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where a rule applies; an empty list means every one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RuleScope {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub families: Vec<String>,
    /// Products in these categories or below them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locales: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    Lt,
    Le,
    Eq,
    Ne,
    Ge,
    Gt,
}

/// What must hold of the value an attribute shows in a channel and locale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// The value is present; with severity `error` the attribute also counts as required for
    /// completeness on the rule's channels.
    Required {
        attribute: String,
    },
    /// Text (HTML counted as its visible text) has at most `max` characters.
    MaxLength {
        attribute: String,
        max: u32,
    },
    MinLength {
        attribute: String,
        min: u32,
    },
    MinWords {
        attribute: String,
        min: u32,
    },
    MaxWords {
        attribute: String,
        max: u32,
    },
    /// Text matches a regular expression.
    Matches {
        attribute: String,
        pattern: String,
    },
    /// A number, metric or date compared with another attribute's value (both present).
    Compare {
        attribute: String,
        op: Comparison,
        other: String,
    },
    /// At least `count` images among `attributes`, each at least `min_width` × `min_height`.
    MinImages {
        attributes: Vec<String>,
        count: u32,
        #[serde(default)]
        min_width: u32,
        #[serde(default)]
        min_height: u32,
    },
    /// A price in every currency of the channel.
    PricesInChannelCurrencies {
        attribute: String,
    },
}

impl Condition {
    /// The attributes the condition reads.
    pub fn attributes(&self) -> Vec<&str> {
        match self {
            Condition::Required { attribute }
            | Condition::MaxLength { attribute, .. }
            | Condition::MinLength { attribute, .. }
            | Condition::MinWords { attribute, .. }
            | Condition::MaxWords { attribute, .. }
            | Condition::Matches { attribute, .. }
            | Condition::PricesInChannelCurrencies { attribute } => vec![attribute],
            Condition::Compare {
                attribute, other, ..
            } => vec![attribute, other],
            Condition::MinImages { attributes, .. } => {
                attributes.iter().map(String::as_str).collect()
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualityRule {
    pub code: String,
    #[serde(default)]
    pub labels: Labels,
    #[serde(default)]
    pub scope: RuleScope,
    pub condition: Condition,
    pub severity: Severity,
    /// Locale -> the message shown when the rule fails.
    #[serde(default)]
    pub messages: Labels,
}

impl QualityRule {
    /// The message in `locale`, else English, else any, else a generated one.
    pub fn message(&self, locale: &str) -> String {
        self.messages
            .get(locale)
            .or_else(|| self.messages.get("en_US"))
            .or_else(|| self.messages.values().next())
            .cloned()
            .unwrap_or_else(|| format!("quality rule {} fails", self.code))
    }
}

/// Checks a rule against the structure it is saved into: codes exist, types fit the condition,
/// the pattern compiles.
pub fn check_rule(structure: &Structure, rule: &QualityRule) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let scope = &rule.scope;
    let unknown = |field: String, what: &str, code: &str| {
        FieldError::not_found(field, format!("unknown {what} {code:?}"))
    };
    for (i, f) in scope.families.iter().enumerate() {
        if !structure.families.contains_key(f) {
            errors.push(unknown(format!("scope.families.{i}"), "family", f));
        }
    }
    for (i, c) in scope.categories.iter().enumerate() {
        if !structure.categories.contains_key(c) {
            errors.push(unknown(format!("scope.categories.{i}"), "category", c));
        }
    }
    for (i, c) in scope.channels.iter().enumerate() {
        if !structure.channels.contains_key(c) {
            errors.push(unknown(format!("scope.channels.{i}"), "channel", c));
        }
    }
    for (i, l) in scope.locales.iter().enumerate() {
        if !structure.locales.contains_key(l) {
            errors.push(unknown(format!("scope.locales.{i}"), "locale", l));
        }
    }
    for code in rule.condition.attributes() {
        let Some(attribute) = structure.attribute(code) else {
            errors.push(unknown("condition.attribute".into(), "attribute", code));
            continue;
        };
        use AttributeType as T;
        let textual = matches!(
            attribute.kind,
            T::Text | T::Textarea | T::RichText | T::Identifier
        );
        let fits = match &rule.condition {
            Condition::Required { .. } => true,
            Condition::MaxLength { .. }
            | Condition::MinLength { .. }
            | Condition::MinWords { .. }
            | Condition::MaxWords { .. }
            | Condition::Matches { .. } => textual,
            Condition::Compare { .. } => matches!(attribute.kind, T::Number | T::Metric | T::Date),
            Condition::MinImages { .. } => attribute.kind == T::Image,
            Condition::PricesInChannelCurrencies { .. } => attribute.kind == T::PriceCollection,
        };
        if !fits {
            errors.push(FieldError::invalid(
                "condition.attribute",
                format!(
                    "attribute {code} is of type {}, which this condition cannot check",
                    attribute.kind.as_str()
                ),
            ));
        }
    }
    if let Condition::Matches { pattern, .. } = &rule.condition
        && let Err(e) = Regex::new(pattern)
    {
        errors.push(FieldError::invalid(
            "condition.pattern",
            format!("invalid pattern: {e}"),
        ));
    }
    errors
}

/// What a rule is checked against: the product's family, its categories (inherited ones
/// included), its values merged with its models', and the dimensions of the images it uses.
pub struct Subject<'a> {
    pub family: Option<&'a str>,
    pub categories: &'a BTreeSet<String>,
    pub values: &'a ValueDoc,
    pub images: &'a HashMap<String, (u32, u32)>,
}

/// One failed rule in one channel and locale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub rule: String,
    pub channel: String,
    pub locale: String,
    pub severity: Severity,
}

/// The value an attribute shows in a channel and locale.
pub fn visible<'a>(
    structure: &Structure,
    values: &'a ValueDoc,
    attribute: &str,
    channel: &str,
    locale: &str,
) -> Option<&'a Value> {
    visible_of(values, structure.attribute(attribute)?, channel, locale)
}

/// As `visible`, for a caller that holds the attribute already.
pub fn visible_of<'a>(
    values: &'a ValueDoc,
    a: &Attribute,
    channel: &str,
    locale: &str,
) -> Option<&'a Value> {
    let scope = if a.scopable { channel } else { ALL_CHANNELS };
    let locale = if a.localizable { locale } else { ALL_LOCALES };
    values::get_value(values, &a.code, scope, locale)
}

/// Whether the rule's family and category scope covers the subject.
pub fn applies_to(structure: &Structure, rule: &QualityRule, subject: &Subject<'_>) -> bool {
    let scope = &rule.scope;
    let family_ok = scope.families.is_empty()
        || subject
            .family
            .is_some_and(|f| scope.families.iter().any(|x| x == f));
    let category_ok = scope.categories.is_empty()
        || subject.categories.iter().any(|c| {
            structure
                .category_path(c)
                .iter()
                .any(|p| scope.categories.contains(p))
        });
    family_ok && category_ok
}

/// Whether the rule covers a channel and locale.
pub fn covers(rule: &QualityRule, channel: &str, locale: &str) -> bool {
    (rule.scope.channels.is_empty() || rule.scope.channels.iter().any(|c| c == channel))
        && (rule.scope.locales.is_empty() || rule.scope.locales.iter().any(|l| l == locale))
}

fn text_of(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
}

fn compare(op: Comparison, ordering: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        Comparison::Lt => ordering == Less,
        Comparison::Le => ordering != Greater,
        Comparison::Eq => ordering == Equal,
        Comparison::Ne => ordering != Equal,
        Comparison::Ge => ordering != Less,
        Comparison::Gt => ordering == Greater,
    }
}

/// Numbers, dates and metrics (converted to the first one's unit) as comparable values.
fn ordering(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => {
            match (x.parse::<Decimal>(), y.parse::<Decimal>()) {
                (Ok(x), Ok(y)) => Some(x.cmp(&y)),
                _ => Some(x.cmp(y)),
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            let amount = |m: &serde_json::Map<String, Value>| {
                m.get("amount")?.as_str()?.parse::<Decimal>().ok()
            };
            let (ax, ay) = (amount(x)?, amount(y)?);
            let (ux, uy) = (x.get("unit")?.as_str()?, y.get("unit")?.as_str()?);
            let ay = if ux == uy {
                ay
            } else {
                let family = measure::families()
                    .iter()
                    .find(|f| f.unit(ux).is_some() && f.unit(uy).is_some())?;
                measure::convert(family, ay, uy, ux).ok()?
            };
            Some(ax.cmp(&ay))
        }
        _ => None,
    }
}

/// Whether the condition holds for the subject in a channel and locale.
pub fn holds(
    structure: &Structure,
    condition: &Condition,
    subject: &Subject<'_>,
    channel: &Channel,
    locale: &str,
) -> bool {
    let get =
        |attribute: &str| visible(structure, subject.values, attribute, &channel.code, locale);
    match condition {
        Condition::Required { attribute } => get(attribute).is_some(),
        Condition::MaxLength { attribute, max } => {
            text_of(get(attribute)).is_none_or(|t| text::char_count(t) <= *max as usize)
        }
        Condition::MinLength { attribute, min } => {
            text_of(get(attribute)).is_some_and(|t| text::char_count(t) >= *min as usize)
        }
        Condition::MinWords { attribute, min } => {
            text_of(get(attribute)).is_some_and(|t| text::word_count(t) >= *min as usize)
        }
        Condition::MaxWords { attribute, max } => {
            text_of(get(attribute)).is_none_or(|t| text::word_count(t) <= *max as usize)
        }
        Condition::Matches { attribute, pattern } => text_of(get(attribute))
            .is_none_or(|t| structure.pattern(pattern).is_none_or(|r| r.is_match(t))),
        Condition::Compare {
            attribute,
            op,
            other,
        } => match (get(attribute), get(other)) {
            (Some(a), Some(b)) => ordering(a, b).is_none_or(|o| compare(*op, o)),
            _ => true,
        },
        Condition::MinImages {
            attributes,
            count,
            min_width,
            min_height,
        } => {
            let good = attributes
                .iter()
                .filter_map(|a| text_of(get(a)))
                .filter(|hash| {
                    subject
                        .images
                        .get(*hash)
                        .is_some_and(|(w, h)| w >= min_width && h >= min_height)
                })
                .count();
            good >= *count as usize
        }
        Condition::PricesInChannelCurrencies { attribute } => {
            let present: BTreeSet<&str> = get(attribute)
                .and_then(Value::as_array)
                .map(|prices| {
                    prices
                        .iter()
                        .filter_map(|p| p.get("currency").and_then(Value::as_str))
                        .collect()
                })
                .unwrap_or_default();
            channel
                .currencies
                .iter()
                .all(|c| present.contains(c.as_str()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_read_from_their_file_format() {
        let rule: QualityRule = serde_json::from_value(json!({
            "code": "title_150",
            "scope": {"channels": ["google_shopping"]},
            "condition": {"type": "max_length", "attribute": "name", "max": 150},
            "severity": "error",
            "messages": {"en_US": "Google allows 150 characters", "de_DE": "Höchstens 150 Zeichen"}
        }))
        .unwrap();
        assert_eq!(rule.message("de_DE"), "Höchstens 150 Zeichen");
        assert_eq!(rule.message("pl_PL"), "Google allows 150 characters");
        assert!(covers(&rule, "google_shopping", "pl_PL"));
        assert!(!covers(&rule, "webshop", "en_US"));
        let bad = serde_json::from_value::<QualityRule>(json!({
            "code": "x", "condition": {"type": "sometimes", "attribute": "name"}, "severity": "error"
        }));
        assert!(bad.is_err());
    }

    #[test]
    fn comparisons_convert_metric_units() {
        let a = json!({"amount": "1", "unit": "KILOGRAM"});
        let b = json!({"amount": "900", "unit": "GRAM"});
        assert_eq!(ordering(&a, &b), Some(std::cmp::Ordering::Greater));
        assert_eq!(
            ordering(&json!("2026-01-02"), &json!("2025-12-31")),
            Some(std::cmp::Ordering::Greater)
        );
        assert_eq!(
            ordering(&json!("10"), &json!("9.5")),
            Some(std::cmp::Ordering::Greater)
        );
    }
}
