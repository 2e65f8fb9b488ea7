//! Bad input: every kind of mistake gets a clear error naming the field and the reason, and
//! nothing is written.

use serde_json::{Value, json};

use crate::common::{PRODUCT, TestApp, UPSERT_ONE};
use crate::conformance;

conformance!(product_mistakes, unique_and_case_conflicts);

/// (input, expected code, expected field, words the message must contain)
fn cases() -> Vec<(Value, &'static str, &'static str, &'static str)> {
    let v = |attribute: &str, locale: Value, channel: Value, data: Value| json!({"sku": "BAD", "family": "shirts", "values": [{"attribute": attribute, "locale": locale, "channel": channel, "data": data}]});
    let n = Value::Null;
    vec![
        (
            v("pieces", n.clone(), n.clone(), json!("three")),
            "VALIDATION",
            "input.values.pieces",
            "not a number",
        ),
        (
            v("pieces", n.clone(), n.clone(), json!(1.5)),
            "VALIDATION",
            "input.values.pieces",
            "decimals",
        ),
        (
            v("pieces", n.clone(), n.clone(), json!(0)),
            "VALIDATION",
            "input.values.pieces",
            "minimum",
        ),
        (
            v("release_date", n.clone(), n.clone(), json!("31/12/2026")),
            "VALIDATION",
            "input.values.release_date",
            "YYYY-MM-DD",
        ),
        (
            v("name", json!("en_US"), n.clone(), json!(42)),
            "VALIDATION",
            "input.values.name.en_US",
            "expected a string",
        ),
        (
            v("name", json!("en_US"), n.clone(), json!("x".repeat(51))),
            "VALIDATION",
            "input.values.name.en_US",
            "maximum of 50",
        ),
        (
            v("ean", n.clone(), n.clone(), json!("12345")),
            "VALIDATION",
            "input.values.ean",
            "an EAN has 13 digits",
        ),
        (
            v("nope", n.clone(), n.clone(), json!("x")),
            "NOT_FOUND",
            "input.values.nope",
            "unknown attribute",
        ),
        (
            v("color", n.clone(), n.clone(), json!("pink")),
            "VALIDATION",
            "input.values.color",
            "unknown option \"pink\"",
        ),
        (
            v("materials", n.clone(), n.clone(), json!(["cotton", "silk"])),
            "VALIDATION",
            "input.values.materials",
            "unknown option \"silk\"",
        ),
        (
            v(
                "weight",
                n.clone(),
                n.clone(),
                json!({"amount": "1", "unit": "METER"}),
            ),
            "VALIDATION",
            "input.values.weight",
            "not in measurement family",
        ),
        (
            v(
                "price",
                n.clone(),
                n.clone(),
                json!([{"amount": "1", "currency": "JPY"}]),
            ),
            "VALIDATION",
            "input.values.price",
            "unknown currency",
        ),
        (
            v(
                "price",
                n.clone(),
                n.clone(),
                json!([{"amount": "-1", "currency": "EUR"}]),
            ),
            "VALIDATION",
            "input.values.price",
            "negative",
        ),
        (
            v("name", json!("xx_XX"), n.clone(), json!("x")),
            "NOT_FOUND",
            "input.values.name",
            "unknown locale",
        ),
        (
            v("name", n.clone(), n.clone(), json!("x")),
            "VALIDATION",
            "input.values.name",
            "a locale is required",
        ),
        (
            v("description", json!("en_US"), json!("nowhere"), json!("x")),
            "NOT_FOUND",
            "input.values.description",
            "unknown channel",
        ),
        (
            v("description", json!("en_US"), json!("allegro"), json!("x")),
            "VALIDATION",
            "input.values.description",
            "not enabled on channel allegro",
        ),
        (
            v("ean", json!("en_US"), n.clone(), json!("5901234123457")),
            "VALIDATION",
            "input.values.ean",
            "not localizable",
        ),
        (
            v("ean", n.clone(), json!("webshop"), json!("5901234123457")),
            "VALIDATION",
            "input.values.ean",
            "not scopable",
        ),
        (
            v("waterproof", n.clone(), n.clone(), json!(true)),
            "VALIDATION",
            "input.values.waterproof",
            "not among the attributes of this family",
        ),
        (
            v("related", n.clone(), n.clone(), json!(["GHOST"])),
            "NOT_FOUND",
            "input.values.related",
            "unknown product \"GHOST\"",
        ),
        (
            v("picture", n.clone(), n.clone(), json!("a".repeat(64))),
            "NOT_FOUND",
            "input.values.picture",
            "unknown asset",
        ),
        (
            v("sku", n.clone(), n.clone(), json!("X")),
            "VALIDATION",
            "input.values.sku",
            "sku field",
        ),
        (
            json!({"sku": "BAD", "family": "unknown_family"}),
            "NOT_FOUND",
            "input.family",
            "unknown family",
        ),
        (
            json!({"sku": "BAD", "categories": ["atlantis"]}),
            "NOT_FOUND",
            "input.categories",
            "unknown category",
        ),
        (
            json!({"sku": "BAD", "parent": "no_model"}),
            "NOT_FOUND",
            "input.parent",
            "unknown product model",
        ),
        (
            json!({"sku": "BAD", "associations": [{"type": "cross_sell", "skus": ["GHOST"]}]}),
            "NOT_FOUND",
            "input.associations.cross_sell",
            "unknown product",
        ),
        (
            json!({"sku": "BAD", "associations": [{"type": "frenemies", "skus": []}]}),
            "NOT_FOUND",
            "input.associations.frenemies",
            "unknown association type",
        ),
        (
            json!({"sku": " BAD"}),
            "VALIDATION",
            "input.sku",
            "surrounding spaces",
        ),
        (json!({"sku": ""}), "VALIDATION", "input.sku", "1 to 255"),
    ]
}

async fn product_mistakes(app: TestApp) {
    app.seed().await;
    let head = app.change_head();
    for (input, code, field, words) in cases() {
        let e = app.error(UPSERT_ONE, json!({"input": input})).await;
        assert_eq!(e["extensions"]["code"], code, "input {input}: {e:#}");
        assert_eq!(e["extensions"]["field"], field, "input {input}: {e:#}");
        let message = e["message"].as_str().unwrap();
        assert!(
            message.contains(words),
            "input {input}: message {message:?} lacks {words:?}"
        );
        let p = app.data(PRODUCT, json!({"sku": input["sku"]})).await;
        assert!(p["product"].is_null(), "input {input} stored a product");
    }
    assert_eq!(app.change_head(), head, "refused input must log nothing");
}

async fn unique_and_case_conflicts(app: TestApp) {
    app.seed().await;
    let with_ean = |sku: &str| json!({"sku": sku, "family": "shirts", "values": [{"attribute": "ean", "data": "5901234123457"}]});
    app.data(UPSERT_ONE, json!({"input": with_ean("FIRST")}))
        .await;
    let e = app
        .error(UPSERT_ONE, json!({"input": with_ean("SECOND")}))
        .await;
    assert_eq!(e["extensions"]["code"], "CONFLICT");
    assert_eq!(e["extensions"]["field"], "input.values.ean");
    assert!(e["message"].as_str().unwrap().contains("already used"));
    assert!(app.data(PRODUCT, json!({"sku": "SECOND"})).await["product"].is_null());
    // Updating the holder itself with its own value is fine.
    app.data(UPSERT_ONE, json!({"input": with_ean("FIRST")}))
        .await;
    let e = app
        .error(UPSERT_ONE, json!({"input": with_ean("first")}))
        .await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("differs only in case")
    );
}
