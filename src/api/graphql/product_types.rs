//! GraphQL views of products and product models: values per locale and channel with inherited
//! ones marked, categories, associations, and the connection types for paging.

use std::sync::Arc;

use async_graphql::{Context, ID, Json, Object, SimpleObject};
use chrono::NaiveDateTime;

use super::loaders::{ModelLoader, ProductLoader};
use super::structure_types::{CategoryObj, FamilyObj, FamilyVariantObj, In};
use super::{blocking, cursor};
use crate::catalog::Structure;
use crate::catalog::codes::sku_key;
use crate::catalog::product::{self, merge_inherited};
use crate::catalog::values::{self, ALL_CHANNELS, ALL_LOCALES, ValueDoc};
use crate::service::reads::ProductQuery;
use crate::store::models::StoredModel;
use crate::store::products::StoredProduct;

pub struct ProductObj {
    pub s: Arc<Structure>,
    pub p: StoredProduct,
}

pub struct ModelObj {
    pub s: Arc<Structure>,
    pub m: StoredModel,
}

/// One value as read: where it applies and whether it comes from a product model.
#[derive(SimpleObject)]
#[graphql(name = "Value")]
pub struct ValueObj {
    attribute: String,
    /// The channel of a scopable attribute's value; null for values of every channel.
    channel: Option<String>,
    /// The locale of a localizable attribute's value; null for values of every locale.
    locale: Option<String>,
    data: Json<serde_json::Value>,
    inherited: bool,
    /// Code of the product model the value is inherited from.
    inherited_from: Option<String>,
}

#[derive(SimpleObject)]
#[graphql(name = "Association")]
pub struct AssociationObj {
    #[graphql(name = "type")]
    kind: String,
    skus: Vec<String>,
}

/// The models above a node, root first, through the loader (one batched query per level).
async fn ancestors(
    ctx: &Context<'_>,
    mut parent_id: Option<i64>,
) -> async_graphql::Result<Vec<StoredModel>> {
    let loader = ctx.data_unchecked::<ModelLoader>();
    let mut chain = Vec::new();
    while let Some(id) = parent_id {
        let Some(model) = loader
            .load_one(id)
            .await
            .map_err(|e| super::to_graphql(clone_error(&e)))?
        else {
            break;
        };
        parent_id = model.parent_id;
        chain.push(model);
        if chain.len() > 2 {
            break;
        }
    }
    chain.reverse();
    Ok(chain)
}

fn clone_error(e: &crate::error::Error) -> crate::error::Error {
    crate::error::Error::Internal(e.to_string())
}

fn values_view(
    own: &ValueDoc,
    chain: &[StoredModel],
    locale: Option<&str>,
    channel: Option<&str>,
    attributes: Option<&[String]>,
) -> Vec<ValueObj> {
    let (merged, origin) = merge_inherited(
        own,
        chain
            .iter()
            .map(|m| (m.model.code.as_str(), &m.model.values)),
    );
    values::flatten(&merged)
        .filter(|v| values::visible_in(v.scope, v.locale, channel, locale))
        .filter(|v| attributes.is_none_or(|a| a.iter().any(|c| c == v.attribute)))
        .map(|v| {
            let from = origin
                .get(&(
                    v.attribute.to_string(),
                    v.scope.to_string(),
                    v.locale.to_string(),
                ))
                .cloned();
            ValueObj {
                attribute: v.attribute.to_string(),
                channel: (v.scope != ALL_CHANNELS).then(|| v.scope.to_string()),
                locale: (v.locale != ALL_LOCALES).then(|| v.locale.to_string()),
                data: Json(v.data.clone()),
                inherited: from.is_some(),
                inherited_from: from,
            }
        })
        .collect()
}

fn category_objs(s: &Arc<Structure>, codes: impl IntoIterator<Item = String>) -> Vec<CategoryObj> {
    codes
        .into_iter()
        .filter_map(|c| s.categories.get(&c))
        .map(|c| In::new(s, c.clone()))
        .collect()
}

