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

/// Upload limits for multipart requests, from the configuration.
pub fn multipart_options(state: &AppState) -> MultipartOptions {
    MultipartOptions::default()
        .max_file_size(state.config.limits.max_asset_bytes as usize)
        .max_num_files(32)
}
