//! GraphQL inputs for products and product models, and their conversion into service patches.

use async_graphql::{InputObject, Json, MaybeUndefined};

use crate::catalog::product::{ModelPatch, Patch, ProductPatch};
use crate::catalog::values::ValueInput;

#[derive(InputObject, Clone)]
#[graphql(name = "ValueInput")]
pub struct GqlValueInput {
    pub attribute: String,
    /// Required for localizable attributes, refused for others.
    pub locale: Option<String>,
    /// Required for scopable attributes, refused for others.
    pub channel: Option<String>,
    /// The value in the shape of its attribute type (see docs/values.md); null removes it.
    pub data: Option<Json<serde_json::Value>>,
}

impl From<GqlValueInput> for ValueInput {
    fn from(v: GqlValueInput) -> Self {
        ValueInput {
            attribute: v.attribute,
            channel: v.channel,
            locale: v.locale,
            data: v.data.map_or(serde_json::Value::Null, |j| j.0),
        }
    }
}

#[derive(InputObject, Clone)]
pub struct AssociationInput {
    #[graphql(name = "type")]
    pub kind: String,
    /// Replaces the product's associations of this type; an empty list removes them.
    pub skus: Vec<String>,
}

/// Creates the product or changes the fields given; fields left out keep their value.
#[derive(InputObject, Clone)]
pub struct ProductInput {
    pub sku: String,
    /// A family code; null removes the family.
    pub family: MaybeUndefined<String>,
    /// The product model code of a variant product; null detaches it.
    pub parent: MaybeUndefined<String>,
    pub enabled: Option<bool>,
    /// Replaces the product's categories.
    pub categories: Option<Vec<String>>,
    /// Merged into the stored values one by one.
    #[graphql(default)]
    pub values: Vec<GqlValueInput>,
    #[graphql(default)]
    pub associations: Vec<AssociationInput>,
}

fn patch<T>(v: MaybeUndefined<T>) -> Patch<T> {
    match v {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(v) => Patch::Set(v),
    }
}

impl From<ProductInput> for ProductPatch {
    fn from(p: ProductInput) -> Self {
        ProductPatch {
            sku: p.sku,
            family: patch(p.family),
            parent: patch(p.parent),
            enabled: p.enabled,
            categories: p.categories,
            values: p.values.into_iter().map(Into::into).collect(),
            associations: p
                .associations
                .into_iter()
                .map(|a| (a.kind, a.skus))
                .collect(),
        }
    }
}

#[derive(InputObject, Clone)]
pub struct ProductModelInput {
    pub code: String,
    /// Required when creating; cannot change afterwards.
    pub family_variant: Option<String>,
    /// The root model of a sub-model.
    pub parent: MaybeUndefined<String>,
    pub categories: Option<Vec<String>>,
    #[graphql(default)]
    pub values: Vec<GqlValueInput>,
}

impl From<ProductModelInput> for ModelPatch {
    fn from(m: ProductModelInput) -> Self {
        ModelPatch {
            code: m.code,
            family_variant: m.family_variant,
            parent: patch(m.parent),
            categories: m.categories,
            values: m.values.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(InputObject, Clone, Default)]
pub struct CompletenessFilterInput {
    pub channel: String,
    pub locale: String,
    /// Percent, 1 to 100: products below it match.
    pub below: u8,
}

/// Completeness bands in a channel and locale, as the COMPLETENESS facet counts them.
#[derive(InputObject, Clone, Default)]
pub struct CompletenessBandsInput {
    pub channel: String,
    pub locale: String,
    /// Any of `0-49`, `50-79`, `80-99`, `100`.
    pub bands: Vec<String>,
}

#[derive(InputObject, Default, Clone)]
pub struct ProductFilterInput {
    pub families: Option<Vec<String>>,
    /// Products in these categories or below them.
    pub categories: Option<Vec<String>>,
    pub enabled: Option<bool>,
    /// Products changed at or after this time (UTC).
    pub updated_since: Option<chrono::NaiveDateTime>,
    pub skus: Option<Vec<String>>,
    /// Variant products of this product model.
    pub parent: Option<String>,
    /// Products whose completeness in a channel and locale is below a percent.
    pub completeness: Option<CompletenessFilterInput>,
    /// Products failing this quality rule (in any channel and locale).
    pub failing_rule: Option<String>,
    /// Conditions on attribute values; answered by the search index (searchable within 1 s).
    pub attributes: Option<Vec<super::search_query::AttributeFilterInput>>,
    /// Products carried by any of these suppliers' feeds; answered by the search index.
    pub suppliers: Option<Vec<String>>,
    /// Products in any of these completeness bands; answered by the search index.
    pub completeness_bands: Option<CompletenessBandsInput>,
}

impl ProductFilterInput {
    /// Whether only the search index can answer the filter.
    pub fn needs_index(&self) -> bool {
        self.attributes.as_ref().is_some_and(|a| !a.is_empty())
            || self.suppliers.is_some()
            || self.completeness_bands.is_some()
    }
}
