//! Products through GraphQL: batch upserts with per-item results, idempotence, the change log,
//! pagination over every product, filters, deletion.

use serde_json::{Value, json};

use pim::catalog::product::{Patch, ProductPatch};
use pim::catalog::values::ValueInput;
use pim::service::ItemStatus;
use pim::store::changes::Origin;

use crate::common::{PRODUCT, TestApp, UPSERT, UPSERT_ONE};
use crate::conformance;

conformance!(
    create_update_unchanged,
    one_bad_item_never_blocks_the_rest,
    pagination_reaches_every_product,
    filters,
    thousand_products_in_one_call,
    a_large_batch_stores_every_row_it_writes,
    sku_lookup_ignores_case,
    delete_is_logged,
    values_filtered_by_locale_and_channel,
    a_prepared_batch_is_evaluated_again_when_its_products_moved_on,
);

fn shirt(sku: &str, name: &str) -> Value {
    json!({
        "sku": sku,
        "family": "shirts",
        "categories": ["shirts", "summer"],
        "values": [
            {"attribute": "name", "locale": "en_US", "data": name},
            {"attribute": "name", "locale": "pl_PL", "data": format!("{name} PL")},
            {"attribute": "description", "locale": "en_US", "channel": "webshop", "data": "Soft and light."},
            {"attribute": "price", "data": [{"amount": "19.90", "currency": "EUR"}, {"amount": 89, "currency": "PLN"}]},
            {"attribute": "weight", "data": {"amount": 0.25, "unit": "KILOGRAM"}},
            {"attribute": "materials", "data": ["cotton", "linen"]},
            {"attribute": "release_date", "data": "2026-03-01"},
            {"attribute": "pieces", "data": 2}
        ]
    })
}

async fn create_update_unchanged(app: TestApp) {
    app.seed().await;
    let input = json!([
        shirt("SHIRT-1", "Linen shirt"),
        shirt("SHIRT-2", "Cotton shirt")
    ]);
    let r = app.data(UPSERT, json!({"input": input})).await;
    assert_eq!(r["upsertProducts"]["created"], 2, "{r:#}");
    assert_eq!(r["upsertProducts"]["items"][0]["status"], "CREATED");
    assert_eq!(r["upsertProducts"]["items"][0]["version"], 1);

    // The same input again changes nothing and logs nothing.
    let head = app.change_head();
    let again = app.data(UPSERT, json!({"input": input})).await;
    assert_eq!(again["upsertProducts"]["unchanged"], 2);
    assert_eq!(app.change_head(), head);

    // Equal values in another spelling are unchanged too: numbers are exact decimals.
    let respelled = json!([{"sku": "SHIRT-1", "values": [{"attribute": "price", "data": [{"amount": 19.9, "currency": "EUR"}, {"amount": "89.00", "currency": "PLN"}]}]}]);
    let same = app.data(UPSERT, json!({"input": respelled})).await;
    assert_eq!(same["upsertProducts"]["unchanged"], 1, "{same:#}");

    let update = json!([{"sku": "SHIRT-1", "enabled": false, "values": [{"attribute": "name", "locale": "en_US", "data": "Linen shirt, white"}]}]);
    let updated = app.data(UPSERT, json!({"input": update})).await;
    assert_eq!(updated["upsertProducts"]["items"][0]["status"], "UPDATED");
    assert_eq!(updated["upsertProducts"]["items"][0]["version"], 2);

    let p = app.data(PRODUCT, json!({"sku": "SHIRT-1"})).await;
    assert_eq!(p["product"]["enabled"], false);
    assert_eq!(p["product"]["version"], 2);
    let values = p["product"]["values"].as_array().unwrap();
    let name = values
        .iter()
        .find(|v| v["attribute"] == "name" && v["locale"] == "en_US")
        .unwrap();
    assert_eq!(name["data"], "Linen shirt, white");
    let price = values.iter().find(|v| v["attribute"] == "price").unwrap();
    assert_eq!(
        price["data"],
        json!([{"amount": "19.9", "currency": "EUR"}, {"amount": "89", "currency": "PLN"}])
    );
    // Untouched values survive a partial update.
    assert!(
        values
            .iter()
            .any(|v| v["attribute"] == "name" && v["locale"] == "pl_PL")
    );

    let log = app
        .data(
            r#"query { changes(since: 0, first: 100, entity: "product", code: "SHIRT-1") { changes { seq operation fields actor source } head } }"#,
            json!({}),
        )
        .await;
    let changes = log["changes"]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{log:#}");
    assert_eq!(changes[0]["operation"], "create");
    assert_eq!(changes[1]["operation"], "update");
    assert_eq!(changes[1]["source"], "api");
    let fields = changes[1]["fields"].as_array().unwrap();
    assert!(
        fields.contains(&json!({"field": "enabled", "before": true, "after": false})),
        "{fields:#?}"
    );
    assert!(fields.contains(&json!({"field": "values.name", "locale": "en_US", "before": "Linen shirt", "after": "Linen shirt, white"})));
    assert_eq!(fields.len(), 2);
}

async fn one_bad_item_never_blocks_the_rest(app: TestApp) {
    app.seed().await;
    let input = json!([
        shirt("OK-1", "First"),
        {"sku": "BAD-1", "family": "shirts", "values": [{"attribute": "pieces", "data": "many"}]},
        shirt("OK-2", "Second"),
        {"sku": "BAD-2", "family": "nope"},
        {"sku": "ok-1", "family": "shirts"}
    ]);
    let r = app.data(UPSERT, json!({"input": input})).await;
    let result = &r["upsertProducts"];
    assert_eq!(result["created"], 2, "{r:#}");
    assert_eq!(result["rejected"], 3);
    let items = result["items"].as_array().unwrap();
    assert_eq!(items[1]["status"], "REJECTED");
    assert_eq!(items[1]["errors"][0]["field"], "values.pieces");
    assert!(
        items[1]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not a number")
    );
    assert_eq!(items[3]["errors"][0]["field"], "family");
    assert_eq!(items[3]["errors"][0]["code"], "NOT_FOUND");
    assert_eq!(items[4]["errors"][0]["code"], "CONFLICT");
    for sku in ["BAD-1", "BAD-2"] {
        let p = app.data(PRODUCT, json!({"sku": sku})).await;
        assert!(p["product"].is_null(), "{sku} must not be stored");
    }
}

async fn create_many(app: &TestApp, n: usize, family: &str, enabled_every: usize) {
    let input: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "sku": format!("P-{i:04}"),
                "family": family,
                "enabled": i % enabled_every != 0,
                "categories": [if i % 2 == 0 { "shirts" } else { "shoes" }],
                "values": [{"attribute": "name", "locale": "en_US", "data": format!("Product {i}")}]
            })
        })
        .collect();
    let r = app.data(UPSERT, json!({"input": input})).await;
    assert_eq!(r["upsertProducts"]["created"], n, "{r:#}");
}

