//! Mutations on products, product models and assets.

use async_graphql::{Context, Enum, Object, SimpleObject, Upload};

use super::inputs::{ProductInput, ProductModelInput};
use super::product_query::AssetObj;
use super::product_types::{ModelObj, ProductObj};
use super::query::structure;
use super::{blocking, origin, require, to_graphql};
use crate::auth::Action;
use crate::catalog::product::{ModelPatch, ProductPatch};
use crate::error::{Error, FieldError};
use crate::service::ItemStatus;
use crate::service::products::ItemResult;

#[derive(Default)]
pub struct ProductMutation;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "ItemStatus", rename_items = "SCREAMING_SNAKE_CASE")]
pub enum GqlItemStatus {
    Created,
    Updated,
    Unchanged,
    Deleted,
    Rejected,
}

impl From<ItemStatus> for GqlItemStatus {
    fn from(s: ItemStatus) -> Self {
        match s {
            ItemStatus::Created => Self::Created,
            ItemStatus::Updated => Self::Updated,
            ItemStatus::Unchanged => Self::Unchanged,
            ItemStatus::Deleted => Self::Deleted,
            ItemStatus::Rejected => Self::Rejected,
        }
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(name = "FieldError")]
pub struct FieldErrorObj {
    /// VALIDATION, NOT_FOUND or CONFLICT.
    code: String,
    /// Path of the input field, e.g. `values.name.en_US`.
    field: String,
    message: String,
}

impl From<&FieldError> for FieldErrorObj {
    fn from(e: &FieldError) -> Self {
        FieldErrorObj {
            code: e.code.as_str().into(),
            field: e.field.clone(),
            message: e.message.clone(),
        }
    }
}

#[derive(SimpleObject)]
#[graphql(name = "ItemResult")]
pub struct ItemResultObj {
    /// Position of the item in the input list.
    index: i32,
    /// The item's SKU or code.
    code: String,
    status: GqlItemStatus,
    version: Option<i64>,
    errors: Vec<FieldErrorObj>,
}

#[derive(SimpleObject)]
pub struct BatchResult {
    created: i32,
    updated: i32,
    unchanged: i32,
    rejected: i32,
    /// One result per input item, in input order.
    items: Vec<ItemResultObj>,
}

impl From<Vec<ItemResult>> for BatchResult {
    fn from(results: Vec<ItemResult>) -> Self {
        let count = |s: ItemStatus| results.iter().filter(|r| r.status == s).count() as i32;
        BatchResult {
            created: count(ItemStatus::Created),
            updated: count(ItemStatus::Updated),
            unchanged: count(ItemStatus::Unchanged),
            rejected: count(ItemStatus::Rejected),
            items: results
                .iter()
                .map(|r| ItemResultObj {
                    index: r.index as i32,
                    code: r.code.clone(),
                    status: r.status.into(),
                    version: r.version,
                    errors: r.errors.iter().map(Into::into).collect(),
                })
                .collect(),
        }
    }
}

fn check_batch(ctx: &Context<'_>, len: usize) -> async_graphql::Result<()> {
    let max = ctx
        .data_opt::<crate::config::Limits>()
        .map_or(5_000, |l| l.max_batch);
    if len > max {
        return Err(to_graphql(Error::field(FieldError::invalid(
            "input",
            format!("{len} items exceed the batch limit of {max}; send them in several calls"),
        ))));
    }
    Ok(())
}

/// The single-item form answers with the item's errors as a GraphQL error, fields prefixed `input.`.
fn single(result: ItemResult) -> async_graphql::Result<ItemResult> {
    if result.is_rejected() {
        let errors = result
            .errors
            .into_iter()
            .map(|e| e.under("input"))
            .collect();
        return Err(to_graphql(Error::Invalid(errors)));
    }
    Ok(result)
}

#[Object]
impl ProductMutation {
    /// Creates or updates many products in one transaction, answering per item; a rejected item
    /// never blocks the others.
    async fn upsert_products(
        &self,
        ctx: &Context<'_>,
        input: Vec<ProductInput>,
    ) -> async_graphql::Result<BatchResult> {
        let who = require(ctx, Action::ChangeValues)?.clone();
        check_batch(ctx, input.len())?;
        let origin = origin(ctx);
        let patches: Vec<ProductPatch> = input.into_iter().map(Into::into).collect();
        let results = blocking(ctx, move |c| c.upsert_products_as(&who, patches, &origin)).await?;
        Ok(results.into())
    }

