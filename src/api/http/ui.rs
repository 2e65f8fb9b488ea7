//! The catalog managers' web UI: the files `frontend/` builds (the configured `ui_dir`), served
//! at `/` with a fallback to `index.html` for the UI's own paths. A server whose UI is not built
//! still serves the API, and `/` says how to build the UI.

use std::path::{Path, PathBuf};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::app::AppState;

/// Where the build puts its content-hashed files; they never change, so browsers keep them.
const HASHED_DIR: &str = "static";

/// Paths the API owns: a miss there is a 404, never the UI's page.
const API_PREFIXES: [&str; 5] = ["graphql", "graphiql", "health", "assets", "api"];

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(serve))
        .route("/{path:.*}", web::get().to(serve));
}

async fn serve(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let dir = state.config.ui_dir.clone();
    let path = req.path().trim_start_matches('/').to_string();
    let first = path.split('/').next().unwrap_or_default();
    if API_PREFIXES.contains(&first) {
        return not_found();
    }
    let Some(relative) = safe_relative(&path) else {
        return not_found();
    };
    let answer = web::block(move || read(&dir, &relative)).await;
    match answer {
        Ok(Found::File(file, bytes)) => file_response(&file, bytes),
        Ok(Found::Index(bytes)) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(bytes),
        Ok(Found::Missing) => not_found(),
        Ok(Found::NotBuilt(dir)) => not_built(&dir),
        Err(e) => HttpResponse::InternalServerError().body(format!("cannot read the UI: {e}")),
    }
}

enum Found {
    File(PathBuf, Vec<u8>),
    Index(Vec<u8>),
    Missing,
    NotBuilt(PathBuf),
}

/// The request path as a relative path of plain segments; `None` for `..`, `.`, or empty
/// segments in the middle, so nothing outside the UI directory can be named.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let mut relative = PathBuf::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        if segment == "." || segment == ".." || segment.contains('\\') {
            return None;
        }
        relative.push(segment);
    }
    Some(relative)
}

/// A file of the build, else the UI's page for paths that look like the UI's own routes (no
/// file extension), else nothing.
fn read(dir: &Path, relative: &Path) -> Found {
    let index = dir.join("index.html");
    if !index.is_file() {
        return Found::NotBuilt(dir.to_path_buf());
    }
    if !relative.as_os_str().is_empty() {
        let file = dir.join(relative);
        if file.is_file() {
            return match std::fs::read(&file) {
                Ok(bytes) => Found::File(file, bytes),
                Err(_) => Found::Missing,
            };
        }
        if relative.extension().is_some() {
            return Found::Missing;
        }
    }
    match std::fs::read(&index) {
        Ok(bytes) => Found::Index(bytes),
        Err(_) => Found::NotBuilt(dir.to_path_buf()),
    }
}

fn file_response(file: &Path, bytes: Vec<u8>) -> HttpResponse {
    let hashed = file
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == HASHED_DIR);
    let cache = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    HttpResponse::Ok()
        .content_type(content_type(file))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes)
}

fn content_type(file: &Path) -> &'static str {
    let extension = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("not found")
}

/// The page at `/` when the UI is not built: the API works, and here is how to build the UI.
fn not_built(dir: &Path) -> HttpResponse {
    let dir = html_escape(&dir.display().to_string());
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>pim</title></head>\
             <body><h1>pim</h1><p>The web UI is not built: no <code>index.html</code> in \
             <code>{dir}</code>. Build it with <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run \
             build</code> (or start the server with <code>scripts/serve-demo.sh</code>), or point \
             <code>PIM_UI_DIR</code> (<code>ui_dir</code> in <code>pim.toml</code>) at a built UI.</p>\
             <p>The GraphQL API answers at <code>POST /graphql</code>; explore it in \
             <a href=\"/graphiql\">GraphiQL</a>. Health: <a href=\"/health/ready\">/health/ready</a>.</p>\
             </body></html>"
        ))
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_ui_directory() {
        assert_eq!(
            safe_relative("static/app.js"),
            Some(PathBuf::from("static/app.js"))
        );
        assert_eq!(safe_relative(""), Some(PathBuf::new()));
        assert_eq!(safe_relative("static/../../etc/passwd"), None);
        assert_eq!(safe_relative("./index.html"), None);
        assert_eq!(safe_relative("a\\..\\b"), None);
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(
            content_type(Path::new("x/app.JS")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("a.css")), "text/css; charset=utf-8");
        assert_eq!(content_type(Path::new("a")), "application/octet-stream");
    }
}
