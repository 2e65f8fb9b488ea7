//! Field transforms: the pure text and number work between a stored value and a channel's field
//! (HTML stripped, text cut on a word boundary, exact prices and unit conversions, labels).

use std::borrow::Cow;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;

use super::definition::PriceStyle;
use crate::catalog::{Attribute, AttributeType, Structure, measure};
use crate::quality::text::visible_text;

/// The `{name}` placeholders of a template, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    out
}

/// Visible text of HTML with runs of whitespace collapsed to one space.
pub fn strip_html(s: &str) -> String {
    let text = visible_text(s);
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// At most `max` characters: cut at the last whitespace before the limit (mid-word only when
/// the first word alone is too long), with `ellipsis` appended within the limit.
pub fn truncate_words(s: &str, max: usize, ellipsis: &str) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let room = max.saturating_sub(ellipsis.chars().count());
    let cut = s.char_indices().nth(room).map_or(s.len(), |(i, _)| i);
    let head = &s[..cut];
    // A cut that lands on a boundary keeps the whole last word.
    let at_boundary = s[cut..].starts_with(char::is_whitespace);
    let kept = if at_boundary {
        head
    } else {
        match head.rfind(char::is_whitespace) {
            Some(i) if i > 0 => &head[..i],
            _ => head,
        }
    };
    let mut out = kept
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-'))
        .to_string();
    out.push_str(ellipsis);
    out
}

/// A decimal with exactly `decimals` places, halves rounded away from zero.
pub fn fixed(n: Decimal, decimals: u32) -> String {
    let rounded = n.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    format!("{rounded:.prec$}", prec = decimals as usize)
}

fn decimal_of(v: &Value) -> Option<Decimal> {
    match v {
        Value::String(s) => Decimal::from_str(s.trim()).ok(),
        Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        _ => None,
    }
}

/// The price in `currency` from a price collection, written in `style`.
pub fn price(v: &Value, currency: &str, decimals: u32, style: PriceStyle) -> Option<Value> {
    let amount = match v {
        Value::Array(prices) => prices.iter().find_map(|p| {
            (p.get("currency")?.as_str()? == currency)
                .then(|| p.get("amount").and_then(decimal_of))
                .flatten()
        })?,
        other => decimal_of(other)?,
    };
    let text = fixed(amount, decimals);
    Some(match style {
        PriceStyle::AmountCurrency => Value::String(format!("{text} {currency}")),
        PriceStyle::Amount => Value::String(text),
        PriceStyle::Object => serde_json::json!({"amount": text, "currency": currency}),
    })
}

/// A number as JSON when it fits exactly, otherwise its text.
fn number_value(text: String) -> Value {
    match serde_json::from_str::<serde_json::Number>(&text) {
        Ok(n) if n.to_string() == text => Value::Number(n),
        _ => Value::String(text),
    }
}

/// A metric value converted to `unit`.
pub fn convert_unit(
    attribute: &Attribute,
    v: &Value,
    unit: &str,
    decimals: Option<u32>,
    with_symbol: bool,
) -> Option<Value> {
    let family = measure::family(attribute.metric_family.as_deref()?)?;
    let amount = decimal_of(v.get("amount")?)?;
    let from = v.get("unit")?.as_str()?;
    let converted = measure::convert(family, amount, from, unit).ok()?;
    let text = match decimals {
        Some(d) => converted
            .round_dp_with_strategy(d, RoundingStrategy::MidpointAwayFromZero)
            .normalize()
            .to_string(),
        None => converted.normalize().to_string(),
    };
    if with_symbol {
        let symbol = family.unit(unit).map_or(unit, |u| u.symbol);
        Some(Value::String(format!("{text} {symbol}")))
    } else {
        Some(number_value(text))
    }
}

/// A number with exactly `decimals` decimals.
pub fn number(v: &Value, decimals: u32) -> Option<Value> {
    Some(Value::String(fixed(decimal_of(v)?, decimals)))
}

/// An option code's label in `locale`, falling back to the code.
pub fn option_label<'a>(
    structure: &'a Structure,
    attribute: &str,
    code: &'a str,
    locale: &str,
) -> &'a str {
    structure
        .option(attribute, code)
        .and_then(|o| o.labels.get(locale))
        .map_or(code, String::as_str)
}