    /// Creates or updates one product and returns it; invalid input is an error naming the field.
    async fn upsert_product(
        &self,
        ctx: &Context<'_>,
        input: ProductInput,
    ) -> async_graphql::Result<ProductObj> {
        let who = require(ctx, Action::ChangeValues)?.clone();
        let origin = origin(ctx);
        let sku = input.sku.clone();
        let patch: ProductPatch = input.into();
        let result = blocking(ctx, move |c| {
            c.upsert_products_as(&who, vec![patch], &origin)
        })
        .await?;
        single(
            result
                .into_iter()
                .next()
                .ok_or_else(|| to_graphql(Error::Internal("no result".into())))?,
        )?;
        let s = structure(ctx).await?;
        let p = blocking(ctx, move |c| {
            c.product(&sku)?
                .ok_or_else(|| Error::Internal("product vanished".into()))
        })
        .await?;
        Ok(ProductObj { s, p })
    }

    async fn delete_product(&self, ctx: &Context<'_>, sku: String) -> async_graphql::Result<bool> {
        require(ctx, Action::EditProducts)?;
        let origin = origin(ctx);
        blocking(ctx, move |c| c.delete_product(&sku, &origin)).await?;
        Ok(true)
    }

    /// Creates or updates product models in input order, so roots can precede their sub-models.
    async fn upsert_product_models(
        &self,
        ctx: &Context<'_>,
        input: Vec<ProductModelInput>,
    ) -> async_graphql::Result<BatchResult> {
        let who = require(ctx, Action::ChangeValues)?.clone();
        check_batch(ctx, input.len())?;
        let origin = origin(ctx);
        let patches: Vec<ModelPatch> = input.into_iter().map(Into::into).collect();
        let results = blocking(ctx, move |c| c.upsert_models_as(&who, patches, &origin)).await?;
        Ok(results.into())
    }

    async fn upsert_product_model(
        &self,
        ctx: &Context<'_>,
        input: ProductModelInput,
    ) -> async_graphql::Result<ModelObj> {
        let who = require(ctx, Action::ChangeValues)?.clone();
        let origin = origin(ctx);
        let code = input.code.clone();
        let patch: ModelPatch = input.into();
        let result = blocking(ctx, move |c| c.upsert_models_as(&who, vec![patch], &origin)).await?;
        single(
            result
                .into_iter()
                .next()
                .ok_or_else(|| to_graphql(Error::Internal("no result".into())))?,
        )?;
        let s = structure(ctx).await?;
        let m = blocking(ctx, move |c| {
            c.model(&code)?
                .ok_or_else(|| Error::Internal("model vanished".into()))
        })
        .await?;
        Ok(ModelObj { s, m })
    }

    /// Deletes a product model without variants or sub-models.
    async fn delete_product_model(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<bool> {
        require(ctx, Action::EditProducts)?;
        let origin = origin(ctx);
        blocking(ctx, move |c| c.delete_model(&code, &origin)).await?;
        Ok(true)
    }

    /// Uploads an image or file (GraphQL multipart request); identical content is stored once.
    async fn upload_asset(
        &self,
        ctx: &Context<'_>,
        file: Upload,
    ) -> async_graphql::Result<AssetObj> {
        require(ctx, Action::EditProducts)?;
        let origin = origin(ctx);
        let upload = file.value(ctx)?;
        let filename = upload.filename.clone();
        let row = blocking(ctx, move |c| {
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut upload.into_read(), &mut data)
                .map_err(|e| Error::BadRequest(format!("cannot read upload: {e}")))?;
            c.upload_asset(&filename, &data, &origin)
        })
        .await?;
        Ok(row.into())
    }

    /// Deletes an asset with its thumbnails; refused (`CONFLICT`, naming products and models)
    /// while any product or product model value points at it.
    async fn delete_asset(&self, ctx: &Context<'_>, hash: String) -> async_graphql::Result<bool> {
        require(ctx, Action::EditProducts)?;
        let origin = origin(ctx);
        blocking(ctx, move |c| c.delete_asset(&hash, &origin)).await?;
        Ok(true)
    }
}
