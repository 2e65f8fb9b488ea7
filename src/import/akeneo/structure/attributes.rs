//! attributes.csv and attribute_options.csv: Akeneo attribute types and their validation settings
//! as pim attribute types and constraints; attributes of types pim lacks are left out.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Build, at, code, sort_order};
use crate::catalog::codes::check_code;
use crate::catalog::{
    Attribute, AttributeGroup, AttributeOption, AttributeType, Constraints, TextValidation, measure,
};
use crate::error::Result;
use crate::import::akeneo::flat_csv::{FlatFile, Row};

use AttributeType as T;

/// Columns read, and columns Akeneo uses for screens only (grid filters, option sorting, the
/// minimum input length of select boxes, the legacy `required`): left out without a warning.
const KNOWN: &[&str] = &[
    "code",
    "type",
    "group",
    "localizable",
    "scopable",
    "unique",
    "sort_order",
    "metric_family",
    "default_metric_unit",
    "decimals_allowed",
    "negative_allowed",
    "number_min",
    "number_max",
    "max_characters",
    "validation_rule",
    "validation_regexp",
    "wysiwyg_enabled",
    "date_min",
    "date_max",
    "allowed_extensions",
    "max_file_size",
    "reference_data_name",
    "available_locales",
    "default_value",
    "is_read_only",
    "useable_as_grid_filter",
    "auto_option_sorting",
    "minimum_input_length",
    "required",
];

impl Build {
    pub(super) fn attributes(&mut self, file: &FlatFile, groups_file: bool) -> Result<()> {
        file.require_column("code")?;
        file.require_column("type")?;
        self.unknown_columns(file, KNOWN, &["label-", "guidelines-"]);
        let mut seen = HashMap::new();
        for row in file.rows() {
            let code = code(&row, "code")?;
            if let Some(first) = seen.insert(code.clone(), row.line) {
                return Err(row.error("code", format!("attribute {code} is also on line {first}")));
            }
            match self.attribute_row(&row, &code)? {
                Ok(attribute) => {
                    self.attribute_index
                        .insert(code.clone(), self.attributes.len());
                    self.attributes.push(attribute);
                }
                Err(reason) => {
                    self.warn(format!(
                        "{} line {}: attribute {code} not imported: {reason}; families and family variants leave it out",
                        file.name, row.line
                    ));
                    self.skipped_attributes.insert(code, reason);
                }
            }
        }
        // Akeneo never has an attribute without its group; a group missing from the export is
        // created empty rather than refusing its attributes.
        if groups_file {
            let known: BTreeSet<String> = self
                .attribute_groups
                .iter()
                .map(|g| g.code.clone())
                .collect();
            let missing: BTreeSet<String> = self
                .attributes
                .iter()
                .map(|a| a.group.clone())
                .filter(|g| !known.contains(g))
                .collect();
            for group in missing {
                self.warn(format!(
                    "{}: attribute group {group} is not in attribute_groups.csv; it is created",
                    file.name
                ));
                self.attribute_groups.push(AttributeGroup {
                    code: group,
                    sort_order: 0,
                    labels: Default::default(),
                });
            }
        }
        Ok(())
    }

