//! Channel exports through the real app: definitions saved and checked over GraphQL, feeds
//! rendered in each built-in shape and checked against the channels' reference files, products
//! rejected with their issues, feeds pulled over HTTP by channel consumers (gzip, ETag, 304),
//! and deltas from the change log with each consumer's own cursor.

use std::io::Read;

use actix_web::{App, test as http};
use pim::app::configure;
use pim::auth::{Grants, Role};
use serde_json::{Value, json};

use crate::common::{TestApp, UPSERT};
use crate::conformance;

conformance!(
    definitions_are_listed_saved_and_checked,
    google_feed_renders_rejects_and_streams,
    deltas_follow_each_consumers_cursor,
    shops_match_their_reference_headers,
    scheduled_delivery_writes_the_directory,
    images_are_checked_and_rendered
);

const MODELS: &str = r#"mutation($input: [ProductModelInput!]!) {
  upsertProductModels(input: $input) { created rejected items { code status errors { code field message } } }
}"#;

const SAVE: &str =
    r#"mutation($d: JSON!) { saveExportChannel(definition: $d) { code origin format feedPath } }"#;

const PREVIEW: &str = r#"query($c: String!) { exportPreview(channel: $c, first: 50) {
  rendered items { sku group accepted fields { name value } issues { sku field rule message } } } }"#;

fn price(usd: &str) -> Value {
    json!([{"amount": usd, "currency": "USD"}, {"amount": "9", "currency": "EUR"}, {"amount": "40", "currency": "PLN"}])
}

/// A T-shirt model in red with two sizes, and shoes: one fine, one with a wrong check digit,
/// one from the restricted in-store range, one without a price.
async fn catalog(app: &TestApp) {
    app.seed().await;
    let r = app
        .data(
            MODELS,
            json!({"input": [
                {"code": "tee", "familyVariant": "shirts_color_size", "categories": ["shirts"], "values": [
                    {"attribute": "name", "locale": "en_US", "data": "Tom & Jerry <b>organic</b> tee, long name"},
                    {"attribute": "description", "locale": "en_US", "channel": "webshop", "data": "<p>Soft &amp; warm.</p>\n<ul><li>100% cotton</li></ul>"},
                    {"attribute": "weight", "data": {"amount": "180", "unit": "GRAM"}}
                ]},
                {"code": "tee_red", "familyVariant": "shirts_color_size", "parent": "tee", "values": [
                    {"attribute": "color", "data": "red"}
                ]}
            ]}),
        )
        .await;
    assert_eq!(r["upsertProductModels"]["created"], 2, "{r:#}");
    let r = app
        .data(
            UPSERT,
            json!({"input": [
                {"sku": "TEE-RED-S", "parent": "tee_red", "values": [
                    {"attribute": "size", "data": "s"}, {"attribute": "ean", "data": "4006381333931"},
                    {"attribute": "price", "data": price("15")}]},
                {"sku": "TEE-RED-M", "parent": "tee_red", "values": [
                    {"attribute": "size", "data": "m"}, {"attribute": "ean", "data": "5901234123457"},
                    {"attribute": "price", "data": price("15.5")}]},
                {"sku": "SHOE-OK", "family": "shoes", "categories": ["shoes"], "values": [
                    {"attribute": "name", "locale": "en_US", "data": "=HYPERLINK(\"http://evil\") runner"},
                    {"attribute": "ean", "data": "9638507400002"}, {"attribute": "price", "data": price("59.999")}]},
                {"sku": "SHOE-BAD-CHECK", "family": "shoes", "values": [
                    {"attribute": "name", "locale": "en_US", "data": "Bad check digit"},
                    {"attribute": "ean", "data": "4006381333932"}, {"attribute": "price", "data": price("10")}]},
                {"sku": "SHOE-IN-STORE", "family": "shoes", "values": [
                    {"attribute": "name", "locale": "en_US", "data": "In-store number"},
                    {"attribute": "ean", "data": "2000000000008"}, {"attribute": "price", "data": price("10")}]},
                {"sku": "SHOE-NO-PRICE", "family": "shoes", "values": [
                    {"attribute": "name", "locale": "en_US", "data": "No price"}]}
            ]}),
        )
        .await;
    assert_eq!(r["upsertProducts"]["created"], 6, "{r:#}");
}

