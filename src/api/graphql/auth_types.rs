//! GraphQL shapes of users, API tokens, roles and sessions.

use async_graphql::{Enum, ID, InputObject, SimpleObject};
use chrono::NaiveDateTime;

use crate::auth::{Grants, Role};
use crate::error::{Error, FieldError};
use crate::service::accounts::{ApiToken, User};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "Role", rename_items = "SCREAMING_SNAKE_CASE")]
pub enum GqlRole {
    Admin,
    CatalogManager,
    Translator,
    Supplier,
    ChannelConsumer,
    Viewer,
}

impl From<Role> for GqlRole {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => Self::Admin,
            Role::CatalogManager => Self::CatalogManager,
            Role::Translator => Self::Translator,
            Role::Supplier => Self::Supplier,
            Role::ChannelConsumer => Self::ChannelConsumer,
            Role::Viewer => Self::Viewer,
        }
    }
}

impl From<GqlRole> for Role {
    fn from(r: GqlRole) -> Self {
        match r {
            GqlRole::Admin => Self::Admin,
            GqlRole::CatalogManager => Self::CatalogManager,
            GqlRole::Translator => Self::Translator,
            GqlRole::Supplier => Self::Supplier,
            GqlRole::ChannelConsumer => Self::ChannelConsumer,
            GqlRole::Viewer => Self::Viewer,
        }
    }
}

/// What a role applies to: translators' locales, consumers' channels, a supplier's account.
#[derive(SimpleObject, Clone)]
#[graphql(name = "Grants")]
pub struct GrantsObj {
    locales: Vec<String>,
    channels: Vec<String>,
    supplier: Option<String>,
}

impl From<Grants> for GrantsObj {
    fn from(g: Grants) -> Self {
        GrantsObj {
            locales: g.locales,
            channels: g.channels,
            supplier: g.supplier,
        }
    }
}

#[derive(InputObject, Default)]
#[graphql(name = "GrantsInput")]
pub struct GrantsInput {
    #[graphql(default)]
    locales: Vec<String>,
    #[graphql(default)]
    channels: Vec<String>,
    supplier: Option<String>,
}

impl From<GrantsInput> for Grants {
    fn from(g: GrantsInput) -> Self {
        Grants {
            locales: g.locales,
            channels: g.channels,
            supplier: g.supplier,
        }
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(name = "User")]
pub struct UserObj {
    id: ID,
    email: String,
    name: String,
    role: GqlRole,
    grants: GrantsObj,
    /// A disabled user cannot sign in, and their tokens stop working.
    disabled: bool,
    created: NaiveDateTime,
    updated: NaiveDateTime,
}

impl From<User> for UserObj {
    fn from(u: User) -> Self {
        UserObj {
            id: ID(u.id.to_string()),
            email: u.email,
            name: u.name,
            role: u.role.into(),
            grants: u.grants.into(),
            disabled: u.disabled,
            created: u.created,
            updated: u.updated,
        }
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(name = "ApiToken")]
pub struct ApiTokenObj {
    id: ID,
    name: String,
    /// The first characters of the secret, to recognize it; the secret itself is never shown again.
    prefix: String,
    owner_id: ID,
    owner_email: Option<String>,
    role: GqlRole,
    grants: GrantsObj,
    expires: Option<NaiveDateTime>,
    last_used: Option<NaiveDateTime>,
    created: NaiveDateTime,
    revoked: Option<NaiveDateTime>,
}

impl ApiTokenObj {
    pub fn new(t: ApiToken, owner_email: Option<String>) -> Self {
        ApiTokenObj {
            id: ID(t.id.to_string()),
            name: t.name,
            prefix: t.prefix,
            owner_id: ID(t.owner_id.to_string()),
            owner_email,
            role: t.role.into(),
            grants: t.grants.into(),
            expires: t.expires,
            last_used: t.last_used,
            created: t.created,
            revoked: t.revoked,
        }
    }
}

#[derive(SimpleObject)]
pub struct CreatedApiToken {
    token: ApiTokenObj,
    /// Send as `Authorization: Bearer <secret>`. Shown this once; only its digest is stored.
    secret: String,
}

impl CreatedApiToken {
    pub fn new(token: ApiTokenObj, secret: String) -> Self {
        CreatedApiToken { token, secret }
    }
}

#[derive(SimpleObject)]
#[graphql(name = "RoleInfo")]
pub struct RoleObj {
    role: GqlRole,
    description: String,
}

impl From<Role> for RoleObj {
    fn from(r: Role) -> Self {
        RoleObj {
            role: r.into(),
            description: r.describe().into(),
        }
    }
}

/// The caller's own account.
#[derive(SimpleObject)]
#[graphql(name = "Me")]
pub struct MeObj {
    pub user_id: ID,
    pub email: String,
    pub role: GqlRole,
    pub grants: GrantsObj,
    /// `session` (browser), `token` or `cli`.
    pub via: String,
    /// The token's name when an API token is calling.
    pub token_name: Option<String>,
    /// For browser sessions: send as the `X-CSRF-Token` header on every POST.
    pub csrf_token: Option<String>,
}

#[derive(SimpleObject)]
#[graphql(name = "Session")]
pub struct SessionObj {
    pub user: UserObj,
    /// Send as the `X-CSRF-Token` header on every POST made with the session cookie.
    pub csrf_token: String,
    pub expires: NaiveDateTime,
}

#[derive(InputObject)]
pub struct UserInput {
    pub email: String,
    #[graphql(default)]
    pub name: String,
    /// At least 10 characters.
    pub password: String,
    pub role: GqlRole,
    #[graphql(default)]
    pub grants: GrantsInput,
}

/// Changes to a user; omitted fields keep their value. A new role, new grants, a new password or
/// disabling ends the user's sessions.
#[derive(InputObject)]
pub struct UserUpdateInput {
    pub name: Option<String>,
    pub role: Option<GqlRole>,
    pub grants: Option<GrantsInput>,
    pub disabled: Option<bool>,
    pub password: Option<String>,
}

#[derive(InputObject)]
pub struct ApiTokenInput {
    pub name: String,
    /// The user the token acts for; default the caller.
    pub owner_id: Option<ID>,
    pub role: GqlRole,
    #[graphql(default)]
    pub grants: GrantsInput,
    pub expires: Option<NaiveDateTime>,
}

/// Parses an id argument, naming the field when it is not a number.
pub fn parse_id(field: &str, id: &ID) -> Result<i64, Error> {
    id.parse().map_err(|_| {
        Error::field(FieldError::invalid(
            field,
            format!("{:?} is not an id", id.0),
        ))
    })
}
