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

/// The process can serve: its database answers, and so does its asset store when that is a
/// remote one (an S3 bucket).
#[get("/health/ready")]
async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let catalog = state.catalog.clone();
    let result = web::block(move || {
        catalog
            .db()
            .ping()
            .map_err(|e| ("database does not answer", e.to_string()))?;
        catalog
            .assets()
            .blobs()
            .check()
            .map_err(|e| ("asset store does not answer", e.to_string()))
    })
    .await;
    match result {
        Ok(Ok(())) => HttpResponse::Ok().json(json!({
            "status": "ok",
            "database": state.catalog.db().backend_name(),
            "assets": state.catalog.assets().blobs().describe(),
        })),
        Ok(Err((reason, error))) => {
            tracing::warn!(error, reason, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .json(json!({"status": "unavailable", "reason": reason}))
        }
        Err(_) => HttpResponse::ServiceUnavailable().json(json!({"status": "unavailable"})),
    }
}
