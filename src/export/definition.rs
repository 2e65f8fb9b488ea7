//! Channel definitions: what one export channel takes from the catalog and how it shapes it. One
//! JSON file per channel in `channels/` (format: `schema/channel.schema.json`); edits made
//! through GraphQL are stored in the database and override the file of the same code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog::{AttributeType, Structure, measure};
use crate::error::FieldError;

/// The output formats; each built-in renderer matches its channel's published format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Google Merchant Center RSS 2.0 with the `g:` namespace.
    GoogleXml,
    /// Google Merchant Center tab-separated values.
    GoogleTsv,
    /// Meta (Facebook, Instagram) catalog CSV.
    MetaCsv,
    /// Shopify product CSV: variants as rows under one Handle.
    ShopifyCsv,
    /// WooCommerce product CSV: variable and variation rows.
    WoocommerceCsv,
    /// Amazon Selling Partner `JSON_LISTINGS_FEED`.
    AmazonJson,
    /// Allegro offers as its REST API takes them, one JSON document per line.
    AllegroJson,
    /// Ozon Seller API `v3/product/import` items.
    OzonJson,
    /// Wildberries content API cards.
    WildberriesJson,
    /// Comma-separated values with the channel's fields as columns.
    Csv,
    /// One JSON array of items.
    Json,
    /// One JSON object per line.
    Ndjson,
}

impl Format {
    pub const ALL: [Format; 12] = [
        Format::GoogleXml,
        Format::GoogleTsv,
        Format::MetaCsv,
        Format::ShopifyCsv,
        Format::WoocommerceCsv,
        Format::AmazonJson,
        Format::AllegroJson,
        Format::OzonJson,
        Format::WildberriesJson,
        Format::Csv,
        Format::Json,
        Format::Ndjson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::GoogleXml => "google_xml",
            Format::GoogleTsv => "google_tsv",
            Format::MetaCsv => "meta_csv",
            Format::ShopifyCsv => "shopify_csv",
            Format::WoocommerceCsv => "woocommerce_csv",
            Format::AmazonJson => "amazon_json",
            Format::AllegroJson => "allegro_json",
            Format::OzonJson => "ozon_json",
            Format::WildberriesJson => "wildberries_json",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The file extension a feed of this format is served under.
    pub fn extension(self) -> &'static str {
        match self {
            Format::GoogleXml => "xml",
            Format::GoogleTsv => "tsv",
            Format::MetaCsv | Format::ShopifyCsv | Format::WoocommerceCsv | Format::Csv => "csv",
            Format::AmazonJson | Format::OzonJson | Format::WildberriesJson | Format::Json => {
                "json"
            }
            Format::AllegroJson | Format::Ndjson => "ndjson",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self.extension() {
            "xml" => "application/xml; charset=utf-8",
            "tsv" => "text/tab-separated-values; charset=utf-8",
            "csv" => "text/csv; charset=utf-8",
            "ndjson" => "application/x-ndjson",
            _ => "application/json",
        }
    }

    /// The format serving an extension in place of the channel's own (`/feeds/google.tsv`).
    pub fn for_extension(own: Format, extension: &str) -> Option<Format> {
        if own.extension() == extension {
            return Some(own);
        }
        match (own, extension) {
            (Format::GoogleXml, "tsv") => Some(Format::GoogleTsv),
            (Format::GoogleTsv, "xml") => Some(Format::GoogleXml),
            (_, "csv") => Some(Format::Csv),
            (_, "json") => Some(Format::Json),
            (_, "ndjson") => Some(Format::Ndjson),
            _ => None,
        }
    }
}

/// Which products a channel publishes; every given condition narrows the selection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Selection {
    /// Products in these categories or below them (a variant through its models too).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub families: Vec<String>,
    /// Only enabled (true) or only disabled (false) products; unset: both.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Least completeness, in percent, in the channel's scope and locale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_completeness: Option<u8>,
}

/// Where a field's raw value comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Source {
    /// An attribute's value in the channel's scope and locale (inherited from models).
    Attribute(String),
    /// A product property: `sku`, `family`, `enabled`, `categories`, `parent` (the model the
    /// product hangs under), `group` (its root model, the variant group).
    Property(String),
    /// Text with `{attribute}` placeholders, each rendered as display text (option labels in
    /// the channel's locale, metrics with their unit symbol) and `{sku}` for the SKU.
    Template(String),
    /// A constant.
    Value(Value),
}

/// How a price is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceStyle {
    /// `15.00 USD`
    #[default]
    AmountCurrency,
    /// `15.00`
    Amount,
    /// `{"amount": "15.00", "currency": "USD"}`
    Object,
}

