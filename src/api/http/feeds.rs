//! Feeds pulled by channel consumers: `GET /feeds/{channel}` in the channel's format, or
//! `/feeds/{channel}.{ext}` in another it offers (`google.tsv`, `any.csv`, `.json`, `.ndjson`).
//! Streamed as it is rendered, gzip-compressed when the client accepts it, with `ETag` and
//! `Last-Modified` (304 when nothing changed). `?since=CURSOR` returns the delta after a cursor,
//! `?since=last` the delta after this consumer's stored cursor, which then moves to the end of
//! what was sent. The `X-Pim-Cursor` header names the cursor of the next delta.
//! `/feeds/{channel}/images/{hash}.{ext}` serves the channel's rendition of an image.

use std::io::Write;

use actix_web::http::header;
use actix_web::middleware::Compress;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use super::auth::require;
use crate::app::AppState;
use crate::auth::Action;
use crate::error::{Error, FieldError};
use crate::export::Format;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/feeds")
            .wrap(Compress::default())
            .route("/{name}", web::get().to(feed))
            .route("/{name}/images/{file}", web::get().to(image)),
    );
}

#[derive(Debug, Deserialize)]
pub struct FeedQuery {
    since: Option<String>,
}

/// Which delta a request asks for.
enum Since {
    Full,
    After(i64),
    Stored,
}

fn parse_since(raw: Option<&str>) -> Result<Since, Error> {
    match raw {
        None | Some("") => Ok(Since::Full),
        Some("last") => Ok(Since::Stored),
        Some(n) => n
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Since::After)
            .ok_or_else(|| {
                Error::field(FieldError::invalid(
                    "since",
                    format!("{n:?} is not a cursor: pass a number from X-Pim-Cursor, or last"),
                ))
            }),
    }
}

/// Hands rendered bytes to the response as they come; fails once the client has gone.
struct ChannelWriter {
    tx: mpsc::Sender<Result<web::Bytes, std::io::Error>>,
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.tx
            .blocking_send(Ok(web::Bytes::copy_from_slice(buf)))
            .map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away")
            })?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn http_date(at: chrono::NaiveDateTime) -> String {
    at.and_utc().format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

async fn feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, Error> {
    let name = path.into_inner();
    let (code, extension) = match name.rsplit_once('.') {
        Some((c, e)) => (c.to_string(), Some(e.to_string())),
        None => (name, None),
    };
    let principal = require(&req, &state, Action::PullExport { channel: &code }).await?;
    let since = parse_since(query.since.as_deref())?;
    let consumer = principal.email.clone();
    let exports = state.exports.clone();
    let lookup_code = code.clone();
    let lookup_consumer = consumer.clone();
    let (def, head, changed_at, after) = web::block(move || -> Result<_, Error> {
        let channel = exports.get(&lookup_code)?;
        let def = channel.definition;
        let structure = exports.catalog().structure()?;
        let errors = def.check(&structure);
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let (head, changed_at) = exports.head()?;
        // An edited definition changes the feed as much as a catalog change does.
        let changed_at = changed_at.max(channel.updated);
        let after = match since {
            Since::Full => None,
            Since::After(n) => Some(n),
            // No stored cursor yet: the consumer starts with a full feed.
            Since::Stored => exports.cursor(&lookup_consumer, &lookup_code)?,
        };
        Ok((def, head, changed_at, after))
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))??;
    let format = match &extension {
        None => def.format,
        Some(ext) => Format::for_extension(def.format, ext).ok_or_else(|| {
            Error::NotFound(format!(
                "channel {code} has no .{ext} feed; its format is {}",
                def.format.as_str()
            ))
        })?,
    };
    let definition_hash = hex::encode(&Sha256::digest(serde_json::to_vec(&def)?)[..6]);
    let etag = format!(
        "\"{code}-{}-{}-{head}-{definition_hash}\"",
        format.as_str(),
        after.map_or_else(|| "full".to_string(), |a| a.to_string())
    );
    let last_modified = changed_at.map(http_date);
    let stored = matches!(parse_since(query.since.as_deref())?, Since::Stored);
    let unchanged = match req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        Some(tags) => tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"),
        None => match (
            req.headers()
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok()),
            changed_at,
        ) {
            (Some(since), Some(at)) => at.and_utc().timestamp() <= since.timestamp(),
            _ => false,
        },
    };
    // A stored cursor moves on each pull, so its delta is never answered from a cache.
    if unchanged && !stored {
        let mut not_modified = HttpResponse::NotModified();
        not_modified.insert_header((header::ETAG, etag));
        if let Some(lm) = &last_modified {
            not_modified.insert_header((header::LAST_MODIFIED, lm.clone()));
        }
        return Ok(not_modified.finish());
    }

    let (tx, rx) = mpsc::channel::<Result<web::Bytes, std::io::Error>>(8);
    let exports = state.exports.clone();
    let actor = principal.actor();
    let run_code = code.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let mut writer = ChannelWriter { tx: tx.clone() };
        let outcome = exports.run(
            &def,
            format,
            after,
            &mut writer,
            &actor,
            "http",
            &mut |_, _| {},
        );
        match outcome {
            Ok(summary) if stored => {
                if let Err(e) = exports.set_cursor(&consumer, &run_code, summary.cursor) {
                    tracing::error!(error = %e, channel = %run_code, "cannot store the consumer's cursor");
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, channel = %run_code, "feed export failed");
                // Breaks the transfer, so a client never takes a cut feed for a whole one.
                let _ = tx.blocking_send(Err(std::io::Error::other(e.to_string())));
            }
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let mut response = HttpResponse::Ok();
    response
        .content_type(format.content_type())
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header(("x-pim-cursor", head.to_string()));
    if let Some(lm) = last_modified {
        response.insert_header((header::LAST_MODIFIED, lm));
    }
    Ok(response.streaming(body))
}

/// The channel's rendition of one image, made on first request and cached by content hash.
async fn image(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (code, file) = path.into_inner();
    require(&req, &state, Action::PullExport { channel: &code }).await?;
    let hash = file.split('.').next().unwrap_or_default().to_string();
    let exports = state.exports.clone();
    let (bytes, extension) = web::block(move || -> Result<_, Error> {
        let def = exports.get(&code)?.definition;
        let path = exports.rendition(&def, &hash)?;
        let bytes = std::fs::read(&path)
            .map_err(|e| Error::Unavailable(format!("cannot read {}: {e}", path.display())))?;
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok((bytes, extension))
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))??;
    let content_type = match extension.as_str() {
        "jpg" => "image/jpeg",
        "png" => "image/png",
        _ => "image/webp",
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "private, max-age=86400"))
        .body(bytes))
}
