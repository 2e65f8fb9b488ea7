//! Assets in an S3-compatible bucket: the blob store against a real S3 server (s3s, checking
//! signatures), then the whole service configured with `[assets] store = "s3"`.

use std::sync::Arc;

use actix_web::App;
use actix_web::test::{TestRequest, call_service, init_service, read_body};
use pim::app::{AppState, configure};
use pim::assets::sigv4::Credentials;
use pim::assets::{AssetError, AssetLimits, AssetStore, BlobStore, S3BlobStore, S3Settings};
use pim::config::{AssetStoreKind, Config};
use serde_json::{Value, json};

use crate::assets::png;
use crate::common::{TestApp, UPSERT_ONE, upload_on};
use crate::s3_server::{ACCESS_KEY, BUCKET, S3Server, SECRET_KEY};

const HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn settings(server: &S3Server, prefix: &str) -> S3Settings {
    S3Settings {
        bucket: BUCKET.into(),
        prefix: prefix.into(),
        endpoint: Some(server.endpoint.clone()),
        region: "us-east-1".into(),
        path_style: true,
        credentials: Credentials {
            access_key_id: ACCESS_KEY.into(),
            secret_access_key: SECRET_KEY.into(),
            session_token: None,
        },
    }
}

fn s3_config(config: &mut Config, server: &S3Server) {
    config.assets.store = AssetStoreKind::S3;
    config.assets.bucket = Some(BUCKET.into());
    config.assets.prefix = "catalog/assets".into();
    config.assets.endpoint = Some(server.endpoint.clone());
    config.assets.path_style = true;
    config.assets.access_key_id = Some(ACCESS_KEY.into());
    config.assets.secret_access_key = Some(pim::auth::secret::Secret::new(SECRET_KEY));
}

#[test]
fn blob_store_round_trip() {
    let server = S3Server::start();
    let store = S3BlobStore::new(settings(&server, "/pim/")).unwrap();
    store.check().unwrap();
    assert!(!store.exists(HASH).unwrap());
    assert!(matches!(store.get(HASH), Err(AssetError::NotFound(ref k)) if k == HASH));

    store.put(HASH, b"first").unwrap();
    assert!(store.exists(HASH).unwrap());
    assert_eq!(store.get(HASH).unwrap(), b"first");
    assert_eq!(
        std::fs::read(server.object_path(&format!("pim/{HASH}"))).unwrap(),
        b"first"
    );
    store.put(HASH, b"second").unwrap();
    assert_eq!(store.get(HASH).unwrap(), b"second");

    let thumb = format!("{HASH}.thumb64.png");
    store.put(&thumb, b"thumb").unwrap();
    assert_eq!(server.objects("pim"), [HASH.to_string(), thumb.clone()]);

    store.delete(HASH).unwrap();
    assert!(!store.exists(HASH).unwrap());
    // A retried delete of what is gone succeeds.
    store.delete(HASH).unwrap();
    assert_eq!(server.objects("pim"), [thumb]);

    // Keys are checked before they become object names.
    assert!(matches!(
        store.put("../escape", b"x"),
        Err(AssetError::InvalidHash)
    ));
}

#[test]
fn failures_name_bucket_key_and_reason() {
    let server = S3Server::start();
    let mut wrong = settings(&server, "");
    wrong.credentials.secret_access_key = "not-the-secret".into();
    let store = S3BlobStore::new(wrong).unwrap();
    let err = store.get(HASH).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, AssetError::Remote { .. }), "{err:?}");
    assert!(
        message.starts_with(&format!("asset storage s3://{BUCKET}/{HASH}: 403")),
        "{message}"
    );
    assert!(message.contains("SignatureDoesNotMatch"), "{message}");
    assert!(store.check().is_err());

    let mut missing = settings(&server, "");
    missing.bucket = "no-such-bucket".into();
    let err = S3BlobStore::new(missing).unwrap().check().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("asset storage s3://no-such-bucket/: 404"),
        "{err}"
    );
}

/// Thumbnails go to the same bucket and are served from there the second time.
#[test]
fn asset_store_caches_thumbnails_in_the_bucket() {
    let server = S3Server::start();
    let blobs = Arc::new(S3BlobStore::new(settings(&server, "")).unwrap());
    let store = AssetStore::new(blobs.clone(), AssetLimits::default());
    let meta = store.put("a.png", &png(600, 300)).unwrap();
    let first = store.thumbnail(&meta.hash, 64).unwrap();
    let key = format!("{}.thumb64.png", meta.hash);
    assert_eq!(blobs.get(&key).unwrap(), first);
    blobs.put(&key, b"cached").unwrap();
    assert_eq!(store.thumbnail(&meta.hash, 64).unwrap(), b"cached");
    store.delete(&meta.hash).unwrap();
    assert_eq!(server.objects(""), Vec::<String>::new());
}

