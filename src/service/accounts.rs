//! Accounts: users, sign-in and sessions, API tokens, and turning a presented credential into
//! the `Principal` every permission check takes. Verified credentials are cached briefly per node.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use validator::ValidateEmail;

use super::now;
use crate::auth::secret::{self, Secret};
use crate::auth::{Credential, Grants, Principal, Role, SignInLimiter};
use crate::config::AuthConfig;
use crate::error::{Error, FieldError, Result};
use crate::store::accounts::{
    self as repo, NewTokenRow, NewUserRow, TokenRow, UserChanges, UserRow,
};
use crate::store::{Conn, Db};

/// A user as callers see it: never the password hash.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub grants: Grants,
    pub disabled: bool,
    pub created: NaiveDateTime,
    pub updated: NaiveDateTime,
}

/// An API token as callers see it: never the secret, only its first characters.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub owner_id: i64,
    pub role: Role,
    pub grants: Grants,
    pub expires: Option<NaiveDateTime>,
    pub last_used: Option<NaiveDateTime>,
    pub created: NaiveDateTime,
    pub revoked: Option<NaiveDateTime>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password: Secret,
    pub role: Role,
    pub grants: Grants,
}

/// Changes to a user; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub grants: Option<Grants>,
    pub disabled: Option<bool>,
    pub password: Option<Secret>,
}

#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub owner_id: i64,
    pub role: Role,
    pub grants: Grants,
    pub expires: Option<NaiveDateTime>,
}

/// A new session: the secret goes into the cookie, the CSRF token to the page.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub session: Secret,
    pub csrf_token: String,
    pub expires: NaiveDateTime,
}

/// How often a token's time of last use is written, at most.
const TOUCH_INTERVAL: chrono::TimeDelta = chrono::TimeDelta::seconds(60);
const CACHE_MAX: usize = 10_000;

struct Cached {
    principal: Principal,
    until: Instant,
}

pub struct Accounts {
    db: Db,
    config: AuthConfig,
    limiter: SignInLimiter,
    cache: Mutex<HashMap<String, Cached>>,
}

fn to_user(row: UserRow) -> Result<User> {
    Ok(User {
        role: Role::parse(&row.role).map_err(|e| Error::Internal(e.message))?,
        grants: serde_json::from_str(&row.grants)?,
        id: row.id,
        email: row.email,
        name: row.name,
        disabled: row.disabled,
        created: row.created,
        updated: row.updated,
    })
}

fn to_token(row: TokenRow) -> Result<ApiToken> {
    Ok(ApiToken {
        role: Role::parse(&row.role).map_err(|e| Error::Internal(e.message))?,
        grants: serde_json::from_str(&row.grants)?,
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        owner_id: row.owner_id,
        expires: row.expires,
        last_used: row.last_used,
        created: row.created,
        revoked: row.revoked,
    })
}

fn check_grants(role: Role, grants: &Grants) -> Result<()> {
    grants.check(role).map_err(Error::Invalid)
}

