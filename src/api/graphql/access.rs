//! Permission checks for resolvers: every root field names its action through `require`, which
//! defers to `auth::authorize`, the one place that decides.

use async_graphql::Context;

use super::to_graphql;
use crate::auth::{Action, Principal, authorize};
use crate::error::Error;
use crate::store::changes::Origin;

/// The signed-in caller, if any.
pub(crate) fn caller<'a>(ctx: &Context<'a>) -> Option<&'a Principal> {
    ctx.data_opt::<Principal>()
}

/// Refuses the field unless the caller may take `action`.
pub(crate) fn require<'a>(
    ctx: &Context<'a>,
    action: Action<'_>,
) -> async_graphql::Result<&'a Principal> {
    let who = caller(ctx);
    authorize(who, action).map_err(to_graphql)?;
    who.ok_or_else(|| to_graphql(Error::Unauthenticated("sign in first".into())))
}

/// The change log's actor and source for this caller.
pub(crate) fn origin(ctx: &Context<'_>) -> Origin {
    caller(ctx).map_or_else(
        || Origin::new("anonymous", "api"),
        |p| Origin::new(p.actor(), p.source()),
    )
}
