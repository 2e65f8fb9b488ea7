//! Data quality end to end: rules saved over GraphQL, completeness and issues computed by the
//! write path (inherited values counted), the background recompute after a requirement change
//! (and its takeover after a crash), the report, and the product filters.

use serde_json::{Value, json};

use crate::common::{TestApp, UPSERT};
use crate::conformance;

conformance!(
    completeness_and_issues_follow_every_save,
    requirement_changes_recompute_in_the_background,
    rules_are_validated,
);

const SAVE_RULE: &str = r#"mutation($input: QualityRuleInput!) { saveQualityRule(input: $input) { code severity message(locale: "pl_PL") } }"#;
const QUALITY: &str = r#"query($sku: String!) { product(sku: $sku) {
  completeness { channel locale ratio required missing }
  qualityIssues { rule channel locale severity message } } }"#;

async fn quality(app: &TestApp, sku: &str) -> Value {
    app.data(QUALITY, json!({"sku": sku})).await["product"].clone()
}

fn ratio(product: &Value, channel: &str, locale: &str) -> (i64, Vec<String>) {
    let c = product["completeness"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel"] == channel && c["locale"] == locale)
        .unwrap_or_else(|| panic!("no completeness for {channel}/{locale}: {product}"));
    let missing = c["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_string())
        .collect();
    (c["ratio"].as_i64().unwrap(), missing)
}

fn required(product: &Value, channel: &str, locale: &str) -> i64 {
    product["completeness"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel"] == channel && c["locale"] == locale)
        .map_or(-1, |c| c["required"].as_i64().unwrap())
}

async fn rules(app: &TestApp) {
    let short = app
        .data(
            SAVE_RULE,
            json!({"input": {"code": "allegro_title", "scope": {"channels": ["allegro"]},
                "condition": {"type": "max_length", "attribute": "name", "max": 10},
                "severity": "ERROR",
                "messages": [{"locale": "en_US", "value": "Allegro titles: 10 characters"},
                             {"locale": "pl_PL", "value": "Tytuł: najwyżej 10 znaków"}]}}),
        )
        .await;
    assert_eq!(
        short["saveQualityRule"]["message"],
        "Tytuł: najwyżej 10 znaków"
    );
    app.data(
        SAVE_RULE,
        json!({"input": {"code": "description_words", "scope": {"families": ["shirts"], "channels": ["webshop"], "locales": ["en_US"]},
            "condition": {"type": "min_words", "attribute": "description", "min": 3},
            "severity": "WARNING"}}),
    )
    .await;
}

async fn completeness_and_issues_follow_every_save(app: TestApp) {
    app.seed().await;
    rules(&app).await;
    app.data(
        UPSERT,
        json!({"input": [{"sku": "SHIRT-1", "family": "shirts",
            "values": [{"attribute": "name", "locale": "en_US", "data": "Linen shirt"},
                       {"attribute": "name", "locale": "pl_PL", "data": "Koszula lniana"},
                       {"attribute": "price", "data": [{"amount": "10", "currency": "EUR"}]}]}]}),
    )
    .await;
    let p = quality(&app, "SHIRT-1").await;
    // webshop requires sku, name, price; price needs EUR, USD and PLN.
    assert_eq!(
        ratio(&p, "webshop", "en_US"),
        (66, vec!["price".to_string()])
    );
    assert_eq!(
        ratio(&p, "webshop", "de_DE"),
        (33, vec!["name".to_string(), "price".to_string()])
    );
    let issues: Vec<(String, String, String)> = p["qualityIssues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["rule"].as_str().unwrap().into(),
                i["channel"].as_str().unwrap().into(),
                i["severity"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        issues,
        [
            ("allegro_title".into(), "allegro".into(), "ERROR".into()),
            (
                "description_words".into(),
                "webshop".into(),
                "WARNING".into()
            ),
        ]
    );
    let allegro = &p["qualityIssues"][0];
    assert_eq!(allegro["message"], "Tytuł: najwyżej 10 znaków");

    app.data(
        UPSERT,
        json!({"input": [{"sku": "SHIRT-1", "values": [
            {"attribute": "price", "data": [{"amount": "10", "currency": "EUR"}, {"amount": "11", "currency": "USD"}, {"amount": "45", "currency": "PLN"}]},
            {"attribute": "name", "locale": "pl_PL", "data": "Koszula"},
            {"attribute": "description", "channel": "webshop", "locale": "en_US", "data": "<p>Light summer linen</p>"}]}]}),
    )
    .await;
    let p = quality(&app, "SHIRT-1").await;
    assert_eq!(ratio(&p, "webshop", "en_US"), (100, vec![]));
    assert_eq!(p["qualityIssues"], json!([]));

    // A variant product counts what it inherits, and follows its model's changes.
    app.data(
        r#"mutation { upsertProductModel(input: {code: "polo", familyVariant: "shirts_color_size",
            values: [{attribute: "name", locale: "en_US", data: "Polo"}]}) { code } }"#,
        json!({}),
    )
    .await;
    app.data(
        r#"mutation { upsertProductModel(input: {code: "polo-red", parent: "polo", familyVariant: "shirts_color_size",
            values: [{attribute: "color", data: "red"}]}) { code } }"#,
        json!({}),
    )
    .await;
    app.data(
        UPSERT,
        json!({"input": [{"sku": "POLO-RED-S", "parent": "polo-red", "values": [
            {"attribute": "size", "data": "s"},
            {"attribute": "price", "data": [{"amount": "10", "currency": "EUR"}, {"amount": "11", "currency": "USD"}, {"amount": "45", "currency": "PLN"}]}]}]}),
    )
    .await;
    let v = quality(&app, "POLO-RED-S").await;
    assert_eq!(ratio(&v, "webshop", "en_US"), (100, vec![]));
    assert_eq!(ratio(&v, "webshop", "de_DE").0, 66);
    app.data(
        r#"mutation { upsertProductModel(input: {code: "polo",
            values: [{attribute: "name", locale: "de_DE", data: "Polohemd"}]}) { code } }"#,
        json!({}),
    )
    .await;
    assert_eq!(
        ratio(&quality(&app, "POLO-RED-S").await, "webshop", "de_DE").0,
        100
    );

    // The report and the filters read the same stored figures.
    let report = app
        .data(
            r#"{ qualityReport(channel: "webshop", locale: "de_DE") { products average
                bands { band products } mostMissing { attribute products } issues { rule products } } }"#,
            json!({}),
        )
        .await["qualityReport"]
        .clone();
    assert_eq!(report["products"], 2);
    assert_eq!(
        report["mostMissing"],
        json!([{"attribute": "name", "products": 1}])
    );
    let bands: Vec<i64> = report["bands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["products"].as_i64().unwrap())
        .collect();
    assert_eq!(bands, [0, 1, 0, 1]);
    let below = app
        .data(
            r#"{ products(filter: {completeness: {channel: "webshop", locale: "de_DE", below: 100}}) { edges { node { sku } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        below["products"]["edges"],
        json!([{"node": {"sku": "SHIRT-1"}}])
    );
    // A locale the channel does not have is named, as search's completeness filter names it.
    let e = app
        .error(
            r#"{ products(filter: {completeness: {channel: "allegro", locale: "de_DE", below: 100}}) { edges { node { sku } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        e["extensions"]["field"], "filter.completeness.locale",
        "{e}"
    );
    assert!(
        e["message"].as_str().unwrap().contains("has no locale"),
        "{e}"
    );
    app.data(
        UPSERT,
        json!({"input": [{"sku": "SHIRT-2", "family": "shirts",
            "values": [{"attribute": "name", "locale": "pl_PL", "data": "Bardzo długa nazwa"}]}]}),
    )
    .await;
    let failing = app
        .data(
            r#"{ products(filter: {failingRule: "allegro_title"}) { edges { node { sku } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        failing["products"]["edges"],
        json!([{"node": {"sku": "SHIRT-2"}}])
    );
    let unknown = app
        .error(
            r#"{ products(filter: {failingRule: "nope"}) { edges { node { sku } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(unknown["extensions"]["code"], "NOT_FOUND");
}

async fn requirement_changes_recompute_in_the_background(app: TestApp) {
    app.seed().await;
    let products: Vec<Value> = (0..2500)
        .map(|i| {
            json!({"sku": format!("S-{i:05}"), "family": "shoes",
            "values": [{"attribute": "name", "locale": "en_US", "data": "Runner"}]})
        })
        .collect();
    app.data(UPSERT, json!({"input": products})).await;
    let before = quality(&app, "S-00042").await;
    assert_eq!(
        required(&before, "webshop", "en_US"),
        0,
        "shoes require nothing yet"
    );

    app.data(
        r#"mutation { saveFamily(input: {code: "shoes", attributes: ["sku", "name", "ean", "price", "size", "waterproof"],
            requirements: [{channel: "webshop", attributes: ["sku", "name"]}]}) { code } }"#,
        json!({}),
    )
    .await;
    // Saves go on meanwhile and compute with the new requirements themselves.
    app.data(
        UPSERT,
        json!({"input": [{"sku": "S-00001", "values": [{"attribute": "name", "locale": "de_DE", "data": "Läufer"}]}]}),
    )
    .await;
    assert_eq!(
        ratio(&quality(&app, "S-00001").await, "webshop", "de_DE").0,
        100
    );
    assert_eq!(
        required(&quality(&app, "S-00042").await, "webshop", "en_US"),
        0
    );

    // A worker takes the job, dies after one batch; another takes over from its cursor.
    let catalog = &app.state.catalog;
    let long_ago = pim::service::now() - chrono::TimeDelta::hours(1);
    let job = catalog
        .db()
        .write(|c| pim::store::jobs::claim(c, "dead-worker", long_ago, long_ago))
        .unwrap()
        .expect("a job was queued");
    catalog
        .db()
        .write(|c| pim::store::jobs::progress(c, job.id, "dead-worker", 2500, 1000, 1000, long_ago))
        .unwrap();
    assert!(catalog.run_next_job("second-worker").unwrap());
    assert!(
        !catalog.run_next_job("second-worker").unwrap(),
        "nothing left"
    );
    let jobs = app
        .data(
            r#"{ jobs(kind: "quality_recompute") { state total done error } }"#,
            json!({}),
        )
        .await;
    assert_eq!(jobs["jobs"][0]["state"], "done");
    assert_eq!(jobs["jobs"][0]["done"], 2500);
    let after = quality(&app, "S-02042").await;
    assert_eq!(ratio(&after, "webshop", "en_US"), (100, vec![]));
    assert_eq!(
        ratio(&after, "webshop", "de_DE"),
        (50, vec!["name".to_string()])
    );
    // The first 1000 products were the dead worker's part: the takeover resumed after them.
    let first = quality(&app, "S-00010").await;
    assert_eq!(required(&first, "webshop", "en_US"), 0);
}

