//! Search: words in each language with its own analysis, SKU and GTIN prefixes, facets with
//! hierarchical category counts, filters, sorts with cursors that walk every hit, clear errors
//! for unreadable queries, and an index that follows the change log, resumes after a restart,
//! is kept by each node, and is rebuilt beside the one in use.

use std::time::Duration;

use pim::catalog::structure::Entity;
use pim::catalog::{Category, Locale};
use pim::store::changes::Origin;
use serde_json::{Value, json};

use crate::common::{TestApp, UPSERT, gql_on};
use crate::conformance;

conformance!(
    words_in_each_language,
    identifiers_by_prefix,
    facets_and_filters,
    sorted_pages_walk_every_hit,
    unreadable_queries_are_clear_errors,
    follows_the_change_log,
    resumes_after_a_restart,
    each_node_keeps_its_own_index,
    products_listing_accepts_attribute_filters,
    reindex_swaps_under_a_running_service,
    new_attributes_need_no_rebuild,
    the_readme_query_on_the_demo_catalog,
);

const SEARCH: &str = r#"query($text: String, $locale: String, $filters: ProductFilterInput, $facets: [SearchFacetInput!], $sort: SearchSortInput, $first: Int = 20, $after: String) {
  search(text: $text, locale: $locale, filters: $filters, facets: $facets, sort: $sort, first: $first, after: $after) {
    total position
    hits { cursor score product { sku } highlights { attribute locale channel snippet } }
    facets { kind attribute category values { value label count } }
    pageInfo { hasNextPage endCursor }
  }
}"#;

/// Waits until this node's index has caught up with every write so far.
pub(crate) fn searchable(state: &pim::app::AppState) {
    let head = state.catalog.change_head().unwrap();
    assert!(
        state.search.wait_for(head, Duration::from_secs(10)),
        "index at {} did not reach {head}",
        state.search.position()
    );
}

async fn search(app: &TestApp, vars: Value) -> Value {
    searchable(&app.state);
    app.data(SEARCH, vars).await["search"].clone()
}

