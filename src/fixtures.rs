//! The demo catalog in `fixtures/demo/`: structure and products in the documented JSON format,
//! built into the binary so `pim demo` works from any directory.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::catalog::product::{ModelPatch, Patch, ProductPatch};
use crate::catalog::structure::Entity;
use crate::catalog::values::{self, ALL_CHANNELS, ALL_LOCALES, ValueDoc, ValueInput};
use crate::catalog::{
    AssociationType, Attribute, AttributeGroup, AttributeOption, Category, Channel, Currency,
    Family, FamilyVariant, Locale,
};

pub const DEMO_STRUCTURE: &str = include_str!("../fixtures/demo/structure.json");
pub const DEMO_PRODUCTS: &str = include_str!("../fixtures/demo/products.json");

/// `structure.json`: every kind of structure entity, each list in dependency order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructureFile {
    #[serde(default)]
    pub locales: Vec<Locale>,
    #[serde(default)]
    pub currencies: Vec<Currency>,
    #[serde(default)]
    pub categories: Vec<Category>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub attribute_groups: Vec<AttributeGroup>,
    #[serde(default)]
    pub attributes: Vec<Attribute>,
    #[serde(default)]
    pub attribute_options: Vec<AttributeOption>,
    #[serde(default)]
    pub association_types: Vec<AssociationType>,
    #[serde(default)]
    pub families: Vec<Family>,
    #[serde(default)]
    pub family_variants: Vec<FamilyVariant>,
    #[serde(default)]
    pub quality_rules: Vec<crate::quality::rules::QualityRule>,
}

impl StructureFile {
    pub fn into_entities(self) -> Vec<Entity> {
        let mut all = Vec::new();
        all.extend(self.locales.into_iter().map(Entity::Locale));
        all.extend(self.currencies.into_iter().map(Entity::Currency));
        all.extend(self.categories.into_iter().map(Entity::Category));
        all.extend(self.channels.into_iter().map(Entity::Channel));
        all.extend(
            self.attribute_groups
                .into_iter()
                .map(Entity::AttributeGroup),
        );
        all.extend(self.attributes.into_iter().map(Entity::Attribute));
        all.extend(
            self.attribute_options
                .into_iter()
                .map(Entity::AttributeOption),
        );
        all.extend(
            self.association_types
                .into_iter()
                .map(Entity::AssociationType),
        );
        all.extend(self.families.into_iter().map(Entity::Family));
        all.extend(self.family_variants.into_iter().map(Entity::FamilyVariant));
        all.extend(self.quality_rules.into_iter().map(Entity::QualityRule));
        all
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelRecord {
    pub code: String,
    pub family_variant: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub values: ValueDoc,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductRecord {
    pub sku: String,
    #[serde(default)]
    pub family: Option<String>,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default = "enabled")]
    pub enabled: bool,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub values: ValueDoc,
    #[serde(default)]
    pub associations: BTreeMap<String, BTreeSet<String>>,
}

fn enabled() -> bool {
    true
}

/// `products.json`: product models (parents first) and products.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductsFile {
    #[serde(default)]
    pub product_models: Vec<ModelRecord>,
    #[serde(default)]
    pub products: Vec<ProductRecord>,
}

/// A values document as the list of value inputs that recreates it.
pub fn doc_to_inputs(doc: &ValueDoc) -> Vec<ValueInput> {
    values::flatten(doc)
        .map(|v| ValueInput {
            attribute: v.attribute.to_string(),
            channel: (v.scope != ALL_CHANNELS).then(|| v.scope.to_string()),
            locale: (v.locale != ALL_LOCALES).then(|| v.locale.to_string()),
            data: v.data.clone(),
        })
        .collect()
}

impl From<&ModelRecord> for ModelPatch {
    fn from(m: &ModelRecord) -> Self {
        ModelPatch {
            code: m.code.clone(),
            family_variant: Some(m.family_variant.clone()),
            parent: m.parent.clone().map_or(Patch::Clear, Patch::Set),
            categories: Some(m.categories.clone()),
            values: doc_to_inputs(&m.values),
        }
    }
}

impl From<&ProductRecord> for ProductPatch {
    fn from(p: &ProductRecord) -> Self {
        ProductPatch {
            sku: p.sku.clone(),
            family: p.family.clone().map_or(Patch::Clear, Patch::Set),
            parent: p.parent.clone().map_or(Patch::Clear, Patch::Set),
            enabled: Some(p.enabled),
            categories: Some(p.categories.clone()),
            values: doc_to_inputs(&p.values),
            associations: p
                .associations
                .iter()
                .map(|(k, v)| (k.clone(), v.iter().cloned().collect()))
                .collect(),
        }
    }
}

pub fn demo_structure() -> serde_json::Result<StructureFile> {
    serde_json::from_str(DEMO_STRUCTURE)
}

pub fn demo_products() -> serde_json::Result<ProductsFile> {
    serde_json::from_str(DEMO_PRODUCTS)
}
