//! Product values: the document shape (attribute -> scope -> locale -> data) and the rules that turn
//! one raw input value into its stored, canonical form. See docs/values.md for the format.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::structure::Structure;
use super::{Attribute, AttributeType};
use super::{constraints, measure};
use crate::error::FieldError;

pub const ALL_CHANNELS: &str = "<all_channels>";
pub const ALL_LOCALES: &str = "<all_locales>";

/// A key of a value document: an attribute, channel or locale code. Codes are short, so they are
/// kept inline (up to 24 bytes) instead of in an allocation of their own each.
pub type Key = compact_str::CompactString;

/// attribute -> scope -> locale -> data.
pub type ValueDoc = BTreeMap<Key, BTreeMap<Key, BTreeMap<Key, Value>>>;

const DEFAULT_TEXT_MAX: u32 = 255;
const DEFAULT_TEXTAREA_MAX: u32 = 65_535;

/// One value as callers send it: `data: null` removes the value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueInput {
    pub attribute: String,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
    pub data: Value,
}

/// The dotted path naming one value in errors, e.g. `values.description.webshop.en_US`.
pub fn value_path(attribute: &str, scope: &str, locale: &str) -> String {
    let mut path = format!("values.{attribute}");
    if scope != ALL_CHANNELS {
        path.push('.');
        path.push_str(scope);
    }
    if locale != ALL_LOCALES {
        path.push('.');
        path.push_str(locale);
    }
    path
}

/// Resolves where a value of `attribute` lives in the document, refusing a locale or channel the
/// attribute does not take, an unknown one, or a locale the channel does not publish.
pub fn slot<'a>(
    structure: &Structure,
    attribute: &Attribute,
    channel: Option<&'a str>,
    locale: Option<&'a str>,
) -> Result<(&'a str, &'a str), FieldError> {
    let field = || format!("values.{}", attribute.code);
    let scope = match (attribute.scopable, channel) {
        (true, None) => {
            return Err(FieldError::invalid(
                field(),
                format!(
                    "attribute {} is scopable: a channel is required",
                    attribute.code
                ),
            ));
        }
        (false, Some(c)) if c != ALL_CHANNELS => {
            return Err(FieldError::invalid(
                field(),
                format!(
                    "attribute {} is not scopable: channel {c} is not allowed",
                    attribute.code
                ),
            ));
        }
        (false, _) => ALL_CHANNELS,
        (true, Some(c)) => {
            if !structure.channels.contains_key(c) {
                return Err(FieldError::not_found(
                    field(),
                    format!("unknown channel {c:?}"),
                ));
            }
            c
        }
    };
    let locale = match (attribute.localizable, locale) {
        (true, None) => {
            return Err(FieldError::invalid(
                field(),
                format!(
                    "attribute {} is localizable: a locale is required",
                    attribute.code
                ),
            ));
        }
        (false, Some(l)) if l != ALL_LOCALES => {
            return Err(FieldError::invalid(
                field(),
                format!(
                    "attribute {} is not localizable: locale {l} is not allowed",
                    attribute.code
                ),
            ));
        }
        (false, _) => ALL_LOCALES,
        (true, Some(l)) => {
            if !structure.locales.contains_key(l) {
                return Err(FieldError::not_found(
                    field(),
                    format!("unknown locale {l:?}"),
                ));
            }
            if let Some(channel) = structure.channels.get(scope) {
                if !channel.locales.iter().any(|cl| cl == l) {
                    return Err(FieldError::invalid(
                        field(),
                        format!("locale {l} is not enabled on channel {}", channel.code),
                    ));
                }
            }
            l
        }
    };
    Ok((scope, locale))
}

