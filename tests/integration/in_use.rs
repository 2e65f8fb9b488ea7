//! Deleting what stored values still hold is refused: attributes, options and assets stay while a
//! product or product model has a value of them, and the refusal says which.

use actix_web::{App, test};
use pim::app::configure;
use pim::auth::{Grants, Role};
use serde_json::{Value, json};

use crate::assets::png;
use crate::common::{TestApp, UPSERT, gql_on, upload_on};
use crate::conformance;

conformance!(attribute_in_use, option_in_use, asset_in_use);

const SAVE_ATTRIBUTE: &str =
    "mutation($input: AttributeInput!) { saveAttribute(input: $input) { code } }";
const DELETE_ATTRIBUTE: &str = "mutation($code: String!) { deleteAttribute(code: $code) }";
const DELETE_OPTION: &str = "mutation($attribute: String!, $code: String!) { deleteAttributeOption(attribute: $attribute, code: $code) }";
const DELETE_ASSET: &str = "mutation($hash: String!) { deleteAsset(hash: $hash) }";
const MODELS: &str = r#"mutation($input: [ProductModelInput!]!) {
  upsertProductModels(input: $input) { created updated rejected items { code status errors { code field message } } }
}"#;

async fn upsert(app: &TestApp, products: Value) {
    let r = app.data(UPSERT, json!({"input": products})).await;
    assert_eq!(r["upsertProducts"]["rejected"], 0, "{r:#}");
}

async fn upsert_models(app: &TestApp, models: Value) {
    let r = app.data(MODELS, json!({"input": models})).await;
    assert_eq!(r["upsertProductModels"]["rejected"], 0, "{r:#}");
}

fn assert_refused(error: &Value, field: &str, message: &str) {
    assert_eq!(error["extensions"]["code"], "CONFLICT", "{error:#}");
    assert_eq!(error["extensions"]["field"], field, "{error:#}");
    assert_eq!(
        error["extensions"]["errors"][0]["message"], message,
        "{error:#}"
    );
}

