//! Search facets and filters that come from outside the product's values: completeness bands per
//! channel and locale and failed quality rules (kept current by saves and by the background
//! recompute), and the suppliers whose feeds carried a product (kept current by imports, even
//! when the feed changed nothing).

use pim::import::importer::ProfileChoice;
use pim::store::changes::Origin;
use serde_json::{Value, json};

use crate::common::{TestApp, UPSERT};
use crate::conformance;
use crate::search::{facet, pairs, searchable, skus};

conformance!(
    completeness_and_rules_as_facets_and_filters,
    a_recompute_reaches_the_index,
    writes_stay_searchable_while_bulk_refreshes_wait,
    suppliers_as_facet_and_filter,
    rows_the_write_path_rejects_link_no_product,
);

const SEARCH: &str = r#"query($channel: String, $locale: String, $filters: ProductFilterInput, $facets: [SearchFacetInput!]) {
  search(channel: $channel, locale: $locale, filters: $filters, facets: $facets, sort: {field: SKU}, first: 50) {
    total
    hits { product { sku } }
    facets { kind channel locale values { value label count } }
  }
}"#;

/// Shirts then need only their SKU on the webshop: every shirt becomes complete.
const ONLY_SKU_REQUIRED: &str = r#"mutation { saveFamily(input: {code: "shirts", attributes: ["sku", "name", "description", "ean", "price", "weight", "color", "size", "materials", "release_date", "pieces", "related", "picture"],
    labelAttribute: "name", imageAttribute: "picture",
    requirements: [{channel: "webshop", attributes: ["sku"]}]}) { code } }"#;

const LIST: &str = r#"query($filter: ProductFilterInput) {
  products(filter: $filter, first: 50) { totalCount edges { node { sku } } } }"#;

async fn search(app: &TestApp, vars: Value) -> Value {
    searchable(&app.state);
    app.data(SEARCH, vars).await["search"].clone()
}

/// Shirts need sku, name and a price in EUR, USD and PLN on the webshop; the Allegro title rule
/// allows 10 characters.
async fn shirts(app: &TestApp) {
    app.seed().await;
    app.data(
        r#"mutation($input: QualityRuleInput!) { saveQualityRule(input: $input) { code } }"#,
        json!({"input": {"code": "allegro_title", "labels": [{"locale": "pl_PL", "value": "Tytuł Allegro"}],
            "scope": {"channels": ["allegro"]},
            "condition": {"type": "max_length", "attribute": "name", "max": 10},
            "severity": "ERROR"}}),
    )
    .await;
    let prices = json!([{"amount": "10", "currency": "EUR"}, {"amount": "11", "currency": "USD"}, {"amount": "45", "currency": "PLN"}]);
    let r = app
        .data(
            UPSERT,
            json!({"input": [
                {"sku": "SHIRT-1", "family": "shirts", "values": [
                    {"attribute": "name", "locale": "en_US", "data": "Linen shirt, long"},
                    {"attribute": "name", "locale": "pl_PL", "data": "Koszula lniana, długa"},
                    {"attribute": "price", "data": [{"amount": "10", "currency": "EUR"}]}]},
                {"sku": "SHIRT-2", "family": "shirts", "values": [
                    {"attribute": "name", "locale": "en_US", "data": "Tee"},
                    {"attribute": "price", "data": prices}]},
                {"sku": "SHIRT-3", "family": "shirts"}
            ]}),
        )
        .await;
    assert_eq!(r["upsertProducts"]["rejected"], 0, "{r:#}");
}

