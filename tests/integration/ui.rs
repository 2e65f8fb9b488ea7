//! The web UI's files at `/`: served from the configured directory with content types, caching
//! for hashed files and the fallback to `index.html`; without a build, a page saying how to
//! build it while the API keeps answering.

use actix_web::{App, test};
use pim::app::configure;

use crate::common::TestApp;

async fn get(app: &TestApp, path: &str) -> (u16, String, String, String) {
    let service = test::init_service(App::new().configure(configure(app.state.clone()))).await;
    let response =
        test::call_service(&service, test::TestRequest::get().uri(path).to_request()).await;
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let content_type = header("content-type");
    let cache = header("cache-control");
    let body = test::read_body(response).await;
    (
        status,
        content_type,
        cache,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

#[actix_web::test]
async fn a_built_ui_is_served_with_fallback_and_caching() {
    let ui = tempfile::TempDir::new().unwrap();
    std::fs::create_dir_all(ui.path().join("static")).unwrap();
    std::fs::write(
        ui.path().join("index.html"),
        "<!doctype html><div id=app></div>",
    )
    .unwrap();
    std::fs::write(ui.path().join("static/index-abc123.js"), "console.log(1)").unwrap();
    std::fs::write(ui.path().join("static/index-abc123.css"), "body{}").unwrap();
    std::fs::write(ui.path().join("favicon.svg"), "<svg/>").unwrap();
    let dir = ui.path().to_path_buf();
    let app = TestApp::sqlite_with(move |c| c.ui_dir = dir);

    let (status, content_type, cache, body) = get(&app, "/").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert_eq!(cache, "no-cache");
    assert!(body.contains("id=app"), "{body}");

    let (status, content_type, cache, body) = get(&app, "/static/index-abc123.js").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/javascript; charset=utf-8");
    assert!(cache.contains("immutable"), "{cache}");
    assert_eq!(body, "console.log(1)");

    let (_, content_type, _, _) = get(&app, "/static/index-abc123.css").await;
    assert_eq!(content_type, "text/css; charset=utf-8");
    let (_, content_type, cache, _) = get(&app, "/favicon.svg").await;
    assert_eq!(content_type, "image/svg+xml");
    assert_eq!(cache, "no-cache");

    // The UI's own routes reload into the app.
    for path in [
        "/products",
        "/products/TS-CLASSIC-WHITE-M",
        "/settings/families",
    ] {
        let (status, _, _, body) = get(&app, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(body.contains("id=app"), "{path}: {body}");
    }
    // Missing files and the API's paths are not the UI's page; nothing outside the directory.
    for path in [
        "/static/missing.js",
        "/health/nothing",
        "/api/nothing",
        "/static/../../etc/passwd",
    ] {
        let (status, _, _, body) = get(&app, path).await;
        assert_eq!(status, 404, "{path}: {body}");
    }
    let (status, _, _, body) = get(&app, "/health/live").await;
    assert_eq!(status, 200, "{body}");
    let (status, _, _, body) = get(&app, "/graphiql").await;
    assert_eq!(status, 200);
    assert!(body.contains("GraphiQL"), "{body}");
}

#[actix_web::test]
async fn without_a_build_the_page_says_how_to_build_and_the_api_answers() {
    let missing = tempfile::TempDir::new().unwrap();
    let dir = missing.path().join("dist");
    let app = TestApp::sqlite_with(move |c| c.ui_dir = dir);

    let (status, content_type, _, body) = get(&app, "/").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert!(body.contains("npm run build"), "{body}");
    assert!(body.contains("PIM_UI_DIR"), "{body}");
    let (status, _, _, body) = get(&app, "/products").await;
    assert_eq!(status, 200);
    assert!(body.contains("not built"), "{body}");

    let data = app
        .data("{ me { email role } }", serde_json::json!({}))
        .await;
    assert_eq!(data["me"]["role"], "ADMIN");
}