/// Checks raw data against the attribute's type and constraints and returns its canonical form;
/// `None` when the data means "no value" (null, empty text, empty list).
pub fn normalize(
    structure: &Structure,
    attribute: &Attribute,
    data: &Value,
) -> Result<Option<Value>, String> {
    if data.is_null() {
        return Ok(None);
    }
    let c = &attribute.constraints;
    match attribute.kind {
        AttributeType::Identifier => {
            Err("the identifier is set through the product's sku field".into())
        }
        AttributeType::Text | AttributeType::Textarea | AttributeType::RichText => {
            let Value::String(s) = data else {
                return Err(format!("expected a string, got {}", kind_of(data)));
            };
            if s.is_empty() {
                return Ok(None);
            }
            if attribute.kind == AttributeType::Text && s.contains(['\n', '\r']) {
                return Err(
                    "text values are a single line; use a textarea attribute for several".into(),
                );
            }
            let default_max = if attribute.kind == AttributeType::Text {
                DEFAULT_TEXT_MAX
            } else {
                DEFAULT_TEXTAREA_MAX
            };
            let max = c.max_length.unwrap_or(default_max);
            let len = s.chars().count();
            if len > max as usize {
                return Err(format!("{len} characters exceed the maximum of {max}"));
            }
            if let Some(regex) = structure.regex(&attribute.code) {
                if !regex.is_match(s) {
                    return Err(c
                        .regex_message
                        .clone()
                        .unwrap_or_else(|| format!("{s:?} does not match {}", regex.as_str())));
                }
            }
            constraints::check_text(c, s)?;
            Ok(Some(Value::String(s.clone())))
        }
        AttributeType::Number => {
            let n = parse_decimal(data)?;
            check_number(attribute, n)?;
            Ok(Some(Value::String(canonical(n))))
        }
        AttributeType::Boolean => match data {
            Value::Bool(b) => Ok(Some(Value::Bool(*b))),
            other => Err(format!("expected true or false, got {}", kind_of(other))),
        },
        AttributeType::Date => {
            let Value::String(s) = data else {
                return Err(format!(
                    "expected a date as YYYY-MM-DD, got {}",
                    kind_of(data)
                ));
            };
            if s.is_empty() {
                return Ok(None);
            }
            let date = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| format!("{s:?} is not a date in the form YYYY-MM-DD"))?;
            constraints::check_date(c, date)?;
            Ok(Some(Value::String(s.clone())))
        }
        AttributeType::SimpleSelect => {
            let Value::String(code) = data else {
                return Err(format!("expected an option code, got {}", kind_of(data)));
            };
            if code.is_empty() {
                return Ok(None);
            }
            check_option(structure, attribute, code)?;
            Ok(Some(Value::String(code.clone())))
        }
        AttributeType::MultiSelect => {
            let codes = string_list(data, "option codes")?;
            let mut out: Vec<String> = Vec::with_capacity(codes.len());
            for code in codes {
                check_option(structure, attribute, &code)?;
                if !out.contains(&code) {
                    out.push(code);
                }
            }
            Ok((!out.is_empty()).then(|| json!(out)))
        }
        AttributeType::Metric => {
            let Value::Object(map) = data else {
                return Err(format!(
                    "expected {{\"amount\": …, \"unit\": …}}, got {}",
                    kind_of(data)
                ));
            };
            let amount = map
                .get("amount")
                .filter(|v| !v.is_null())
                .ok_or("metric amount is missing")?;
            let amount = parse_decimal(amount)?;
            let family_code = attribute.metric_family.as_deref().unwrap_or_default();
            let family = measure::family(family_code)
                .ok_or_else(|| format!("unknown measurement family {family_code}"))?;
            let unit = match map.get("unit") {
                Some(Value::String(u)) => u.clone(),
                None | Some(Value::Null) => attribute
                    .default_unit
                    .clone()
                    .ok_or("metric unit is missing")?,
                Some(other) => return Err(format!("expected a unit code, got {}", kind_of(other))),
            };
            if family.unit(&unit).is_none() {
                let units: Vec<&str> = family.units.iter().map(|u| u.code).collect();
                return Err(format!(
                    "unit {unit:?} is not in measurement family {} ({})",
                    family.code,
                    units.join(", ")
                ));
            }
            // min and max are expressed in the attribute's default unit.
            let comparable = match &attribute.default_unit {
                Some(default) if *default != unit => {
                    measure::convert(family, amount, &unit, default).map_err(|e| e.to_string())?
                }
                _ => amount,
            };
            check_sign_and_decimals(attribute, amount)?;
            check_range(attribute, comparable)?;
            Ok(Some(json!({"amount": canonical(amount), "unit": unit})))
        }
        AttributeType::PriceCollection => {
            let Value::Array(items) = data else {
                return Err(format!(
                    "expected a list of {{\"amount\", \"currency\"}}, got {}",
                    kind_of(data)
                ));
            };
            let mut prices: BTreeMap<String, Decimal> = BTreeMap::new();
            for item in items {
                let currency = item
                    .get("currency")
                    .and_then(Value::as_str)
                    .ok_or("each price needs a currency")?;
                if !structure.currencies.contains_key(currency) {
                    return Err(format!("unknown currency {currency:?}"));
                }
                let Some(amount) = item.get("amount").filter(|v| !v.is_null()) else {
                    continue;
                };
                let amount = parse_decimal(amount).map_err(|e| format!("{currency}: {e}"))?;
                check_number(attribute, amount).map_err(|e| format!("{currency}: {e}"))?;
                if prices.insert(currency.to_string(), amount).is_some() {
                    return Err(format!("currency {currency} is given twice"));
                }
            }
            let out: Vec<Value> = prices
                .into_iter()
                .map(
                    |(currency, amount)| json!({"amount": canonical(amount), "currency": currency}),
                )
                .collect();
            Ok((!out.is_empty()).then_some(Value::Array(out)))
        }
        AttributeType::Image | AttributeType::File => {
            let Value::String(hash) = data else {
                return Err(format!("expected an asset hash, got {}", kind_of(data)));
            };
            if hash.is_empty() {
                return Ok(None);
            }
            if hash.len() != 64
                || !hash
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            {
                return Err(format!(
                    "{hash:?} is not an asset hash (64 lowercase hex digits)"
                ));
            }
            Ok(Some(Value::String(hash.clone())))
        }
        AttributeType::ProductReferenceList => {
            let skus = string_list(data, "SKUs")?;
            let mut out: Vec<String> = Vec::with_capacity(skus.len());
            for sku in skus {
                if !out.contains(&sku) {
                    out.push(sku);
                }
            }
            Ok((!out.is_empty()).then(|| json!(out)))
        }
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn string_list(data: &Value, what: &str) -> Result<Vec<String>, String> {
    let Value::Array(items) = data else {
        return Err(format!("expected a list of {what}, got {}", kind_of(data)));
    };
    items
        .iter()
        .map(|v| match v {
            Value::String(s) if !s.is_empty() => Ok(s.clone()),
            other => Err(format!(
                "expected a list of {what}, found {}",
                kind_of(other)
            )),
        })
        .collect()
}

/// Exact decimals from JSON numbers or strings; JSON numbers go through their literal text, never f64.
pub fn parse_decimal(data: &Value) -> Result<Decimal, String> {
    let text = match data {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_string(),
        other => return Err(format!("expected a number, got {}", kind_of(other))),
    };
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .map_err(|_| format!("{text:?} is not a number"))
}

/// The stored text of a decimal: no exponent, no trailing zeros.
pub fn canonical(n: Decimal) -> String {
    n.normalize().to_string()
}

fn check_option(structure: &Structure, attribute: &Attribute, code: &str) -> Result<(), String> {
    if structure.option(&attribute.code, code).is_some() {
        Ok(())
    } else {
        Err(format!(
            "unknown option {code:?} of attribute {}",
            attribute.code
        ))
    }
}

fn check_number(attribute: &Attribute, n: Decimal) -> Result<(), String> {
    check_sign_and_decimals(attribute, n)?;
    check_range(attribute, n)
}

fn check_sign_and_decimals(attribute: &Attribute, n: Decimal) -> Result<(), String> {
    let c = &attribute.constraints;
    if c.decimals_allowed == Some(false) && n.fract() != Decimal::ZERO {
        return Err(format!(
            "{n} has decimals, which attribute {} does not allow",
            attribute.code
        ));
    }
    if c.negative_allowed == Some(false) && n.is_sign_negative() && n != Decimal::ZERO {
        return Err(format!(
            "{n} is negative, which attribute {} does not allow",
            attribute.code
        ));
    }
    Ok(())
}

fn check_range(attribute: &Attribute, n: Decimal) -> Result<(), String> {
    let c = &attribute.constraints;
    if let Some(min) = c.min {
        if n < min {
            return Err(format!("{n} is below the minimum of {min}"));
        }
    }
    if let Some(max) = c.max {
        if n > max {
            return Err(format!("{n} is above the maximum of {max}"));
        }
    }
    Ok(())
}

/// Sets or removes one value, pruning empty branches so equal documents compare equal.
pub fn set_value(
    doc: &mut ValueDoc,
    attribute: &str,
    scope: &str,
    locale: &str,
    data: Option<Value>,
) {
    match data {
        // Keys already present are not allocated again: documents are built a value at a
        // time, and most values share their attribute and scope with another.
        Some(v) => {
            let scopes = match doc.get_mut(attribute) {
                Some(scopes) => scopes,
                None => doc.entry(Key::from(attribute)).or_default(),
            };
            let locales = match scopes.get_mut(scope) {
                Some(locales) => locales,
                None => scopes.entry(Key::from(scope)).or_default(),
            };
            match locales.get_mut(locale) {
                Some(slot) => *slot = v,
                None => {
                    locales.insert(Key::from(locale), v);
                }
            }
        }
        None => {
            if let Some(scopes) = doc.get_mut(attribute) {
                if let Some(locales) = scopes.get_mut(scope) {
                    locales.remove(locale);
                    if locales.is_empty() {
                        scopes.remove(scope);
                    }
                }
                if scopes.is_empty() {
                    doc.remove(attribute);
                }
            }
        }
    }
}

pub fn get_value<'a>(
    doc: &'a ValueDoc,
    attribute: &str,
    scope: &str,
    locale: &str,
) -> Option<&'a Value> {
    doc.get(attribute)?.get(scope)?.get(locale)
}