async fn completeness_and_rules_as_facets_and_filters(app: TestApp) {
    shirts(&app).await;
    let facets = json!([
        {"kind": "COMPLETENESS"},
        {"kind": "COMPLETENESS", "locale": "de_DE"},
        {"kind": "RULE"}
    ]);
    let r = search(
        &app,
        json!({"channel": "webshop", "locale": "en_US", "facets": facets}),
    )
    .await;
    assert_eq!(r["total"], 3);
    // SHIRT-1 lacks two currencies (66 %), SHIRT-2 has everything, SHIRT-3 only its SKU (33 %).
    assert_eq!(
        facet(&r, 0),
        pairs(&[("0-49", 1), ("100", 1), ("50-79", 1)])
    );
    assert_eq!(r["facets"][0]["channel"], "webshop");
    assert_eq!(r["facets"][0]["locale"], "en_US");
    // No German names: SHIRT-2 has 2 of 3, the others at most 1 of 3.
    assert_eq!(facet(&r, 1), pairs(&[("0-49", 2), ("50-79", 1)]));
    assert_eq!(facet(&r, 2), pairs(&[("allegro_title", 1)]));

    let below = json!({"completeness": {"channel": "webshop", "locale": "en_US", "below": 100}});
    let r = search(&app, json!({"filters": below})).await;
    assert_eq!(skus(&r), ["SHIRT-1", "SHIRT-3"]);
    let r = search(&app, json!({"filters": {"failingRule": "allegro_title"}})).await;
    assert_eq!(skus(&r), ["SHIRT-1"]);
    // The grid filters by the bands its facet shows.
    let bands = json!({"completenessBands": {"channel": "webshop", "locale": "en_US", "bands": ["50-79", "100"]}});
    let r = search(&app, json!({"filters": bands})).await;
    assert_eq!(skus(&r), ["SHIRT-1", "SHIRT-2"]);

    // The listing takes quality filters together with attribute filters (the index answers).
    let both = json!({"completeness": {"channel": "webshop", "locale": "en_US", "below": 80},
        "attributes": [{"attribute": "name", "exists": true}]});
    let listed = app.data(LIST, json!({"filter": both})).await;
    assert_eq!(listed["products"]["totalCount"], 1, "{listed:#}");
    assert_eq!(listed["products"]["edges"][0]["node"]["sku"], "SHIRT-1");

    // A save moves a product between bands at once.
    app.data(
        UPSERT,
        json!({"input": [{"sku": "SHIRT-1", "values": [
            {"attribute": "name", "locale": "en_US", "data": "Linen"},
            {"attribute": "name", "locale": "pl_PL", "data": "Koszula"},
            {"attribute": "price", "data": [{"amount": "10", "currency": "EUR"}, {"amount": "11", "currency": "USD"}, {"amount": "45", "currency": "PLN"}]}]}]}),
    )
    .await;
    let r = search(
        &app,
        json!({"channel": "webshop", "locale": "en_US", "facets": facets}),
    )
    .await;
    assert_eq!(facet(&r, 0), pairs(&[("100", 2), ("0-49", 1)]));
    assert_eq!(facet(&r, 2), pairs(&[]));

    // Bad channels and locales are named.
    searchable(&app.state);
    let r = app
        .gql(
            SEARCH,
            json!({"facets": [{"kind": "COMPLETENESS", "channel": "webshop"}]}),
        )
        .await;
    let message = r["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("channel and a locale"), "{r:#}");
    let r = app
        .gql(
            SEARCH,
            json!({"filters": {"completeness": {"channel": "webshop", "locale": "xx_XX", "below": 50}}}),
        )
        .await;
    let error = &r["errors"][0];
    assert!(
        error.to_string().contains("filters.completeness.locale"),
        "{r:#}"
    );
    let r = app
        .gql(
            SEARCH,
            json!({"filters": {"completenessBands": {"channel": "webshop", "locale": "en_US", "bands": ["90-95"]}}}),
        )
        .await;
    assert!(
        r["errors"][0]
            .to_string()
            .contains("filters.completenessBands.bands"),
        "{r:#}"
    );
    let r = app
        .gql(SEARCH, json!({"filters": {"failingRule": "nope"}}))
        .await;
    assert!(
        r["errors"][0].to_string().contains("unknown quality rule"),
        "{r:#}"
    );
}

async fn a_recompute_reaches_the_index(app: TestApp) {
    shirts(&app).await;
    let facets = json!([{"kind": "COMPLETENESS", "channel": "webshop", "locale": "en_US"}]);
    let r = search(&app, json!({"facets": facets})).await;
    assert_eq!(
        facet(&r, 0),
        pairs(&[("0-49", 1), ("100", 1), ("50-79", 1)])
    );
    // Only the SKU is required now: the background recompute makes every shirt complete, and
    // the index hears of it through the change log.
    app.data(ONLY_SKU_REQUIRED, json!({})).await;
    assert!(app.state.catalog.run_next_job("test-worker").unwrap());
    let r = search(&app, json!({"facets": facets})).await;
    assert_eq!(facet(&r, 0), pairs(&[("100", 3)]));
    let changes = app
        .data(
            r#"{ changes(since: 0, first: 1000) { changes { entity code source } } }"#,
            json!({}),
        )
        .await;
    let recompute = changes["changes"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entity"] == "quality")
        .unwrap_or_else(|| panic!("no quality event: {changes:#}"));
    assert!(
        recompute["source"].as_str().unwrap().starts_with("job:"),
        "{recompute:#}"
    );
}

/// While a job runs, the products a recompute changed wait to be refreshed, but a write made
/// meanwhile is searchable at once; what waits is remembered across a restart and refreshed
/// once the job is over.
async fn writes_stay_searchable_while_bulk_refreshes_wait(app: TestApp) {
    shirts(&app).await;
    let facets = json!([{"kind": "COMPLETENESS", "channel": "webshop", "locale": "en_US"}]);
    let before = pairs(&[("0-49", 1), ("100", 1), ("50-79", 1)]);
    assert_eq!(
        facet(&search(&app, json!({"facets": facets})).await, 0),
        before
    );
    // Another job keeps running (a long import or recompute elsewhere)...
    let catalog = app.state.catalog.clone();
    let now = pim::service::now();
    let busy = catalog
        .db()
        .write(|c| {
            pim::store::jobs::enqueue(c, "other_bulk_work", "{}", now)?;
            pim::store::jobs::claim(c, "busy-worker", now, now - chrono::TimeDelta::hours(1))
        })
        .unwrap()
        .expect("the job was claimed");
    // ...while a requirement change is recomputed: every shirt becomes complete.
    app.data(ONLY_SKU_REQUIRED, json!({})).await;
    // The family's own event refreshes its products first (their quality not recomputed yet).
    searchable(&app.state);
    assert!(catalog.run_next_job("recompute-worker").unwrap());
    // A write made now is searchable within a second all the same.
    app.data(
        UPSERT,
        json!({"input": [{"sku": "SHIRT-3", "values": [{"attribute": "name", "locale": "en_US", "data": "Grey polo"}]}]}),
    )
    .await;
    let started = std::time::Instant::now();
    loop {
        let polo = app
            .data(
                r#"{ search(text: "polo", locale: "en_US") { total } }"#,
                json!({}),
            )
            .await;
        if polo["search"]["total"] == 1 {
            // Asked once the write is searchable (asked before, it could see the index just
            // before the refresh): SHIRT-3 was re-read with its new quality; the other two wait
            // for the job to end.
            let r = app
                .data(
                    SEARCH,
                    json!({"filters": {"skus": ["SHIRT-3"]}, "facets": facets}),
                )
                .await["search"]
                .clone();
            assert_eq!(facet(&r, 0), pairs(&[("100", 1)]));
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "the write is not searchable"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let all = app.data(SEARCH, json!({"facets": facets})).await["search"].clone();
    assert_eq!(
        facet(&all, 0),
        pairs(&[("100", 2), ("50-79", 1)]),
        "SHIRT-1 and SHIRT-2 wait"
    );

    // A restart remembers what waits; the end of the job lets it through.
    let app = app.restart();
    let (state, admin) = (&app.state, &app.admin);
    state
        .catalog
        .db()
        .write(|c| pim::store::jobs::finish(c, busy.id, None, pim::service::now()))
        .unwrap();
    let head = state.catalog.change_head().unwrap();
    assert!(
        state
            .search
            .wait_for(head, std::time::Duration::from_secs(10)),
        "the deferred products were not refreshed"
    );
    let r = crate::common::gql_on(state, Some(admin), SEARCH, json!({"facets": facets})).await;
    assert_eq!(
        facet(&r["data"]["search"], 0),
        pairs(&[("100", 3)]),
        "{r:#}"
    );
}

async fn import(app: &TestApp, supplier: &str, feed: &str) {
    let (counts, rejected) = import_counts(app, supplier, feed).await;
    assert_eq!(counts.rows_rejected, 0, "{counts:?} {rejected:?}");
}

/// Imports a feed through the supplier's stored profile `main`: the run's counts and its
/// rejected rows (the first ten).
async fn import_counts(
    app: &TestApp,
    supplier: &str,
    feed: &str,
) -> (
    pim::store::imports::Counts,
    Vec<pim::store::imports::RowOutcome>,
) {
    let importer = &app.state.importer;
    let received = importer
        .receive("feed.csv", feed.as_bytes(), &Origin::new("test", "test"))
        .unwrap();
    let id = importer
        .queue(
            Some(supplier),
            received,
            ProfileChoice::Stored {
                code: "main".into(),
                version: None,
            },
            None,
            false,
            "test",
        )
        .unwrap();
    let counts = importer
        .execute(id, &Origin::new("test", "test"), &mut |_| {})
        .unwrap();
    let rejected = importer.rows(id, Some("rejected"), 0, 10).unwrap();
    (counts, rejected)
}

/// The change log's events after `since` (at most 100): entity, code and fields.
async fn changes_since(app: &TestApp, since: i64) -> Vec<Value> {
    let page = app
        .data(
            r#"query($since: Int!) { changes(since: $since, first: 100) { changes { entity code fields } } }"#,
            json!({"since": since}),
        )
        .await;
    page["changes"]["changes"].as_array().unwrap().clone()
}

async fn suppliers_as_facet_and_filter(app: TestApp) {
    shirts(&app).await;
    let importer = &app.state.importer;
    let profile = pim::import::profile::Profile::from_json(
        r#"{"sku": {"column": "sku"}, "family": {"value": "shirts"},
            "values": [{"attribute": "name", "locale": "en_US", "column": "name"}]}"#,
    )
    .unwrap();
    for code in ["acme", "globex"] {
        importer.save_supplier(code, code, &[]).unwrap();
        importer
            .save_profile(code, "main", &profile, "test")
            .unwrap();
    }
    // SHIRT-2 comes unchanged: the feed links it to Acme all the same.
    let before = app.state.catalog.change_head().unwrap();
    import(&app, "acme", "sku;name\nSHIRT-2;Tee\nNEW-1;New shirt\n").await;
    // NEW-1's own creation carries its link; only the unchanged SHIRT-2 needs a supplier event,
    // so the indexer does not build NEW-1's document a second time.
    let events: Vec<(String, String, Value)> = changes_since(&app, before)
        .await
        .iter()
        .map(|e| {
            let products = e["fields"][0]["after"].clone();
            let entity = e["entity"].as_str().unwrap().to_string();
            (entity, e["code"].as_str().unwrap().to_string(), products)
        })
        .filter(|(entity, _, _)| entity != "product")
        .collect();
    assert_eq!(
        events,
        [(
            "supplier".to_string(),
            "acme".to_string(),
            json!(["shirt-2"])
        )],
        "{events:?}"
    );
    import(&app, "globex", "sku;name\nNEW-1;New shirt\nNEW-2;Other\n").await;

    let r = search(&app, json!({"facets": [{"kind": "SUPPLIER"}]})).await;
    assert_eq!(facet(&r, 0), pairs(&[("acme", 2), ("globex", 2)]));
    let r = search(&app, json!({"filters": {"suppliers": ["acme"]}})).await;
    assert_eq!(skus(&r), ["NEW-1", "SHIRT-2"]);
    let listed = app
        .data(LIST, json!({"filter": {"suppliers": ["globex"]}}))
        .await;
    assert_eq!(listed["products"]["totalCount"], 2, "{listed:#}");

    // Importing the same feed again adds no links and no events.
    let head = app.state.catalog.change_head().unwrap();
    import(&app, "acme", "sku;name\nSHIRT-2;Tee\nNEW-1;New shirt\n").await;
    assert_eq!(
        changes_since(&app, head).await,
        Vec::<Value>::new(),
        "an unchanged feed appends nothing"
    );
}

/// A row the write path refuses (an EAN its pattern rejects) is reported and links nothing: the
/// supplier carries only the product that went in.
async fn rows_the_write_path_rejects_link_no_product(app: TestApp) {
    shirts(&app).await;
    let importer = &app.state.importer;
    let profile = pim::import::profile::Profile::from_json(
        r#"{"sku": {"column": "sku"}, "family": {"value": "shirts"},
            "values": [{"attribute": "ean", "column": "ean"}]}"#,
    )
    .unwrap();
    importer.save_supplier("acme", "acme", &[]).unwrap();
    importer
        .save_profile("acme", "main", &profile, "test")
        .unwrap();
    let before = app.state.catalog.change_head().unwrap();
    let (counts, rejected) = import_counts(
        &app,
        "acme",
        "sku;ean\nGOOD-1;4006381333931\nBAD-1;123\nSHIRT-3;\n",
    )
    .await;
    assert_eq!(
        (
            counts.rows_created,
            counts.rows_unchanged,
            counts.rows_rejected
        ),
        (1, 1, 1),
        "{counts:?} {rejected:?}"
    );
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0].sku, "BAD-1");
    assert!(rejected[0].errors.contains("13 digits"), "{rejected:?}");

    let carried = app
        .data(r#"{ supplier(code: "acme") { productCount } }"#, json!({}))
        .await;
    assert_eq!(carried["supplier"]["productCount"], 2, "{carried:#}");
    let r = search(&app, json!({"facets": [{"kind": "SUPPLIER"}]})).await;
    assert_eq!(facet(&r, 0), pairs(&[("acme", 2)]), "{r:#}");
    let r = search(&app, json!({"filters": {"suppliers": ["acme"]}})).await;
    assert_eq!(skus(&r), ["GOOD-1", "SHIRT-3"]);
    // Only the unchanged SHIRT-3 needed a supplier event.
    let listed: Vec<Value> = changes_since(&app, before)
        .await
        .into_iter()
        .filter(|e| e["entity"] == "supplier")
        .map(|e| e["fields"][0]["after"].clone())
        .collect();
    assert_eq!(listed, [json!(["shirt-3"])]);
}
