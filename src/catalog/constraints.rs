//! Attribute constraints beyond the basics `values` checks (length, regex, number range): text
//! formats and HTML, date range, asset files and image sizes, the SKU against the identifier
//! attribute, and which constraint fits which attribute type. See docs/values.md.

use std::path::Path;

use chrono::NaiveDate;

use super::structure::Structure;
use super::{Attribute, AttributeType, Constraints, TextValidation};
use crate::error::FieldError;
use crate::quality::{formats, gtin};

use AttributeType as T;

/// Checks text against the attribute's format (GTIN, URL, e-mail) and HTML constraints.
pub fn check_text(c: &Constraints, s: &str) -> Result<(), String> {
    if c.html_allowed == Some(false) {
        formats::check_no_html(s)?;
    }
    match c.validation {
        None => Ok(()),
        Some(TextValidation::Gtin) => gtin::check(s).map_err(|e| e.to_string()),
        Some(TextValidation::Url) => formats::check_url(s),
        Some(TextValidation::Email) => formats::check_email(s),
    }
}

pub fn check_date(c: &Constraints, date: NaiveDate) -> Result<(), String> {
    if let Some(min) = c.min_date {
        if date < min {
            return Err(format!("{date} is before the earliest allowed date {min}"));
        }
    }
    if let Some(max) = c.max_date {
        if date > max {
            return Err(format!("{date} is after the latest allowed date {max}"));
        }
    }
    Ok(())
}

/// The identifier attribute's text constraints, applied to the SKU of a new product: the SKU is
/// that attribute's value.
pub fn check_sku(structure: &Structure, sku: &str) -> Result<(), String> {
    let Some(attribute) = structure.attribute(structure.identifier_attribute()) else {
        return Ok(());
    };
    let c = &attribute.constraints;
    if let Some(max) = c.max_length {
        let len = sku.chars().count();
        if len > max as usize {
            return Err(format!("{len} characters exceed the maximum of {max}"));
        }
    }
    if let Some(regex) = structure.regex(&attribute.code) {
        if !regex.is_match(sku) {
            return Err(c
                .regex_message
                .clone()
                .unwrap_or_else(|| format!("{sku:?} does not match {}", regex.as_str())));
        }
    }
    check_text(c, sku)
}

/// What the write path knows of a stored asset an image or file value points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssetFacts<'a> {
    /// The name it was first uploaded under.
    pub filename: &'a str,
    pub bytes: u64,
    /// Pixels, for images.
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// Checks an asset against the attribute's file type, size and image dimension constraints.
pub fn check_asset(c: &Constraints, asset: &AssetFacts<'_>) -> Result<(), String> {
    let name = asset.filename;
    if let Some(allowed) = &c.allowed_extensions {
        let extension = Path::new(name).extension().and_then(|e| e.to_str());
        let fits = |a: &String| {
            extension.is_some_and(|e| e.eq_ignore_ascii_case(a.trim_start_matches('.')))
        };
        if !allowed.iter().any(fits) {
            let list: Vec<&str> = allowed.iter().map(|a| a.trim_start_matches('.')).collect();
            let list = list.join(", ");
            return Err(match extension {
                Some(e) => format!(
                    "file {name:?} has extension {e}, which is not among the allowed {list}"
                ),
                None => format!("file {name:?} has no extension; allowed: {list}"),
            });
        }
    }
    if let Some(max) = c.max_file_bytes {
        if asset.bytes > max {
            return Err(format!(
                "file {name:?} has {} bytes, more than the maximum of {max}",
                asset.bytes
            ));
        }
    }
    let limits = [
        (c.min_width, c.max_width, asset.width, "wide", "width"),
        (c.min_height, c.max_height, asset.height, "high", "height"),
    ];
    for (min, max, actual, adjective, noun) in limits {
        if min.is_none() && max.is_none() {
            continue;
        }
        let Some(actual) = actual else {
            return Err(format!(
                "file {name:?} is not an image with known dimensions"
            ));
        };
        if let Some(min) = min.filter(|m| actual < *m) {
            return Err(format!(
                "image {name:?} is {actual} px {adjective}, less than the minimum {noun} of {min} px"
            ));
        }
        if let Some(max) = max.filter(|m| actual > *m) {
            return Err(format!(
                "image {name:?} is {actual} px {adjective}, more than the maximum {noun} of {max} px"
            ));
        }
    }
    Ok(())
}