/// One value with its place in the document.
#[derive(Debug, Clone, PartialEq)]
pub struct FlatValue<'a> {
    pub attribute: &'a str,
    pub scope: &'a str,
    pub locale: &'a str,
    pub data: &'a Value,
}

pub fn flatten(doc: &ValueDoc) -> impl Iterator<Item = FlatValue<'_>> {
    doc.iter()
        .flat_map(|(attribute, scopes)| slots(attribute, scopes))
}

/// The values of the given attributes only, in any scope and locale; walks whichever is
/// shorter, the document or the list.
pub fn flatten_only<'a>(
    doc: &'a ValueDoc,
    attributes: &'a [String],
) -> Box<dyn Iterator<Item = FlatValue<'a>> + 'a> {
    if doc.len() <= attributes.len() {
        Box::new(
            doc.iter()
                .filter(|(code, _)| attributes.iter().any(|a| a == code.as_str()))
                .flat_map(|(attribute, scopes)| slots(attribute, scopes)),
        )
    } else {
        Box::new(
            attributes
                .iter()
                .filter_map(|a| doc.get_key_value(a.as_str()))
                .flat_map(|(attribute, scopes)| slots(attribute, scopes)),
        )
    }
}

/// Every value of one attribute's entry in a document.
fn slots<'a>(
    attribute: &'a str,
    scopes: &'a BTreeMap<Key, BTreeMap<Key, Value>>,
) -> impl Iterator<Item = FlatValue<'a>> {
    scopes.iter().flat_map(move |(scope, locales)| {
        locales.iter().map(move |(locale, data)| FlatValue {
            attribute,
            scope,
            locale,
            data,
        })
    })
}