/// One step applied to a field's value, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Transform {
    /// HTML to its visible text, whitespace collapsed.
    StripHtml,
    /// At most `max` characters, cut at the last word boundary (with `ellipsis` appended).
    Truncate {
        max: usize,
        #[serde(default)]
        ellipsis: Option<String>,
    },
    /// A value used when there is none.
    Default { value: Value },
    /// An option code replaced by its label in the channel's locale (lists: each one).
    OptionLabel,
    /// A metric converted to `unit`, written as a number with at most `decimals` decimals.
    Unit {
        unit: String,
        #[serde(default)]
        decimals: Option<u32>,
        /// Append the unit symbol (`1.5 kg`).
        #[serde(default)]
        with_symbol: bool,
    },
    /// The price in the channel's currency with exactly `decimals` decimals.
    Price {
        #[serde(default = "two")]
        decimals: u32,
        #[serde(default)]
        style: PriceStyle,
    },
    /// Our category codes to a channel's taxonomy (e.g. Google product category ids): the
    /// product's first category (nearest mapped ancestor) found in `table`.
    CategoryMap {
        table: BTreeMap<String, Value>,
        #[serde(default)]
        default: Option<Value>,
    },
    /// Category codes to the path of their labels in the channel's locale (`A > B > C`).
    CategoryPath,
    /// Values looked up in a table (`true` → `in stock`); booleans and numbers by their text.
    Map {
        table: BTreeMap<String, Value>,
        #[serde(default)]
        default: Option<Value>,
    },
    /// A list joined into text.
    Join {
        #[serde(default = "comma")]
        separator: String,
    },
    /// A number written with exactly `decimals` decimals.
    Number { decimals: u32 },
    /// An asset hash to an absolute URL: `prefix` followed by the hash.
    Url { prefix: String },
}

fn two() -> u32 {
    2
}

fn comma() -> String {
    ", ".into()
}

/// One output field: its name in the channel's format, its source, transforms and rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub name: String,
    pub source: Source,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transforms: Vec<Transform>,
    /// A product without a value here is rejected.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// A longer value (in characters) rejects the product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// The value must be a valid GTIN outside the restricted and coupon ranges.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gtin: bool,
    /// The value must match this pattern (e.g. a price format).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// The value must be one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<String>,
}

/// Smallest image a channel accepts; products whose image is smaller are rejected.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Images {
    /// The image attribute checked (default: the family's image attribute).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    pub min_width: u32,
    pub min_height: u32,
    /// The rendition the channel is sent (see `pim export --images` and the feed's images).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rendition: Option<super::rendition::Rendition>,
}

/// Scheduled delivery of full exports to a directory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Delivery {
    /// Directory written to (`<code>.<ext>`, replaced atomically).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory: Option<String>,
    /// Minutes between runs; unset: never scheduled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every_minutes: Option<u32>,
}

/// A channel's definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelDefinition {
    pub code: String,
    #[serde(default)]
    pub label: String,
    pub format: Format,
    /// The catalog channel whose scoped values, requirements and quality rules apply.
    pub scope: String,
    pub locale: String,
    pub currency: String,
    #[serde(default)]
    pub selection: Selection,
    pub fields: Vec<Field>,
    /// Whether products with quality-rule errors in `scope` are rejected (default true).
    #[serde(default = "yes")]
    pub quality_rules: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Images>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
    /// Feed title and link for formats with a header (Google RSS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Settings of the format: Amazon's `seller_id` and `marketplace_id`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, Value>,
}

fn yes() -> bool {
    true
}

impl ChannelDefinition {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Checks the definition against itself, its format and the catalog structure; every
    /// problem is named with its path in the definition.
    pub fn check(&self, structure: &Structure) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Err(e) = crate::catalog::codes::check_code("code", &self.code) {
            errors.push(e);
        }
        match structure.channels.get(&self.scope) {
            None => errors.push(FieldError::not_found(
                "scope",
                format!("unknown catalog channel {:?}", self.scope),
            )),
            Some(channel) => {
                if !channel.locales.contains(&self.locale) {
                    errors.push(FieldError::invalid(
                        "locale",
                        format!(
                            "catalog channel {} has no locale {}",
                            channel.code, self.locale
                        ),
                    ));
                }
                if !channel.currencies.contains(&self.currency) {
                    errors.push(FieldError::invalid(
                        "currency",
                        format!(
                            "catalog channel {} has no currency {}",
                            channel.code, self.currency
                        ),
                    ));
                }
            }
        }
        for (i, c) in self.selection.categories.iter().enumerate() {
            if !structure.categories.contains_key(c) {
                errors.push(FieldError::not_found(
                    format!("selection.categories.{i}"),
                    format!("unknown category {c:?}"),
                ));
            }
        }
        for (i, f) in self.selection.families.iter().enumerate() {
            if !structure.families.contains_key(f) {
                errors.push(FieldError::not_found(
                    format!("selection.families.{i}"),
                    format!("unknown family {f:?}"),
                ));
            }
        }
        if self.selection.min_completeness.is_some_and(|m| m > 100) {
            errors.push(FieldError::invalid(
                "selection.min_completeness",
                "completeness is a percentage from 0 to 100",
            ));
        }
        if self.fields.is_empty() {
            errors.push(FieldError::invalid("fields", "a channel needs fields"));
        }
        let allowed_names = super::render::fixed_columns(self.format);
        for (i, field) in self.fields.iter().enumerate() {
            let path = format!("fields.{i}");
            if self.fields[..i].iter().any(|f| f.name == field.name) {
                errors.push(FieldError::invalid(
                    format!("{path}.name"),
                    format!("field {} is mapped twice", field.name),
                ));
            }
            if let Some(columns) = allowed_names
                && !columns.contains(&field.name.as_str())
            {
                errors.push(FieldError::invalid(
                    format!("{path}.name"),
                    format!(
                        "{} is not a column of the {} format",
                        field.name,
                        self.format.as_str()
                    ),
                ));
            }
            check_source(structure, &field.source, &path, &mut errors);
            for (j, t) in field.transforms.iter().enumerate() {
                check_transform(
                    structure,
                    field,
                    t,
                    &format!("{path}.transforms.{j}"),
                    &mut errors,
                );
            }
            if let Some(p) = &field.pattern
                && regex::Regex::new(p).is_err()
            {
                errors.push(FieldError::invalid(
                    format!("{path}.pattern"),
                    format!("{p:?} is not a valid regular expression"),
                ));
            }
        }
        if let Some(problem) = self
            .images
            .as_ref()
            .and_then(|i| i.rendition.as_ref())
            .and_then(|r| r.check())
        {
            errors.push(FieldError::invalid("images.rendition", problem));
        }
        if let Some(images) = &self.images
            && let Some(a) = &images.attribute
            && structure
                .attribute(a)
                .is_none_or(|a| a.kind != AttributeType::Image)
        {
            errors.push(FieldError::invalid(
                "images.attribute",
                format!("{a} is not an image attribute"),
            ));
        }
        errors
    }
}