/// The display text of a value of `attribute`: option labels in `locale`, metrics with their
/// unit symbol, prices in `currency`, lists joined with commas.
pub fn display(
    structure: &Structure,
    attribute: &Attribute,
    v: &Value,
    locale: &str,
    currency: &str,
) -> String {
    match (attribute.kind, v) {
        (AttributeType::SimpleSelect, Value::String(code)) => {
            option_label(structure, &attribute.code, code, locale).to_string()
        }
        (AttributeType::MultiSelect, Value::Array(codes)) => codes
            .iter()
            .filter_map(Value::as_str)
            .map(|c| option_label(structure, &attribute.code, c, locale))
            .collect::<Vec<_>>()
            .join(", "),
        (AttributeType::Metric, _) => {
            let amount = v.get("amount").map(text).unwrap_or_default();
            let unit = v.get("unit").and_then(Value::as_str).unwrap_or_default();
            let symbol = attribute
                .metric_family
                .as_deref()
                .and_then(measure::family)
                .and_then(|f| f.unit(unit))
                .map_or(unit, |u| u.symbol);
            format!("{amount} {symbol}")
        }
        (AttributeType::PriceCollection, _) => price(v, currency, 2, PriceStyle::AmountCurrency)
            .map(|p| text(&p).into_owned())
            .unwrap_or_default(),
        (AttributeType::RichText, Value::String(s)) => strip_html(s),
        _ => text(v).into_owned(),
    }
}

/// A value as one cell of text: strings as they are, lists joined with commas, objects as JSON.
pub fn text(v: &Value) -> Cow<'_, str> {
    match v {
        Value::Null => Cow::Borrowed(""),
        Value::String(s) => Cow::Borrowed(s),
        Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Value::Number(n) => Cow::Owned(n.to_string()),
        Value::Array(items) => Cow::Owned(
            items
                .iter()
                .map(|i| text(i).into_owned())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Value::Object(_) => Cow::Owned(v.to_string()),
    }
}

/// Whether a value counts as missing.
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn truncates_on_word_boundaries() {
        assert_eq!(truncate_words("short", 10, ""), "short");
        assert_eq!(
            truncate_words("The quick brown fox jumps", 12, ""),
            "The quick"
        );
        assert_eq!(
            truncate_words("The quick brown fox jumps", 15, ""),
            "The quick brown"
        );
        assert_eq!(
            truncate_words("The quick brown fox jumps", 14, "…"),
            "The quick…"
        );
        assert_eq!(truncate_words("Supercalifragilistic", 5, ""), "Super");
        let cut = truncate_words("Zażółć gęślą jaźń i więcej", 12, "");
        assert_eq!(cut, "Zażółć gęślą");
        assert!(cut.chars().count() <= 12);
    }

    #[test]
    fn strips_html_and_collapses_whitespace() {
        assert_eq!(
            strip_html("<p>Soft &amp; warm</p>\n<ul><li>100%  cotton</li></ul>"),
            "Soft & warm 100% cotton"
        );
    }

    #[test]
    fn prices_have_exact_decimals() {
        let prices =
            json!([{"amount": "15", "currency": "USD"}, {"amount": "12.5", "currency": "EUR"}]);
        assert_eq!(
            price(&prices, "USD", 2, PriceStyle::AmountCurrency),
            Some(json!("15.00 USD"))
        );
        assert_eq!(
            price(&prices, "EUR", 2, PriceStyle::Object),
            Some(json!({"amount": "12.50", "currency": "EUR"}))
        );
        assert_eq!(price(&prices, "PLN", 2, PriceStyle::Amount), None);
        assert_eq!(fixed(Decimal::from_str("0.125").unwrap(), 2), "0.13");
        assert_eq!(fixed(Decimal::from_str("19.999").unwrap(), 2), "20.00");
        assert_eq!(fixed(Decimal::from_str("7").unwrap(), 0), "7");
    }

    #[test]
    fn template_placeholders() {
        assert_eq!(
            placeholders("{brand} {name} – {sku}"),
            ["brand", "name", "sku"]
        );
        assert!(placeholders("no placeholders").is_empty());
    }
}
