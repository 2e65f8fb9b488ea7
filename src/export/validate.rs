//! Validation before publishing: each item against its channel's rules (required fields,
//! lengths, GTINs, patterns, allowed values, image sizes) and the product's quality-rule errors
//! in the channel's scope. A product with any issue is rejected: skipped and reported.

use std::collections::HashMap;

use regex::Regex;
use serde::Serialize;
use serde_json::Value;

use super::definition::{ChannelDefinition, Format};
use super::project::{Item, Subject};
use super::transform;
use crate::catalog::AttributeType;
use crate::catalog::Structure;
use crate::quality::completeness::Quality;
use crate::quality::gtin;
use crate::quality::rules::Severity;

/// One reason a channel would reject a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportIssue {
    pub sku: String,
    /// The channel's field at fault; none for a quality rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// `required`, `max_length`, `gtin`, `pattern`, `allowed`, `image_size`, `options`, or
    /// `quality:<rule code>`.
    pub rule: String,
    pub message: String,
}

/// Checks a GTIN as channels take it: valid, and not from a range that is not for trade items
/// sold in the open (restricted circulation 02, 04 and 2, coupons 05, 98 and 99).
pub fn check_gtin(code: &str) -> Result<(), String> {
    gtin::check(code).map_err(|e| e.to_string())?;
    // The GS1 prefix: GTIN-12 read as GTIN-13 with a leading zero, GTIN-14 without its
    // indicator digit.
    let prefix: String = match code.len() {
        8 => {
            return if code.starts_with(['0', '2']) {
                Err(format!(
                    "{code} is a restricted circulation number (GTIN-8 starting with 0 or 2), not for trade items sold in the open"
                ))
            } else {
                Ok(())
            };
        }
        12 => format!("0{}", &code[..2]),
        13 => code[..3].to_string(),
        _ => code[1..4].to_string(),
    };
    let restricted = if prefix.starts_with("02") || prefix.starts_with('2') {
        Some("restricted circulation (prefix 02 or 2: variable-measure and in-store numbers)")
    } else if prefix.starts_with("04") {
        Some("restricted circulation within a company (prefix 04)")
    } else if prefix.starts_with("05") || prefix.starts_with("98") || prefix.starts_with("99") {
        Some("a coupon (prefix 05, 98 or 99)")
    } else {
        None
    };
    match restricted {
        Some(why) => Err(format!("{code} is {why}, not a trade item GTIN")),
        None => Ok(()),
    }
}

/// The checks of one channel, compiled once.
pub struct Validator<'a> {
    structure: &'a Structure,
    def: &'a ChannelDefinition,
    patterns: Vec<Option<Regex>>,
}

impl<'a> Validator<'a> {
    pub fn new(structure: &'a Structure, def: &'a ChannelDefinition) -> Self {
        let patterns = def
            .fields
            .iter()
            .map(|f| f.pattern.as_deref().and_then(|p| Regex::new(p).ok()))
            .collect();
        Validator {
            structure,
            def,
            patterns,
        }
    }

    /// Whether the product belongs to the channel at all (selection): families, categories,
    /// status and completeness.
    pub fn selected(&self, subject: &Subject<'_>) -> bool {
        let s = &self.def.selection;
        let product = &subject.stored.product;
        if let Some(enabled) = s.enabled
            && product.enabled != enabled
        {
            return false;
        }
        if !s.families.is_empty()
            && !product
                .family
                .as_ref()
                .is_some_and(|f| s.families.contains(f))
        {
            return false;
        }
        if !s.categories.is_empty()
            && !subject.categories.iter().any(|c| {
                self.structure
                    .category_path(c)
                    .iter()
                    .any(|p| s.categories.contains(p))
            })
        {
            return false;
        }
        if let Some(min) = s.min_completeness {
            let ratio = quality_of(subject)
                .get(&self.def.scope, &self.def.locale)
                .map_or(0, |c| c.ratio);
            if ratio < min {
                return false;
            }
        }
        true
    }

