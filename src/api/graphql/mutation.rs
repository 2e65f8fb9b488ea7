//! Mutations on the catalog structure: save (create or replace) and delete each kind of entity.

use std::sync::Arc;

use async_graphql::{Context, MergedObject, Object};

use super::auth_mutation::AuthMutation;
use super::product_mutation::ProductMutation;
use super::quality::QualityMutation;
use super::structure_inputs::{
    AssociationTypeInput, AttributeGroupInput, AttributeInput, AttributeOptionInput, CategoryInput,
    ChannelInput, CurrencyInput, FamilyInput, FamilyVariantInput, LocaleInput,
};
use super::structure_types::{
    AssociationTypeObj, AttributeGroupObj, AttributeObj, CategoryObj, ChannelObj, CurrencyObj,
    FamilyObj, FamilyVariantObj, In, LocaleObj, OptionObj,
};
use super::{blocking, origin, require, to_graphql};
use crate::auth::Action;
use crate::catalog::Structure;
use crate::catalog::structure::{Entity, EntityKind, option_key};

#[derive(MergedObject, Default)]
pub struct Mutation(
    StructureMutation,
    ProductMutation,
    AuthMutation,
    QualityMutation,
    super::imports::ImportMutation,
    super::export::ExportMutation,
);

#[derive(Default)]
pub struct StructureMutation;

/// Channels, locales and currencies are the admins'; the rest of the structure is also the
/// catalog managers'.
fn action(kind: EntityKind) -> Action<'static> {
    match kind {
        EntityKind::Channel | EntityKind::Locale | EntityKind::Currency => Action::ManageChannels,
        _ => Action::EditStructure,
    }
}

/// Saves one entity and returns the structure that now holds it.
async fn save(ctx: &Context<'_>, entity: Entity) -> async_graphql::Result<Arc<Structure>> {
    require(ctx, action(entity.kind()))?;
    let origin = origin(ctx);
    blocking(ctx, move |c| {
        c.save_entities(vec![entity], &origin)?;
        c.structure()
    })
    .await
}

async fn delete(ctx: &Context<'_>, kind: EntityKind, key: String) -> async_graphql::Result<bool> {
    require(ctx, action(kind))?;
    let origin = origin(ctx);
    blocking(ctx, move |c| c.delete_entity(kind, &key, &origin)).await?;
    Ok(true)
}

fn saved<T: Clone>(s: &Arc<Structure>, found: Option<&T>) -> async_graphql::Result<In<T>> {
    found.cloned().map(|e| In::new(s, e)).ok_or_else(|| {
        to_graphql(crate::error::Error::Internal(
            "saved entity is missing from the structure".into(),
        ))
    })
}

#[Object]
impl StructureMutation {
    async fn save_locale(
        &self,
        ctx: &Context<'_>,
        input: LocaleInput,
    ) -> async_graphql::Result<LocaleObj> {
        let code = input.code.clone();
        let s = save(ctx, input.into()).await?;
        saved(&s, s.locales.get(&code))
    }

    async fn delete_locale(&self, ctx: &Context<'_>, code: String) -> async_graphql::Result<bool> {
        delete(ctx, EntityKind::Locale, code).await
    }

    async fn save_currency(
        &self,
        ctx: &Context<'_>,
        input: CurrencyInput,
    ) -> async_graphql::Result<CurrencyObj> {
        let code = input.code.clone();
        let s = save(ctx, input.into()).await?;
        saved(&s, s.currencies.get(&code))
    }

    async fn delete_currency(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<bool> {
        delete(ctx, EntityKind::Currency, code).await
    }

    async fn save_channel(
        &self,
        ctx: &Context<'_>,
        input: ChannelInput,
    ) -> async_graphql::Result<ChannelObj> {
        let code = input.code.clone();
        let s = save(ctx, input.into()).await?;
        saved(&s, s.channels.get(&code))
    }

    async fn delete_channel(&self, ctx: &Context<'_>, code: String) -> async_graphql::Result<bool> {
        delete(ctx, EntityKind::Channel, code).await
    }

    /// Creates or moves a category; moving it under itself or its descendants is refused.
    async fn save_category(
        &self,
        ctx: &Context<'_>,
        input: CategoryInput,
    ) -> async_graphql::Result<CategoryObj> {
        let code = input.code.clone();
        let s = save(ctx, input.into()).await?;
        saved(&s, s.categories.get(&code))
    }

    async fn delete_category(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<bool> {
        delete(ctx, EntityKind::Category, code).await
    }

    async fn save_attribute_group(
        &self,
        ctx: &Context<'_>,
        input: AttributeGroupInput,
    ) -> async_graphql::Result<AttributeGroupObj> {
        let code = input.code.clone();
        let s = save(ctx, input.into()).await?;
        saved(&s, s.attribute_groups.get(&code))
    }

    async fn delete_attribute_group(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<bool> {
        delete(ctx, EntityKind::AttributeGroup, code).await
    }

    async fn save_attribute(
        &self,
        ctx: &Context<'_>,
        input: AttributeInput,
    ) -> async_graphql::Result<AttributeObj> {
        let code = input.code.clone();
        let entity = Entity::try_from(input).map_err(to_graphql)?;
        let s = save(ctx, entity).await?;
        saved(&s, s.attributes.get(&code))
    }

    /// Deletes an attribute and its options once no family uses it and no product or product
    /// model holds a value of it (`CONFLICT`, naming a few of them).
    async fn delete_attribute(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<bool> {
        delete(ctx, EntityKind::Attribute, code).await
    }

    async fn save_attribute_option(
        &self,
        ctx: &Context<'_>,
        input: AttributeOptionInput,
    ) -> async_graphql::Result<OptionObj> {
        let (attribute, code) = (input.attribute.clone(), input.code.clone());
        let s = save(ctx, input.into()).await?;
        saved(&s, s.option(&attribute, &code))
    }

    /// Deletes an option once no product or product model value holds it (`CONFLICT`, naming
    /// a few of them).
    async fn delete_attribute_option(
        &self,
        ctx: &Context<'_>,
        attribute: String,
        code: String,
    ) -> async_graphql::Result<bool> {
        delete(
            ctx,
            EntityKind::AttributeOption,
            option_key(&attribute, &code),
        )
        .await
    }

    async fn save_association_type(
        &self,
        ctx: &Context<'_>,
        input: AssociationTypeInput,
    ) -> async_graphql::Result<AssociationTypeObj> {
        let code = input.code.clone();
        let s = save(ctx, input.into()).await?;
        saved(&s, s.association_types.get(&code))
    }

    async fn delete_association_type(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<bool> {
        delete(ctx, EntityKind::AssociationType, code).await
    }

    async fn save_family(
        &self,
        ctx: &Context<'_>,
        input: FamilyInput,
    ) -> async_graphql::Result<FamilyObj> {
        let code = input.code.clone();
        let s = save(ctx, input.into()).await?;
        saved(&s, s.families.get(&code))
    }

    async fn delete_family(&self, ctx: &Context<'_>, code: String) -> async_graphql::Result<bool> {
        delete(ctx, EntityKind::Family, code).await
    }

    async fn save_family_variant(
        &self,
        ctx: &Context<'_>,
        input: FamilyVariantInput,
    ) -> async_graphql::Result<FamilyVariantObj> {
        let code = input.code.clone();
        let s = save(ctx, input.into()).await?;
        saved(&s, s.family_variants.get(&code))
    }

    async fn delete_family_variant(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<bool> {
        delete(ctx, EntityKind::FamilyVariant, code).await
    }
}