    /// The attribute, or why it is left out.
    fn attribute_row(&mut self, row: &Row<'_>, code: &str) -> Result<Result<Attribute, String>> {
        let place = format!("{} line {}", row.file_name(), row.line);
        let akeneo_type = row.required("type")?;
        let mut unique = row.flag("unique")?;
        let kind = match akeneo_type {
            "pim_catalog_identifier" => {
                let existing = self
                    .attributes
                    .iter()
                    .find(|a| a.kind == T::Identifier)
                    .map(|a| a.code.clone());
                match existing {
                    Some(identifier) => {
                        self.warn(format!(
                            "{place}: attribute {code} is a second identifier; pim has one ({identifier}), so {code} becomes a unique text attribute"
                        ));
                        unique = true;
                        T::Text
                    }
                    None => T::Identifier,
                }
            }
            "pim_catalog_text" => T::Text,
            "pim_catalog_textarea" if row.flag("wysiwyg_enabled")? => T::RichText,
            "pim_catalog_textarea" => T::Textarea,
            "pim_catalog_number" => T::Number,
            "pim_catalog_boolean" => T::Boolean,
            "pim_catalog_date" => T::Date,
            "pim_catalog_simpleselect" => T::SimpleSelect,
            "pim_catalog_multiselect" => T::MultiSelect,
            "pim_catalog_metric" => T::Metric,
            "pim_catalog_price_collection" => T::PriceCollection,
            "pim_catalog_image" => T::Image,
            "pim_catalog_file" => T::File,
            other => return Ok(Err(unsupported_type(other, row.get("reference_data_name")))),
        };
        let group = match row.opt("group") {
            Some(group) => {
                check_code("group", group).map_err(|e| at(row, "group", e))?;
                group.to_string()
            }
            None => {
                self.warn(format!(
                    "{place}: attribute {code} has no group; it goes to other, Akeneo's default group"
                ));
                "other".to_string()
            }
        };
        let (metric_family, default_unit) = if kind == T::Metric {
            let Some(family_code) = row.opt("metric_family") else {
                return Ok(Err("a metric attribute without a measurement family".into()));
            };
            let Some(family) = measure::family(family_code) else {
                return Ok(Err(format!(
                    "measurement family {family_code} is not one of Akeneo's standard families pim knows"
                )));
            };
            let unit = match row.opt("default_metric_unit") {
                Some(unit) if family.unit(unit).is_none() => {
                    self.warn(format!(
                        "{place}: default unit {unit} of attribute {code} is not in measurement family {family_code}; the attribute has no default unit"
                    ));
                    None
                }
                unit => unit.map(String::from),
            };
            (Some(family.code.to_string()), unit)
        } else {
            (None, None)
        };
        let constraints = self.constraints(row, code, kind)?;
        self.lost_settings(row, code);
        Ok(Ok(Attribute {
            code: code.to_string(),
            kind,
            group,
            sort_order: sort_order(row)?,
            labels: row.labels(),
            localizable: row.flag("localizable")?,
            scopable: row.flag("scopable")?,
            unique,
            metric_family,
            default_unit,
            constraints,
        }))
    }