fn google_definition(code: &str) -> Value {
    json!({
        "code": code, "label": "Google test feed", "format": "google_xml",
        "scope": "webshop", "locale": "en_US", "currency": "USD",
        "title": "Test <feed>", "link": "https://shop.example.com",
        "fields": [
            {"name": "id", "source": {"property": "sku"}, "required": true, "max_length": 50},
            {"name": "title", "source": {"attribute": "name"},
             "transforms": [{"type": "strip_html"}, {"type": "truncate", "max": 30}], "required": true, "max_length": 30},
            {"name": "description", "source": {"attribute": "description"}, "transforms": [{"type": "strip_html"}]},
            {"name": "link", "source": {"template": "https://shop.example.com/p/{sku}"}},
            {"name": "price", "source": {"attribute": "price"}, "transforms": [{"type": "price", "decimals": 2}], "required": true},
            {"name": "availability", "source": {"property": "enabled"},
             "transforms": [{"type": "map", "table": {"true": "in stock", "false": "out of stock"}}],
             "allowed": ["in stock", "out of stock"]},
            {"name": "gtin", "source": {"attribute": "ean"}, "gtin": true},
            {"name": "item_group_id", "source": {"property": "group"}},
            {"name": "color", "source": {"attribute": "color"}, "transforms": [{"type": "option_label"}]},
            {"name": "size", "source": {"attribute": "size"}, "transforms": [{"type": "option_label"}]},
            {"name": "google_product_category", "source": {"property": "categories"},
             "transforms": [{"type": "category_map", "table": {"clothing": "1604", "shirts": "212"}, "default": "187"}]},
            {"name": "shipping_weight", "source": {"attribute": "weight"},
             "transforms": [{"type": "unit", "unit": "KILOGRAM", "decimals": 2, "with_symbol": true}]}
        ]
    })
}

