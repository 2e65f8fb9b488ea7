//! Assets: GraphQL multipart upload, content-addressed storage, serving originals and thumbnails,
//! and products pointing at them.

use actix_web::{App, test};
use pim::app::configure;
use serde_json::{Value, json};

use crate::common::{PRODUCT, TestApp, UPSERT_ONE, upload_on};
use crate::conformance;

conformance!(upload_serve_and_use);

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn upload(app: &TestApp, filename: &str, data: &[u8]) -> Value {
    upload_on(&app.state, Some(&app.admin), filename, data).await
}

async fn get(app: &TestApp, uri: &str) -> (u16, Vec<u8>) {
    let service = test::init_service(App::new().configure(configure(app.state.clone()))).await;
    let response = test::call_service(
        &service,
        test::TestRequest::get()
            .uri(uri)
            .insert_header(app.bearer())
            .to_request(),
    )
    .await;
    let status = response.status().as_u16();
    (status, test::read_body(response).await.to_vec())
}

async fn upload_serve_and_use(app: TestApp) {
    app.seed().await;
    let data = png(800, 400);
    let r = upload(&app, "shirt front.png", &data).await;
    assert!(r.get("errors").is_none(), "{r:#}");
    let asset = &r["data"]["uploadAsset"];
    assert_eq!(asset["width"], 800);
    assert_eq!(asset["height"], 400);
    assert_eq!(asset["mime"], "image/png");
    let hash = asset["hash"].as_str().unwrap().to_string();
    // Identical content is the same asset.
    let again = upload(&app, "copy.png", &data).await;
    assert_eq!(again["data"]["uploadAsset"]["hash"], hash.as_str());

    let (status, body) = get(&app, asset["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(body, data);
    let (status, thumb) = get(&app, asset["thumbnailUrl"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    let decoded = image::load_from_memory(&thumb).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (256, 128));
    assert_eq!(
        get(&app, &format!("/assets/{}", "0".repeat(64))).await.0,
        404
    );
    assert_eq!(
        get(&app, &format!("/assets/{hash}/thumbnail/100")).await.0,
        400
    );

    let input = json!({"sku": "PIC-1", "family": "shirts", "values": [{"attribute": "picture", "data": hash}]});
    app.data(UPSERT_ONE, json!({"input": input})).await;
    let p = app.data(PRODUCT, json!({"sku": "PIC-1"})).await;
    assert!(
        p["product"]["values"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["attribute"] == "picture" && v["data"] == hash.as_str())
    );

    let bad = upload(&app, "fake.png", b"this is not an image").await;
    assert_eq!(
        bad["errors"][0]["extensions"]["code"], "VALIDATION",
        "{bad:#}"
    );
    let exe = upload(&app, "tool.exe", b"MZ").await;
    assert_eq!(
        exe["errors"][0]["extensions"]["code"], "VALIDATION",
        "{exe:#}"
    );
}
