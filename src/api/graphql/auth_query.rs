//! Queries on accounts: the caller's own (`me`), and users, tokens and roles for admins.

use std::collections::HashMap;

use async_graphql::{Context, ID, Object};

use super::access::caller;
use super::auth_types::{ApiTokenObj, GrantsObj, MeObj, RoleObj, UserObj, parse_id};
use super::{require, to_graphql};
use crate::api::http::auth::Caller;
use crate::auth::secret::csrf_token;
use crate::auth::{Action, Credential, Role};
use crate::error::Error;
use crate::service::accounts::Accounts;

#[derive(Default)]
pub struct AuthQuery;

/// Runs blocking account work on the blocking pool.
pub(crate) async fn accounts<T: Send + 'static>(
    ctx: &Context<'_>,
    f: impl FnOnce(&Accounts) -> Result<T, Error> + Send + 'static,
) -> async_graphql::Result<T> {
    super::on_blocking_pool(ctx, f).await
}

#[Object]
impl AuthQuery {
    /// The signed-in caller; null when nobody is signed in.
    async fn me(&self, ctx: &Context<'_>) -> Option<MeObj> {
        let p = caller(ctx)?;
        let session = ctx.data_opt::<Caller>().and_then(|c| c.session.as_ref());
        let (via, token_name) = match &p.credential {
            Credential::Session => ("session", None),
            Credential::Token { name, .. } => ("token", Some(name.clone())),
            Credential::Cli => ("cli", None),
        };
        Some(MeObj {
            user_id: ID(p.user_id.to_string()),
            email: p.email.clone(),
            role: p.role.into(),
            grants: GrantsObj::from(p.grants.clone()),
            via: via.into(),
            token_name,
            csrf_token: session.map(|s| csrf_token(s.expose())),
        })
    }

    /// Every user (admins only).
    async fn users(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<UserObj>> {
        require(ctx, Action::ManageUsers)?;
        let users = accounts(ctx, |a| a.users()).await?;
        Ok(users.into_iter().map(Into::into).collect())
    }

    /// One user by id (admins only).
    async fn user(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<UserObj>> {
        require(ctx, Action::ManageUsers)?;
        let id = parse_id("id", &id).map_err(to_graphql)?;
        Ok(accounts(ctx, move |a| a.user(id)).await?.map(Into::into))
    }

    /// Every API token, revoked ones included, without secrets (admins only).
    async fn api_tokens(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiTokenObj>> {
        require(ctx, Action::ManageUsers)?;
        let (tokens, users) = accounts(ctx, |a| Ok((a.tokens()?, a.users()?))).await?;
        let emails: HashMap<i64, String> = users.into_iter().map(|u| (u.id, u.email)).collect();
        Ok(tokens
            .into_iter()
            .map(|t| {
                let email = emails.get(&t.owner_id).cloned();
                ApiTokenObj::new(t, email)
            })
            .collect())
    }

    /// The roles and what each may do (admins only).
    async fn roles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<RoleObj>> {
        require(ctx, Action::ManageUsers)?;
        Ok(Role::ALL.into_iter().map(Into::into).collect())
    }
}