#[Object(name = "Product")]
impl ProductObj {
    async fn id(&self) -> ID {
        ID(self.p.product.sku.clone())
    }
    async fn sku(&self) -> &str {
        &self.p.product.sku
    }
    async fn family(&self) -> Option<FamilyObj> {
        let code = self.p.product.family.as_ref()?;
        self.s
            .families
            .get(code)
            .map(|f| In::new(&self.s, f.clone()))
    }
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ModelObj>> {
        let chain = ancestors(ctx, self.p.parent_id).await?;
        Ok(chain.into_iter().last().map(|m| ModelObj {
            s: self.s.clone(),
            m,
        }))
    }
    async fn enabled(&self) -> bool {
        self.p.product.enabled
    }
    /// The product's own categories.
    async fn categories(&self) -> Vec<CategoryObj> {
        category_objs(&self.s, self.p.product.categories.iter().cloned())
    }
    /// Own categories and those of the product models above it.
    async fn all_categories(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CategoryObj>> {
        let mut codes = self.p.product.categories.clone();
        for model in ancestors(ctx, self.p.parent_id).await? {
            codes.extend(model.model.categories);
        }
        Ok(category_objs(&self.s, codes))
    }
    /// Values visible in `locale` and `channel` (all when left out), inherited ones included.
    async fn values(
        &self,
        ctx: &Context<'_>,
        locale: Option<String>,
        channel: Option<String>,
        attributes: Option<Vec<String>>,
    ) -> async_graphql::Result<Vec<ValueObj>> {
        let chain = ancestors(ctx, self.p.parent_id).await?;
        Ok(values_view(
            &self.p.product.values,
            &chain,
            locale.as_deref(),
            channel.as_deref(),
            attributes.as_deref(),
        ))
    }
    /// The product's own values as stored: attribute -> channel -> locale -> data.
    async fn values_document(&self) -> Json<&ValueDoc> {
        Json(&self.p.product.values)
    }
    /// Completeness per channel and locale (each narrowed when given): the share of required
    /// attributes with a value, inherited ones counted, and what is missing.
    async fn completeness(
        &self,
        channel: Option<String>,
        locale: Option<String>,
    ) -> Vec<super::quality::CompletenessObj> {
        super::quality::completeness_of(&self.quality(), channel.as_deref(), locale.as_deref())
    }
    /// Quality rules the product fails, per channel and locale (each narrowed when given).
    async fn quality_issues(
        &self,
        channel: Option<String>,
        locale: Option<String>,
    ) -> Vec<super::quality::QualityIssueObj> {
        super::quality::issues_of(
            &self.s,
            &self.quality(),
            channel.as_deref(),
            locale.as_deref(),
        )
    }
    /// The label attribute's value in `locale`, inherited if need be; the SKU when there is none.
    async fn label(
        &self,
        ctx: &Context<'_>,
        locale: Option<String>,
    ) -> async_graphql::Result<String> {
        let chain = ancestors(ctx, self.p.parent_id).await?;
        let (merged, _) = merge_inherited(
            &self.p.product.values,
            chain
                .iter()
                .map(|m| (m.model.code.as_str(), &m.model.values)),
        );
        let family = self
            .p
            .product
            .family
            .as_ref()
            .and_then(|f| self.s.families.get(f));
        Ok(product::label(family, &merged, locale.as_deref(), &self.s)
            .unwrap_or(&self.p.product.sku)
            .to_string())
    }
    async fn associations(&self) -> Vec<AssociationObj> {
        self.p
            .product
            .associations
            .iter()
            .map(|(kind, skus)| AssociationObj {
                kind: kind.clone(),
                skus: skus.iter().cloned().collect(),
            })
            .collect()
    }
    /// Associated products of one type (or all), as products.
    async fn associated_products(
        &self,
        ctx: &Context<'_>,
        r#type: Option<String>,
    ) -> async_graphql::Result<Vec<ProductObj>> {
        let keys: Vec<String> = self
            .p
            .product
            .associations
            .iter()
            .filter(|(k, _)| r#type.as_ref().is_none_or(|t| t == *k))
            .flat_map(|(_, skus)| skus.iter().map(|s| sku_key(s)))
            .collect();
        let loader = ctx.data_unchecked::<ProductLoader>();
        let found = loader
            .load_many(keys.clone())
            .await
            .map_err(|e| super::to_graphql(clone_error(&e)))?;
        Ok(keys
            .iter()
            .filter_map(|k| found.get(k))
            .map(|p| ProductObj {
                s: self.s.clone(),
                p: p.clone(),
            })
            .collect())
    }
    async fn created(&self) -> NaiveDateTime {
        self.p.created
    }
    async fn updated(&self) -> NaiveDateTime {
        self.p.updated
    }
    /// Incremented by every change.
    async fn version(&self) -> i64 {
        self.p.version
    }
}

#[Object(name = "ProductModel")]
impl ModelObj {
    async fn code(&self) -> &str {
        &self.m.model.code
    }
    async fn family_variant(&self) -> Option<FamilyVariantObj> {
        self.s
            .family_variants
            .get(&self.m.model.family_variant)
            .map(|v| In::new(&self.s, v.clone()))
    }
    async fn family(&self) -> Option<FamilyObj> {
        let (_, family) = self.s.variant_family(&self.m.model.family_variant)?;
        Some(In::new(&self.s, family.clone()))
    }
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ModelObj>> {
        let chain = ancestors(ctx, self.m.parent_id).await?;
        Ok(chain.into_iter().last().map(|m| ModelObj {
            s: self.s.clone(),
            m,
        }))
    }
    async fn categories(&self) -> Vec<CategoryObj> {
        category_objs(&self.s, self.m.model.categories.iter().cloned())
    }
    async fn values(
        &self,
        ctx: &Context<'_>,
        locale: Option<String>,
        channel: Option<String>,
        attributes: Option<Vec<String>>,
    ) -> async_graphql::Result<Vec<ValueObj>> {
        let chain = ancestors(ctx, self.m.parent_id).await?;
        Ok(values_view(
            &self.m.model.values,
            &chain,
            locale.as_deref(),
            channel.as_deref(),
            attributes.as_deref(),
        ))
    }
    async fn values_document(&self) -> Json<&ValueDoc> {
        Json(&self.m.model.values)
    }
    /// Sub-models of a root model.
    async fn sub_models(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ModelObj>> {
        let filter = crate::store::models::ModelFilter {
            family_variant: None,
            parent_id: Some(Some(self.m.id)),
        };
        let (models, _) = blocking(ctx, move |c| c.models(&filter, 0, 10_000)).await?;
        Ok(models
            .into_iter()
            .map(|m| ModelObj {
                s: self.s.clone(),
                m,
            })
            .collect())
    }
    /// Variant products directly below this model.
    async fn products(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProductObj>> {
        let query = ProductQuery {
            parent: Some(self.m.model.code.clone()),
            ..ProductQuery::default()
        };
        let (products, _) = blocking(ctx, move |c| c.products(&query, 0, 10_000)).await?;
        Ok(products
            .into_iter()
            .map(|p| ProductObj {
                s: self.s.clone(),
                p,
            })
            .collect())
    }
    async fn created(&self) -> NaiveDateTime {
        self.m.created
    }
    async fn updated(&self) -> NaiveDateTime {
        self.m.updated
    }
    async fn version(&self) -> i64 {
        self.m.version
    }
}

#[derive(SimpleObject)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[derive(SimpleObject)]
#[graphql(name = "ProductEdge")]
pub struct ProductEdge {
    pub cursor: String,
    pub node: ProductObj,
}

pub struct ProductConnection {
    pub edges: Vec<ProductEdge>,
    pub has_next_page: bool,
    pub query: ProductQuery,
    /// Known when the page came from the search index, which counts as it pages.
    pub total: Option<i64>,
}

#[Object]
impl ProductConnection {
    async fn edges(&self) -> &[ProductEdge] {
        &self.edges
    }
    async fn nodes(&self) -> Vec<&ProductObj> {
        self.edges.iter().map(|e| &e.node).collect()
    }
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_next_page: self.has_next_page,
            end_cursor: self.edges.last().map(|e| e.cursor.clone()),
        }
    }
    /// Products matching the filter, all pages together. Costs a count query: ask only when shown.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        if let Some(total) = self.total {
            return Ok(total);
        }
        let query = self.query.clone();
        blocking(ctx, move |c| c.count_products(&query)).await
    }
}

pub fn product_edges(s: &Arc<Structure>, products: Vec<StoredProduct>) -> Vec<ProductEdge> {
    products
        .into_iter()
        .map(|p| ProductEdge {
            cursor: cursor::encode("p", p.id),
            node: ProductObj { s: s.clone(), p },
        })
        .collect()
}

#[derive(SimpleObject)]
pub struct ModelEdge {
    pub cursor: String,
    pub node: ModelObj,
}

#[derive(SimpleObject)]
pub struct ModelConnection {
    pub edges: Vec<ModelEdge>,
    pub page_info: PageInfo,
}
