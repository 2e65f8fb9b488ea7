//! Attributes: the typed fields products are described with, their groups, options and constraints.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::codes::Labels;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributeType {
    Identifier,
    Text,
    Textarea,
    RichText,
    Number,
    Boolean,
    Date,
    SimpleSelect,
    MultiSelect,
    Metric,
    PriceCollection,
    Image,
    File,
    ProductReferenceList,
}

impl AttributeType {
    pub const ALL: [AttributeType; 14] = [
        AttributeType::Identifier,
        AttributeType::Text,
        AttributeType::Textarea,
        AttributeType::RichText,
        AttributeType::Number,
        AttributeType::Boolean,
        AttributeType::Date,
        AttributeType::SimpleSelect,
        AttributeType::MultiSelect,
        AttributeType::Metric,
        AttributeType::PriceCollection,
        AttributeType::Image,
        AttributeType::File,
        AttributeType::ProductReferenceList,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AttributeType::Identifier => "identifier",
            AttributeType::Text => "text",
            AttributeType::Textarea => "textarea",
            AttributeType::RichText => "rich_text",
            AttributeType::Number => "number",
            AttributeType::Boolean => "boolean",
            AttributeType::Date => "date",
            AttributeType::SimpleSelect => "simple_select",
            AttributeType::MultiSelect => "multi_select",
            AttributeType::Metric => "metric",
            AttributeType::PriceCollection => "price_collection",
            AttributeType::Image => "image",
            AttributeType::File => "file",
            AttributeType::ProductReferenceList => "product_reference_list",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn has_options(self) -> bool {
        matches!(
            self,
            AttributeType::SimpleSelect | AttributeType::MultiSelect
        )
    }

    pub fn is_textual(self) -> bool {
        matches!(
            self,
            AttributeType::Text | AttributeType::Textarea | AttributeType::RichText
        )
    }

    /// Types a family variant may split on.
    pub fn can_be_axis(self) -> bool {
        matches!(
            self,
            AttributeType::SimpleSelect | AttributeType::Boolean | AttributeType::Metric
        )
    }
}

/// A format a text value must follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextValidation {
    /// A GS1 trade item number: GTIN-8, UPC-A, EAN-13 or GTIN-14 with its check digit.
    Gtin,
    /// An absolute http or https address.
    Url,
    Email,
}

impl TextValidation {
    pub fn as_str(self) -> &'static str {
        match self {
            TextValidation::Gtin => "gtin",
            TextValidation::Url => "url",
            TextValidation::Email => "email",
        }
    }
}

/// What an attribute demands of its values beyond its type, checked whenever a value is set;
/// `catalog::constraints` says which fit which type. Unset means unconstrained.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Constraints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Shown instead of the pattern when `regex` does not match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals_allowed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_allowed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<TextValidation>,
    /// False refuses text holding HTML tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html_allowed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_date: Option<NaiveDate>,
    /// File name extensions an asset may have, compared without case and leading dot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_extensions: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_file_bytes: Option<u64>,
    /// Image dimensions in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_height: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribute {
    pub code: String,
    #[serde(rename = "type")]
    pub kind: AttributeType,
    pub group: String,
    #[serde(default)]
    pub sort_order: i32,
    #[serde(default)]
    pub labels: Labels,
    #[serde(default)]
    pub localizable: bool,
    #[serde(default)]
    pub scopable: bool,
    #[serde(default)]
    pub unique: bool,
    /// Measurement family code, for metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_family: Option<String>,
    /// Unit assumed when an import gives an amount alone, for metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_unit: Option<String>,
    #[serde(default)]
    pub constraints: Constraints,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AttributeGroup {
    pub code: String,
    #[serde(default)]
    pub sort_order: i32,
    #[serde(default)]
    pub labels: Labels,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeOption {
    pub attribute: String,
    pub code: String,
    #[serde(default)]
    pub sort_order: i32,
    #[serde(default)]
    pub labels: Labels,
}