const PAGE: &str = r#"query($first: Int!, $after: String, $filter: ProductFilterInput) {
  products(first: $first, after: $after, filter: $filter) { totalCount edges { cursor node { sku } } pageInfo { hasNextPage endCursor } }
}"#;

async fn all_skus(app: &TestApp, filter: Value, first: usize) -> Vec<String> {
    let mut skus = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .data(
                PAGE,
                json!({"first": first, "after": after, "filter": filter}),
            )
            .await;
        let products = &page["products"];
        skus.extend(
            products["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["sku"].as_str().unwrap().to_string()),
        );
        if !products["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            return skus;
        }
        after = products["pageInfo"]["endCursor"].clone();
    }
}

async fn pagination_reaches_every_product(app: TestApp) {
    app.seed().await;
    create_many(&app, 250, "shirts", 1000).await;
    let skus = all_skus(&app, json!(null), 100).await;
    assert_eq!(skus.len(), 250);
    let mut unique = skus.clone();
    unique.dedup();
    assert_eq!(unique.len(), 250);
    let page = app.data(PAGE, json!({"first": 100})).await;
    assert_eq!(page["products"]["totalCount"], 250);
    let bad = app
        .error(PAGE, json!({"first": 100, "after": "not-a-cursor"}))
        .await;
    assert_eq!(bad["extensions"]["code"], "VALIDATION");
    let too_many = app.error(PAGE, json!({"first": 5000})).await;
    assert_eq!(too_many["extensions"]["field"], "first");
}

