//! GraphQL inputs for structure entities, converted into catalog entities.

use std::collections::BTreeMap;

use async_graphql::InputObject;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::structure_types::{GqlAttributeType, GqlTextValidation};
use crate::catalog::structure::Entity;
use crate::catalog::{self, Labels};
use crate::error::{Error, FieldError};

#[derive(InputObject, Clone)]
pub struct LabelInput {
    pub locale: String,
    pub value: String,
}

fn labels(list: Vec<LabelInput>) -> Labels {
    list.into_iter().map(|l| (l.locale, l.value)).collect()
}

#[derive(InputObject)]
pub struct LocaleInput {
    pub code: String,
    #[graphql(default)]
    pub label: String,
}

#[derive(InputObject)]
pub struct CurrencyInput {
    pub code: String,
    #[graphql(default)]
    pub label: String,
}

#[derive(InputObject)]
pub struct ChannelInput {
    pub code: String,
    #[graphql(default)]
    pub labels: Vec<LabelInput>,
    pub locales: Vec<String>,
    pub currencies: Vec<String>,
    /// Code of the root category whose tree the channel publishes.
    pub category_tree: String,
}

#[derive(InputObject)]
pub struct CategoryInput {
    pub code: String,
    /// None for a tree root.
    pub parent: Option<String>,
    #[graphql(default)]
    pub sort_order: i32,
    #[graphql(default)]
    pub labels: Vec<LabelInput>,
}

#[derive(InputObject)]
pub struct AttributeGroupInput {
    pub code: String,
    #[graphql(default)]
    pub sort_order: i32,
    #[graphql(default)]
    pub labels: Vec<LabelInput>,
}

#[derive(InputObject, Default)]
pub struct ConstraintsInput {
    pub max_length: Option<u32>,
    pub regex: Option<String>,
    pub regex_message: Option<String>,
    /// Decimal as a string.
    pub min: Option<String>,
    /// Decimal as a string.
    pub max: Option<String>,
    pub decimals_allowed: Option<bool>,
    pub negative_allowed: Option<bool>,
    /// Text attributes (GTIN also identifier): a format values must follow.
    pub validation: Option<GqlTextValidation>,
    /// Text, textarea and rich text: false refuses values holding HTML tags.
    pub html_allowed: Option<bool>,
    /// Date attributes: the earliest allowed date, YYYY-MM-DD.
    pub min_date: Option<String>,
    /// Date attributes: the latest allowed date, YYYY-MM-DD.
    pub max_date: Option<String>,
    /// Image and file attributes: file name extensions allowed, like `pdf` (case ignored).
    pub allowed_extensions: Option<Vec<String>>,
    /// Image and file attributes: the largest file allowed, in bytes.
    pub max_file_bytes: Option<u64>,
    /// Image attributes: dimensions in pixels.
    pub min_width: Option<u32>,
    pub max_width: Option<u32>,
    pub min_height: Option<u32>,
    pub max_height: Option<u32>,
}

#[derive(InputObject)]
pub struct AttributeInput {
    pub code: String,
    #[graphql(name = "type")]
    pub kind: GqlAttributeType,
    pub group: String,
    #[graphql(default)]
    pub sort_order: i32,
    #[graphql(default)]
    pub labels: Vec<LabelInput>,
    #[graphql(default)]
    pub localizable: bool,
    #[graphql(default)]
    pub scopable: bool,
    #[graphql(default)]
    pub unique: bool,
    pub metric_family: Option<String>,
    pub default_unit: Option<String>,
    pub constraints: Option<ConstraintsInput>,
}

#[derive(InputObject)]
pub struct AttributeOptionInput {
    pub attribute: String,
    pub code: String,
    #[graphql(default)]
    pub sort_order: i32,
    #[graphql(default)]
    pub labels: Vec<LabelInput>,
}

#[derive(InputObject)]
pub struct AssociationTypeInput {
    pub code: String,
    #[graphql(default)]
    pub labels: Vec<LabelInput>,
}

#[derive(InputObject)]
pub struct RequirementInput {
    pub channel: String,
    pub attributes: Vec<String>,
}

#[derive(InputObject)]
pub struct FamilyInput {
    pub code: String,
    #[graphql(default)]
    pub labels: Vec<LabelInput>,
    pub attributes: Vec<String>,
    pub label_attribute: Option<String>,
    pub image_attribute: Option<String>,
    #[graphql(default)]
    pub requirements: Vec<RequirementInput>,
}

#[derive(InputObject)]
pub struct VariantLevelInput {
    pub axes: Vec<String>,
    pub attributes: Vec<String>,
}

#[derive(InputObject)]
pub struct FamilyVariantInput {
    pub code: String,
    pub family: String,
    #[graphql(default)]
    pub labels: Vec<LabelInput>,
    pub levels: Vec<VariantLevelInput>,
}

