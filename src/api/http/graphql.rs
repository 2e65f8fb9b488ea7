//! The GraphQL transport: `POST /graphql` (JSON or multipart uploads) and GraphiQL.

use actix_web::{HttpResponse, web};
use async_graphql::http::{GraphiQLSource, MultipartOptions};
use async_graphql_actix_web::{GraphQLRequest, GraphQLResponse};

use crate::app::AppState;
use crate::store::changes::Origin;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/graphql", web::post().to(graphql))
        .route("/graphiql", web::get().to(graphiql));
}

async fn graphql(state: web::Data<AppState>, request: GraphQLRequest) -> GraphQLResponse {
    let request = request
        .into_inner()
        .data(Origin::new("anonymous", "api"))
        .data(state.config.limits.clone());
    state.schema.execute(request).await.into()
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
