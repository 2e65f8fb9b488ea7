//! GraphQL views of the catalog structure. Each holds the structure snapshot it was read from, so
//! following references (a channel's tree, a family's attributes) costs no query.

use std::sync::Arc;

use async_graphql::{Enum, Object, SimpleObject};

use crate::catalog::measure;
use crate::catalog::{self, AttributeType, Labels, Structure, TextValidation};

#[derive(SimpleObject, Clone)]
pub struct Label {
    pub locale: String,
    pub value: String,
}

pub fn labels(labels: &Labels) -> Vec<Label> {
    labels
        .iter()
        .map(|(locale, value)| Label {
            locale: locale.clone(),
            value: value.clone(),
        })
        .collect()
}

/// The label in `locale`, else in English, else any; a code in brackets when there is none.
pub fn pick(labels: &Labels, code: &str, locale: Option<&str>) -> String {
    locale
        .and_then(|l| labels.get(l))
        .or_else(|| labels.get("en_US"))
        .or_else(|| labels.values().next())
        .cloned()
        .unwrap_or_else(|| format!("[{code}]"))
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "AttributeType", rename_items = "SCREAMING_SNAKE_CASE")]
pub enum GqlAttributeType {
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

impl From<AttributeType> for GqlAttributeType {
    fn from(t: AttributeType) -> Self {
        match t {
            AttributeType::Identifier => Self::Identifier,
            AttributeType::Text => Self::Text,
            AttributeType::Textarea => Self::Textarea,
            AttributeType::RichText => Self::RichText,
            AttributeType::Number => Self::Number,
            AttributeType::Boolean => Self::Boolean,
            AttributeType::Date => Self::Date,
            AttributeType::SimpleSelect => Self::SimpleSelect,
            AttributeType::MultiSelect => Self::MultiSelect,
            AttributeType::Metric => Self::Metric,
            AttributeType::PriceCollection => Self::PriceCollection,
            AttributeType::Image => Self::Image,
            AttributeType::File => Self::File,
            AttributeType::ProductReferenceList => Self::ProductReferenceList,
        }
    }
}

impl From<GqlAttributeType> for AttributeType {
    fn from(t: GqlAttributeType) -> Self {
        match t {
            GqlAttributeType::Identifier => Self::Identifier,
            GqlAttributeType::Text => Self::Text,
            GqlAttributeType::Textarea => Self::Textarea,
            GqlAttributeType::RichText => Self::RichText,
            GqlAttributeType::Number => Self::Number,
            GqlAttributeType::Boolean => Self::Boolean,
            GqlAttributeType::Date => Self::Date,
            GqlAttributeType::SimpleSelect => Self::SimpleSelect,
            GqlAttributeType::MultiSelect => Self::MultiSelect,
            GqlAttributeType::Metric => Self::Metric,
            GqlAttributeType::PriceCollection => Self::PriceCollection,
            GqlAttributeType::Image => Self::Image,
            GqlAttributeType::File => Self::File,
            GqlAttributeType::ProductReferenceList => Self::ProductReferenceList,
        }
    }
}

/// A format a text attribute's values must follow.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "TextValidation", rename_items = "SCREAMING_SNAKE_CASE")]
pub enum GqlTextValidation {
    /// GTIN-8, UPC-A, EAN-13 or GTIN-14 with a correct GS1 check digit.
    Gtin,
    /// An absolute http or https address with a host.
    Url,
    Email,
}

impl From<TextValidation> for GqlTextValidation {
    fn from(v: TextValidation) -> Self {
        match v {
            TextValidation::Gtin => Self::Gtin,
            TextValidation::Url => Self::Url,
            TextValidation::Email => Self::Email,
        }
    }
}

impl From<GqlTextValidation> for TextValidation {
    fn from(v: GqlTextValidation) -> Self {
        match v {
            GqlTextValidation::Gtin => Self::Gtin,
            GqlTextValidation::Url => Self::Url,
            GqlTextValidation::Email => Self::Email,
        }
    }
}

/// A structure entity together with the snapshot it belongs to.
pub struct In<T> {
    pub s: Arc<Structure>,
    pub e: T,
}

impl<T> In<T> {
    pub fn new(s: &Arc<Structure>, e: T) -> Self {
        In { s: s.clone(), e }
    }
}

pub type LocaleObj = In<catalog::Locale>;
pub type CurrencyObj = In<catalog::Currency>;
pub type ChannelObj = In<catalog::Channel>;
pub type CategoryObj = In<catalog::Category>;
pub type AttributeGroupObj = In<catalog::AttributeGroup>;
pub type AttributeObj = In<catalog::Attribute>;
pub type OptionObj = In<catalog::AttributeOption>;
pub type AssociationTypeObj = In<catalog::AssociationType>;
pub type FamilyObj = In<catalog::Family>;
pub type FamilyVariantObj = In<catalog::FamilyVariant>;

#[Object(name = "Locale")]
impl LocaleObj {
    async fn code(&self) -> &str {
        &self.e.code
    }
    async fn label(&self) -> &str {
        &self.e.label
    }
}

#[Object(name = "Currency")]
impl CurrencyObj {
    async fn code(&self) -> &str {
        &self.e.code
    }
    async fn label(&self) -> &str {
        &self.e.label
    }
}

#[Object(name = "Channel")]
impl ChannelObj {
    async fn code(&self) -> &str {
        &self.e.code
    }
    async fn labels(&self) -> Vec<Label> {
        labels(&self.e.labels)
    }
    async fn label(&self, locale: Option<String>) -> String {
        pick(&self.e.labels, &self.e.code, locale.as_deref())
    }
    async fn locales(&self) -> Vec<LocaleObj> {
        self.e
            .locales
            .iter()
            .filter_map(|l| self.s.locales.get(l))
            .map(|l| In::new(&self.s, l.clone()))
            .collect()
    }
    async fn currencies(&self) -> Vec<CurrencyObj> {
        self.e
            .currencies
            .iter()
            .filter_map(|c| self.s.currencies.get(c))
            .map(|c| In::new(&self.s, c.clone()))
            .collect()
    }
    async fn category_tree(&self) -> Option<CategoryObj> {
        self.s
            .categories
            .get(&self.e.category_tree)
            .map(|c| In::new(&self.s, c.clone()))
    }
}

#[Object(name = "Category")]
impl CategoryObj {
    async fn code(&self) -> &str {
        &self.e.code
    }
    async fn labels(&self) -> Vec<Label> {
        labels(&self.e.labels)
    }
    async fn label(&self, locale: Option<String>) -> String {
        pick(&self.e.labels, &self.e.code, locale.as_deref())
    }
    async fn sort_order(&self) -> i32 {
        self.e.sort_order
    }
    async fn parent(&self) -> Option<CategoryObj> {
        let parent = self.e.parent.as_ref()?;
        self.s
            .categories
            .get(parent)
            .map(|c| In::new(&self.s, c.clone()))
    }
    async fn children(&self) -> Vec<CategoryObj> {
        let mut children: Vec<&catalog::Category> = self
            .s
            .children(&self.e.code)
            .iter()
            .filter_map(|c| self.s.categories.get(c))
            .collect();
        children.sort_by(|a, b| (a.sort_order, &a.code).cmp(&(b.sort_order, &b.code)));
        children
            .into_iter()
            .map(|c| In::new(&self.s, c.clone()))
            .collect()
    }
    /// Codes from the root of the tree down to this category.
    async fn path(&self) -> Vec<String> {
        self.s.category_path(&self.e.code)
    }
}

#[Object(name = "AttributeGroup")]
impl AttributeGroupObj {
    async fn code(&self) -> &str {
        &self.e.code
    }
    async fn sort_order(&self) -> i32 {
        self.e.sort_order
    }
    async fn labels(&self) -> Vec<Label> {
        labels(&self.e.labels)
    }
    async fn label(&self, locale: Option<String>) -> String {
        pick(&self.e.labels, &self.e.code, locale.as_deref())
    }
    async fn attributes(&self) -> Vec<AttributeObj> {
        let mut list: Vec<&catalog::Attribute> = self
            .s
            .attributes
            .values()
            .filter(|a| a.group == self.e.code)
            .collect();
        list.sort_by_key(|a| (a.sort_order, a.code.clone()));
        list.into_iter()
            .map(|a| In::new(&self.s, a.clone()))
            .collect()
    }
}

/// What an attribute demands of its values beyond its type; unset means unconstrained. See
/// docs/values.md for which constraint fits which attribute type.
#[derive(SimpleObject)]
pub struct ConstraintsObj {
    max_length: Option<u32>,
    regex: Option<String>,
    regex_message: Option<String>,
    min: Option<String>,
    max: Option<String>,
    decimals_allowed: Option<bool>,
    negative_allowed: Option<bool>,
    validation: Option<GqlTextValidation>,
    html_allowed: Option<bool>,
    /// YYYY-MM-DD.
    min_date: Option<String>,
    /// YYYY-MM-DD.
    max_date: Option<String>,
    allowed_extensions: Option<Vec<String>>,
    max_file_bytes: Option<u64>,
    min_width: Option<u32>,
    max_width: Option<u32>,
    min_height: Option<u32>,
    max_height: Option<u32>,
}

#[Object(name = "Attribute")]
impl AttributeObj {
    async fn code(&self) -> &str {
        &self.e.code
    }
    #[graphql(name = "type")]
    async fn kind(&self) -> GqlAttributeType {
        self.e.kind.into()
    }
    async fn group(&self) -> Option<AttributeGroupObj> {
        self.s
            .attribute_groups
            .get(&self.e.group)
            .map(|g| In::new(&self.s, g.clone()))
    }
    async fn sort_order(&self) -> i32 {
        self.e.sort_order
    }
    async fn labels(&self) -> Vec<Label> {
        labels(&self.e.labels)
    }
    async fn label(&self, locale: Option<String>) -> String {
        pick(&self.e.labels, &self.e.code, locale.as_deref())
    }
    async fn localizable(&self) -> bool {
        self.e.localizable
    }
    async fn scopable(&self) -> bool {
        self.e.scopable
    }
    async fn unique(&self) -> bool {
        self.e.unique
    }
    async fn metric_family(&self) -> Option<MeasurementFamilyObj> {
        self.e
            .metric_family
            .as_deref()
            .and_then(measure::family)
            .map(MeasurementFamilyObj)
    }
    async fn default_unit(&self) -> Option<&str> {
        self.e.default_unit.as_deref()
    }
    async fn constraints(&self) -> ConstraintsObj {
        let c = &self.e.constraints;
        ConstraintsObj {
            max_length: c.max_length,
            regex: c.regex.clone(),
            regex_message: c.regex_message.clone(),
            min: c.min.map(|d| d.normalize().to_string()),
            max: c.max.map(|d| d.normalize().to_string()),
            decimals_allowed: c.decimals_allowed,
            negative_allowed: c.negative_allowed,
            validation: c.validation.map(Into::into),
            html_allowed: c.html_allowed,
            min_date: c.min_date.map(|d| d.to_string()),
            max_date: c.max_date.map(|d| d.to_string()),
            allowed_extensions: c.allowed_extensions.clone(),
            max_file_bytes: c.max_file_bytes,
            min_width: c.min_width,
            max_width: c.max_width,
            min_height: c.min_height,
            max_height: c.max_height,
        }
    }
    /// Options of a select attribute, in sort order.
    async fn options(&self) -> Vec<OptionObj> {
        let mut list: Vec<&catalog::AttributeOption> = self
            .s
            .options
            .get(&self.e.code)
            .map(|o| o.values().collect())
            .unwrap_or_default();
        list.sort_by_key(|o| (o.sort_order, o.code.clone()));
        list.into_iter()
            .map(|o| In::new(&self.s, o.clone()))
            .collect()
    }
}

#[Object(name = "AttributeOption")]
impl OptionObj {
    async fn attribute(&self) -> &str {
        &self.e.attribute
    }
    async fn code(&self) -> &str {
        &self.e.code
    }
    async fn sort_order(&self) -> i32 {
        self.e.sort_order
    }
    async fn labels(&self) -> Vec<Label> {
        labels(&self.e.labels)
    }
    async fn label(&self, locale: Option<String>) -> String {
        pick(&self.e.labels, &self.e.code, locale.as_deref())
    }
}

#[Object(name = "AssociationType")]
impl AssociationTypeObj {
    async fn code(&self) -> &str {
        &self.e.code
    }
    async fn labels(&self) -> Vec<Label> {
        labels(&self.e.labels)
    }
    async fn label(&self, locale: Option<String>) -> String {
        pick(&self.e.labels, &self.e.code, locale.as_deref())
    }
}

pub struct RequirementObj {
    s: Arc<Structure>,
    channel: String,
    attributes: Vec<String>,
}

#[Object(name = "ChannelRequirement")]
impl RequirementObj {
    async fn channel(&self) -> &str {
        &self.channel
    }
    async fn attributes(&self) -> Vec<AttributeObj> {
        attribute_list(&self.s, &self.attributes)
    }
}

fn attribute_list(s: &Arc<Structure>, codes: &[String]) -> Vec<AttributeObj> {
    codes
        .iter()
        .filter_map(|c| s.attributes.get(c))
        .map(|a| In::new(s, a.clone()))
        .collect()
}

#[Object(name = "Family")]
impl FamilyObj {
    async fn code(&self) -> &str {
        &self.e.code
    }
    async fn labels(&self) -> Vec<Label> {
        labels(&self.e.labels)
    }
    async fn label(&self, locale: Option<String>) -> String {
        pick(&self.e.labels, &self.e.code, locale.as_deref())
    }
    async fn attributes(&self) -> Vec<AttributeObj> {
        attribute_list(&self.s, &self.e.attributes)
    }
    async fn label_attribute(&self) -> Option<&str> {
        self.e.label_attribute.as_deref()
    }
    async fn image_attribute(&self) -> Option<&str> {
        self.e.image_attribute.as_deref()
    }
    /// Attributes required for completeness, per channel.
    async fn requirements(&self) -> Vec<RequirementObj> {
        self.e
            .requirements
            .iter()
            .map(|(channel, attributes)| RequirementObj {
                s: self.s.clone(),
                channel: channel.clone(),
                attributes: attributes.clone(),
            })
            .collect()
    }
    async fn variants(&self) -> Vec<FamilyVariantObj> {
        self.s
            .family_variants
            .values()
            .filter(|v| v.family == self.e.code)
            .map(|v| In::new(&self.s, v.clone()))
            .collect()
    }
}

pub struct LevelObj {
    s: Arc<Structure>,
    level: catalog::VariantLevel,
    number: i32,
}

#[Object(name = "VariantLevel")]
impl LevelObj {
    /// 1 for the first level below the root model.
    async fn level(&self) -> i32 {
        self.number
    }
    async fn axes(&self) -> Vec<AttributeObj> {
        attribute_list(&self.s, &self.level.axes)
    }
    async fn attributes(&self) -> Vec<AttributeObj> {
        attribute_list(&self.s, &self.level.attributes)
    }
}

#[Object(name = "FamilyVariant")]
impl FamilyVariantObj {
    async fn code(&self) -> &str {
        &self.e.code
    }
    async fn family(&self) -> Option<FamilyObj> {
        self.s
            .families
            .get(&self.e.family)
            .map(|f| In::new(&self.s, f.clone()))
    }
    async fn labels(&self) -> Vec<Label> {
        labels(&self.e.labels)
    }
    async fn label(&self, locale: Option<String>) -> String {
        pick(&self.e.labels, &self.e.code, locale.as_deref())
    }
    async fn levels(&self) -> Vec<LevelObj> {
        self.e
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| LevelObj {
                s: self.s.clone(),
                level: l.clone(),
                number: i as i32 + 1,
            })
            .collect()
    }
    /// Attributes set on the root product model.
    async fn common_attributes(&self) -> Vec<AttributeObj> {
        let Some(family) = self.s.families.get(&self.e.family) else {
            return Vec::new();
        };
        let codes: Vec<String> = self.e.common_attributes(family).cloned().collect();
        attribute_list(&self.s, &codes)
    }
}

pub struct MeasurementFamilyObj(pub &'static measure::MeasurementFamily);

#[derive(SimpleObject)]
pub struct UnitObj {
    code: &'static str,
    symbol: &'static str,
}

#[Object(name = "MeasurementFamily")]
impl MeasurementFamilyObj {
    async fn code(&self) -> &str {
        self.0.code
    }
    async fn label(&self, locale: Option<String>) -> String {
        let labels: Labels = self
            .0
            .labels
            .iter()
            .map(|(l, v)| (l.to_string(), v.to_string()))
            .collect();
        pick(&labels, self.0.code, locale.as_deref())
    }
    async fn standard_unit(&self) -> &str {
        self.0.standard_unit
    }
    async fn units(&self) -> Vec<UnitObj> {
        self.0
            .units
            .iter()
            .map(|u| UnitObj {
                code: u.code,
                symbol: u.symbol,
            })
            .collect()
    }
}