fn decimal(field: &str, v: Option<String>) -> Result<Option<Decimal>, Error> {
    v.map(|s| {
        s.trim()
            .parse::<Decimal>()
            .map_err(|_| Error::field(FieldError::invalid(field, format!("{s:?} is not a number"))))
    })
    .transpose()
}

fn date(field: &str, v: Option<String>) -> Result<Option<NaiveDate>, Error> {
    v.map(|s| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
            Error::field(FieldError::invalid(
                field,
                format!("{s:?} is not a date in the form YYYY-MM-DD"),
            ))
        })
    })
    .transpose()
}

impl From<LocaleInput> for Entity {
    fn from(i: LocaleInput) -> Self {
        Entity::Locale(catalog::Locale {
            code: i.code,
            label: i.label,
        })
    }
}

impl From<CurrencyInput> for Entity {
    fn from(i: CurrencyInput) -> Self {
        Entity::Currency(catalog::Currency {
            code: i.code,
            label: i.label,
        })
    }
}

impl From<ChannelInput> for Entity {
    fn from(i: ChannelInput) -> Self {
        Entity::Channel(catalog::Channel {
            code: i.code,
            labels: labels(i.labels),
            locales: i.locales,
            currencies: i.currencies,
            category_tree: i.category_tree,
        })
    }
}

impl From<CategoryInput> for Entity {
    fn from(i: CategoryInput) -> Self {
        Entity::Category(catalog::Category {
            code: i.code,
            parent: i.parent,
            sort_order: i.sort_order,
            labels: labels(i.labels),
        })
    }
}

impl From<AttributeGroupInput> for Entity {
    fn from(i: AttributeGroupInput) -> Self {
        Entity::AttributeGroup(catalog::AttributeGroup {
            code: i.code,
            sort_order: i.sort_order,
            labels: labels(i.labels),
        })
    }
}

impl TryFrom<AttributeInput> for Entity {
    type Error = Error;

    fn try_from(i: AttributeInput) -> Result<Self, Error> {
        let c = i.constraints.unwrap_or_default();
        Ok(Entity::Attribute(catalog::Attribute {
            code: i.code,
            kind: i.kind.into(),
            group: i.group,
            sort_order: i.sort_order,
            labels: labels(i.labels),
            localizable: i.localizable,
            scopable: i.scopable,
            unique: i.unique,
            metric_family: i.metric_family,
            default_unit: i.default_unit,
            constraints: catalog::Constraints {
                max_length: c.max_length,
                regex: c.regex,
                regex_message: c.regex_message,
                min: decimal("constraints.min", c.min)?,
                max: decimal("constraints.max", c.max)?,
                decimals_allowed: c.decimals_allowed,
                negative_allowed: c.negative_allowed,
                validation: c.validation.map(Into::into),
                html_allowed: c.html_allowed,
                min_date: date("constraints.min_date", c.min_date)?,
                max_date: date("constraints.max_date", c.max_date)?,
                allowed_extensions: c.allowed_extensions,
                max_file_bytes: c.max_file_bytes,
                min_width: c.min_width,
                max_width: c.max_width,
                min_height: c.min_height,
                max_height: c.max_height,
            },
        }))
    }
}

impl From<AttributeOptionInput> for Entity {
    fn from(i: AttributeOptionInput) -> Self {
        Entity::AttributeOption(catalog::AttributeOption {
            attribute: i.attribute,
            code: i.code,
            sort_order: i.sort_order,
            labels: labels(i.labels),
        })
    }
}

impl From<AssociationTypeInput> for Entity {
    fn from(i: AssociationTypeInput) -> Self {
        Entity::AssociationType(catalog::AssociationType {
            code: i.code,
            labels: labels(i.labels),
        })
    }
}

impl From<FamilyInput> for Entity {
    fn from(i: FamilyInput) -> Self {
        Entity::Family(catalog::Family {
            code: i.code,
            labels: labels(i.labels),
            attributes: i.attributes,
            label_attribute: i.label_attribute,
            image_attribute: i.image_attribute,
            requirements: i
                .requirements
                .into_iter()
                .map(|r| (r.channel, r.attributes))
                .collect::<BTreeMap<_, _>>(),
        })
    }
}

impl From<FamilyVariantInput> for Entity {
    fn from(i: FamilyVariantInput) -> Self {
        Entity::FamilyVariant(catalog::FamilyVariant {
            code: i.code,
            family: i.family,
            labels: labels(i.labels),
            levels: i
                .levels
                .into_iter()
                .map(|l| catalog::VariantLevel {
                    axes: l.axes,
                    attributes: l.attributes,
                })
                .collect(),
        })
    }
}