/// Whether a stored value is visible when reading in `channel` and `locale` (None: every one).
pub fn visible_in(
    scope: &str,
    locale: &str,
    channel: Option<&str>,
    wanted_locale: Option<&str>,
) -> bool {
    (scope == ALL_CHANNELS || channel.is_none_or(|c| c == scope))
        && (locale == ALL_LOCALES || wanted_locale.is_none_or(|l| l == locale))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Channel, Constraints, Currency, Locale, structure::Entity};

    fn attr(code: &str, kind: AttributeType) -> Attribute {
        Attribute {
            code: code.into(),
            kind,
            group: "g".into(),
            sort_order: 0,
            labels: Default::default(),
            localizable: false,
            scopable: false,
            unique: false,
            metric_family: None,
            default_unit: None,
            constraints: Constraints::default(),
        }
    }

    fn structure() -> Structure {
        Structure::from_entities([
            Entity::Locale(Locale {
                code: "en_US".into(),
                label: String::new(),
            }),
            Entity::Locale(Locale {
                code: "pl_PL".into(),
                label: String::new(),
            }),
            Entity::Currency(Currency {
                code: "EUR".into(),
                label: String::new(),
            }),
            Entity::Currency(Currency {
                code: "PLN".into(),
                label: String::new(),
            }),
            Entity::Channel(Channel {
                code: "allegro".into(),
                labels: Default::default(),
                locales: vec!["pl_PL".into()],
                currencies: vec!["PLN".into()],
                category_tree: "master".into(),
            }),
        ])
    }

    #[test]
    fn numbers_are_exact_and_canonical() {
        let s = structure();
        let a = attr("n", AttributeType::Number);
        assert_eq!(
            normalize(&s, &a, &json!(19.90)).unwrap(),
            Some(json!("19.9"))
        );
        assert_eq!(
            normalize(&s, &a, &json!("0.1")).unwrap(),
            Some(json!("0.1"))
        );
        assert!(
            normalize(&s, &a, &json!("abc"))
                .unwrap_err()
                .contains("not a number")
        );
        let mut strict = attr("n", AttributeType::Number);
        strict.constraints.decimals_allowed = Some(false);
        strict.constraints.negative_allowed = Some(false);
        strict.constraints.max = Some(Decimal::from(10));
        assert!(normalize(&s, &strict, &json!("1.5")).is_err());
        assert!(normalize(&s, &strict, &json!(-1)).is_err());
        assert!(
            normalize(&s, &strict, &json!(11))
                .unwrap_err()
                .contains("maximum")
        );
    }

    #[test]
    fn prices_sorted_one_per_currency() {
        let s = structure();
        let a = attr("price", AttributeType::PriceCollection);
        let data =
            json!([{"amount": "49", "currency": "PLN"}, {"amount": 12.50, "currency": "EUR"}]);
        assert_eq!(
            normalize(&s, &a, &data).unwrap(),
            Some(
                json!([{"amount": "12.5", "currency": "EUR"}, {"amount": "49", "currency": "PLN"}])
            )
        );
        let twice = json!([{"amount": "1", "currency": "EUR"}, {"amount": "2", "currency": "EUR"}]);
        assert!(normalize(&s, &a, &twice).unwrap_err().contains("twice"));
        assert!(normalize(&s, &a, &json!([{"amount": "1", "currency": "XXX"}])).is_err());
    }

    #[test]
    fn metrics_check_units() {
        let s = structure();
        let mut a = attr("weight", AttributeType::Metric);
        a.metric_family = Some("Weight".into());
        a.default_unit = Some("KILOGRAM".into());
        a.constraints.max = Some(Decimal::from(2));
        assert_eq!(
            normalize(&s, &a, &json!({"amount": "1500", "unit": "GRAM"})).unwrap(),
            Some(json!({"amount": "1500", "unit": "GRAM"}))
        );
        assert!(
            normalize(&s, &a, &json!({"amount": "2500", "unit": "GRAM"}))
                .unwrap_err()
                .contains("maximum")
        );
        assert!(
            normalize(&s, &a, &json!({"amount": "1", "unit": "METER"}))
                .unwrap_err()
                .contains("not in measurement family")
        );
    }

    #[test]
    fn text_rules() {
        let s = structure();
        let mut a = attr("name", AttributeType::Text);
        a.constraints.max_length = Some(5);
        assert_eq!(normalize(&s, &a, &json!("")).unwrap(), None);
        assert!(
            normalize(&s, &a, &json!("too long"))
                .unwrap_err()
                .contains("exceed")
        );
        assert!(
            normalize(&s, &a, &json!(12))
                .unwrap_err()
                .contains("expected a string")
        );
        assert!(normalize(&s, &a, &json!("a\nb")).is_err());
    }

    #[test]
    fn slots_check_locale_and_channel() {
        let s = structure();
        let mut a = attr("description", AttributeType::Textarea);
        a.localizable = true;
        a.scopable = true;
        assert_eq!(
            slot(&s, &a, Some("allegro"), Some("pl_PL")).unwrap(),
            ("allegro", "pl_PL")
        );
        assert!(
            slot(&s, &a, Some("allegro"), Some("en_US"))
                .unwrap_err()
                .message
                .contains("not enabled on channel")
        );
        assert!(slot(&s, &a, None, Some("en_US")).is_err());
        assert!(slot(&s, &a, Some("allegro"), Some("xx_XX")).is_err());
        let plain = attr("weight", AttributeType::Number);
        assert!(
            slot(&s, &plain, None, Some("en_US"))
                .unwrap_err()
                .message
                .contains("not localizable")
        );
        assert!(
            slot(&s, &plain, Some("allegro"), None)
                .unwrap_err()
                .message
                .contains("not scopable")
        );
    }

    #[test]
    fn set_value_prunes() {
        let mut doc = ValueDoc::new();
        set_value(&mut doc, "name", ALL_CHANNELS, "en_US", Some(json!("A")));
        set_value(&mut doc, "name", ALL_CHANNELS, "en_US", None);
        assert!(doc.is_empty());
    }
}
