//! Feeds for scripts and ERPs: `POST /api/suppliers/{code}/feeds` with a bearer token takes a
//! CSV or ZIP as the body (or as a multipart field), streams it to disk and starts the import in
//! the background; `GET /api/imports/{id}` reports progress, `GET /api/imports/{id}/rejected.csv`
//! the rejected rows.

use std::io::Write;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use futures_util::StreamExt;
use serde::Deserialize;

use super::auth::require;
use crate::app::AppState;
use crate::auth::{Action, Principal};
use crate::error::Error;
use crate::import::importer::ProfileChoice;
use crate::store::imports::ImportRow;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(post_feed).service(status).service(rejected);
}

#[derive(Debug, Deserialize)]
struct FeedQuery {
    /// A stored profile as CODE or CODE@VERSION; the supplier's only profile when left out.
    profile: Option<String>,
    /// `akeneo` for Akeneo's flat format.
    format: Option<String>,
    #[serde(default)]
    dry_run: bool,
    encoding: Option<String>,
    /// The file name to record (default `feed.csv`).
    filename: Option<String>,
}

#[post("/api/suppliers/{code}/feeds")]
async fn post_feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<FeedQuery>,
    mut body: web::Payload,
) -> Result<HttpResponse, Error> {
    let supplier = path.into_inner();
    let principal = require(
        &req,
        &state,
        Action::RunImport {
            supplier: &supplier,
        },
    )
    .await?;
    let importer = state.importer.clone();
    let code = supplier.clone();
    web::block(move || importer.supplier(&code))
        .await
        .map_err(|e| Error::Internal(e.to_string()))??
        .ok_or_else(|| Error::NotFound(format!("supplier {supplier:?} not found")))?;
    let query = query.into_inner();
    let limit = state.config.limits.max_feed_bytes;
    // Streamed to a temporary file: a feed of any size never sits in memory.
    let dir = state.config.data_dir.join("imports").join("incoming");
    std::fs::create_dir_all(&dir).map_err(io)?;
    let mut temp = tempfile::NamedTempFile::new_in(&dir).map_err(io)?;
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("multipart/form-data"));
    let mut sent_name = None;
    if is_multipart {
        let mut form = actix_multipart::Multipart::new(req.headers(), body);
        let mut found = false;
        while let Some(field) = form.next().await {
            let mut field =
                field.map_err(|e| Error::BadRequest(format!("reading the form: {e}")))?;
            if field.name() != Some("file") {
                continue;
            }
            sent_name = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(str::to_string);
            copy(&mut field, &mut temp, limit).await?;
            found = true;
            break;
        }
        if !found {
            return Err(Error::BadRequest("the form has no field named file".into()));
        }
    } else {
        copy(&mut body, &mut temp, limit).await?;
    }
    temp.flush().map_err(io)?;
    let importer = state.importer.clone();
    let file_name = query
        .filename
        .clone()
        .or(sent_name)
        .unwrap_or_else(|| "feed.csv".into());
    let actor = principal.actor();
    let origin = origin(&principal);
    let row = web::block(move || -> Result<ImportRow, Error> {
        let file = std::fs::File::open(temp.path()).map_err(io)?;
        let received = importer.receive(&file_name, file, &origin)?;
        let choice = choose(&importer, &supplier, &query)?;
        let id = importer.queue(
            Some(&supplier),
            received,
            choice,
            query.encoding.clone(),
            query.dry_run,
            &actor,
        )?;
        importer.spawn(id, origin);
        importer.import(id)
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))??;
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/api/imports/{}", row.id)))
        .json(describe(&row)))
}

/// Copies a body stream to a file, refusing it past `limit` bytes.
async fn copy<S, E>(stream: &mut S, out: &mut impl Write, limit: u64) -> Result<(), Error>
where
    S: futures_util::Stream<Item = Result<web::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut received = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Error::BadRequest(format!("reading the feed: {e}")))?;
        received += chunk.len() as u64;
        if received > limit {
            return Err(Error::PayloadTooLarge(format!(
                "the feed exceeds the limit of {limit} bytes (limits.max_feed_bytes)"
            )));
        }
        out.write_all(&chunk).map_err(io)?;
    }
    Ok(())
}

fn choose(
    importer: &crate::import::importer::Importer,
    supplier: &str,
    query: &FeedQuery,
) -> Result<ProfileChoice, Error> {
    if query.format.as_deref() == Some("akeneo") {
        return Ok(ProfileChoice::Akeneo);
    }
    if let Some(format) = query.format.as_deref().filter(|f| *f != "csv") {
        return Err(Error::BadRequest(format!(
            "unknown format {format:?}: use csv or akeneo"
        )));
    }
    importer.stored_profile(Some(supplier), query.profile.as_deref())
}

#[get("/api/imports/{id}")]
async fn status(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let row = readable(&state, &req, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(describe(&row)))
}

#[get("/api/imports/{id}/rejected.csv")]
async fn rejected(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let row = readable(&state, &req, path.into_inner()).await?;
    let file = state.importer.report_path(row.id);
    let data = web::block(move || std::fs::read(&file))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .map_err(|_| Error::NotFound(format!("import {} has no rejected rows", row.id)))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"import-{}-rejected.csv\"", row.id),
        ))
        .body(data))
}

/// The run, when the caller may read its supplier's imports.
async fn readable(state: &AppState, req: &HttpRequest, id: i64) -> Result<ImportRow, Error> {
    let importer = state.importer.clone();
    let row = web::block(move || importer.import(id))
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
    match row.supplier.as_deref() {
        Some(s) => require(req, state, Action::ReadImports { supplier: s }).await?,
        None => require(req, state, Action::ManageSuppliers).await?,
    };
    Ok(row)
}

fn origin(principal: &Principal) -> crate::store::changes::Origin {
    crate::store::changes::Origin::new(principal.actor(), "feed")
}

/// The run as JSON: state, counts, progress and where to look next.
pub fn describe(row: &ImportRow) -> serde_json::Value {
    let progress = crate::import::importer::progress(row);
    serde_json::json!({
        "id": row.id,
        "supplier": row.supplier,
        "file_name": row.file_name,
        "file_sha256": row.file_hash,
        "file_bytes": row.file_bytes,
        "profile": row.profile_code,
        "profile_version": row.profile_version,
        "dry_run": row.dry_run,
        "state": row.state,
        "rows": {
            "read": row.rows_read,
            "created": row.rows_created,
            "updated": row.rows_updated,
            "unchanged": row.rows_unchanged,
            "rejected": row.rows_rejected,
        },
        "progress": progress,
        "error": row.error,
        "actor": row.actor,
        "queued_at": row.queued_at,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
        "status_url": format!("/api/imports/{}", row.id),
        "rejected_rows_url": (row.rows_rejected > 0).then(|| format!("/api/imports/{}/rejected.csv", row.id)),
    })
}

fn io(e: std::io::Error) -> Error {
    Error::Internal(format!("receiving the feed: {e}"))
}
