//! Queries on the catalog structure; products, models and the change log have their own modules.

use std::sync::Arc;

use async_graphql::{Context, MergedObject, Object};

use super::auth_query::AuthQuery;
use super::changes::ChangeQuery;
use super::product_query::ProductQuery;
use super::quality::QualityQuery;
use super::search_query::SearchQuery;
use super::structure_types::{
    AssociationTypeObj, AttributeGroupObj, AttributeObj, CategoryObj, ChannelObj, CurrencyObj,
    FamilyObj, FamilyVariantObj, GqlAttributeType, In, LocaleObj, MeasurementFamilyObj,
};
use super::{blocking, require};
use crate::auth::Action;
use crate::catalog::{AttributeType, Structure, measure};

#[derive(MergedObject, Default)]
pub struct Query(
    StructureQuery,
    ProductQuery,
    ChangeQuery,
    AuthQuery,
    SearchQuery,
    QualityQuery,
    super::quality::JobQuery,
    super::imports::ImportQuery,
    super::export::ExportQuery,
);

#[derive(Default)]
pub struct StructureQuery;

pub(crate) async fn structure(ctx: &Context<'_>) -> async_graphql::Result<Arc<Structure>> {
    if let Some(fresh) = ctx
        .data_unchecked::<Arc<crate::service::Catalog>>()
        .fresh_structure()
    {
        return Ok(fresh);
    }
    blocking(ctx, |c| c.structure()).await
}

fn all<T: Clone>(s: &Arc<Structure>, items: impl Iterator<Item = T>) -> Vec<In<T>> {
    items.map(|e| In::new(s, e)).collect()
}

#[Object]
impl StructureQuery {
    async fn locales(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LocaleObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        Ok(all(&s, s.locales.values().cloned()))
    }

    async fn currencies(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CurrencyObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        Ok(all(&s, s.currencies.values().cloned()))
    }

    async fn channels(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ChannelObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        Ok(all(&s, s.channels.values().cloned()))
    }

    async fn channel(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<Option<ChannelObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        Ok(s.channels.get(&code).cloned().map(|e| In::new(&s, e)))
    }

    /// Roots of the category trees.
    async fn category_trees(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CategoryObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        Ok(all(
            &s,
            s.categories
                .values()
                .filter(|c| c.parent.is_none())
                .cloned(),
        ))
    }

    /// Categories, all or those with the given codes.
    async fn categories(
        &self,
        ctx: &Context<'_>,
        codes: Option<Vec<String>>,
    ) -> async_graphql::Result<Vec<CategoryObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        Ok(all(
            &s,
            s.categories
                .values()
                .filter(|c| codes.as_ref().is_none_or(|l| l.contains(&c.code)))
                .cloned(),
        ))
    }

    async fn category(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<Option<CategoryObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        Ok(s.categories.get(&code).cloned().map(|e| In::new(&s, e)))
    }

    async fn attribute_groups(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<AttributeGroupObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        let mut groups: Vec<_> = s.attribute_groups.values().cloned().collect();
        groups.sort_by_key(|g| (g.sort_order, g.code.clone()));
        Ok(all(&s, groups.into_iter()))
    }

    /// Attributes, optionally narrowed by codes, group or type.
    async fn attributes(
        &self,
        ctx: &Context<'_>,
        codes: Option<Vec<String>>,
        group: Option<String>,
        #[graphql(name = "type")] kind: Option<GqlAttributeType>,
    ) -> async_graphql::Result<Vec<AttributeObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        let kind: Option<AttributeType> = kind.map(Into::into);
        Ok(all(
            &s,
            s.attributes
                .values()
                .filter(|a| codes.as_ref().is_none_or(|l| l.contains(&a.code)))
                .filter(|a| group.as_ref().is_none_or(|g| *g == a.group))
                .filter(|a| kind.is_none_or(|k| k == a.kind))
                .cloned(),
        ))
    }

    async fn attribute(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<Option<AttributeObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        Ok(s.attributes.get(&code).cloned().map(|e| In::new(&s, e)))
    }

    async fn association_types(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<AssociationTypeObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        Ok(all(&s, s.association_types.values().cloned()))
    }

    async fn families(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FamilyObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        Ok(all(&s, s.families.values().cloned()))
    }

    async fn family(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<Option<FamilyObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        Ok(s.families.get(&code).cloned().map(|e| In::new(&s, e)))
    }

    async fn family_variants(
        &self,
        ctx: &Context<'_>,
        family: Option<String>,
    ) -> async_graphql::Result<Vec<FamilyVariantObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        Ok(all(
            &s,
            s.family_variants
                .values()
                .filter(|v| family.as_ref().is_none_or(|f| *f == v.family))
                .cloned(),
        ))
    }

    async fn family_variant(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<Option<FamilyVariantObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        Ok(s.family_variants
            .get(&code)
            .cloned()
            .map(|e| In::new(&s, e)))
    }

    /// Built-in measurement families with their units, for metric attributes.
    async fn measurement_families(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<MeasurementFamilyObj>> {
        require(ctx, Action::ReadCatalog)?;
        Ok(measure::families()
            .iter()
            .map(MeasurementFamilyObj)
            .collect())
    }
}
