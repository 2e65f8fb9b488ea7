//! A feed longer than one batch: batches are read, staged and committed at once, and a product
//! named in two batches still ends up as if its rows were applied one after the other.

use pim::import::BATCH;
use pim::import::importer::ProfileChoice;
use pim::import::profile::Profile;
use pim::store::changes::Origin;
use serde_json::{Value, json};

use crate::common::{PRODUCT, TestApp};
use crate::conformance;

conformance!(a_product_in_two_batches_keeps_both_rows);

/// More rows than a batch holds.
const FILLERS: usize = BATCH + 100;

async fn a_product_in_two_batches_keeps_both_rows(app: TestApp) {
    app.seed().await;
    let profile = Profile::from_json(
        r#"{"sku": {"column": "sku"}, "family": {"value": "shirts"},
            "values": [{"attribute": "name", "locale": "en_US", "column": "name"},
                       {"attribute": "price", "currency": "EUR", "column": "eur"},
                       {"attribute": "price", "currency": "USD", "column": "usd"}]}"#,
    )
    .unwrap();
    // X's euro price in the first batch, its dollar price in the second: the second row sets
    // only its own currency, so it must see the first row's price stored.
    let mut feed = String::from("sku;name;eur;usd\nX-1;First;10;\n");
    for i in 0..FILLERS {
        feed.push_str(&format!("F-{i};Filler {i};1;\n"));
    }
    feed.push_str("X-1;Second;;12\n");
    let origin = Origin::new("test", "test");
    let importer = &app.state.importer;
    let received = importer
        .receive("feed.csv", feed.as_bytes(), &origin)
        .unwrap();
    let choice = ProfileChoice::Inline(Box::new(profile));
    let id = importer
        .queue(None, received, choice, None, false, "test")
        .unwrap();
    let counts = importer.execute(id, &origin, &mut |_| {}).unwrap();
    assert_eq!(counts.rows_read, FILLERS as i64 + 2, "{counts:?}");
    assert_eq!(counts.rows_created, FILLERS as i64 + 1, "{counts:?}");
    assert_eq!(counts.rows_updated, 1, "{counts:?}");
    assert_eq!(counts.rows_rejected, 0, "{counts:?}");

    let p = app.data(PRODUCT, json!({"sku": "X-1"})).await;
    let values = p["product"]["values"].as_array().unwrap();
    let data = |attribute: &str| -> Value {
        values
            .iter()
            .find(|v| v["attribute"] == attribute)
            .map(|v| v["data"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(data("name"), "Second");
    let mut prices: Vec<(String, String)> = data("price")
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["currency"].as_str().unwrap().to_string(),
                p["amount"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    prices.sort();
    assert_eq!(
        prices,
        [
            ("EUR".to_string(), "10".to_string()),
            ("USD".to_string(), "12".to_string())
        ]
    );
}
