//! Reading the change log over GraphQL.

use async_graphql::{Context, Json, Object, SimpleObject};

use super::product_query::page_size;
use super::{blocking, require};
use crate::auth::Action;
use crate::store::changes::ChangeFilter;

#[derive(Default)]
pub struct ChangeQuery;

#[derive(SimpleObject)]
#[graphql(name = "Change")]
pub struct ChangeObj {
    /// Position in the change log; pass the last one seen as `since` to continue.
    seq: i64,
    /// `product`, `product_model`, `asset`, or a structure kind such as `attribute`.
    entity: String,
    code: String,
    /// `create`, `update` or `delete`.
    operation: String,
    /// Changed fields: `[{field, scope?, locale?, before, after}]`.
    fields: Json<serde_json::Value>,
    actor: String,
    source: String,
    at: chrono::NaiveDateTime,
}

#[derive(SimpleObject)]
pub struct ChangePage {
    changes: Vec<ChangeObj>,
    /// The `seq` to pass as `since` for the next page.
    next_since: i64,
    /// The newest position in the log.
    head: i64,
}

#[Object]
impl ChangeQuery {
    /// Change-log events after position `since`, oldest first.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 0)] since: i64,
        #[graphql(default = 100)] first: i32,
        entity: Option<String>,
        code: Option<String>,
    ) -> async_graphql::Result<ChangePage> {
        require(ctx, Action::ReadCatalog)?;
        let limit = page_size(first)?;
        let filter = ChangeFilter { entity, code };
        let (rows, head) = blocking(ctx, move |c| {
            Ok((c.changes(since, limit, &filter)?, c.change_head()?))
        })
        .await?;
        let next_since = rows.last().map_or(since, |r| r.seq);
        let changes = rows
            .into_iter()
            .map(|r| {
                Ok(ChangeObj {
                    seq: r.seq,
                    entity: r.entity,
                    code: r.code,
                    operation: r.operation,
                    fields: Json(serde_json::from_str(&r.fields)?),
                    actor: r.actor,
                    source: r.source,
                    at: r.at,
                })
            })
            .collect::<Result<Vec<_>, serde_json::Error>>()?;
        Ok(ChangePage {
            changes,
            next_since,
            head,
        })
    }
}