async fn filters(app: TestApp) {
    app.seed().await;
    create_many(&app, 40, "shirts", 4).await;
    let shoes: Vec<Value> = (0..5)
        .map(|i| json!({"sku": format!("SHOE-{i}"), "family": "shoes"}))
        .collect();
    app.data(UPSERT, json!({"input": shoes})).await;
    assert_eq!(
        all_skus(&app, json!({"families": ["shoes"]}), 100)
            .await
            .len(),
        5
    );
    // A category matches the products of its subtree: shirts lies below clothing below master.
    assert_eq!(
        all_skus(&app, json!({"categories": ["clothing"]}), 7)
            .await
            .len(),
        20
    );
    assert_eq!(
        all_skus(&app, json!({"categories": ["master"]}), 100)
            .await
            .len(),
        40
    );
    assert_eq!(
        all_skus(&app, json!({"enabled": false}), 100).await.len(),
        10
    );
    assert_eq!(
        all_skus(&app, json!({"skus": ["p-0001", "P-0002", "NOPE"]}), 100).await,
        vec!["P-0001", "P-0002"]
    );
    assert_eq!(
        all_skus(&app, json!({"updatedSince": "2000-01-01T00:00:00"}), 100)
            .await
            .len(),
        45
    );
    assert!(
        all_skus(&app, json!({"updatedSince": "2999-01-01T00:00:00"}), 100)
            .await
            .is_empty()
    );
    assert!(
        all_skus(&app, json!({"parent": "no_such_model"}), 100)
            .await
            .is_empty()
    );
}

async fn thousand_products_in_one_call(app: TestApp) {
    app.seed().await;
    create_many(&app, 1000, "shirts", 1000).await;
    let page = app.data(PAGE, json!({"first": 1})).await;
    assert_eq!(page["products"]["totalCount"], 1000);
}

/// Rows of a batch go in several statements (64 rows each on SQLite); none is lost or mixed up.
async fn a_large_batch_stores_every_row_it_writes(app: TestApp) {
    app.seed().await;
    let ean = |i: usize| format!("59000000{i:05}");
    let input: Vec<Value> = (0..150)
        .map(|i| {
            json!({
                "sku": format!("BIG-{i:03}"),
                "family": "shirts",
                "categories": if i % 3 == 0 { json!(["shirts", "summer"]) } else { json!(["shoes"]) },
                "values": [
                    {"attribute": "name", "locale": "en_US", "data": format!("Product {i}")},
                    {"attribute": "ean", "data": ean(i)}
                ]
            })
        })
        .collect();
    let r = app.data(UPSERT, json!({"input": input})).await;
    assert_eq!(r["upsertProducts"]["created"], 150, "{r:#}");
    let in_category = |code: &str| json!({"categories": [code]});
    assert_eq!(all_skus(&app, in_category("summer"), 100).await.len(), 50);
    assert_eq!(all_skus(&app, in_category("shoes"), 100).await.len(), 100);
    for i in [0, 63, 64, 127, 128, 149] {
        let sku = format!("BIG-{i:03}");
        let log = app
            .data(
                r#"query($code: String!) { changes(entity: "product", code: $code) { changes { operation fields } } }"#,
                json!({"code": sku}),
            )
            .await;
        let changes = log["changes"]["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{sku}: {log:#}");
        assert_eq!(changes[0]["operation"], "create");
        let fields = changes[0]["fields"].as_array().unwrap();
        let values = fields.iter().find(|f| f["field"] == "values").unwrap();
        assert_eq!(
            values["after"]["ean"]["<all_channels>"]["<all_locales>"],
            ean(i),
            "{sku}"
        );
        // Each product holds its own EAN: another product cannot take it.
        let taken = app
            .data(
                UPSERT,
                json!({"input": [{"sku": "THIEF", "family": "shirts", "values": [{"attribute": "ean", "data": ean(i)}]}]}),
            )
            .await;
        let item = &taken["upsertProducts"]["items"][0];
        assert_eq!(item["status"], "REJECTED", "{sku}: {taken:#}");
        assert_eq!(item["errors"][0]["field"], "values.ean");
        assert!(
            item["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(&ean(i)),
            "{item:#}"
        );
    }
}

async fn sku_lookup_ignores_case(app: TestApp) {
    app.seed().await;
    app.data(UPSERT_ONE, json!({"input": shirt("Mixed-Case-1", "Shirt")}))
        .await;
    let p = app.data(PRODUCT, json!({"sku": "MIXED-case-1"})).await;
    assert_eq!(p["product"]["sku"], "Mixed-Case-1");
    let e = app
        .error(UPSERT_ONE, json!({"input": {"sku": "MIXED-CASE-1"}}))
        .await;
    assert_eq!(e["extensions"]["code"], "CONFLICT");
    assert_eq!(e["extensions"]["field"], "input.sku");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("differs only in case"),
        "{e:#}"
    );
}