    /// The validation settings that apply to the attribute's type; others Akeneo leaves empty.
    fn constraints(
        &mut self,
        row: &Row<'_>,
        code: &str,
        kind: AttributeType,
    ) -> Result<Constraints> {
        let place = format!("{} line {}", row.file_name(), row.line);
        let mut c = Constraints::default();
        if matches!(kind, T::Identifier | T::Text | T::Textarea | T::RichText) {
            c.max_length = row
                .int("max_characters")?
                .filter(|n| *n > 0)
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX));
        }
        if matches!(kind, T::Identifier | T::Text) {
            match row.get("validation_rule") {
                "" => {}
                "email" if kind == T::Text => c.validation = Some(TextValidation::Email),
                "url" if kind == T::Text => c.validation = Some(TextValidation::Url),
                "regexp" => match row.opt("validation_regexp").map(php_regex) {
                    Some(Ok(regex)) => c.regex = Some(regex),
                    Some(Err(reason)) => self.warn(format!(
                        "{place}: validation pattern of attribute {code} not imported: {reason}"
                    )),
                    None => {}
                },
                other => self.warn(format!(
                    "{place}: validation rule {other} of attribute {code} not imported: pim has no such rule for {} attributes",
                    kind.as_str()
                )),
            }
        }
        if matches!(kind, T::Number | T::Metric | T::PriceCollection) {
            c.min = row.decimal("number_min")?;
            c.max = row.decimal("number_max")?;
            c.decimals_allowed = row.bool("decimals_allowed")?;
            c.negative_allowed = row.bool("negative_allowed")?;
            if let (Some(min), Some(max)) = (c.min, c.max) {
                if min > max {
                    return Err(row.error("number_min", format!("{min} is above number_max {max}")));
                }
            }
        }
        if kind == T::Date {
            c.min_date = date(row, "date_min")?;
            c.max_date = date(row, "date_max")?;
            if let (Some(min), Some(max)) = (c.min_date, c.max_date) {
                if min > max {
                    return Err(row.error("date_min", format!("{min} is after date_max {max}")));
                }
            }
        }
        if matches!(kind, T::Image | T::File) {
            let extensions: Vec<String> = row
                .list("allowed_extensions")
                .into_iter()
                .map(|e| e.trim_start_matches('.').to_lowercase())
                .collect();
            c.allowed_extensions = (!extensions.is_empty()).then_some(extensions);
            c.max_file_bytes = match row.decimal("max_file_size")? {
                Some(mb) if mb > Decimal::ZERO => Some(max_file_bytes(mb)),
                _ => None,
            };
        }
        Ok(c)
    }

    /// Settings pim attributes do not have, named so the user knows what changed.
    fn lost_settings(&mut self, row: &Row<'_>, code: &str) {
        let place = format!("{} line {}", row.file_name(), row.line);
        if let Some(locales) = row.opt("available_locales") {
            self.warn(format!(
                "{place}: attribute {code} is limited to locales {locales} in Akeneo; in pim it is available in every locale"
            ));
        }
        let guidelines: Vec<&str> = row
            .file()
            .columns_with_prefix("guidelines-")
            .filter(|(_, column)| !row.get(column).is_empty())
            .map(|(locale, _)| locale)
            .collect();
        if !guidelines.is_empty() {
            self.warn(format!(
                "{place}: guidelines of attribute {code} ({}) not imported: pim attributes have none",
                guidelines.join(", ")
            ));
        }
        if row.opt("default_value").is_some() {
            self.warn(format!(
                "{place}: default value of attribute {code} not imported: pim attributes have none"
            ));
        }
        if row.get("is_read_only") == "1" {
            self.warn(format!(
                "{place}: attribute {code} is read-only in Akeneo; pim has no read-only attributes, use roles to restrict editing"
            ));
        }
    }

    pub(super) fn options(&mut self, file: &FlatFile) -> Result<()> {
        file.require_column("code")?;
        file.require_column("attribute")?;
        self.unknown_columns(file, &["code", "attribute", "sort_order"], &["label-"]);
        let mut seen = HashMap::new();
        let mut left_out: BTreeMap<String, usize> = BTreeMap::new();
        for row in file.rows() {
            let attribute = row.required("attribute")?.to_string();
            let code = code(&row, "code")?;
            if self.skipped_attributes.contains_key(&attribute) {
                *left_out.entry(attribute).or_default() += 1;
                continue;
            }
            if self.attributes_known {
                match self.attribute(&attribute) {
                    None => {
                        return Err(
                            row.error("attribute", format!("unknown attribute {attribute}"))
                        );
                    }
                    Some(a) if !a.kind.has_options() => {
                        return Err(row.error(
                            "attribute",
                            format!(
                                "attribute {attribute} is of type {} and has no options",
                                a.kind.as_str()
                            ),
                        ));
                    }
                    Some(_) => {}
                }
            }
            let key = format!("{attribute}/{code}");
            if let Some(first) = seen.insert(key, row.line) {
                return Err(row.error(
                    "code",
                    format!("option {code} of attribute {attribute} is also on line {first}"),
                ));
            }
            self.options.push(AttributeOption {
                attribute,
                code,
                sort_order: sort_order(&row)?,
                labels: row.labels(),
            });
        }
        for (attribute, count) in left_out {
            self.warn(format!(
                "{}: {count} options of attribute {attribute} not imported: the attribute is not imported",
                file.name
            ));
        }
        Ok(())
    }
}