async fn definitions_are_listed_saved_and_checked(app: TestApp) {
    app.seed().await;
    let d = app
        .data(
            "{ exportChannels { code format origin feedPath definition } }",
            json!({}),
        )
        .await;
    let channels = d["exportChannels"].as_array().unwrap();
    let google = channels.iter().find(|c| c["code"] == "google").unwrap();
    assert_eq!(google["origin"], "built_in");
    assert_eq!(google["format"], "google_xml");
    assert_eq!(google["feedPath"], "/feeds/google.xml");
    for code in [
        "google",
        "google_tsv",
        "meta",
        "shopify",
        "woocommerce",
        "amazon",
        "allegro",
        "ozon",
        "wildberries",
        "catalog_csv",
        "catalog_json",
        "catalog_ndjson",
    ] {
        assert!(
            channels.iter().any(|c| c["code"] == code),
            "built-in channel {code} is listed"
        );
    }

    let saved = app
        .data(SAVE, json!({"d": google_definition("gtest")}))
        .await;
    assert_eq!(saved["saveExportChannel"]["origin"], "database");
    let one = app
        .data(
            r#"{ exportChannel(code: "gtest") { code definition } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        one["exportChannel"]["definition"]["fields"][1]["name"],
        "title"
    );

    // A definition is checked against the catalog; every mistake is named with its path.
    let mut bad = google_definition("broken");
    bad["scope"] = json!("nowhere");
    bad["fields"][1]["source"] = json!({"attribute": "nope"});
    bad["fields"][11]["transforms"][0]["unit"] = json!("PARSEC");
    let e = app.gql(SAVE, json!({"d": bad})).await;
    let errors = e["errors"][0]["extensions"]["errors"].as_array().unwrap();
    let fields: Vec<&str> = errors
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"scope"), "{e:#}");
    assert!(fields.contains(&"fields.1.source.attribute"), "{e:#}");
    assert!(fields.contains(&"fields.11.transforms.0.unit"), "{e:#}");
    let e = app
        .gql(SAVE, json!({"d": {"code": "x", "format": "fax"}}))
        .await;
    assert_eq!(e["errors"][0]["extensions"]["field"], "definition", "{e:#}");
    let missing = app
        .data(r#"{ exportChannel(code: "broken") { code } }"#, json!({}))
        .await;
    assert!(missing["exportChannel"].is_null());

    // Reset drops the edited copy: a channel only in the database is gone.
    let r = app
        .data(
            r#"mutation { resetExportChannel(code: "gtest") }"#,
            json!({}),
        )
        .await;
    assert_eq!(r["resetExportChannel"], true);
    let gone = app
        .data(r#"{ exportChannel(code: "gtest") { code } }"#, json!({}))
        .await;
    assert!(gone["exportChannel"].is_null());
}

async fn get(
    app: &TestApp,
    uri: &str,
    token: &str,
    headers: &[(&str, &str)],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let service = http::init_service(App::new().configure(configure(app.state.clone()))).await;
    let mut request = http::TestRequest::get()
        .uri(uri)
        .insert_header(("authorization", format!("Bearer {token}")));
    for (k, v) in headers {
        request = request.insert_header((*k, *v));
    }
    let response = http::call_service(&service, request.to_request()).await;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = http::read_body(response).await.to_vec();
    (status, headers, body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn consumer(app: &TestApp, email: &str, channel: &str) -> String {
    app.token(
        email,
        Role::ChannelConsumer,
        Grants {
            channels: vec![channel.into()],
            ..Grants::default()
        },
    )
}

async fn google_feed_renders_rejects_and_streams(app: TestApp) {
    catalog(&app).await;
    app.data(SAVE, json!({"d": google_definition("gfeed")}))
        .await;

    // The preview names each rejected product's issues with the channel's field names.
    let p = app.data(PREVIEW, json!({"c": "gfeed"})).await;
    let items = p["exportPreview"]["items"].as_array().unwrap();
    let item = |sku: &str| items.iter().find(|i| i["sku"] == sku).unwrap().clone();
    assert_eq!(item("TEE-RED-S")["accepted"], true, "{p:#}");
    assert_eq!(item("TEE-RED-S")["group"], "tee");
    let bad = item("SHOE-BAD-CHECK");
    assert_eq!(bad["accepted"], false);
    assert_eq!(bad["issues"][0]["field"], "gtin");
    assert_eq!(bad["issues"][0]["rule"], "gtin");
    assert!(
        bad["issues"][0]["message"]
            .as_str()
            .unwrap()
            .contains("check digit")
    );
    let store = item("SHOE-IN-STORE");
    assert_eq!(store["issues"][0]["rule"], "gtin");
    assert!(
        store["issues"][0]["message"]
            .as_str()
            .unwrap()
            .contains("restricted")
    );
    let no_price = item("SHOE-NO-PRICE");
    assert_eq!(no_price["issues"][0]["field"], "price");
    assert_eq!(no_price["issues"][0]["rule"], "required");
    assert!(
        p["exportPreview"]["rendered"]
            .as_str()
            .unwrap()
            .contains("<g:id>TEE-RED-M</g:id>")
    );

    // A consumer pulls the feed; it is well-formed XML in Google's namespace.
    let token = consumer(&app, "google@test.local", "gfeed");
    let (status, headers, body) = get(&app, "/feeds/gfeed.xml", &token, &[]).await;
    assert_eq!(status, 200);
    assert!(
        header(&headers, "content-type")
            .unwrap()
            .starts_with("application/xml")
    );
    let text = String::from_utf8(body).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let g = "http://base.google.com/ns/1.0";
    let channel = doc.root_element().first_element_child().unwrap();
    assert_eq!(channel.tag_name().name(), "channel");
    let title = channel
        .children()
        .find(|n| n.has_tag_name("title"))
        .unwrap();
    assert_eq!(title.text(), Some("Test <feed>"));
    let feed_items: Vec<_> = channel
        .children()
        .filter(|n| n.has_tag_name("item"))
        .collect();
    let field = |item: &roxmltree::Node, name: &str, ns: Option<&str>| -> Option<String> {
        item.children()
            .find(|n| match ns {
                Some(ns) => n.has_tag_name((ns, name)),
                None => n.tag_name().name() == name && n.tag_name().namespace().is_none(),
            })
            .and_then(|n| n.text().map(str::to_string))
    };
    let ids: Vec<String> = feed_items
        .iter()
        .map(|i| field(i, "id", Some(g)).unwrap())
        .collect();
    assert_eq!(ids, ["TEE-RED-S", "TEE-RED-M", "SHOE-OK"], "{text}");
    let tee = &feed_items[0];
    assert_eq!(field(tee, "price", Some(g)).unwrap(), "15.00 USD");
    assert_eq!(
        field(&feed_items[1], "price", Some(g)).unwrap(),
        "15.50 USD"
    );
    assert_eq!(
        field(&feed_items[2], "price", Some(g)).unwrap(),
        "60.00 USD"
    );
    assert_eq!(
        field(tee, "title", None).unwrap(),
        "Tom & Jerry organic tee, long"
    );
    assert_eq!(
        field(tee, "description", None).unwrap(),
        "Soft & warm. 100% cotton"
    );
    assert_eq!(field(tee, "item_group_id", Some(g)).unwrap(), "tee");
    assert_eq!(field(tee, "color", Some(g)).unwrap(), "Red");
    assert_eq!(field(tee, "availability", Some(g)).unwrap(), "in stock");
    assert_eq!(
        field(tee, "google_product_category", Some(g)).unwrap(),
        "212"
    );
    assert_eq!(field(tee, "shipping_weight", Some(g)).unwrap(), "0.18 kg");
    assert_eq!(
        field(&feed_items[2], "google_product_category", Some(g)).unwrap(),
        "187"
    );
    assert!(field(&feed_items[2], "item_group_id", Some(g)).is_none());
    assert!(text.contains("Tom &amp; Jerry"));

    // The run is in the history with its counts and the issues of rejected products.
    let runs = app
        .data(
            r#"{ exportRuns(channel: "gfeed") { exported rejected destination issues { sku field rule } } }"#,
            json!({}),
        )
        .await;
    let run = &runs["exportRuns"][0];
    assert_eq!(run["exported"], 3, "{runs:#}");
    assert_eq!(run["rejected"], 3);
    assert_eq!(run["destination"], "http");
    assert!(
        run["issues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["sku"] == "SHOE-BAD-CHECK" && i["field"] == "gtin")
    );

    // Gzip when asked; the same feed inside.
    let (status, headers, gz) = get(
        &app,
        "/feeds/gfeed.xml",
        &token,
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-encoding"), Some("gzip"));
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, text);

    // Validators: the same ETag answers 304 until the catalog changes.
    let etag = header(&headers, "etag").unwrap().to_string();
    assert!(header(&headers, "last-modified").is_some());
    let (status, _, body) = get(
        &app,
        "/feeds/gfeed.xml",
        &token,
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(status, 304);
    assert!(body.is_empty());
    let last_modified = header(&headers, "last-modified").unwrap().to_string();
    let (status, _, _) = get(
        &app,
        "/feeds/gfeed.xml",
        &token,
        &[("if-modified-since", &last_modified)],
    )
    .await;
    assert_eq!(status, 304);
    app.data(
        UPSERT,
        json!({"input": [{"sku": "SHOE-OK", "enabled": false}]}),
    )
    .await;
    let (status, headers, body) = get(
        &app,
        "/feeds/gfeed.xml",
        &token,
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(status, 200);
    assert_ne!(header(&headers, "etag").unwrap(), etag);
    assert!(String::from_utf8(body).unwrap().contains("out of stock"));

    // The channel's TSV shape, by extension.
    let (status, _, tsv) = get(&app, "/feeds/gfeed.tsv", &token, &[]).await;
    assert_eq!(status, 200);
    let tsv = String::from_utf8(tsv).unwrap();
    let mut lines = tsv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("id\ttitle\tdescription\tlink\tprice\t")
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("TEE-RED-S\tTom & Jerry organic tee, long\t")
    );

    // Other channels stay closed to this consumer; unknown feeds are not found.
    let (status, _, _) = get(&app, "/feeds/google.xml", &token, &[]).await;
    assert_eq!(status, 403);
    let (status, _, _) = get(&app, "/feeds/gfeed.pdf", &app.admin, &[]).await;
    assert_eq!(status, 404);
}

async fn deltas_follow_each_consumers_cursor(app: TestApp) {
    catalog(&app).await;
    let mut def = google_definition("delta");
    def["format"] = json!("ndjson");
    def["fields"] = json!([
        {"name": "sku", "source": {"property": "sku"}},
        {"name": "price", "source": {"attribute": "price"}, "transforms": [{"type": "price", "decimals": 2, "style": "object"}]},
        {"name": "name", "source": {"attribute": "name"}}
    ]);
    app.data(SAVE, json!({"d": def})).await;
    let a = consumer(&app, "a@test.local", "delta");
    let b = consumer(&app, "b@test.local", "delta");
    let lines = |body: &[u8]| -> Vec<Value> {
        String::from_utf8(body.to_vec())
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let skus = |v: &[Value]| -> Vec<String> {
        let mut s: Vec<String> = v
            .iter()
            .map(|l| {
                let sku = l["sku"].as_str().unwrap();
                if l["deleted"] == true {
                    format!("-{sku}")
                } else {
                    sku.to_string()
                }
            })
            .collect();
        s.sort();
        s
    };

    // First pulls with a stored cursor get everything.
    let (status, headers, body) = get(&app, "/feeds/delta?since=last", &a, &[]).await;
    assert_eq!(status, 200);
    let first = lines(&body);
    assert_eq!(skus(&first).len(), 6, "{first:?}");
    let head: i64 = header(&headers, "x-pim-cursor").unwrap().parse().unwrap();
    assert_eq!(head, app.change_head());
    assert_eq!(
        first.iter().find(|l| l["sku"] == "TEE-RED-M").unwrap()["price"],
        json!({"amount": "15.50", "currency": "USD"})
    );

    // Changes: an update, a model change reaching its variants, a new product, a deletion.
    app.data(
        UPSERT,
        json!({"input": [
            {"sku": "SHOE-OK", "values": [{"attribute": "price", "data": price("61")}]},
            {"sku": "SHOE-NEW", "family": "shoes", "values": [{"attribute": "name", "locale": "en_US", "data": "New"}]}
        ]}),
    )
    .await;
    app.data(
        MODELS,
        json!({"input": [{"code": "tee", "familyVariant": "shirts_color_size", "values": [
            {"attribute": "name", "locale": "en_US", "data": "Renamed tee"}]}]}),
    )
    .await;
    app.data(
        r#"mutation { deleteProduct(sku: "SHOE-NO-PRICE") }"#,
        json!({}),
    )
    .await;

    let (_, _, body) = get(&app, "/feeds/delta?since=last", &a, &[]).await;
    let second = lines(&body);
    assert_eq!(
        skus(&second),
        [
            "-SHOE-NO-PRICE",
            "SHOE-NEW",
            "SHOE-OK",
            "TEE-RED-M",
            "TEE-RED-S"
        ],
        "{second:?}"
    );
    assert_eq!(
        second.iter().find(|l| l["sku"] == "TEE-RED-S").unwrap()["name"],
        "Renamed tee"
    );
    // Nothing twice: the next pull is empty.
    let (_, _, body) = get(&app, "/feeds/delta?since=last", &a, &[]).await;
    assert!(
        lines(&body).is_empty(),
        "{}",
        String::from_utf8_lossy(&body)
    );
    // Another consumer keeps its own cursor: it gets the current state of everything.
    let (_, _, body) = get(&app, "/feeds/delta?since=last", &b, &[]).await;
    let everything = skus(&lines(&body));
    assert!(everything.contains(&"SHOE-NEW".to_string()));
    assert!(
        !everything.iter().any(|s| s.contains("SHOE-NO-PRICE")),
        "{everything:?}"
    );
    // An explicit cursor gives the same delta again, without moving anyone's cursor.
    let (_, _, body) = get(&app, &format!("/feeds/delta?since={head}"), &a, &[]).await;
    assert_eq!(skus(&lines(&body)).len(), 5);
    let (status, _, _) = get(&app, "/feeds/delta?since=yesterday", &a, &[]).await;
    assert_eq!(status, 400);
}

fn reference_header(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect()
}

fn csv_rows(body: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let text = String::from_utf8(body.to_vec()).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

async fn shops_match_their_reference_headers(app: TestApp) {
    catalog(&app).await;
    let shopify = json!({
        "code": "shop", "format": "shopify_csv", "scope": "webshop", "locale": "en_US", "currency": "USD",
        "fields": [
            {"name": "Title", "source": {"attribute": "name"}},
            {"name": "Body (HTML)", "source": {"attribute": "description"}},
            {"name": "Variant SKU", "source": {"property": "sku"}},
            {"name": "Variant Price", "source": {"attribute": "price"}, "transforms": [{"type": "price", "style": "amount"}]},
            {"name": "Variant Grams", "source": {"attribute": "weight"}, "transforms": [{"type": "unit", "unit": "GRAM", "decimals": 0}]}
        ]
    });
    app.data(SAVE, json!({"d": shopify})).await;
    let (status, _, body) = get(&app, "/feeds/shop.csv", &app.admin, &[]).await;
    assert_eq!(status, 200);
    let (header, rows) = csv_rows(&body);
    assert_eq!(
        header,
        reference_header("../shared/reference/feeds/shopify/product_template.csv")
    );
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let tee: Vec<&Vec<String>> = rows.iter().filter(|r| r[col("Handle")] == "tee").collect();
    assert_eq!(tee.len(), 2, "variants are rows under one Handle");
    assert_eq!(
        tee[0][col("Title")],
        "Tom & Jerry <b>organic</b> tee, long name"
    );
    assert_eq!(
        tee[1][col("Title")],
        "",
        "product columns only on the first row"
    );
    assert_eq!(tee[0][col("Option1 Name")], "color");
    assert_eq!(tee[0][col("Option1 Value")], "Red");
    assert_eq!(tee[0][col("Option2 Name")], "size");
    assert_eq!(tee[1][col("Option2 Value")], "m");
    assert_eq!(tee[1][col("Variant SKU")], "TEE-RED-M");
    assert_eq!(tee[1][col("Variant Price")], "15.50");
    assert_eq!(tee[0][col("Variant Grams")], "180");
    let shoe = rows
        .iter()
        .find(|r| r[col("Variant SKU")] == "SHOE-OK")
        .unwrap();
    assert_eq!(shoe[col("Handle")], "shoe-ok");
    assert_eq!(shoe[col("Option1 Name")], "Title");
    assert_eq!(shoe[col("Option1 Value")], "Default Title");
    // A cell a spreadsheet would run as a formula is neutralised.
    assert_eq!(shoe[col("Title")], "'=HYPERLINK(\"http://evil\") runner");

    let woo = json!({
        "code": "woo", "format": "woocommerce_csv", "scope": "webshop", "locale": "en_US", "currency": "USD",
        "fields": [
            {"name": "SKU", "source": {"property": "sku"}},
            {"name": "Name", "source": {"attribute": "name"}, "transforms": [{"type": "strip_html"}]},
            {"name": "Regular price", "source": {"attribute": "price"}, "transforms": [{"type": "price", "style": "amount"}]}
        ]
    });
    app.data(SAVE, json!({"d": woo})).await;
    let (_, _, body) = get(&app, "/feeds/woo", &app.admin, &[]).await;
    assert!(body.starts_with("\u{feff}".as_bytes()));
    let (header, rows) = csv_rows(&body);
    assert_eq!(
        header,
        reference_header("../shared/reference/feeds/woocommerce/sample_products.csv")
    );
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let parent = rows.iter().find(|r| r[col("Type")] == "variable").unwrap();
    assert_eq!(parent[col("SKU")], "tee");
    assert_eq!(parent[col("Attribute 1 name")], "color");
    assert_eq!(parent[col("Attribute 2 value(s)")], "s, m");
    assert_eq!(parent[col("Regular price")], "");
    let variations: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[col("Type")] == "variation")
        .collect();
    assert_eq!(variations.len(), 2);
    assert!(variations.iter().all(|r| r[col("Parent")] == "tee"));
    assert_eq!(variations[0][col("Attribute 2 value(s)")], "s");
    assert_eq!(variations[1][col("Regular price")], "15.50");
    let simple = rows.iter().find(|r| r[col("SKU")] == "SHOE-OK").unwrap();
    assert_eq!(simple[col("Type")], "simple");
    assert_eq!(simple[col("Parent")], "");
}

async fn scheduled_delivery_writes_the_directory(app: TestApp) {
    catalog(&app).await;
    let dir = tempfile::TempDir::new().unwrap();
    let mut def = google_definition("nightly");
    def["delivery"] = json!({"directory": dir.path().join("feeds"), "every_minutes": 60});
    app.data(SAVE, json!({"d": def})).await;
    let delivered = app.state.exports.run_scheduled().unwrap();
    assert_eq!(delivered, ["nightly"]);
    let text = std::fs::read_to_string(dir.path().join("feeds/nightly.xml")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("item")).count(),
        3
    );
    // Not due again within the hour.
    assert!(app.state.exports.run_scheduled().unwrap().is_empty());
    let runs = app
        .data(
            r#"{ exportRuns(channel: "nightly") { destination exported } }"#,
            json!({}),
        )
        .await;
    assert_eq!(runs["exportRuns"].as_array().unwrap().len(), 1);
    assert!(
        runs["exportRuns"][0]["destination"]
            .as_str()
            .unwrap()
            .starts_with("scheduled:")
    );
}

/// `pim export` on the command line: a file written whole, the summary and next cursor on
/// stderr, and a delta from that cursor.
#[actix_web::test]
async fn the_command_line_writes_full_and_delta_feeds() {
    let app = TestApp::sqlite();
    catalog(&app).await;
    app.data(SAVE, json!({"d": google_definition("cli_feed")}))
        .await;
    let dir = app.config.data_dir.clone();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pim"))
            .arg("--data-dir")
            .arg(&dir)
            .arg("export")
            .args(args)
            .env_remove("DATABASE_URL")
            .env_remove("PIM_DATABASE_URL")
            .output()
            .unwrap()
    };
    let out = dir.join("feed.xml");
    let full = run(&["cli_feed", "-o", out.to_str().unwrap()]);
    assert!(full.status.success(), "{full:?}");
    let stderr = String::from_utf8(full.stderr).unwrap();
    assert!(stderr.contains("3 exported, 3 rejected"), "{stderr}");
    assert!(
        stderr.contains("rejected SHOE-BAD-CHECK [gtin gtin]"),
        "{stderr}"
    );
    let cursor = app.change_head().to_string();
    assert!(stderr.contains(&format!("--since {cursor}")), "{stderr}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(roxmltree::Document::parse(&text).is_ok());
    assert!(!dir.join("feed.partial").exists());

    app.data(
        UPSERT,
        json!({"input": [{"sku": "SHOE-OK", "values": [{"attribute": "price", "data": price("70")}]}]}),
    )
    .await;
    let delta = run(&["cli_feed", "--since", &cursor, "--format", "ndjson"]);
    assert!(delta.status.success(), "{delta:?}");
    let lines: Vec<Value> = String::from_utf8(delta.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["id"], "SHOE-OK");
    assert_eq!(lines[0]["price"], "70.00 USD");
    let unknown = run(&["no_such_channel"]);
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8(unknown.stderr)
            .unwrap()
            .contains("unknown export channel")
    );
}

async fn images_are_checked_and_rendered(app: TestApp) {
    catalog(&app).await;
    let upload = |name: &'static str, w: u32, h: u32| {
        let state = app.state.clone();
        let admin = app.admin.clone();
        async move {
            let r = crate::common::upload_on(&state, Some(&admin), name, &crate::assets::png(w, h))
                .await;
            r["data"]["uploadAsset"]["hash"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let big = upload("big.png", 80, 40).await;
    let small = upload("small.png", 8, 8).await;
    let r = app
        .data(
            MODELS,
            json!({"input": [{"code": "tee_red", "familyVariant": "shirts_color_size", "parent": "tee",
                "values": [{"attribute": "picture", "data": big}]}]}),
        )
        .await;
    assert_eq!(r["upsertProductModels"]["rejected"], 0, "{r:#}");
    let mut def = google_definition("pictures");
    def["images"] = json!({"attribute": "picture", "min_width": 20, "min_height": 20,
        "rendition": {"width": 30, "height": 30, "fit": "pad", "format": "jpeg", "quality": 80}});
    def["fields"].as_array_mut().unwrap().push(
        json!({"name": "image_link", "source": {"attribute": "picture"},
            "transforms": [{"type": "url", "prefix": "https://cdn.example.com/"}]}),
    );
    app.data(SAVE, json!({"d": def.clone()})).await;
    // A too-small image rejects the product, with its size in the message.
    app.data(
        MODELS,
        json!({"input": [{"code": "tee_blue", "familyVariant": "shirts_color_size", "parent": "tee",
            "values": [{"attribute": "color", "data": "blue"}, {"attribute": "picture", "data": small}]}]}),
    )
    .await;
    app.data(
        UPSERT,
        json!({"input": [{"sku": "TEE-BLUE-S", "parent": "tee_blue", "values": [
            {"attribute": "size", "data": "s"}, {"attribute": "price", "data": price("15")}]}]}),
    )
    .await;
    let p = app.data(PREVIEW, json!({"c": "pictures"})).await;
    let blue = p["exportPreview"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["sku"] == "TEE-BLUE-S")
        .unwrap()
        .clone();
    assert_eq!(blue["accepted"], false);
    assert_eq!(blue["issues"][0]["rule"], "image_size");
    assert!(
        blue["issues"][0]["message"]
            .as_str()
            .unwrap()
            .contains("8×8")
    );

    // The rendition: a 30×30 JPEG, the 80×40 picture padded on white.
    let token = consumer(&app, "pictures@test.local", "pictures");
    let (status, headers, body) = get(
        &app,
        &format!("/feeds/pictures/images/{big}.jpg"),
        &token,
        &[],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), Some("image/jpeg"));
    let picture = image::load_from_memory(&body).unwrap().to_rgb8();
    assert_eq!(picture.dimensions(), (30, 30));
    let corner = picture.get_pixel(15, 1);
    assert!(
        corner.0.iter().all(|c| *c > 240),
        "padding is white: {corner:?}"
    );
    let (status, _, _) = get(
        &app,
        &format!("/feeds/pictures/images/{big}.jpg"),
        &app.admin,
        &[],
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = get(
        &app,
        &format!("/feeds/gfeed_missing/images/{big}.jpg"),
        &token,
        &[],
    )
    .await;
    assert_eq!(status, 403);

    // Scheduled delivery writes the renditions of the exported products beside the feed.
    let dir = tempfile::TempDir::new().unwrap();
    def["delivery"] = json!({"directory": dir.path(), "every_minutes": 5});
    app.data(SAVE, json!({"d": def})).await;
    assert_eq!(app.state.exports.run_scheduled().unwrap(), ["pictures"]);
    let feed = std::fs::read_to_string(dir.path().join("pictures.xml")).unwrap();
    assert!(feed.contains(&format!("https://cdn.example.com/{big}")));
    let written: Vec<String> = std::fs::read_dir(dir.path().join("images"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written, [format!("{big}.jpg")]);
}
