//! Queries on products, product models and assets.

use async_graphql::{Context, Object, SimpleObject};

use super::inputs::ProductFilterInput;
use super::product_types::{
    ModelConnection, ModelEdge, ModelObj, PageInfo, ProductConnection, ProductObj, product_edges,
};
use super::query::structure;
use super::{blocking, cursor, require, to_graphql};
use crate::auth::Action;
use crate::error::{Error, FieldError};
use crate::service::reads;
use crate::store::models::ModelFilter;

/// The most products or models one page may hold.
pub const MAX_PAGE: i32 = 1000;

#[derive(Default)]
pub struct ProductQuery;

#[derive(SimpleObject)]
#[graphql(name = "Asset")]
pub struct AssetObj {
    pub hash: String,
    pub filename: String,
    pub mime: String,
    pub bytes: i64,
    pub format: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub created: chrono::NaiveDateTime,
    /// Where the original is served.
    pub url: String,
    /// A PNG thumbnail fitting 256×256, for images.
    pub thumbnail_url: Option<String>,
}

impl From<crate::store::assets::AssetRow> for AssetObj {
    fn from(a: crate::store::assets::AssetRow) -> Self {
        let thumbnail_url = a.width.map(|_| format!("/assets/{}/thumbnail/256", a.hash));
        AssetObj {
            url: format!("/assets/{}", a.hash),
            thumbnail_url,
            hash: a.hash,
            filename: a.filename,
            mime: a.mime,
            bytes: a.bytes,
            format: a.format,
            width: a.width,
            height: a.height,
            created: a.created,
        }
    }
}

pub(crate) fn page_size(first: i32) -> async_graphql::Result<i64> {
    if !(1..=MAX_PAGE).contains(&first) {
        return Err(to_graphql(Error::field(FieldError::invalid(
            "first",
            format!("first must be between 1 and {MAX_PAGE}"),
        ))));
    }
    Ok(i64::from(first))
}

#[Object]
impl ProductQuery {
    /// One product by SKU, case-insensitively.
    async fn product(
        &self,
        ctx: &Context<'_>,
        sku: String,
    ) -> async_graphql::Result<Option<ProductObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        let found = blocking(ctx, move |c| c.product(&sku)).await?;
        Ok(found.map(|p| ProductObj { s, p }))
    }

    /// Products matching the filter, in creation order, `first` at a time after the cursor `after`.
    async fn products(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProductFilterInput>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<ProductConnection> {
        require(ctx, Action::ReadCatalog)?;
        let limit = page_size(first)?;
        let after = cursor::decode("p", after.as_deref())?;
        let f = filter.unwrap_or_default();
        if f.needs_index() {
            return super::search_query::products(ctx, f, after, limit).await;
        }
        let query = reads::ProductQuery {
            families: f.families,
            categories: f.categories,
            enabled: f.enabled,
            updated_since: f.updated_since,
            skus: f.skus,
            parent: f.parent,
            completeness_below: f.completeness.map(|c| (c.channel, c.locale, c.below)),
            failing_rule: f.failing_rule,
        };
        let s = structure(ctx).await?;
        let q = query.clone();
        let (page, more) = blocking(ctx, move |c| c.products(&q, after, limit)).await?;
        Ok(ProductConnection {
            edges: product_edges(&s, page),
            has_next_page: more,
            query,
            total: None,
        })
    }

    async fn product_model(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<Option<ModelObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        let found = blocking(ctx, move |c| c.model(&code)).await?;
        Ok(found.map(|m| ModelObj { s, m }))
    }

    /// Product models, optionally of one family variant, or only roots.
    async fn product_models(
        &self,
        ctx: &Context<'_>,
        family_variant: Option<String>,
        roots_only: Option<bool>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<ModelConnection> {
        require(ctx, Action::ReadCatalog)?;
        let limit = page_size(first)?;
        let after = cursor::decode("m", after.as_deref())?;
        let filter = ModelFilter {
            family_variant,
            parent_id: roots_only.filter(|r| *r).map(|_| None),
        };
        let s = structure(ctx).await?;
        let (page, more) = blocking(ctx, move |c| c.models(&filter, after, limit)).await?;
        let edges: Vec<ModelEdge> = page
            .into_iter()
            .map(|m| ModelEdge {
                cursor: cursor::encode("m", m.id),
                node: ModelObj { s: s.clone(), m },
            })
            .collect();
        let end_cursor = edges.last().map(|e| e.cursor.clone());
        Ok(ModelConnection {
            edges,
            page_info: PageInfo {
                has_next_page: more,
                end_cursor,
            },
        })
    }

    async fn asset(
        &self,
        ctx: &Context<'_>,
        hash: String,
    ) -> async_graphql::Result<Option<AssetObj>> {
        require(ctx, Action::ReadCatalog)?;
        Ok(blocking(ctx, move |c| c.asset(&hash))
            .await?
            .map(Into::into))
    }
}