async fn delete_is_logged(app: TestApp) {
    app.seed().await;
    let mut first = shirt("GONE-1", "Shirt");
    first["values"]
        .as_array_mut()
        .unwrap()
        .push(json!({"attribute": "ean", "data": "5901234123457"}));
    app.data(UPSERT_ONE, json!({"input": first})).await;
    let d = app
        .data(r#"mutation { deleteProduct(sku: "gone-1") }"#, json!({}))
        .await;
    assert_eq!(d["deleteProduct"], true);
    assert!(app.data(PRODUCT, json!({"sku": "GONE-1"})).await["product"].is_null());
    let log = app.data(r#"query { changes(entity: "product", code: "GONE-1") { changes { operation fields } } }"#, json!({})).await;
    let last = log["changes"]["changes"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["operation"], "delete");
    assert!(
        last["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["field"] == "sku" && f["after"].is_null())
    );
    let again = app
        .error(r#"mutation { deleteProduct(sku: "GONE-1") }"#, json!({}))
        .await;
    assert_eq!(again["extensions"]["code"], "NOT_FOUND");
    // The unique EAN is free again once its product is gone.
    let mut input = shirt("NEW-1", "Back");
    input["values"]
        .as_array_mut()
        .unwrap()
        .push(json!({"attribute": "ean", "data": "5901234123457"}));
    app.data(UPSERT_ONE, json!({"input": input})).await;
}

async fn values_filtered_by_locale_and_channel(app: TestApp) {
    app.seed().await;
    app.data(UPSERT_ONE, json!({"input": shirt("LOC-1", "Shirt")}))
        .await;
    let p = app
        .data(
            PRODUCT,
            json!({"sku": "LOC-1", "locale": "pl_PL", "channel": "allegro"}),
        )
        .await;
    let values = p["product"]["values"].as_array().unwrap();
    assert!(
        values
            .iter()
            .all(|v| v["locale"].is_null() || v["locale"] == "pl_PL"),
        "{values:#?}"
    );
    assert!(
        values
            .iter()
            .all(|v| v["channel"].is_null() || v["channel"] == "allegro")
    );
    assert!(
        values
            .iter()
            .any(|v| v["attribute"] == "name" && v["data"] == "Shirt PL")
    );
    // The description exists only for the webshop channel.
    assert!(!values.iter().any(|v| v["attribute"] == "description"));
}

fn name_patch(sku: &str, locale: &str, name: &str) -> ProductPatch {
    ProductPatch {
        sku: sku.into(),
        family: Patch::Set("shirts".into()),
        values: vec![ValueInput {
            attribute: "name".into(),
            channel: None,
            locale: Some(locale.into()),
            data: json!(name),
        }],
        ..ProductPatch::default()
    }
}

/// A batch prepared outside the write lock is committed against what is stored by then: a write
/// between the two is neither lost nor duplicated.
async fn a_prepared_batch_is_evaluated_again_when_its_products_moved_on(app: TestApp) {
    app.seed().await;
    let catalog = &app.state.catalog;
    let origin = Origin::new("test", "test");
    catalog
        .upsert_products(&[name_patch("MOVED-1", "en_US", "First")], &origin)
        .unwrap();

    // Prepared: an update of MOVED-1 and a creation of MOVED-2.
    let prepared = catalog
        .prepare_products(vec![
            name_patch("MOVED-1", "pl_PL", "Pierwsza"),
            name_patch("MOVED-2", "en_US", "Second"),
        ])
        .unwrap();
    // Meanwhile another writer changes MOVED-1 and creates MOVED-2.
    let between = catalog
        .upsert_products(
            &[
                name_patch("MOVED-1", "en_US", "First, renamed"),
                name_patch("MOVED-2", "en_US", "Second, first written elsewhere"),
            ],
            &origin,
        )
        .unwrap();
    assert!(between.iter().all(|r| !r.is_rejected()), "{between:?}");

    let results = catalog
        .commit_products(prepared, &origin, |_, _| Ok(()))
        .unwrap();
    assert_eq!(results[0].status, ItemStatus::Updated, "{results:?}");
    assert_eq!(results[0].version, Some(3));
    // MOVED-2 now exists: the prepared creation became an update, not a duplicate.
    assert_eq!(results[1].status, ItemStatus::Updated, "{results:?}");
    assert_eq!(results[1].version, Some(2));

    let p = app.data(PRODUCT, json!({"sku": "MOVED-1"})).await;
    let names: Vec<(String, String)> = p["product"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["attribute"] == "name")
        .map(|v| {
            (
                v["locale"].as_str().unwrap().to_string(),
                v["data"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        names.contains(&("en_US".into(), "First, renamed".into())),
        "the write in between was lost: {names:?}"
    );
    assert!(
        names.contains(&("pl_PL".into(), "Pierwsza".into())),
        "{names:?}"
    );
    let p = app.data(PRODUCT, json!({"sku": "MOVED-2"})).await;
    assert_eq!(p["product"]["version"], 2);
}