async fn get(state: &AppState, token: &str, uri: &str) -> (u16, Vec<u8>) {
    let service = init_service(App::new().configure(configure(state.clone()))).await;
    let response = call_service(
        &service,
        TestRequest::get()
            .uri(uri)
            .insert_header(("authorization", format!("Bearer {token}")))
            .to_request(),
    )
    .await;
    let status = response.status().as_u16();
    (status, read_body(response).await.to_vec())
}

const DELETE_ASSET: &str = "mutation($hash: String!) { deleteAsset(hash: $hash) }";

#[actix_web::test]
async fn service_keeps_assets_in_s3() {
    let server = S3Server::start();
    let app = TestApp::sqlite_with(|c| s3_config(c, &server));
    app.seed().await;
    let data = png(800, 400);
    let r = upload_on(&app.state, Some(&app.admin), "front.png", &data).await;
    assert!(r.get("errors").is_none(), "{r:#}");
    let asset = &r["data"]["uploadAsset"];
    let hash = asset["hash"].as_str().unwrap().to_string();
    assert_eq!(
        std::fs::read(server.object_path(&format!("catalog/assets/{hash}"))).unwrap(),
        data
    );
    assert!(!app.config.data_dir.join("assets").exists());

    // Identical content is one object.
    let again = upload_on(&app.state, Some(&app.admin), "copy.png", &data).await;
    assert_eq!(again["data"]["uploadAsset"]["hash"], hash.as_str());
    assert_eq!(
        server.objects("catalog/assets"),
        std::slice::from_ref(&hash)
    );

    let (status, body) = get(&app.state, &app.admin, asset["url"].as_str().unwrap()).await;
    assert_eq!((status, body == data), (200, true));
    let (status, thumb) = get(
        &app.state,
        &app.admin,
        asset["thumbnailUrl"].as_str().unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let decoded = image::load_from_memory(&thumb).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (256, 128));
    let thumb_key = format!("{hash}.thumb256.png");
    assert_eq!(
        server.objects("catalog/assets"),
        [hash.clone(), thumb_key.clone()]
    );
    assert_eq!(
        get(
            &app.state,
            &app.admin,
            &format!("/assets/{}", "0".repeat(64))
        )
        .await
        .0,
        404
    );

    let (status, body) = get(&app.state, &app.admin, "/health/ready").await;
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["assets"], "s3");

    // In use: refused; once unused, the row and every object go.
    let input = json!({"sku": "S3-1", "family": "shirts", "values": [{"attribute": "picture", "data": hash}]});
    app.data(UPSERT_ONE, json!({"input": input})).await;
    let refused = app.error(DELETE_ASSET, json!({"hash": hash})).await;
    assert_eq!(refused["extensions"]["code"], "CONFLICT", "{refused:#}");
    assert_eq!(server.objects("catalog/assets").len(), 2);
    let input = json!({"sku": "S3-1", "values": [{"attribute": "picture", "data": null}]});
    app.data(UPSERT_ONE, json!({"input": input})).await;
    let deleted = app.data(DELETE_ASSET, json!({"hash": hash})).await;
    assert_eq!(deleted["deleteAsset"], true);
    assert_eq!(server.objects("catalog/assets"), Vec::<String>::new());
    assert_eq!(
        get(&app.state, &app.admin, &format!("/assets/{hash}"))
            .await
            .0,
        404
    );

    // Uploaded again after the delete: stored again.
    let r = upload_on(&app.state, Some(&app.admin), "front.png", &data).await;
    assert_eq!(r["data"]["uploadAsset"]["hash"], hash.as_str());
    assert_eq!(server.objects("catalog/assets"), [hash]);
}

#[actix_web::test]
async fn unreachable_store_fails_readiness() {
    let server = S3Server::start();
    let app = TestApp::sqlite_with(|c| {
        s3_config(c, &server);
        // Nothing listens on port 9 (discard) here.
        c.assets.endpoint = Some("http://127.0.0.1:9".into());
    });
    let (status, body) = get(&app.state, &app.admin, "/health/ready").await;
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["reason"], "asset store does not answer");
}

#[test]
fn incomplete_s3_configuration_stops_start_up() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut config = Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    };
    config.assets.store = AssetStoreKind::S3;
    let err = AppState::open(config.clone()).err().unwrap().to_string();
    assert!(
        err.contains("assets.store is \"s3\" but no bucket is set"),
        "{err}"
    );

    config.assets.bucket = Some(BUCKET.into());
    let err = AppState::open(config.clone()).err().unwrap().to_string();
    assert!(err.contains("credentials are incomplete"), "{err}");

    config.assets.access_key_id = Some(ACCESS_KEY.into());
    config.assets.secret_access_key = Some(pim::auth::secret::Secret::new(SECRET_KEY));
    config.assets.endpoint = Some("minio:9000".into());
    let err = AppState::open(config).err().unwrap().to_string();
    assert!(err.contains("invalid endpoint \"minio:9000\""), "{err}");
}
