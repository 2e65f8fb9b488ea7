//! The GraphQL transport: `POST /graphql` (JSON or multipart uploads) and GraphiQL. Each request
//! carries its caller into the resolvers, which check permissions themselves.

use actix_web::{Either, HttpRequest, HttpResponse, web};
use async_graphql::http::receive_body;
use async_graphql::http::{GraphiQLSource, MultipartOptions};
use async_graphql_actix_web::GraphQLResponse;

use super::auth::identify;
use crate::app::AppState;
use crate::error::Error;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/graphql", web::post().to(graphql))
        .route("/graphql/ws", web::get().to(subscriptions))
        .route("/graphiql", web::get().to(graphiql));
}

/// The body arrives through `web::Bytes`, so the configured body limit applies (413 beyond it)
/// before anything is parsed.
async fn graphql(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Either<GraphQLResponse, HttpResponse> {
    let caller = match identify(&req, &state.accounts).await {
        Ok(caller) => caller,
        Err(e) => return Either::Right(refused(e)),
    };
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let reader = futures_util::io::Cursor::new(body);
    let request = match receive_body(content_type, reader, multipart_options(&state)).await {
        Ok(request) => request,
        Err(async_graphql::ParseRequestError::PayloadTooLarge) => {
            return Either::Right(refused(Error::PayloadTooLarge(
                "an uploaded file exceeds the size limit".into(),
            )));
        }
        Err(e) => return Either::Right(refused(Error::BadRequest(format!("{e}")))),
    };
    let mut request = request.data(state.config.limits.clone());
    if let Some(principal) = caller.principal.clone() {
        request = request.data(principal);
    }
    let request = request.data(caller);
    Either::Left(state.schema.execute(request).await.into())
}

/// GraphQL subscriptions over WebSocket (`graphql-transport-ws` or `graphql-ws`). The caller is
/// the session cookie or bearer token of the upgrade request, or a bearer token sent as
/// `{"authorization": "Bearer …"}` in the connection-init payload. Browsers' cross-site
/// upgrades are refused: the Origin must be this host or a configured CORS origin.
async fn subscriptions(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> actix_web::Result<HttpResponse> {
    if let Some(origin) = req.headers().get(actix_web::http::header::ORIGIN) {
        let origin = origin.to_str().unwrap_or_default();
        let host = req.connection_info().host().to_string();
        let same_host = origin.split("://").nth(1) == Some(host.as_str());
        if !same_host && !state.config.auth.cors_origins.iter().any(|o| o == origin) {
            return Ok(refused(Error::Forbidden(format!(
                "WebSocket upgrades from origin {origin} are not allowed"
            ))));
        }
    }
    let caller = match identify(&req, &state.accounts).await {
        Ok(caller) => caller,
        Err(e) => return Ok(refused(e)),
    };
    let mut data = async_graphql::Data::default();
    if let Some(principal) = caller.principal.clone() {
        data.insert(principal);
    }
    data.insert(caller);
    let accounts = state.accounts.clone();
    async_graphql_actix_web::GraphQLSubscription::new(state.schema.clone())
        .with_data(data)
        .on_connection_init(move |payload| async move {
            let mut data = async_graphql::Data::default();
            let token = payload
                .get("authorization")
                .or_else(|| payload.get("Authorization"))
                .and_then(|v| v.as_str())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::to_string);
            if let Some(token) = token {
                let principal = actix_web::rt::task::spawn_blocking(move || {
                    accounts.authenticate_token(&token)
                })
                .await
                .map_err(|e| async_graphql::Error::new(e.to_string()))?
                .map_err(|e| async_graphql::Error::new(e.public_message()))?;
                data.insert(principal);
            }
            Ok(data)
        })
        .start(&req, payload)
}

/// Credentials refused before any resolver ran: a GraphQL-shaped error with the HTTP status.
fn refused(e: Error) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(e.code().http_status())
        .unwrap_or(actix_web::http::StatusCode::UNAUTHORIZED);
    HttpResponse::build(status).json(serde_json::json!({
        "data": null,
        "errors": [{"message": e.public_message(), "extensions": {"code": e.code().as_str()}}],
    }))
}

async fn graphiql(state: web::Data<AppState>) -> HttpResponse {
    if !state.config.graphql.graphiql {
        return HttpResponse::NotFound().body("graphiql is turned off");
    }
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .title("pim GraphiQL")
                .finish(),
        )
}

/// Upload limits for multipart requests, from the configuration: files up to the body limit
/// (assets check their own, smaller limit; larger feeds go to `POST /api/suppliers/{code}/feeds`).
pub fn multipart_options(state: &AppState) -> MultipartOptions {
    MultipartOptions::default()
        .max_file_size(state.config.limits.max_body_bytes)
        .max_num_files(32)
}