async fn rules_are_validated(app: TestApp) {
    app.seed().await;
    let bad_type = app
        .error(
            SAVE_RULE,
            json!({"input": {"code": "x", "condition": {"type": "sometimes", "attribute": "name"}, "severity": "ERROR"}}),
        )
        .await;
    assert_eq!(bad_type["extensions"]["field"], "input.condition");
    let unknown = app
        .error(
            SAVE_RULE,
            json!({"input": {"code": "x", "condition": {"type": "required", "attribute": "colour"}, "severity": "ERROR"}}),
        )
        .await;
    assert_eq!(unknown["extensions"]["code"], "NOT_FOUND");
    let wrong_type = app
        .error(
            SAVE_RULE,
            json!({"input": {"code": "x", "condition": {"type": "min_words", "attribute": "price", "min": 2}, "severity": "ERROR"}}),
        )
        .await;
    assert_eq!(wrong_type["extensions"]["field"], "condition.attribute");
    rules(&app).await;
    let in_use = app
        .error(
            r#"mutation { deleteAttribute(code: "description") }"#,
            json!({}),
        )
        .await;
    assert!(
        in_use["message"]
            .as_str()
            .unwrap()
            .contains("quality rule description_words"),
        "{in_use}"
    );
    let listed = app
        .data("{ qualityRules { code condition } }", json!({}))
        .await;
    assert_eq!(listed["qualityRules"][0]["condition"]["max"], 10);
}
