//! Families (which attributes a kind of product has and requires per channel), family variants
//! (the axes that split a product model into variants) and association types.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::codes::Labels;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Family {
    pub code: String,
    #[serde(default)]
    pub labels: Labels,
    pub attributes: Vec<String>,
    #[serde(default)]
    pub label_attribute: Option<String>,
    #[serde(default)]
    pub image_attribute: Option<String>,
    /// Channel code -> attributes a product needs to be complete on that channel.
    #[serde(default)]
    pub requirements: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantLevel {
    pub axes: Vec<String>,
    /// Attributes set at this level, the axes included.
    pub attributes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyVariant {
    pub code: String,
    pub family: String,
    #[serde(default)]
    pub labels: Labels,
    /// One or two levels; the last is the variant products' level.
    pub levels: Vec<VariantLevel>,
}

impl FamilyVariant {
    /// Attributes set on the root product model: the family's attributes in no level.
    pub fn common_attributes<'a>(&'a self, family: &'a Family) -> impl Iterator<Item = &'a String> {
        family
            .attributes
            .iter()
            .filter(|a| !self.levels.iter().any(|l| l.attributes.contains(a)))
    }

    /// Attributes a node at `depth` may set: 0 is the root model, `levels.len()` the variant product.
    pub fn attributes_at_depth<'a>(&'a self, family: &'a Family, depth: usize) -> Vec<&'a String> {
        if depth == 0 {
            self.common_attributes(family).collect()
        } else {
            self.levels
                .get(depth - 1)
                .map(|l| l.attributes.iter().collect())
                .unwrap_or_default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssociationType {
    pub code: String,
    #[serde(default)]
    pub labels: Labels,
}
