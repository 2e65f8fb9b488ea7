//! Liveness and readiness probes for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use serde_json::json;

use crate::app::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(live).service(ready);
}

/// The process answers.
#[get("/health/live")]
async fn live() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The process can serve: its database answers.
#[get("/health/ready")]
async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let catalog = state.catalog.clone();
    let result = web::block(move || catalog.db().ping()).await;
    match result {
        Ok(Ok(())) => HttpResponse::Ok()
            .json(json!({"status": "ok", "database": state.catalog.db().backend_name()})),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .json(json!({"status": "unavailable", "reason": "database does not answer"}))
        }
        Err(_) => HttpResponse::ServiceUnavailable().json(json!({"status": "unavailable"})),
    }
}