pub(crate) fn skus(result: &Value) -> Vec<String> {
    result["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["product"]["sku"].as_str().unwrap().to_string())
        .collect()
}

fn origin() -> Origin {
    Origin::new("test", "test")
}

async fn upsert(app: &TestApp, input: Value) {
    let r = app.data(UPSERT, json!({"input": input})).await;
    assert_eq!(r["upsertProducts"]["rejected"], 0, "{r:#}");
}

fn add_locales(app: &TestApp, codes: &[&str]) {
    let entities = codes
        .iter()
        .map(|c| {
            Entity::Locale(Locale {
                code: c.to_string(),
                label: c.to_string(),
            })
        })
        .collect();
    app.state
        .catalog
        .save_entities(entities, &origin())
        .unwrap();
}

fn name(locale: &str, text: &str) -> Value {
    json!({"attribute": "name", "locale": locale, "data": text})
}

async fn words_in_each_language(app: TestApp) {
    app.seed().await;
    add_locales(&app, &["ru_RU", "zh_CN", "fr_FR"]);
    upsert(
        &app,
        json!([
            {"sku": "LINEN-1", "family": "shirts", "values": [
                name("en_US", "Linen shirts for summer"),
                name("pl_PL", "Koszula lniana"),
                name("de_DE", "Leinenhemden für den Sommer"),
                name("ru_RU", "Льняная рубашка"),
                name("zh_CN", "经典白色衬衫"),
                name("fr_FR", "Chemises en lin"),
                {"attribute": "description", "locale": "en_US", "channel": "webshop", "data": "A light shirt woven from Irish linen."}
            ]},
            {"sku": "MUG-1", "values": [name("en_US", "Coffee mug"), name("pl_PL", "Kubek")]}
        ]),
    )
    .await;
    let find = |text: &str, locale: Option<&str>| json!({"text": text, "locale": locale});
    // Stemming per language: the query's inflection differs from the document's.
    for (text, locale) in [
        ("shirt", "en_US"),
        ("koszule", "pl_PL"),
        ("рубашки", "ru_RU"),
        ("衬衫", "zh_CN"),
        ("chemise", "fr_FR"),
        ("Leinenhemd", "de_DE"),
    ] {
        let r = search(&app, find(text, Some(locale))).await;
        assert_eq!(skus(&r), vec!["LINEN-1"], "{text} in {locale}: {r:#}");
    }
    // A locale's query only reads that language's text (and text of no locale).
    let r = search(&app, find("koszule", Some("en_US"))).await;
    assert_eq!(r["total"], 0, "{r:#}");
    // Without a locale every language is searched.
    let r = search(&app, find("kubek", None)).await;
    assert_eq!(skus(&r), vec!["MUG-1"]);
    // Every word must match; a phrase matches in order; a prefix; an exclusion.
    assert_eq!(
        search(&app, find("linen mug", Some("en_US"))).await["total"],
        0
    );
    let r = search(&app, find("\"irish linen\"", Some("en_US"))).await;
    assert_eq!(skus(&r), vec!["LINEN-1"]);
    assert_eq!(
        search(&app, find("\"linen irish\"", Some("en_US"))).await["total"],
        0
    );
    let r = search(&app, find("cof*", Some("en_US"))).await;
    assert_eq!(skus(&r), vec!["MUG-1"]);
    let r = search(&app, json!({"text": "-linen", "locale": "en_US"})).await;
    assert_eq!(skus(&r), vec!["MUG-1"]);

    // Highlights mark the matched words in the value they were found in.
    let r = search(&app, find("shirt", Some("en_US"))).await;
    let highlights = r["hits"][0]["highlights"].as_array().unwrap();
    let names: Vec<&Value> = highlights
        .iter()
        .filter(|h| h["attribute"] == "name")
        .collect();
    assert_eq!(names.len(), 1, "{r:#}");
    assert_eq!(names[0]["locale"], "en_US");
    assert!(
        names[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<b>shirts</b>"),
        "{r:#}"
    );
    let description = highlights
        .iter()
        .find(|h| h["attribute"] == "description")
        .expect("the description matched too");
    assert_eq!(description["channel"], "webshop");
}

async fn identifiers_by_prefix(app: TestApp) {
    app.seed().await;
    upsert(
        &app,
        json!([
            {"sku": "TS-CLASSIC-WHITE-M", "family": "shoes", "values": [{"attribute": "ean", "data": "4006381333931"}, name("en_US", "Trainer")]},
            {"sku": "TS-CLASSIC-BLACK-M", "family": "shoes", "values": [{"attribute": "ean", "data": "4006381333948"}]},
            {"sku": "TS", "family": "shoes", "values": [name("en_US", "Plain ts")]},
            {"sku": "OTHER-1", "family": "shoes"}
        ]),
    )
    .await;
    let r = search(&app, json!({"text": "ts-cla"})).await;
    let mut found = skus(&r);
    found.sort();
    assert_eq!(found, vec!["TS-CLASSIC-BLACK-M", "TS-CLASSIC-WHITE-M"]);
    // Parts of an identifier after a separator match by prefix too.
    let r = search(&app, json!({"text": "white"})).await;
    assert_eq!(skus(&r), vec!["TS-CLASSIC-WHITE-M"]);
    // A GTIN fragment, and a whole GTIN.
    assert_eq!(search(&app, json!({"text": "4006381"})).await["total"], 2);
    let r = search(&app, json!({"text": "4006381333948"})).await;
    assert_eq!(skus(&r), vec!["TS-CLASSIC-BLACK-M"]);
    // The exact SKU comes first among everything it is a prefix of.
    let r = search(&app, json!({"text": "ts"})).await;
    assert_eq!(r["total"], 3, "{r:#}");
    assert_eq!(skus(&r)[0], "TS");
    // Case does not matter.
    let r = search(&app, json!({"text": "ts-classic-white-m"})).await;
    assert_eq!(skus(&r), vec!["TS-CLASSIC-WHITE-M"]);
}

fn catalog() -> Value {
    json!([
        {"sku": "S-1", "family": "shirts", "categories": ["shirts"], "values": [
            {"attribute": "color", "data": "red"}, {"attribute": "materials", "data": ["cotton", "linen"]},
            {"attribute": "price", "data": [{"amount": "10", "currency": "EUR"}]},
            {"attribute": "weight", "data": {"amount": "200", "unit": "GRAM"}},
            {"attribute": "release_date", "data": "2026-01-15"}]},
        {"sku": "S-2", "family": "shirts", "categories": ["shirts", "summer"], "values": [
            {"attribute": "color", "data": "red"}, {"attribute": "materials", "data": ["cotton"]},
            {"attribute": "price", "data": [{"amount": "25.5", "currency": "EUR"}]},
            {"attribute": "weight", "data": {"amount": "1.5", "unit": "KILOGRAM"}},
            {"attribute": "release_date", "data": "2026-06-01"}]},
        {"sku": "S-3", "family": "shirts", "enabled": false, "categories": ["clothing"], "values": [
            {"attribute": "color", "data": "blue"},
            {"attribute": "price", "data": [{"amount": "40", "currency": "EUR"}, {"amount": "150", "currency": "PLN"}]}]},
        {"sku": "SH-1", "family": "shoes", "categories": ["shoes"], "values": [{"attribute": "waterproof", "data": true}]},
        {"sku": "SH-2", "family": "shoes", "categories": ["shoes"], "values": [{"attribute": "waterproof", "data": false}]}
    ])
}

pub(crate) fn facet(r: &Value, i: usize) -> Vec<(String, i64)> {
    r["facets"][i]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap().to_string(),
                v["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

pub(crate) fn pairs(items: &[(&str, i64)]) -> Vec<(String, i64)> {
    items.iter().map(|(v, c)| (v.to_string(), *c)).collect()
}

async fn facets_and_filters(app: TestApp) {
    app.seed().await;
    upsert(&app, catalog()).await;
    let facets = json!([
        {"kind": "CATEGORY"},
        {"kind": "CATEGORY", "category": "master"},
        {"kind": "FAMILY"},
        {"kind": "ATTRIBUTE", "attribute": "color"},
        {"kind": "ATTRIBUTE", "attribute": "materials"},
        {"kind": "ATTRIBUTE", "attribute": "waterproof"},
        {"kind": "ENABLED"}
    ]);
    let r = search(&app, json!({"facets": facets, "locale": "pl_PL"})).await;
    assert_eq!(r["total"], 5);
    // Counts include the products of every category below.
    assert_eq!(facet(&r, 0), pairs(&[("master", 5), ("seasons", 1)]));
    assert_eq!(facet(&r, 1), pairs(&[("clothing", 3), ("shoes", 2)]));
    assert_eq!(facet(&r, 2), pairs(&[("shirts", 3), ("shoes", 2)]));
    assert_eq!(facet(&r, 3), pairs(&[("red", 2), ("blue", 1)]));
    assert_eq!(
        r["facets"][3]["values"][0]["label"], "Czerwony",
        "labels in the locale"
    );
    assert_eq!(facet(&r, 4), pairs(&[("cotton", 2), ("linen", 1)]));
    assert_eq!(facet(&r, 5), pairs(&[("false", 1), ("true", 1)]));
    assert_eq!(facet(&r, 6), pairs(&[("true", 4), ("false", 1)]));

    let count = |filters: Value| {
        let app = &app;
        async move {
            let r = search(app, json!({"filters": filters, "sort": {"field": "SKU"}})).await;
            skus(&r)
        }
    };
    assert_eq!(
        count(json!({"categories": ["clothing"]})).await,
        ["S-1", "S-2", "S-3"]
    );
    assert_eq!(count(json!({"categories": ["summer"]})).await, ["S-2"]);
    assert_eq!(
        count(json!({"families": ["shoes"], "enabled": true})).await,
        ["SH-1", "SH-2"]
    );
    assert_eq!(count(json!({"enabled": false})).await, ["S-3"]);
    let attr = |f: Value| json!({"attributes": [f]});
    assert_eq!(
        count(attr(json!({"attribute": "color", "options": ["blue"]}))).await,
        ["S-3"]
    );
    assert_eq!(
        count(attr(
            json!({"attribute": "materials", "options": ["linen"]})
        ))
        .await,
        ["S-1"]
    );
    assert_eq!(
        count(attr(json!({"attribute": "waterproof", "equals": true}))).await,
        ["SH-1"]
    );
    assert_eq!(
        count(attr(
            json!({"attribute": "price", "currency": "EUR", "min": "10", "max": "25.5"})
        ))
        .await,
        ["S-1", "S-2"]
    );
    assert_eq!(
        count(attr(
            json!({"attribute": "price", "currency": "PLN", "min": "100"})
        ))
        .await,
        ["S-3"]
    );
    // Metrics compare in one unit whatever unit they were given in.
    assert_eq!(
        count(attr(json!({"attribute": "weight", "min": "1"}))).await,
        ["S-2"]
    );
    assert_eq!(
        count(attr(
            json!({"attribute": "weight", "max": "300", "unit": "GRAM"})
        ))
        .await,
        ["S-1"]
    );
    assert_eq!(
        count(attr(
            json!({"attribute": "release_date", "min": "2026-02-01"})
        ))
        .await,
        ["S-2"]
    );
    assert_eq!(
        count(attr(
            json!({"attribute": "waterproof", "exists": false, "equals": null})
        ))
        .await
        .len(),
        3
    );
    assert_eq!(
        count(
            json!({"skus": ["s-1", "SH-2"], "attributes": [{"attribute": "price", "exists": true}]})
        )
        .await,
        ["S-1"]
    );

    // Filters that cannot apply are refused with the field at fault.
    let e = app
        .error(
            SEARCH,
            json!({"filters": attr(json!({"attribute": "color", "min": "1"}))}),
        )
        .await;
    assert_eq!(e["extensions"]["code"], "VALIDATION", "{e:#}");
    assert_eq!(e["extensions"]["field"], "filters.attributes.0.min");
    let e = app
        .error(
            SEARCH,
            json!({"filters": attr(json!({"attribute": "price", "min": "1"}))}),
        )
        .await;
    assert_eq!(e["extensions"]["field"], "filters.attributes.0.currency");
    let e = app
        .error(
            SEARCH,
            json!({"facets": [{"kind": "ATTRIBUTE", "attribute": "price"}]}),
        )
        .await;
    assert_eq!(e["extensions"]["field"], "facets.0.attribute");
    let e = app.error(SEARCH, json!({"locale": "xx_XX"})).await;
    assert_eq!(e["extensions"]["code"], "NOT_FOUND");
    // A completeness filter on a locale the channel does not have names the locale.
    let completeness =
        json!({"completeness": {"channel": "webshop", "locale": "xx_XX", "below": 50}});
    let e = app.error(SEARCH, json!({"filters": completeness})).await;
    assert_eq!(
        e["extensions"]["field"], "filters.completeness.locale",
        "{e:#}"
    );
}

async fn sorted_pages_walk_every_hit(app: TestApp) {
    app.seed().await;
    let products: Vec<Value> = (0..70)
        .map(|i| {
            json!({"sku": format!("P-{i:02}"), "family": "shirts", "values": [
                name("en_US", &format!("Shirt number {}", 69 - i)),
                {"attribute": "price", "data": [{"amount": format!("{}", (i * 7) % 20), "currency": "EUR"}]}
            ]})
        })
        .chain([json!({"sku": "NO-PRICE", "family": "shirts", "values": [name("en_US", "Shirt")]})])
        .collect();
    upsert(&app, json!(products)).await;
    let walk = |sort: Value, text: Option<&str>| {
        let app = &app;
        let text = text.map(str::to_string);
        async move {
            let mut after: Option<String> = None;
            let mut seen: Vec<String> = Vec::new();
            let total = loop {
                let r = search(
                    app,
                    json!({"sort": sort, "text": text, "locale": "en_US", "first": 10, "after": after}),
                )
                .await;
                seen.extend(skus(&r));
                if !r["pageInfo"]["hasNextPage"].as_bool().unwrap() {
                    break r["total"].as_i64().unwrap();
                }
                after = r["pageInfo"]["endCursor"].as_str().map(str::to_string);
            };
            (seen, total)
        }
    };
    let (by_sku, total) = walk(json!({"field": "SKU", "descending": true}), None).await;
    assert_eq!(total, 71);
    let mut expected: Vec<String> = by_sku.clone();
    expected.sort();
    expected.reverse();
    assert_eq!(by_sku, expected);

    let (by_price, _) = walk(
        json!({"field": "ATTRIBUTE", "attribute": "price", "currency": "EUR"}),
        None,
    )
    .await;
    assert_eq!(by_price.len(), 71);
    assert_eq!(
        by_price.last().unwrap(),
        "NO-PRICE",
        "products without a value come last"
    );
    let price = |sku: &str| {
        let i: usize = sku[2..].parse().unwrap();
        (i * 7) % 20
    };
    let prices: Vec<usize> = by_price[..70].iter().map(|s| price(s)).collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "{prices:?}");
    let mut unique = by_price.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 71, "no hit twice, none skipped");

    let (by_label, _) = walk(json!({"field": "LABEL"}), None).await;
    assert_eq!(
        by_label[0], "NO-PRICE",
        "\"shirt\" sorts before \"shirt number 0\""
    );
    assert_eq!(by_label[1], "P-69");

    let (by_relevance, total) = walk(json!({"field": "RELEVANCE"}), Some("shirt")).await;
    assert_eq!((by_relevance.len(), total), (71, 71));
    let (recent, _) = walk(json!({"field": "UPDATED", "descending": true}), None).await;
    assert_eq!(recent.len(), 71);

    // A cursor belongs to its sort.
    let r = search(&app, json!({"sort": {"field": "SKU"}, "first": 5})).await;
    let cursor = r["pageInfo"]["endCursor"].clone();
    let e = app
        .error(
            SEARCH,
            json!({"sort": {"field": "UPDATED"}, "after": cursor}),
        )
        .await;
    assert_eq!(e["extensions"]["field"], "after", "{e:#}");
    let e = app
        .error(
            SEARCH,
            json!({"sort": {"field": "ATTRIBUTE", "attribute": "name"}}),
        )
        .await;
    assert_eq!(e["extensions"]["field"], "sort.attribute", "{e:#}");
}

async fn unreadable_queries_are_clear_errors(app: TestApp) {
    app.seed().await;
    for (text, wanted) in [
        (r#"linen "white shirt"#, "never closed"),
        ("sh*rt", "end of a word"),
        ("- shirt", "followed by"),
    ] {
        let r = app.gql(SEARCH, json!({"text": text})).await;
        assert!(r["data"].is_null(), "{r:#}");
        let e = &r["errors"][0];
        assert_eq!(e["extensions"]["code"], "VALIDATION", "{text}: {r:#}");
        assert_eq!(e["extensions"]["field"], "text");
        assert!(
            e["message"].as_str().unwrap().contains(wanted),
            "{text}: {r:#}"
        );
    }
}

async fn follows_the_change_log(app: TestApp) {
    app.seed().await;
    upsert(&app, json!([{"sku": "A-1", "family": "shirts", "categories": ["shirts"], "values": [name("en_US", "Blue kettle")]}])).await;
    assert_eq!(
        skus(&search(&app, json!({"text": "kettle"})).await),
        ["A-1"]
    );
    upsert(
        &app,
        json!([{"sku": "A-1", "values": [name("en_US", "Green lamp")]}]),
    )
    .await;
    assert_eq!(search(&app, json!({"text": "kettle"})).await["total"], 0);
    assert_eq!(skus(&search(&app, json!({"text": "lamp"})).await), ["A-1"]);

    // A product model's values reach its variants' documents.
    let models = r#"mutation($input: [ProductModelInput!]!) { upsertProductModels(input: $input) { rejected } }"#;
    let r = app
        .data(models, json!({"input": [{"code": "polo", "familyVariant": "shoes_size", "values": [name("en_US", "Polo trainer")]}]}))
        .await;
    assert_eq!(r["upsertProductModels"]["rejected"], 0, "{r:#}");
    upsert(&app, json!([{"sku": "POLO-S", "parent": "polo", "values": [{"attribute": "size", "data": "s"}]}])).await;
    assert_eq!(
        skus(&search(&app, json!({"text": "trainer"})).await),
        ["POLO-S"]
    );
    app.data(
        models,
        json!({"input": [{"code": "polo", "values": [name("en_US", "Polo sneaker")]}]}),
    )
    .await;
    assert_eq!(
        skus(&search(&app, json!({"text": "sneaker"})).await),
        ["POLO-S"]
    );
    assert_eq!(search(&app, json!({"text": "trainer"})).await["total"], 0);

    // Moving a category moves its products in the category facet and filter.
    app.state
        .catalog
        .save_entities(
            vec![Entity::Category(Category {
                code: "shirts".into(),
                parent: Some("seasons".into()),
                sort_order: 0,
                labels: Default::default(),
            })],
            &origin(),
        )
        .unwrap();
    let r = search(&app, json!({"filters": {"categories": ["seasons"]}})).await;
    assert_eq!(skus(&r), ["A-1"]);

    // A deleted product leaves the index.
    let delete = r#"mutation($sku: String!) { deleteProduct(sku: $sku) }"#;
    let r = app.gql(delete, json!({"sku": "A-1"})).await;
    assert!(r.get("errors").is_none(), "{r:#}");
    assert_eq!(search(&app, json!({"text": "lamp"})).await["total"], 0);
    let r = search(&app, json!({})).await;
    assert_eq!(r["position"].as_i64().unwrap(), app.change_head());
}

async fn resumes_after_a_restart(app: TestApp) {
    app.seed().await;
    upsert(
        &app,
        json!([{"sku": "R-1", "values": [name("en_US", "Copper kettle")]}]),
    )
    .await;
    searchable(&app.state);
    let before = app.state.search.position();
    let index = app.state.search.index().name.clone();
    // The same node again: the index and its position come back from disk, no rebuild.
    let app = app.restart();
    let (state, admin) = (&app.state, &app.admin);
    assert_eq!(state.search.position(), before);
    assert_eq!(state.search.index().name, index);
    let r = gql_on(state, Some(admin), SEARCH, json!({"text": "kettle"})).await;
    assert_eq!(r["data"]["search"]["total"], 1, "{r:#}");
}

async fn each_node_keeps_its_own_index(app: TestApp) {
    app.seed().await;
    let other = app.second_node();
    upsert(
        &app,
        json!([{"sku": "N-1", "values": [name("en_US", "Walnut table")]}]),
    )
    .await;
    searchable(&other);
    let r = gql_on(&other, Some(&app.admin), SEARCH, json!({"text": "walnut"})).await;
    assert_eq!(r["data"]["search"]["total"], 1, "{r:#}");
    assert_ne!(
        other.config.data_dir, app.state.config.data_dir,
        "each node has its own index"
    );
}

async fn products_listing_accepts_attribute_filters(app: TestApp) {
    app.seed().await;
    upsert(&app, catalog()).await;
    searchable(&app.state);
    let list = r#"query($filter: ProductFilterInput, $after: String) {
      products(filter: $filter, first: 1, after: $after) { totalCount edges { node { sku } } pageInfo { hasNextPage endCursor } } }"#;
    let filter =
        json!({"families": ["shirts"], "attributes": [{"attribute": "color", "options": ["red"]}]});
    let first = app.data(list, json!({"filter": filter})).await;
    assert_eq!(first["products"]["totalCount"], 2);
    assert_eq!(first["products"]["edges"][0]["node"]["sku"], "S-1");
    assert_eq!(first["products"]["pageInfo"]["hasNextPage"], true);
    let next = app
        .data(
            list,
            json!({"filter": filter, "after": first["products"]["pageInfo"]["endCursor"]}),
        )
        .await;
    assert_eq!(next["products"]["edges"][0]["node"]["sku"], "S-2");
    assert_eq!(next["products"]["pageInfo"]["hasNextPage"], false);
}

async fn reindex_swaps_under_a_running_service(app: TestApp) {
    app.seed().await;
    upsert(&app, catalog()).await;
    searchable(&app.state);
    let old = app.state.search.index().name.clone();
    let data_dir = app.state.config.data_dir.clone();
    let catalog = app.state.catalog.clone();
    let rebuilt = actix_web::rt::task::spawn_blocking(move || {
        pim::search::reindex::rebuild(&data_dir, &catalog, &|_| {})
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(rebuilt.products, 5);
    assert!(
        !rebuilt.old_removed,
        "the running service still holds the old index"
    );
    // The service answers all along, and switches within a few seconds.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while app.state.search.index().name == old {
        assert_eq!(search(&app, json!({})).await["total"], 5);
        assert!(
            std::time::Instant::now() < deadline,
            "no switch to {}",
            rebuilt.name
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.state.search.index().name, rebuilt.name);
    assert_eq!(search(&app, json!({})).await["total"], 5);
    upsert(
        &app,
        json!([{"sku": "AFTER-SWAP", "values": [name("en_US", "Brass lamp")]}]),
    )
    .await;
    assert_eq!(
        skus(&search(&app, json!({"text": "brass"})).await),
        ["AFTER-SWAP"]
    );
    assert!(!app.state.config.data_dir.join("search").join(&old).exists());
}

async fn new_attributes_need_no_rebuild(app: TestApp) {
    app.seed().await;
    upsert(
        &app,
        json!([{"sku": "X-1", "values": [name("en_US", "Oak shelf")]}]),
    )
    .await;
    searchable(&app.state);
    let index = app.state.search.index().name.clone();
    let attributes: Vec<Value> = (0..300)
        .map(|i| json!({"code": format!("extra_{i}"), "type": "number", "group": "general"}))
        .collect();
    let file: pim::fixtures::StructureFile =
        serde_json::from_value(json!({"attributes": attributes})).unwrap();
    app.state
        .catalog
        .save_entities(file.into_entities(), &origin())
        .unwrap();
    upsert(
        &app,
        json!([{"sku": "X-1", "values": [{"attribute": "extra_299", "data": "42"}]},
               {"sku": "X-2", "values": [{"attribute": "extra_7", "data": 3}]}]),
    )
    .await;
    let r = search(
        &app,
        json!({"filters": {"attributes": [{"attribute": "extra_299", "min": "40"}]}}),
    )
    .await;
    assert_eq!(skus(&r), ["X-1"]);
    let r = search(
        &app,
        json!({"sort": {"field": "ATTRIBUTE", "attribute": "extra_7"}}),
    )
    .await;
    assert_eq!(skus(&r), ["X-2", "X-1"]);
    assert_eq!(
        app.state.search.index().name,
        index,
        "same index, no rebuild"
    );
}

async fn the_readme_query_on_the_demo_catalog(app: TestApp) {
    pim::cli::load_demo(&app.state).unwrap();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("{ search(").expect("README shows a search");
    let end = start + readme[start..].find("\n```").unwrap();
    let query = &readme[start..end];
    searchable(&app.state);
    let r = app.data(query, json!({})).await["search"].clone();
    assert!(r["total"].as_i64().unwrap() > 0, "{r:#}");
    let first = &r["hits"][0];
    assert!(
        first["highlights"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<b>"),
        "{r:#}"
    );
    let family_counts: i64 = r["facets"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["count"].as_i64().unwrap())
        .sum();
    assert_eq!(family_counts, r["total"].as_i64().unwrap(), "{r:#}");
}