const PROPERTIES: [&str; 7] = [
    "sku",
    "family",
    "enabled",
    "categories",
    "parent",
    "group",
    "values",
];

fn check_source(structure: &Structure, source: &Source, path: &str, errors: &mut Vec<FieldError>) {
    match source {
        Source::Attribute(a) if structure.attribute(a).is_none() => {
            errors.push(FieldError::not_found(
                format!("{path}.source.attribute"),
                format!("unknown attribute {a:?}"),
            ))
        }
        Source::Property(p) if !PROPERTIES.contains(&p.as_str()) => {
            errors.push(FieldError::invalid(
                format!("{path}.source.property"),
                format!("unknown property {p:?}; one of {}", PROPERTIES.join(", ")),
            ))
        }
        Source::Template(t) => {
            for name in super::transform::placeholders(t) {
                if name != "sku" && structure.attribute(name).is_none() {
                    errors.push(FieldError::not_found(
                        format!("{path}.source.template"),
                        format!("unknown attribute {name:?} in the template"),
                    ));
                }
            }
        }
        _ => {}
    }
}

fn check_transform(
    structure: &Structure,
    field: &Field,
    t: &Transform,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    match t {
        Transform::Truncate { max: 0, .. } => errors.push(FieldError::invalid(
            format!("{path}.max"),
            "truncate needs a maximum above 0",
        )),
        Transform::Unit { unit, .. } => {
            let family = match &field.source {
                Source::Attribute(a) => structure
                    .attribute(a)
                    .and_then(|a| a.metric_family.as_deref())
                    .and_then(measure::family),
                _ => None,
            };
            match family {
                None => errors.push(FieldError::invalid(
                    path.to_string(),
                    "a unit conversion needs a metric attribute as source",
                )),
                Some(f) if f.unit(unit).is_none() => errors.push(FieldError::invalid(
                    format!("{path}.unit"),
                    format!("measurement family {} has no unit {unit}", f.code),
                )),
                Some(_) => {}
            }
        }
        Transform::Price { decimals, .. } if *decimals > 6 => errors.push(FieldError::invalid(
            format!("{path}.decimals"),
            "a price has at most 6 decimals",
        )),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `schema/channel.schema.json` names every format and transform the code takes.
    #[test]
    fn json_schema_has_not_drifted() {
        let schema: Value =
            serde_json::from_str(&std::fs::read_to_string("schema/channel.schema.json").unwrap())
                .unwrap();
        let formats: Vec<&str> = schema["properties"]["format"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let ours: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
        assert_eq!(formats, ours, "update schema/channel.schema.json");
        for t in schema["$defs"]["transform"]["oneOf"].as_array().unwrap() {
            let kind = t["properties"]["type"]["const"].as_str().unwrap();
            let mut example = serde_json::Map::new();
            for required in t["required"].as_array().unwrap() {
                let key = required.as_str().unwrap();
                let v = match key {
                    "type" => Value::String(kind.into()),
                    "max" | "decimals" => Value::from(2),
                    "table" => serde_json::json!({}),
                    _ => Value::String("x".into()),
                };
                example.insert(key.into(), v);
            }
            serde_json::from_value::<Transform>(Value::Object(example))
                .unwrap_or_else(|e| panic!("transform {kind} of the schema: {e}"));
        }
        let keys: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
        for (name, text) in super::super::service::built_in() {
            let def: Value = serde_json::from_str(text).unwrap();
            for key in def.as_object().unwrap().keys() {
                assert!(keys.contains(&key), "{name}: {key} is not in the schema");
            }
        }
    }
}
