//! Who is calling, for every HTTP entry point: an API token (`Authorization: Bearer …`) or a
//! browser session cookie, whose state-changing requests must also carry the session's CSRF
//! token. Plain endpoints call `require`; the GraphQL transport hands the caller to resolvers.

use std::sync::Arc;

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::{Method, header};
use actix_web::{HttpRequest, web};

use crate::app::AppState;
use crate::auth::secret::{self, Secret};
use crate::auth::{Action, Principal, authorize};
use crate::error::Error;
use crate::service::accounts::Accounts;

pub const SESSION_COOKIE: &str = "pim_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The caller of one request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Option<Principal>,
    /// The session secret, when the caller came with a live session cookie.
    pub session: Option<Secret>,
    /// The client's address, for sign-in throttling.
    pub address: String,
    /// Whether the request arrived over HTTPS (directly or per the proxy's forwarded headers).
    pub secure: bool,
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    web::block(f)
        .await
        .map_err(|e| Error::Internal(format!("worker failed: {e}")))?
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Reads the request's credentials. A bearer token that is wrong is refused outright; a stale
/// session cookie counts as no credentials, so the caller can sign in again.
pub async fn identify(req: &HttpRequest, accounts: &Arc<Accounts>) -> Result<Caller, Error> {
    let mut caller = Caller {
        principal: None,
        session: None,
        address: req
            .peer_addr()
            .map_or_else(|| "unknown".to_string(), |a| a.ip().to_string()),
        secure: req.connection_info().scheme() == "https",
    };
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                Error::Unauthenticated("the Authorization header must read: Bearer <token>".into())
            })?
            .to_string();
        let principal = match accounts.cached(&token) {
            Some(p) => p,
            None => {
                let accounts = accounts.clone();
                blocking(move || accounts.authenticate_token(&token)).await?
            }
        };
        caller.principal = Some(principal);
        return Ok(caller);
    }
    let Some(cookie) = req.cookie(SESSION_COOKIE) else {
        return Ok(caller);
    };
    let session = cookie.value().to_string();
    let principal = match accounts.cached(&session) {
        Some(p) => Some(p),
        None => {
            let accounts = accounts.clone();
            let s = session.clone();
            blocking(move || accounts.authenticate_session(&s)).await?
        }
    };
    let Some(principal) = principal else {
        return Ok(caller);
    };
    if !is_safe(req.method()) {
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !secret::same(sent, &secret::csrf_token(&session)) {
            return Err(Error::Forbidden(
                "this request needs the session's X-CSRF-Token header; reload the page".into(),
            ));
        }
    }
    caller.principal = Some(principal);
    caller.session = Some(Secret::new(session));
    Ok(caller)
}

/// Identifies the caller and checks `action` for a plain HTTP endpoint: 401 without
/// credentials, 403 when the role does not allow it.
pub async fn require(
    req: &HttpRequest,
    state: &AppState,
    action: Action<'_>,
) -> Result<Principal, Error> {
    let caller = identify(req, &state.accounts).await?;
    authorize(caller.principal.as_ref(), action)?;
    caller
        .principal
        .ok_or_else(|| Error::Unauthenticated("sign in first".into()))
}

/// The session cookie: HttpOnly (scripts cannot read it), SameSite=Strict (other sites cannot
/// send it), Secure over HTTPS.
pub fn session_cookie(session: &str, max_age_seconds: i64, secure: bool) -> String {
    Cookie::build(SESSION_COOKIE, session.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(time::Duration::seconds(max_age_seconds.max(0)))
        .finish()
        .to_string()
}

/// A cookie that removes the session cookie from the browser.
pub fn cleared_cookie(secure: bool) -> String {
    session_cookie("", 0, secure)
}
