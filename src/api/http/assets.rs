//! Serving assets: originals and thumbnails, addressed by content hash, cacheable forever.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};

use super::auth::require;
use crate::app::AppState;
use crate::auth::Action;
use crate::error::Error;
use crate::service::assets::asset_error;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(original).service(thumbnail);
}

/// Content never changes under a hash; only the caller's browser may keep it, since reading
/// needs credentials.
const IMMUTABLE: &str = "private, max-age=31536000, immutable";

#[get("/assets/{hash}")]
async fn original(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, Error> {
    require(&req, &state, Action::ReadCatalog).await?;
    let hash = path.into_inner();
    let catalog = state.catalog.clone();
    let (row, data) = web::block(move || -> Result<_, Error> {
        let row = catalog
            .asset(&hash)?
            .ok_or_else(|| Error::NotFound(format!("asset {hash} not found")))?;
        let data = catalog.assets().get(&hash).map_err(asset_error)?;
        Ok((row, data))
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))??;
    Ok(HttpResponse::Ok()
        .content_type(row.mime.as_str())
        .insert_header((header::CACHE_CONTROL, IMMUTABLE))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{}\"", row.filename.replace('"', "")),
        ))
        .body(data))
}

#[get("/assets/{hash}/thumbnail/{size}")]
async fn thumbnail(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, u32)>,
) -> Result<HttpResponse, Error> {
    require(&req, &state, Action::ReadCatalog).await?;
    let (hash, size) = path.into_inner();
    let catalog = state.catalog.clone();
    let data = web::block(move || -> Result<_, Error> {
        catalog
            .asset(&hash)?
            .ok_or_else(|| Error::NotFound(format!("asset {hash} not found")))?;
        catalog.assets().thumbnail(&hash, size).map_err(asset_error)
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))??;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header((header::CACHE_CONTROL, IMMUTABLE))
        .body(data))
}