fn unsupported_type(akeneo_type: &str, reference_data: &str) -> String {
    match akeneo_type {
        "pim_reference_data_simpleselect" | "pim_reference_data_multiselect" => format!(
            "type {akeneo_type} (reference data {reference_data}) has no pim equivalent; a simple or multi select with options can replace it"
        ),
        "pim_catalog_asset_collection" => format!(
            "type {akeneo_type} (asset collection) has no pim equivalent; image and file attributes hold assets"
        ),
        "akeneo_reference_entity" | "akeneo_reference_entity_collection" => {
            format!("type {akeneo_type} (reference entity) has no pim equivalent")
        }
        other => format!("type {other} has no pim equivalent"),
    }
}

/// Akeneo dates are `YYYY-MM-DD`, sometimes with a time after them.
fn date(row: &Row<'_>, column: &str) -> Result<Option<NaiveDate>> {
    let Some(value) = row.opt(column) else {
        return Ok(None);
    };
    value
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(Some)
        .ok_or_else(|| {
            row.error(
                column,
                format!("expected a date like 2024-12-31, found {value:?}"),
            )
        })
}

/// Akeneo's file size limit is in megabytes: whole numbers as Symfony's `M` (10^6 bytes), others
/// as whole kilobytes (`k`, 10^3 bytes) of 1024 per megabyte, as Akeneo's file validator does.
fn max_file_bytes(mb: Decimal) -> u64 {
    let bytes = if mb.fract().is_zero() {
        mb * Decimal::from(1_000_000)
    } else {
        (mb * Decimal::from(1024)).trunc() * Decimal::from(1000)
    };
    u64::try_from(bytes).unwrap_or(u64::MAX).max(1)
}

/// An Akeneo validation pattern is a PHP (PCRE) regex with delimiters and flags, `/^\d+$/i`;
/// pim's patterns are bare. Fails on flags or syntax pim's regex engine lacks.
fn php_regex(raw: &str) -> Result<String, String> {
    let mut chars = raw.chars();
    let open = chars.next().ok_or("the pattern is empty")?;
    if open.is_alphanumeric() || open == '\\' || open.is_whitespace() {
        return Err(format!("{raw:?} has no delimiters"));
    }
    let close = match open {
        '(' => ')',
        '[' => ']',
        '{' => '}',
        '<' => '>',
        c => c,
    };
    let rest = &raw[open.len_utf8()..];
    let end = rest
        .rfind(close)
        .ok_or_else(|| format!("{raw:?} has no closing delimiter {close}"))?;
    let (body, flags) = (&rest[..end], &rest[end + close.len_utf8()..]);
    let mut inline = String::new();
    for flag in flags.chars() {
        match flag {
            'i' | 'm' | 's' | 'x' => inline.push(flag),
            // Unicode is always on; `$` never matches before a final newline.
            'u' | 'D' => {}
            other => return Err(format!("flag {other} of {raw:?} has no equivalent")),
        }
    }
    let pattern = if inline.is_empty() {
        body.to_string()
    } else {
        format!("(?{inline}){body}")
    };
    regex::Regex::new(&pattern)
        .map(|_| pattern)
        .map_err(|e| format!("{raw:?} is not supported: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn php_patterns_lose_their_delimiters() {
        assert_eq!(php_regex("/^[0-9]+$/").unwrap(), "^[0-9]+$");
        assert_eq!(php_regex("([0-9]+)").unwrap(), "[0-9]+");
        assert_eq!(php_regex("#^a/b$#iu").unwrap(), "(?i)^a/b$");
        assert!(php_regex("^abc$").is_err());
        assert!(php_regex("/a/U").is_err());
        assert!(php_regex("/(?<=a)b/").is_err());
    }

    #[test]
    fn file_sizes_follow_akeneo() {
        assert_eq!(max_file_bytes(Decimal::from(10)), 10_000_000);
        assert_eq!(max_file_bytes(Decimal::new(15, 1)), 1_536_000);
    }
}