    /// Every issue of an item; empty when the channel accepts it.
    pub fn check(
        &self,
        subject: &Subject<'_>,
        item: &Item,
        images: &HashMap<String, (u32, u32)>,
    ) -> Vec<ExportIssue> {
        let mut issues = Vec::new();
        let issue = |field: &str, rule: &str, message: String| ExportIssue {
            sku: item.sku.clone(),
            field: Some(field.to_string()),
            rule: rule.to_string(),
            message,
        };
        for (i, field) in self.def.fields.iter().enumerate() {
            let v = &item.values[i];
            if v.is_null() {
                if field.required {
                    issues.push(issue(
                        &field.name,
                        "required",
                        format!("{} is required and has no value", field.name),
                    ));
                }
                continue;
            }
            let text = transform::text(v);
            if let Some(max) = field.max_length {
                let len = text.chars().count();
                if len > max {
                    issues.push(issue(
                        &field.name,
                        "max_length",
                        format!(
                            "{} has {len} characters, more than the {max} allowed",
                            field.name
                        ),
                    ));
                }
            }
            if field.gtin
                && let Err(message) = check_gtin(&text)
            {
                issues.push(issue(&field.name, "gtin", message));
            }
            if let Some(re) = &self.patterns[i]
                && !re.is_match(&text)
            {
                issues.push(issue(
                    &field.name,
                    "pattern",
                    format!("{} {text:?} does not match {}", field.name, re.as_str()),
                ));
            }
            if !field.allowed.is_empty() && !field.allowed.iter().any(|a| *a == text) {
                issues.push(issue(
                    &field.name,
                    "allowed",
                    format!(
                        "{} {text:?} is not one of: {}",
                        field.name,
                        field.allowed.join(", ")
                    ),
                ));
            }
        }
        if self.def.format == Format::ShopifyCsv && item.axes.len() > 3 {
            issues.push(ExportIssue {
                sku: item.sku.clone(),
                field: Some("Option1 Name".into()),
                rule: "options".into(),
                message: format!(
                    "Shopify takes at most 3 options; this variant has {}",
                    item.axes.len()
                ),
            });
        }
        self.check_image(subject, item, images, &mut issues);
        if self.def.quality_rules {
            self.check_quality(subject, item, &mut issues);
        }
        issues
    }

    /// The image hash checked for size, if the channel sets a minimum.
    pub fn image_of<'s>(&self, subject: &Subject<'s>) -> Option<&'s str> {
        let images = self.def.images.as_ref()?;
        let code = match &images.attribute {
            Some(a) => a.as_str(),
            None => {
                let family = subject.stored.product.family.as_ref()?;
                self.structure
                    .families
                    .get(family)?
                    .image_attribute
                    .as_deref()?
            }
        };
        let attribute = self.structure.attribute(code)?;
        if attribute.kind != AttributeType::Image {
            return None;
        }
        subject
            .value(attribute, &self.def.scope, &self.def.locale)
            .and_then(Value::as_str)
    }

    fn check_image(
        &self,
        subject: &Subject<'_>,
        item: &Item,
        images: &HashMap<String, (u32, u32)>,
        issues: &mut Vec<ExportIssue>,
    ) {
        let Some(limits) = &self.def.images else {
            return;
        };
        let Some(hash) = self.image_of(subject) else {
            return;
        };
        if let Some(&(w, h)) = images.get(hash)
            && (w < limits.min_width || h < limits.min_height)
        {
            issues.push(ExportIssue {
                sku: item.sku.clone(),
                field: Some("image".into()),
                rule: "image_size".into(),
                message: format!(
                    "the image is {w}×{h} pixels; the channel needs at least {}×{}",
                    limits.min_width, limits.min_height
                ),
            });
        }
    }

    fn check_quality(&self, subject: &Subject<'_>, item: &Item, issues: &mut Vec<ExportIssue>) {
        // Most products fail no rule: skip parsing their quality document.
        if !subject.stored.quality.contains("\"issues\"") {
            return;
        }
        let quality = quality_of(subject);
        let mut seen = Vec::new();
        for i in quality.issues.iter().filter(|i| {
            i.channel == self.def.scope
                && i.severity == Severity::Error
                && (i.locale == self.def.locale || i.locale.starts_with('<'))
        }) {
            if seen.contains(&&i.rule) {
                continue;
            }
            seen.push(&i.rule);
            let message = self.structure.quality_rules.get(&i.rule).map_or_else(
                || format!("quality rule {} fails", i.rule),
                |r| r.message(&self.def.locale),
            );
            issues.push(ExportIssue {
                sku: item.sku.clone(),
                field: None,
                rule: format!("quality:{}", i.rule),
                message,
            });
        }
    }
}

fn quality_of(subject: &Subject<'_>) -> Quality {
    serde_json::from_str(&subject.stored.quality).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::check_gtin;

    #[test]
    fn gtins_from_restricted_and_coupon_ranges_are_refused() {
        assert_eq!(check_gtin("4006381333931"), Ok(()));
        assert_eq!(check_gtin("036000291452"), Ok(()));
        assert_eq!(check_gtin("96385074"), Ok(()));
        assert!(
            check_gtin("4006381333932")
                .unwrap_err()
                .contains("check digit")
        );
        // 2…: in-store, variable measure.
        let e = check_gtin("2000000000008").unwrap_err();
        assert!(e.contains("restricted circulation"), "{e}");
        // UPC-A 2… is EAN-13 02…
        assert!(check_gtin("212345678992").is_err());
        // UPC-A 4… is EAN-13 04…
        let e = check_gtin("412345678903").unwrap_err();
        assert!(e.contains("04"), "{e}");
        // UPC-A 5… is a coupon.
        assert!(check_gtin("512345678900").unwrap_err().contains("coupon"));
        assert!(check_gtin("9912345678909").unwrap_err().contains("coupon"));
        assert!(check_gtin("9812345678902").unwrap_err().contains("coupon"));
        // GTIN-8 starting with 0 or 2 are restricted circulation numbers.
        assert!(check_gtin("20123451").is_err());
    }
}
