//! Mutations on accounts: signing in and out, one's own password, and users and API tokens for
//! admins. Session cookies are set and cleared here, through the response headers.

use async_graphql::{Context, ID, Object};

use super::auth_query::accounts;
use super::auth_types::{
    ApiTokenInput, ApiTokenObj, CreatedApiToken, SessionObj, UserInput, UserObj, UserUpdateInput,
    parse_id,
};
use super::{require, to_graphql};
use crate::api::http::auth::{Caller, cleared_cookie, session_cookie};
use crate::auth::Action;
use crate::auth::secret::Secret;
use crate::error::Error;
use crate::service::accounts::{NewToken, NewUser, UserUpdate};

#[derive(Default)]
pub struct AuthMutation;

fn request_caller<'a>(ctx: &Context<'a>) -> Option<&'a Caller> {
    ctx.data_opt::<Caller>()
}

#[Object]
impl AuthMutation {
    /// Signs in with e-mail and password and sets the session cookie (HttpOnly, SameSite=Strict).
    /// Wrong e-mail and wrong password fail alike; repeated failures are throttled.
    async fn sign_in(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> async_graphql::Result<SessionObj> {
        let (address, secure) = request_caller(ctx).map_or(("unknown".to_string(), false), |c| {
            (c.address.clone(), c.secure)
        });
        let password = Secret::new(password);
        let signed = accounts(ctx, move |a| a.sign_in(&email, password.expose(), &address)).await?;
        let max_age = (signed.expires - crate::service::now()).num_seconds();
        ctx.insert_http_header(
            "set-cookie",
            session_cookie(signed.session.expose(), max_age, secure),
        );
        Ok(SessionObj {
            user: signed.user.into(),
            csrf_token: signed.csrf_token,
            expires: signed.expires,
        })
    }

    /// Ends the caller's browser session and clears its cookie; true when a session ended.
    async fn sign_out(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let Some(c) = request_caller(ctx) else {
            return Ok(false);
        };
        ctx.insert_http_header("set-cookie", cleared_cookie(c.secure));
        let Some(session) = c.session.clone() else {
            return Ok(false);
        };
        accounts(ctx, move |a| a.sign_out(session.expose())).await?;
        Ok(true)
    }

    /// Changes the caller's own password; their other sessions end.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> async_graphql::Result<bool> {
        let who = require(ctx, Action::ReadSelf)?.clone();
        if who.user_id == 0 {
            return Err(to_graphql(Error::BadRequest(
                "this caller has no password".into(),
            )));
        }
        let new = Secret::new(new_password);
        accounts(ctx, move |a| {
            a.change_password(who.user_id, &current_password, new)
        })
        .await?;
        Ok(true)
    }

    /// Creates a user (admins only).
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: UserInput,
    ) -> async_graphql::Result<UserObj> {
        require(ctx, Action::ManageUsers)?;
        let new = NewUser {
            email: input.email,
            name: input.name,
            password: Secret::new(input.password),
            role: input.role.into(),
            grants: input.grants.into(),
        };
        Ok(accounts(ctx, move |a| a.create_user(new)).await?.into())
    }

    /// Changes a user (admins only).
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UserUpdateInput,
    ) -> async_graphql::Result<UserObj> {
        let who = require(ctx, Action::ManageUsers)?;
        let id = parse_id("id", &id).map_err(to_graphql)?;
        if id == who.user_id
            && (input.disabled == Some(true) || input.role.is_some_and(|r| r != who.role.into()))
        {
            return Err(to_graphql(Error::BadRequest(
                "admins may not disable themselves or change their own role; ask another admin"
                    .into(),
            )));
        }
        let update = UserUpdate {
            name: input.name,
            role: input.role.map(Into::into),
            grants: input.grants.map(Into::into),
            disabled: input.disabled,
            password: input.password.map(Secret::new),
        };
        Ok(accounts(ctx, move |a| a.update_user(id, update))
            .await?
            .into())
    }

    /// Creates an API token (admins only). The secret is in the answer once, never again.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        input: ApiTokenInput,
    ) -> async_graphql::Result<CreatedApiToken> {
        let who = require(ctx, Action::ManageUsers)?;
        let owner_id = match &input.owner_id {
            Some(id) => parse_id("input.ownerId", id).map_err(to_graphql)?,
            None => who.user_id,
        };
        let new = NewToken {
            name: input.name,
            owner_id,
            role: input.role.into(),
            grants: input.grants.into(),
            expires: input.expires,
        };
        let (token, secret, email) = accounts(ctx, move |a| {
            let (token, secret) = a.create_token(new)?;
            let email = a.user(token.owner_id)?.map(|u| u.email);
            Ok((token, secret, email))
        })
        .await?;
        Ok(CreatedApiToken::new(
            ApiTokenObj::new(token, email),
            secret.expose().to_string(),
        ))
    }

    /// Revokes an API token at once (admins only); revoking twice is harmless.
    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ApiTokenObj> {
        require(ctx, Action::ManageUsers)?;
        let id = parse_id("id", &id).map_err(to_graphql)?;
        let (token, email) = accounts(ctx, move |a| {
            let token = a.revoke_token(id)?;
            let email = a.user(token.owner_id)?.map(|u| u.email);
            Ok((token, email))
        })
        .await?;
        Ok(ApiTokenObj::new(token, email))
    }
}