/// An attribute in no family can still hold values (set before it left its family, or on
/// products without one).
async fn attribute_in_use(app: TestApp) {
    app.seed().await;
    let attribute = json!({"code": "care", "type": "TEXT", "group": "general"});
    app.data(SAVE_ATTRIBUTE, json!({"input": attribute})).await;
    let products: Vec<Value> = (1..=7)
        .map(|i| json!({"sku": format!("CARE-{i}"), "values": [{"attribute": "care", "data": "hand wash"}]}))
        .collect();
    upsert(&app, json!(products)).await;
    // Another attribute's value, and text that mentions the code, do not count.
    upsert(
        &app,
        json!([{"sku": "OTHER", "values": [{"attribute": "name", "locale": "en_US", "data": "\"care\": none"}]}]),
    )
    .await;

    let error = app.error(DELETE_ATTRIBUTE, json!({"code": "care"})).await;
    assert_refused(
        &error,
        "code",
        "attribute care is still used by 7 products (CARE-1, CARE-2, CARE-3, CARE-4, CARE-5, …): \
         remove it from their values first",
    );
    let kept = app
        .data(r#"query { attribute(code: "care") { code } }"#, json!({}))
        .await;
    assert_eq!(kept["attribute"]["code"], "care");

    let cleared: Vec<Value> = (1..=7)
        .map(|i| json!({"sku": format!("CARE-{i}"), "values": [{"attribute": "care", "data": null}]}))
        .collect();
    upsert(&app, json!(cleared)).await;
    let deleted = app.data(DELETE_ATTRIBUTE, json!({"code": "care"})).await;
    assert_eq!(deleted["deleteAttribute"], true);
}

async fn option_in_use(app: TestApp) {
    app.seed().await;
    // A sub-model holds the colour; a product holds the colour and a material of a list.
    upsert_models(
        &app,
        json!([
            {"code": "polo", "familyVariant": "shirts_color_size", "values": []},
            {"code": "polo_red", "familyVariant": "shirts_color_size", "parent": "polo", "values": [{"attribute": "color", "data": "red"}]}
        ]),
    )
    .await;
    upsert(
        &app,
        json!([
            {"sku": "SHIRT-1", "family": "shirts", "values": [
                {"attribute": "color", "data": "red"},
                {"attribute": "materials", "data": ["cotton", "linen"]}
            ]},
            {"sku": "SHIRT-2", "family": "shirts", "values": [{"attribute": "materials", "data": ["cotton"]}]}
        ]),
    )
    .await;

    let error = app
        .error(DELETE_OPTION, json!({"attribute": "color", "code": "red"}))
        .await;
    assert_refused(
        &error,
        "code",
        "option red of attribute color is still used by 1 product (SHIRT-1) and 1 product model \
         (polo_red): remove it from their values first",
    );
    let error = app
        .error(
            DELETE_OPTION,
            json!({"attribute": "materials", "code": "linen"}),
        )
        .await;
    assert_refused(
        &error,
        "code",
        "option linen of attribute materials is still used by 1 product (SHIRT-1): remove it \
         from their values first",
    );
    // `blue` is held by nobody, and `s` only as another attribute's option code elsewhere.
    for (attribute, code) in [("color", "blue"), ("size", "s")] {
        let deleted = app
            .data(DELETE_OPTION, json!({"attribute": attribute, "code": code}))
            .await;
        assert_eq!(deleted["deleteAttributeOption"], true);
    }

    upsert(
        &app,
        json!([{"sku": "SHIRT-1", "values": [{"attribute": "materials", "data": ["cotton"]}]}]),
    )
    .await;
    let deleted = app
        .data(
            DELETE_OPTION,
            json!({"attribute": "materials", "code": "linen"}),
        )
        .await;
    assert_eq!(deleted["deleteAttributeOption"], true);
    // The attribute keeps its other options and their holders.
    let error = app
        .error(
            DELETE_OPTION,
            json!({"attribute": "materials", "code": "cotton"}),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "CONFLICT", "{error:#}");
}

async fn status_of(app: &TestApp, uri: &str) -> u16 {
    let service = test::init_service(App::new().configure(configure(app.state.clone()))).await;
    let request = test::TestRequest::get()
        .uri(uri)
        .insert_header(app.bearer())
        .to_request();
    test::call_service(&service, request)
        .await
        .status()
        .as_u16()
}

async fn asset_in_use(app: TestApp) {
    app.seed().await;
    let r = upload_on(&app.state, Some(&app.admin), "front.png", &png(64, 32)).await;
    let hash = r["data"]["uploadAsset"]["hash"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        status_of(&app, &format!("/assets/{hash}/thumbnail/64")).await,
        200
    );
    upsert_models(
        &app,
        json!([
            {"code": "polo", "familyVariant": "shirts_color_size", "values": []},
            {"code": "polo_red", "familyVariant": "shirts_color_size", "parent": "polo", "values": [
                {"attribute": "color", "data": "red"}, {"attribute": "picture", "data": hash}
            ]}
        ]),
    )
    .await;
    upsert(
        &app,
        json!([{"sku": "PIC-1", "family": "shirts", "values": [{"attribute": "picture", "data": hash}]}]),
    )
    .await;

    // Editors may not delete assets.
    let viewer = app.token("viewer@test.local", Role::Viewer, Grants::default());
    let r = gql_on(
        &app.state,
        Some(&viewer),
        DELETE_ASSET,
        json!({"hash": hash}),
    )
    .await;
    assert_eq!(r["errors"][0]["extensions"]["code"], "FORBIDDEN", "{r:#}");

    let error = app.error(DELETE_ASSET, json!({"hash": hash})).await;
    assert_refused(
        &error,
        "hash",
        &format!(
            "asset {hash} is still used by 1 product (PIC-1) and 1 product model (polo_red): \
             remove it from their values first"
        ),
    );
    assert_eq!(status_of(&app, &format!("/assets/{hash}")).await, 200);

    upsert(
        &app,
        json!([{"sku": "PIC-1", "values": [{"attribute": "picture", "data": null}]}]),
    )
    .await;
    upsert_models(
        &app,
        json!([{"code": "polo_red", "familyVariant": "shirts_color_size", "parent": "polo", "values": [
            {"attribute": "picture", "data": null}
        ]}]),
    )
    .await;
    let deleted = app.data(DELETE_ASSET, json!({"hash": hash})).await;
    assert_eq!(deleted["deleteAsset"], true);
    assert_eq!(status_of(&app, &format!("/assets/{hash}")).await, 404);
    let gone = app
        .data(
            "query($hash: String!) { asset(hash: $hash) { hash } }",
            json!({"hash": hash}),
        )
        .await;
    assert!(gone["asset"].is_null());
    let blobs = app.state.catalog.assets().blobs();
    assert!(!blobs.exists(&hash).unwrap());
    assert!(!blobs.exists(&format!("{hash}.thumb64.png")).unwrap());
    // The deletion is in the change log.
    let history = app
        .data(
            r#"query($hash: String!) { changes(entity: "asset", code: $hash) { changes { operation } } }"#,
            json!({"hash": hash}),
        )
        .await;
    let operations: Vec<&str> = history["changes"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["operation"].as_str().unwrap())
        .collect();
    assert_eq!(operations, ["create", "delete"], "{history:#}");

    let again = app.error(DELETE_ASSET, json!({"hash": hash})).await;
    assert_eq!(again["extensions"]["code"], "NOT_FOUND", "{again:#}");
    let bad = app.error(DELETE_ASSET, json!({"hash": "../x"})).await;
    assert_eq!(bad["extensions"]["code"], "VALIDATION", "{bad:#}");
}