fn unique_email(e: Error, email: &str) -> Error {
    match e {
        Error::Database(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Error::field(FieldError::conflict(
            "email",
            format!("a user with e-mail {email} already exists"),
        )),
        other => other,
    }
}

impl Accounts {
    pub fn new(db: Db, config: AuthConfig) -> Accounts {
        let limiter = SignInLimiter::new(
            Duration::from_secs(config.failure_window_seconds),
            config.max_failures_per_account,
            config.max_failures_per_address,
        );
        Accounts {
            db,
            config,
            limiter,
            cache: Mutex::new(HashMap::new()),
        }
    }

    fn forget_cached(&self) {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    pub fn create_user(&self, new: NewUser) -> Result<User> {
        let email = new.email.trim().to_lowercase();
        let mut errors = Vec::new();
        if !email.validate_email() {
            errors.push(FieldError::invalid(
                "email",
                format!("{:?} is not an e-mail address", new.email),
            ));
        }
        if let Err(e) = secret::check_password("password", new.password.expose()) {
            errors.push(e);
        }
        if let Err(mut e) = new.grants.check(new.role) {
            errors.append(&mut e);
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let hash = secret::hash_password(new.password.expose())?;
        let grants = serde_json::to_string(&new.grants)?;
        let at = now();
        let name = if new.name.trim().is_empty() {
            email.clone()
        } else {
            new.name.trim().to_string()
        };
        let row = self
            .db
            .write(|c| {
                repo::insert_user(
                    c,
                    &NewUserRow {
                        email: &email,
                        name: &name,
                        password_hash: &hash,
                        role: new.role.as_str(),
                        grants: &grants,
                        disabled: false,
                        created: at,
                        updated: at,
                    },
                )
            })
            .map_err(|e| unique_email(e, &email))?;
        tracing::info!(target: "pim::audit", user = %email, role = %new.role, "user created");
        to_user(row)
    }

    pub fn users(&self) -> Result<Vec<User>> {
        self.db
            .read(repo::list_users)?
            .into_iter()
            .map(to_user)
            .collect()
    }

    pub fn user(&self, id: i64) -> Result<Option<User>> {
        self.db
            .read(|c| repo::find_user(c, id))?
            .map(to_user)
            .transpose()
    }

    pub fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let email = email.trim().to_lowercase();
        self.db
            .read(|c| repo::find_user_by_email(c, &email))?
            .map(to_user)
            .transpose()
    }

    /// Changes a user. A new role, new grants, a new password or disabling ends their sessions.
    pub fn update_user(&self, id: i64, update: UserUpdate) -> Result<User> {
        let current = self
            .user(id)?
            .ok_or_else(|| Error::NotFound(format!("no user with id {id}")))?;
        let role = update.role.unwrap_or(current.role);
        let grants = update.grants.clone().unwrap_or_else(|| {
            if role == current.role {
                current.grants.clone()
            } else {
                Grants::default()
            }
        });
        check_grants(role, &grants)?;
        let password_hash = match &update.password {
            Some(p) => {
                secret::check_password("password", p.expose()).map_err(Error::field)?;
                Some(secret::hash_password(p.expose())?)
            }
            None => None,
        };
        let ends_sessions = role != current.role
            || grants != current.grants
            || password_hash.is_some()
            || update.disabled == Some(true);
        let changes = UserChanges {
            name: update
                .name
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty()),
            password_hash,
            role: Some(role.as_str().to_string()),
            grants: Some(serde_json::to_string(&grants)?),
            disabled: update.disabled,
            updated: Some(now()),
        };
        self.db.write(|c| {
            repo::update_user(c, id, &changes)?;
            if ends_sessions {
                repo::delete_user_sessions(c, id)?;
            }
            Ok(())
        })?;
        self.forget_cached();
        tracing::info!(target: "pim::audit", user = %current.email, role = %role, "user changed");
        self.user(id)?
            .ok_or_else(|| Error::NotFound(format!("no user with id {id}")))
    }

    /// Creates the first administrator when there is no enabled admin (a fresh install, or one
    /// holding only demo users); returns the e-mail and password to show once, or `None`.
    pub fn ensure_first_admin(&self, password: Option<Secret>) -> Result<Option<(String, Secret)>> {
        if self.db.read(repo::count_admins)? > 0 {
            return Ok(None);
        }
        let email = self.config.admin_email.clone();
        if self.user_by_email(&email)?.is_some() {
            tracing::warn!(
                user = %email,
                "no enabled admin; enable one with `pim user enable --email …`"
            );
            return Ok(None);
        }
        let password = password.unwrap_or_else(secret::new_password);
        self.create_user(NewUser {
            email: email.clone(),
            name: "Administrator".into(),
            password: password.clone(),
            role: Role::Admin,
            grants: Grants::default(),
        })?;
        Ok(Some((email, password)))
    }

    /// Checks e-mail and password and opens a session. Every failure reads the same, whether the
    /// account exists or not; repeated failures per account and per address are throttled.
    pub fn sign_in(&self, email: &str, password: &str, address: &str) -> Result<SignedIn> {
        let started = Instant::now();
        if let Err(wait) = self.limiter.check(email, address, started) {
            return Err(Error::RateLimited(format!(
                "too many failed sign-ins; try again in {wait} seconds"
            )));
        }
        let key = email.trim().to_lowercase();
        let row = self.db.read(|c| repo::find_user_by_email(c, &key))?;
        let hash = row
            .as_ref()
            .map_or(secret::decoy_hash(), |r| r.password_hash.as_str());
        let valid = secret::verify_password(hash, password);
        let row = match row {
            Some(row) if valid && !row.disabled => row,
            _ => {
                self.limiter.record_failure(email, address, Instant::now());
                tracing::info!(target: "pim::audit", address, "sign-in refused");
                return Err(Error::Unauthenticated("invalid e-mail or password".into()));
            }
        };
        self.limiter.record_success(email);
        let session = secret::new_session();
        let at = now();
        let expires = at + chrono::TimeDelta::hours(self.config.session_hours as i64);
        self.db.write(|c| {
            repo::delete_expired_sessions(c, at)?;
            repo::insert_session(
                c,
                &repo::SessionRow {
                    token_hash: secret::digest(session.expose()),
                    user_id: row.id,
                    created: at,
                    expires,
                },
            )
        })?;
        tracing::info!(target: "pim::audit", user = %row.email, address, "signed in");
        Ok(SignedIn {
            csrf_token: secret::csrf_token(session.expose()),
            user: to_user(row)?,
            session,
            expires,
        })
    }

    /// Ends a session; signing out twice is harmless.
    pub fn sign_out(&self, session: &str) -> Result<()> {
        let digest = secret::digest(session);
        self.db.write(|c| repo::delete_session(c, &digest))?;
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&digest);
        Ok(())
    }

    /// Changes one's own password after checking the current one; ends the other sessions.
    pub fn change_password(&self, user_id: i64, current: &str, new: Secret) -> Result<()> {
        let row = self
            .db
            .read(|c| repo::find_user(c, user_id))?
            .ok_or_else(|| Error::NotFound(format!("no user with id {user_id}")))?;
        if !secret::verify_password(&row.password_hash, current) {
            return Err(Error::field(FieldError::invalid(
                "currentPassword",
                "the current password is wrong",
            )));
        }
        self.update_user(
            user_id,
            UserUpdate {
                password: Some(new),
                ..UserUpdate::default()
            },
        )?;
        Ok(())
    }

    /// The caller behind a session or token secret when this node verified it recently: no I/O,
    /// so async callers can use it without leaving the executor.
    pub fn cached(&self, secret: &str) -> Option<Principal> {
        self.cached_digest(&secret::digest(secret))
    }

    fn cached_digest(&self, digest: &str) -> Option<Principal> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .get(digest)
            .filter(|c| c.until > Instant::now())
            .map(|c| c.principal.clone())
    }

    fn remember(&self, digest: String, principal: &Principal, expires: Option<NaiveDateTime>) {
        let mut ttl = Duration::from_secs(self.config.credential_cache_seconds);
        if let Some(expires) = expires {
            let left = (expires - now()).to_std().unwrap_or_default();
            ttl = ttl.min(left);
        }
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CACHE_MAX {
            cache.clear();
        }
        cache.insert(
            digest,
            Cached {
                principal: principal.clone(),
                until: Instant::now() + ttl,
            },
        );
    }

    /// The caller behind a session cookie, or `None` when the session is unknown or expired.
    pub fn authenticate_session(&self, session: &str) -> Result<Option<Principal>> {
        let digest = secret::digest(session);
        if let Some(p) = self.cached_digest(&digest) {
            return Ok(Some(p));
        }
        let Some((row, user)) = self.db.read(|c| repo::find_session(c, &digest, now()))? else {
            return Ok(None);
        };
        if user.disabled {
            return Ok(None);
        }
        let user = to_user(user)?;
        let principal = Principal {
            user_id: user.id,
            email: user.email,
            role: user.role,
            grants: user.grants,
            credential: Credential::Session,
        };
        self.remember(digest, &principal, Some(row.expires));
        Ok(Some(principal))
    }

    /// The caller behind an API token; `UNAUTHENTICATED` when it is unknown, revoked, expired or
    /// its owner is disabled.
    pub fn authenticate_token(&self, token: &str) -> Result<Principal> {
        let digest = secret::digest(token);
        if let Some(p) = self.cached_digest(&digest) {
            return Ok(p);
        }
        let refused = || Error::Unauthenticated("invalid, revoked or expired API token".into());
        let Some((row, owner)) = self.db.read(|c| repo::find_token_by_hash(c, &digest))? else {
            return Err(refused());
        };
        let at = now();
        if row.revoked.is_some() || row.expires.is_some_and(|e| e <= at) || owner.disabled {
            return Err(refused());
        }
        if row.last_used.is_none_or(|t| at - t >= TOUCH_INTERVAL) {
            self.db.write(|c| repo::touch_token(c, row.id, at))?;
        }
        let token = to_token(row)?;
        let principal = Principal {
            user_id: owner.id,
            email: owner.email,
            role: token.role,
            grants: token.grants,
            credential: Credential::Token {
                id: token.id,
                name: token.name,
            },
        };
        self.remember(digest, &principal, token.expires);
        Ok(principal)
    }

    /// Creates a token; the secret is returned once and only its digest is stored.
    pub fn create_token(&self, new: NewToken) -> Result<(ApiToken, Secret)> {
        let name = new.name.trim().to_string();
        let mut errors = Vec::new();
        if name.is_empty() || name.chars().count() > 100 {
            errors.push(FieldError::invalid(
                "name",
                "a token needs a name of 1 to 100 characters",
            ));
        }
        if let Err(mut e) = new.grants.check(new.role) {
            errors.append(&mut e);
        }
        if new.expires.is_some_and(|e| e <= now()) {
            errors.push(FieldError::invalid(
                "expires",
                "the expiry must be in the future",
            ));
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let owner = self.user(new.owner_id)?.ok_or_else(|| {
            Error::field(FieldError::not_found(
                "owner",
                format!("no user with id {}", new.owner_id),
            ))
        })?;
        let token = secret::new_token();
        let digest = secret::digest(token.expose());
        let prefix: String = token
            .expose()
            .chars()
            .take(secret::TOKEN_PREFIX.len() + 6)
            .collect();
        let grants = serde_json::to_string(&new.grants)?;
        let row = self.db.write(|c| {
            repo::insert_token(
                c,
                &NewTokenRow {
                    name: &name,
                    token_hash: &digest,
                    prefix: &prefix,
                    owner_id: owner.id,
                    role: new.role.as_str(),
                    grants: &grants,
                    expires: new.expires,
                    created: now(),
                },
            )
        })?;
        tracing::info!(target: "pim::audit", token = %name, owner = %owner.email, role = %new.role, "API token created");
        Ok((to_token(row)?, token))
    }

    pub fn tokens(&self) -> Result<Vec<ApiToken>> {
        self.db
            .read(repo::list_tokens)?
            .into_iter()
            .map(to_token)
            .collect()
    }

    /// Revokes a token at once on this node; other nodes stop accepting it within the
    /// credential cache time.
    pub fn revoke_token(&self, id: i64) -> Result<ApiToken> {
        let at = now();
        self.db
            .write(|c: &mut Conn<'_>| repo::revoke_token(c, id, at))?;
        self.forget_cached();
        let token = self
            .db
            .read(|c| repo::find_token(c, id))?
            .ok_or_else(|| Error::NotFound(format!("no API token with id {id}")))?;
        tracing::info!(target: "pim::audit", token = %token.name, "API token revoked");
        to_token(token)
    }
}
