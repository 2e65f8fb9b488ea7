//! The page at `/`. The catalog managers' web UI is served here once built; until then the page
//! says how to reach the API.

use actix_web::{HttpResponse, get, web};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(index);
}

#[get("/")]
async fn index() -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>pim</title></head>\
         <body><h1>pim</h1><p>The web UI is not built into this binary. The GraphQL API answers at \
         <code>POST /graphql</code>; explore it in <a href=\"/graphiql\">GraphiQL</a>.</p>\
         <p>Health: <a href=\"/health/ready\">/health/ready</a>.</p></body></html>",
    )
}