const TEXTUAL: &[AttributeType] = &[T::Identifier, T::Text, T::Textarea, T::RichText];
const NUMERIC: &[AttributeType] = &[T::Number, T::Metric, T::PriceCollection];
const ASSETS: &[AttributeType] = &[T::Image, T::File];

/// Refuses constraints that do not fit the attribute's type or contradict each other; fields are
/// named `constraints.<name>`.
pub fn check_fit(attribute: &Attribute) -> Vec<FieldError> {
    let c = &attribute.constraints;
    let validation_types: &[AttributeType] = match c.validation {
        Some(TextValidation::Gtin) => &[T::Identifier, T::Text],
        _ => &[T::Text],
    };
    let set: [(&str, bool, &[AttributeType]); 17] = [
        ("max_length", c.max_length.is_some(), TEXTUAL),
        ("regex", c.regex.is_some(), TEXTUAL),
        ("regex_message", c.regex_message.is_some(), TEXTUAL),
        ("min", c.min.is_some(), NUMERIC),
        ("max", c.max.is_some(), NUMERIC),
        ("decimals_allowed", c.decimals_allowed.is_some(), NUMERIC),
        ("negative_allowed", c.negative_allowed.is_some(), NUMERIC),
        ("validation", c.validation.is_some(), validation_types),
        (
            "html_allowed",
            c.html_allowed.is_some(),
            &[T::Text, T::Textarea, T::RichText],
        ),
        ("min_date", c.min_date.is_some(), &[T::Date]),
        ("max_date", c.max_date.is_some(), &[T::Date]),
        ("allowed_extensions", c.allowed_extensions.is_some(), ASSETS),
        ("max_file_bytes", c.max_file_bytes.is_some(), ASSETS),
        ("min_width", c.min_width.is_some(), &[T::Image]),
        ("max_width", c.max_width.is_some(), &[T::Image]),
        ("min_height", c.min_height.is_some(), &[T::Image]),
        ("max_height", c.max_height.is_some(), &[T::Image]),
    ];
    let mut errors = Vec::new();
    for (name, is_set, types) in set {
        if is_set && !types.contains(&attribute.kind) {
            let what = match (name, c.validation) {
                ("validation", Some(v)) => format!("validation {}", v.as_str()),
                _ => format!("constraint {name}"),
            };
            let fits: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
            errors.push(FieldError::invalid(
                format!("constraints.{name}"),
                format!(
                    "{what} does not apply to {} attributes, only to {}",
                    attribute.kind.as_str(),
                    fits.join(", ")
                ),
            ));
        }
    }
    let mut invalid = |name: &str, message: &str| {
        errors.push(FieldError::invalid(format!("constraints.{name}"), message));
    };
    if c.max_length == Some(0) {
        invalid("max_length", "max_length must be at least 1");
    }
    if c.regex_message.is_some() && c.regex.is_none() {
        invalid(
            "regex_message",
            "regex_message is shown when the regex does not match: set regex too",
        );
    }
    if let (Some(min), Some(max)) = (c.min_date, c.max_date) {
        if min > max {
            invalid("min_date", "min_date is after max_date");
        }
    }
    if c.max_file_bytes == Some(0) {
        invalid("max_file_bytes", "max_file_bytes must be at least 1");
    }
    if let (Some(min), Some(max)) = (c.min_width, c.max_width) {
        if min > max {
            invalid("min_width", "min_width is greater than max_width");
        }
    }
    if let (Some(min), Some(max)) = (c.min_height, c.max_height) {
        if min > max {
            invalid("min_height", "min_height is greater than max_height");
        }
    }
    if let Some(extensions) = &c.allowed_extensions {
        if extensions.is_empty() {
            invalid(
                "allowed_extensions",
                "list at least one extension, or leave allowed_extensions out to allow any",
            );
        }
        for (i, e) in extensions.iter().enumerate() {
            let bare = e.strip_prefix('.').unwrap_or(e);
            if bare.is_empty()
                || bare.len() > 16
                || !bare.chars().all(|c| c.is_ascii_alphanumeric())
            {
                errors.push(FieldError::invalid(
                    format!("constraints.allowed_extensions.{i}"),
                    format!("{e:?} is not a file extension: use letters and digits, like pdf"),
                ));
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::catalog::structure::Entity;
    use crate::catalog::values::normalize;

    fn attr(kind: AttributeType, constraints: serde_json::Value) -> Attribute {
        Attribute {
            code: "a".into(),
            kind,
            group: "g".into(),
            sort_order: 0,
            labels: Default::default(),
            localizable: false,
            scopable: false,
            unique: false,
            metric_family: None,
            default_unit: None,
            constraints: serde_json::from_value(constraints).unwrap(),
        }
    }

    fn check(
        kind: AttributeType,
        constraints: serde_json::Value,
        data: &str,
    ) -> Result<(), String> {
        let a = attr(kind, constraints);
        let s = Structure::from_entities([Entity::Attribute(a.clone())]);
        normalize(&s, &a, &json!(data)).map(|_| ())
    }

    #[test]
    fn text_formats() {
        let gtin = json!({"validation": "gtin"});
        assert_eq!(check(T::Text, gtin.clone(), "5901234123457"), Ok(()));
        let e = check(T::Text, gtin.clone(), "5901234123458").unwrap_err();
        assert!(e.contains("expected 7"), "{e}");
        let e = check(T::Text, gtin, "5.90123E+12").unwrap_err();
        assert!(e.contains("scientific notation"), "{e}");
        let url = json!({"validation": "url"});
        assert_eq!(check(T::Text, url.clone(), "https://example.com/a"), Ok(()));
        assert!(check(T::Text, url, "www.example.com").is_err());
        let email = json!({"validation": "email"});
        assert_eq!(check(T::Text, email.clone(), "shop@example.com"), Ok(()));
        assert!(check(T::Text, email, "shop at example.com").is_err());
    }

    #[test]
    fn html_refused_only_when_not_allowed() {
        let e = check(
            T::Textarea,
            json!({"html_allowed": false}),
            "Wash <b>cold</b>",
        )
        .unwrap_err();
        assert!(e.contains("HTML is not allowed"), "{e}");
        assert_eq!(
            check(T::Textarea, json!({"html_allowed": false}), "30 < 40 °C"),
            Ok(())
        );
        assert_eq!(check(T::RichText, json!({}), "<p>ok</p>"), Ok(()));
        assert_eq!(
            check(T::RichText, json!({"html_allowed": true}), "<p>ok</p>"),
            Ok(())
        );
    }

    #[test]
    fn date_range() {
        let c = json!({"min_date": "2020-01-01", "max_date": "2030-12-31"});
        assert_eq!(check(T::Date, c.clone(), "2026-03-01"), Ok(()));
        assert_eq!(check(T::Date, c.clone(), "2020-01-01"), Ok(()));
        let e = check(T::Date, c.clone(), "2019-12-31").unwrap_err();
        assert!(
            e.contains("before the earliest allowed date 2020-01-01"),
            "{e}"
        );
        let e = check(T::Date, c, "2031-01-01").unwrap_err();
        assert!(
            e.contains("after the latest allowed date 2030-12-31"),
            "{e}"
        );
    }

    #[test]
    fn assets() {
        let c: Constraints = serde_json::from_value(json!({
            "allowed_extensions": [".PNG", "jpg"], "max_file_bytes": 1000,
            "min_width": 500, "max_width": 4000, "min_height": 500
        }))
        .unwrap();
        let ok = AssetFacts {
            filename: "front.png",
            bytes: 900,
            width: Some(800),
            height: Some(600),
        };
        assert_eq!(check_asset(&c, &ok), Ok(()));
        let mut upper = ok;
        upper.filename = "FRONT.JPG";
        assert_eq!(check_asset(&c, &upper), Ok(()));
        for (asset, words) in [
            (
                AssetFacts {
                    filename: "front.gif",
                    ..ok
                },
                "extension gif, which is not among the allowed PNG, jpg",
            ),
            (
                AssetFacts {
                    filename: "front",
                    ..ok
                },
                "no extension",
            ),
            (
                AssetFacts { bytes: 1001, ..ok },
                "1001 bytes, more than the maximum of 1000",
            ),
            (
                AssetFacts {
                    width: Some(300),
                    ..ok
                },
                "300 px wide, less than the minimum width of 500 px",
            ),
            (
                AssetFacts {
                    width: Some(5000),
                    ..ok
                },
                "more than the maximum width of 4000 px",
            ),
            (
                AssetFacts {
                    height: Some(499),
                    ..ok
                },
                "499 px high, less than the minimum height",
            ),
            (
                AssetFacts {
                    width: None,
                    height: None,
                    ..ok
                },
                "not an image with known dimensions",
            ),
        ] {
            let e = check_asset(&c, &asset).unwrap_err();
            assert!(e.contains(words), "{asset:?}: {e}");
        }
    }

    #[test]
    fn sku_follows_the_identifier_attribute() {
        let mut sku = attr(
            T::Identifier,
            json!({"max_length": 13, "validation": "gtin"}),
        );
        sku.code = "sku".into();
        let s = Structure::from_entities([Entity::Attribute(sku)]);
        assert_eq!(check_sku(&s, "4006381333931"), Ok(()));
        assert!(
            check_sku(&s, "4006381333932")
                .unwrap_err()
                .contains("expected 1")
        );
        assert!(
            check_sku(&s, "10614141000415")
                .unwrap_err()
                .contains("maximum of 13")
        );
        assert_eq!(check_sku(&Structure::default(), "anything"), Ok(()));
    }

    #[test]
    fn constraints_must_fit_the_type() {
        let fields = |kind, c| -> Vec<String> {
            check_fit(&attr(kind, c))
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert!(
            fields(
                T::Image,
                json!({"min_width": 10, "max_file_bytes": 5, "allowed_extensions": ["png"]})
            )
            .is_empty()
        );
        assert_eq!(
            fields(T::Text, json!({"min_width": 10})),
            ["constraints.min_width"]
        );
        assert_eq!(
            fields(T::File, json!({"max_height": 10})),
            ["constraints.max_height"]
        );
        assert_eq!(
            fields(T::Number, json!({"validation": "gtin"})),
            ["constraints.validation"]
        );
        assert!(fields(T::Identifier, json!({"validation": "gtin"})).is_empty());
        assert_eq!(
            fields(T::Identifier, json!({"validation": "url"})),
            ["constraints.validation"]
        );
        assert_eq!(
            fields(T::Text, json!({"min_date": "2020-01-01"})),
            ["constraints.min_date"]
        );
        assert_eq!(
            fields(T::Date, json!({"max_length": 3})),
            ["constraints.max_length"]
        );
        assert_eq!(
            fields(T::Text, json!({"negative_allowed": false})),
            ["constraints.negative_allowed"]
        );
        assert_eq!(
            fields(T::Number, json!({"html_allowed": false})),
            ["constraints.html_allowed"]
        );
        assert_eq!(
            fields(
                T::Date,
                json!({"min_date": "2030-01-01", "max_date": "2020-01-01"})
            ),
            ["constraints.min_date"]
        );
        assert_eq!(
            fields(T::Image, json!({"min_width": 10, "max_width": 5})),
            ["constraints.min_width"]
        );
        assert_eq!(
            fields(T::Image, json!({"allowed_extensions": []})),
            ["constraints.allowed_extensions"]
        );
        assert_eq!(
            fields(T::File, json!({"allowed_extensions": ["pdf", "*.doc"]})),
            ["constraints.allowed_extensions.1"]
        );
        assert_eq!(
            fields(T::Text, json!({"regex_message": "x"})),
            ["constraints.regex_message"]
        );
        let e = &check_fit(&attr(T::Number, json!({"validation": "gtin"})))[0];
        assert_eq!(
            e.message,
            "validation gtin does not apply to number attributes, only to identifier, text"
        );
    }
}
