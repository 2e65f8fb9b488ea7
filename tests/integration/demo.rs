//! The demo catalog loads through the write path on both backends, and loading it twice changes
//! nothing.

use serde_json::json;

use crate::common::TestApp;
use crate::conformance;

conformance!(demo_loads_and_is_idempotent);

async fn demo_loads_and_is_idempotent(app: TestApp) {
    pim::cli::load_demo(&app.state).unwrap();
    let head = app.change_head();
    pim::cli::load_demo(&app.state).unwrap();
    assert_eq!(app.change_head(), head, "a second load must change nothing");
    let d = app
        .data(
            r#"query { families { code } channels { code locales { code } } categoryTrees { code } products(first: 1) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert!(d["families"].as_array().unwrap().len() >= 8);
    assert!(d["channels"].as_array().unwrap().len() >= 3);
    assert!(d["categoryTrees"].as_array().unwrap().len() >= 2);
    assert!(d["products"]["totalCount"].as_i64().unwrap() >= 300);
}
