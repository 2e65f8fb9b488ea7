//! Attribute constraints through GraphQL: formats (GTIN, URL, e-mail), HTML, date ranges, asset
//! file types, sizes and image dimensions, the SKU against the identifier attribute, and
//! constraints that do not fit their attribute's type refused when the structure is saved.

use serde_json::{Value, json};

use crate::assets::png;
use crate::common::{PRODUCT, TestApp, UPSERT, UPSERT_ONE, upload_on};
use crate::conformance;

conformance!(
    text_and_date_constraints,
    asset_constraints,
    sku_meets_identifier_constraints,
    misfit_constraints_are_refused,
);

const MODELS: &str = r#"mutation($input: [ProductModelInput!]!) {
  upsertProductModels(input: $input) { created rejected items { code status errors { code field message } } }
}"#;

async fn save(app: &TestApp, mutation: &str) {
    app.data(mutation, json!({})).await;
}

async fn upload(app: &TestApp, filename: &str, data: &[u8]) -> String {
    let r = upload_on(&app.state, Some(&app.admin), filename, data).await;
    assert!(r.get("errors").is_none(), "{r:#}");
    r["data"]["uploadAsset"]["hash"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Asserts one refused single upsert: code, field and words of its message; nothing stored.
async fn refused(app: &TestApp, input: Value, field: &str, words: &[&str]) {
    let e = app.error(UPSERT_ONE, json!({"input": input})).await;
    assert_eq!(e["extensions"]["code"], "VALIDATION", "{input}: {e:#}");
    assert_eq!(e["extensions"]["field"], field, "{input}: {e:#}");
    let message = e["message"].as_str().unwrap();
    for w in words {
        assert!(message.contains(w), "{input}: {message:?} lacks {w:?}");
    }
}

async fn text_and_date_constraints(app: TestApp) {
    app.seed().await;
    for m in [
        r#"mutation { saveAttribute(input: {code: "gtin", type: TEXT, group: "general", constraints: {validation: GTIN}}) { code } }"#,
        r#"mutation { saveAttribute(input: {code: "website", type: TEXT, group: "general", constraints: {validation: URL}}) { code } }"#,
        r#"mutation { saveAttribute(input: {code: "contact_email", type: TEXT, group: "general", constraints: {validation: EMAIL}}) { code } }"#,
        r#"mutation { saveAttribute(input: {code: "care", type: TEXTAREA, group: "marketing", localizable: true, scopable: true, constraints: {htmlAllowed: false}}) { code } }"#,
        r#"mutation { saveAttribute(input: {code: "launch_date", type: DATE, group: "general", constraints: {minDate: "2000-01-01", maxDate: "2099-12-31"}}) { code } }"#,
        r#"mutation { saveFamily(input: {code: "gadgets", attributes: ["sku", "name", "gtin", "website", "contact_email", "care", "launch_date"]}) { code } }"#,
    ] {
        save(&app, m).await;
    }
    let one = |attribute: &str, locale: Value, channel: Value, data: &str| {
        json!({"sku": "GADGET-1", "family": "gadgets",
               "values": [{"attribute": attribute, "locale": locale, "channel": channel, "data": data}]})
    };
    let n = Value::Null;
    let head = app.change_head();
    let cases: [(Value, &str, &[&str]); 10] = [
        (
            one("gtin", n.clone(), n.clone(), "5901234123458"),
            "input.values.gtin",
            &["check digit", "expected 7"],
        ),
        (
            one("gtin", n.clone(), n.clone(), "3.65275E+11"),
            "input.values.gtin",
            &[
                "scientific notation",
                "digits of the code were lost",
                "export the column as text",
            ],
        ),
        (
            one("gtin", n.clone(), n.clone(), "59012341234AB"),
            "input.values.gtin",
            &["only digits"],
        ),
        (
            one("gtin", n.clone(), n.clone(), "123456789"),
            "input.values.gtin",
            &["8, 12, 13 or 14 digits"],
        ),
        (
            one("website", n.clone(), n.clone(), "www.example.com"),
            "input.values.website",
            &["http:// or https://"],
        ),
        (
            one("website", n.clone(), n.clone(), "https:///shop"),
            "input.values.website",
            &["no host"],
        ),
        (
            one(
                "contact_email",
                n.clone(),
                n.clone(),
                "sales(at)example.com",
            ),
            "input.values.contact_email",
            &["not a valid e-mail address"],
        ),
        (
            one(
                "care",
                json!("de_DE"),
                json!("webshop"),
                "Bei <b>30 °C</b> waschen",
            ),
            "input.values.care.webshop.de_DE",
            &["HTML is not allowed", "<b>"],
        ),
        (
            one("launch_date", n.clone(), n.clone(), "1999-12-31"),
            "input.values.launch_date",
            &["before the earliest allowed date 2000-01-01"],
        ),
        (
            one("launch_date", n.clone(), n.clone(), "2100-01-01"),
            "input.values.launch_date",
            &["after the latest allowed date 2099-12-31"],
        ),
    ];
    for (input, field, words) in cases {
        refused(&app, input, field, words).await;
    }
    assert!(
        app.data(PRODUCT, json!({"sku": "GADGET-1"})).await["product"].is_null(),
        "refused input stored a product"
    );
    assert_eq!(app.change_head(), head, "refused input must log nothing");

    let good = json!({"sku": "GADGET-1", "family": "gadgets", "values": [
        {"attribute": "gtin", "data": "4006381333931"},
        {"attribute": "website", "data": "https://example.com/gadget?id=1"},
        {"attribute": "contact_email", "data": "sales@example.com"},
        {"attribute": "care", "locale": "de_DE", "channel": "webshop", "data": "Bei 30 °C waschen, < 40 °C"},
        {"attribute": "launch_date", "data": "2026-03-01"}
    ]});
    app.data(UPSERT_ONE, json!({"input": good})).await;
    let p = app.data(PRODUCT, json!({"sku": "GADGET-1"})).await;
    let values = p["product"]["values"].as_array().unwrap();
    for attribute in ["gtin", "website", "contact_email", "care", "launch_date"] {
        assert!(
            values.iter().any(|v| v["attribute"] == attribute),
            "{attribute} missing: {p:#}"
        );
    }

    // In a batch, the bad item is reported with its path and the good one is written.
    let batch = json!([
        {"sku": "GADGET-2", "family": "gadgets", "values": [{"attribute": "gtin", "data": "036000291452"}]},
        {"sku": "GADGET-3", "family": "gadgets", "values": [{"attribute": "care", "locale": "pl_PL", "channel": "allegro", "data": "<p>Prać</p>"}]}
    ]);
    let r = app.data(UPSERT, json!({"input": batch})).await;
    let r = &r["upsertProducts"];
    assert_eq!(
        (r["created"].as_i64(), r["rejected"].as_i64()),
        (Some(1), Some(1)),
        "{r:#}"
    );
    let error = &r["items"][1]["errors"][0];
    assert_eq!(error["field"], "values.care.allegro.pl_PL", "{r:#}");
    assert_eq!(error["code"], "VALIDATION");
}

async fn asset_constraints(app: TestApp) {
    app.seed().await;
    // A picture stored before the constraints exist stays, and does not block other edits.
    let small = upload(&app, "small.png", &png(300, 300)).await;
    let input = json!({"sku": "OLD-PIC", "family": "shirts", "values": [{"attribute": "picture", "data": small}]});
    app.data(UPSERT_ONE, json!({"input": input})).await;

    for m in [
        r#"mutation { saveAttribute(input: {code: "picture", type: IMAGE, group: "marketing", constraints: {minWidth: 500, maxWidth: 1000, minHeight: 500, allowedExtensions: ["png", ".JPG"]}}) { code } }"#,
        r#"mutation { saveAttribute(input: {code: "manual", type: FILE, group: "general", constraints: {allowedExtensions: ["pdf"], maxFileBytes: 100}}) { code } }"#,
        r#"mutation { saveFamily(input: {code: "docs", attributes: ["sku", "manual"]}) { code } }"#,
    ] {
        save(&app, m).await;
    }
    let d = app
        .data(
            r#"{ attribute(code: "picture") { constraints { minWidth maxWidth minHeight maxHeight allowedExtensions maxFileBytes } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        d["attribute"]["constraints"],
        json!({"minWidth": 500, "maxWidth": 1000, "minHeight": 500, "maxHeight": null,
               "allowedExtensions": ["png", ".JPG"], "maxFileBytes": null})
    );
    let rename = json!({"sku": "OLD-PIC", "values": [{"attribute": "name", "locale": "en_US", "data": "Old picture"}]});
    app.data(UPSERT_ONE, json!({"input": rename})).await;

    let picture = |sku: &str, hash: &str| json!({"sku": sku, "family": "shirts", "values": [{"attribute": "picture", "data": hash}]});
    let narrow = upload(&app, "narrow.png", &png(300, 600)).await;
    refused(
        &app,
        picture("PIC-1", &narrow),
        "input.values.picture",
        &[
            "narrow.png",
            "300 px wide, less than the minimum width of 500 px",
        ],
    )
    .await;
    let wide = upload(&app, "wide.png", &png(1200, 600)).await;
    refused(
        &app,
        picture("PIC-1", &wide),
        "input.values.picture",
        &["1200 px wide, more than the maximum width of 1000 px"],
    )
    .await;
    let flat = upload(&app, "flat.png", &png(600, 400)).await;
    refused(
        &app,
        picture("PIC-1", &flat),
        "input.values.picture",
        &["400 px high, less than the minimum height of 500 px"],
    )
    .await;
    // The extension checked is the file name's, whatever the content.
    let gif = upload(&app, "anim.gif", &png(600, 601)).await;
    refused(
        &app,
        picture("PIC-1", &gif),
        "input.values.picture",
        &["extension gif, which is not among the allowed png, JPG"],
    )
    .await;
    // A new picture on the old product is checked like any value being set.
    refused(
        &app,
        picture("OLD-PIC", &narrow),
        "input.values.picture",
        &["less than the minimum width"],
    )
    .await;
    let fits = upload(&app, "front.PNG", &png(600, 600)).await;
    app.data(UPSERT_ONE, json!({"input": picture("PIC-1", &fits)}))
        .await;

    // Product models are held to the same constraints.
    let models = json!([
        {"code": "polo", "familyVariant": "shirts_color_size"},
        {"code": "polo_red", "familyVariant": "shirts_color_size", "parent": "polo",
         "values": [{"attribute": "color", "data": "red"}, {"attribute": "picture", "data": narrow}]},
        {"code": "polo_blue", "familyVariant": "shirts_color_size", "parent": "polo",
         "values": [{"attribute": "color", "data": "blue"}, {"attribute": "picture", "data": fits}]},
        {"code": "polo_white", "familyVariant": "shirts_color_size", "parent": "polo",
         "values": [{"attribute": "color", "data": "red"}, {"attribute": "picture", "data": "0".repeat(64)}]}
    ]);
    let r = app.data(MODELS, json!({"input": models})).await;
    let r = &r["upsertProductModels"];
    assert_eq!(r["created"], 2, "{r:#}");
    let items = r["items"].as_array().unwrap();
    assert_eq!(items[1]["status"], "REJECTED", "{r:#}");
    assert_eq!(items[1]["errors"][0]["field"], "values.picture");
    assert!(
        items[1]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("less than the minimum width of 500 px")
    );
    assert_eq!(items[3]["errors"][0]["code"], "NOT_FOUND", "{r:#}");
    assert!(
        items[3]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown asset")
    );

    // Files: type and size.
    let manual = |hash: &str| json!({"sku": "DOC-1", "family": "docs", "values": [{"attribute": "manual", "data": hash}]});
    let notes = upload(&app, "notes.txt", b"read me").await;
    refused(
        &app,
        manual(&notes),
        "input.values.manual",
        &["\"notes.txt\" has extension txt, which is not among the allowed pdf"],
    )
    .await;
    let big = upload(&app, "big.pdf", &[b'%'; 101]).await;
    refused(
        &app,
        manual(&big),
        "input.values.manual",
        &["101 bytes, more than the maximum of 100"],
    )
    .await;
    let fine = upload(&app, "manual.pdf", &[b'%'; 100]).await;
    app.data(UPSERT_ONE, json!({"input": manual(&fine)})).await;
}

async fn sku_meets_identifier_constraints(app: TestApp) {
    app.seed().await;
    let create = |sku: &str| json!({"sku": sku, "family": "shoes"});
    app.data(UPSERT_ONE, json!({"input": create("lower-1")}))
        .await;
    save(
        &app,
        r#"mutation { saveAttribute(input: {code: "sku", type: IDENTIFIER, group: "general", unique: true, constraints: {maxLength: 14, regex: "^[A-Z0-9-]+$", regexMessage: "uppercase letters, digits and dashes"}}) { code } }"#,
    )
    .await;
    // A product keeps the SKU it was created with.
    let update = json!({"sku": "lower-1", "enabled": false});
    app.data(UPSERT_ONE, json!({"input": update})).await;
    refused(
        &app,
        create("lower-2"),
        "input.sku",
        &["uppercase letters, digits and dashes"],
    )
    .await;
    refused(
        &app,
        create("ABCDEFGHIJKLMNO"),
        "input.sku",
        &["15 characters exceed the maximum of 14"],
    )
    .await;
    app.data(UPSERT_ONE, json!({"input": create("UPPER-2")}))
        .await;

    save(
        &app,
        r#"mutation { saveAttribute(input: {code: "sku", type: IDENTIFIER, group: "general", unique: true, constraints: {validation: GTIN}}) { code } }"#,
    )
    .await;
    refused(&app, create("4006381333932"), "input.sku", &["expected 1"]).await;
    app.data(UPSERT_ONE, json!({"input": create("4006381333931")}))
        .await;
}

async fn misfit_constraints_are_refused(app: TestApp) {
    app.seed().await;
    let head = app.change_head();
    let attribute = |kind: &str, constraints: &str| {
        format!(
            r#"mutation {{ saveAttribute(input: {{code: "x", type: {kind}, group: "general", constraints: {{{constraints}}}}}) {{ code }} }}"#
        )
    };
    let cases = [
        (
            attribute("TEXT", "minWidth: 500"),
            "constraints.min_width",
            "constraint min_width does not apply to text attributes, only to image",
        ),
        (
            attribute("NUMBER", "validation: GTIN"),
            "constraints.validation",
            "validation gtin does not apply to number attributes, only to identifier, text",
        ),
        (
            attribute("TEXTAREA", "validation: URL"),
            "constraints.validation",
            "does not apply to textarea attributes",
        ),
        (
            attribute("BOOLEAN", "htmlAllowed: false"),
            "constraints.html_allowed",
            "does not apply to boolean",
        ),
        (
            attribute("TEXT", "minDate: \"2020-01-01\""),
            "constraints.min_date",
            "only to date",
        ),
        (
            attribute("FILE", "minHeight: 10"),
            "constraints.min_height",
            "only to image",
        ),
        (
            attribute("DATE", "maxFileBytes: 10"),
            "constraints.max_file_bytes",
            "only to image, file",
        ),
        (
            attribute("NUMBER", "maxLength: 10"),
            "constraints.max_length",
            "does not apply to number",
        ),
        (
            attribute("TEXT", "min: \"1\""),
            "constraints.min",
            "does not apply to text",
        ),
        (
            attribute("DATE", "minDate: \"2026-02-30\""),
            "constraints.min_date",
            "not a date in the form YYYY-MM-DD",
        ),
        (
            attribute("DATE", "minDate: \"2030-01-01\", maxDate: \"2020-01-01\""),
            "constraints.min_date",
            "after max_date",
        ),
        (
            attribute("IMAGE", "minWidth: 800, maxWidth: 400"),
            "constraints.min_width",
            "greater than max_width",
        ),
        (
            attribute("FILE", "allowedExtensions: [\"pdf\", \"*.doc\"]"),
            "constraints.allowed_extensions.1",
            "not a file extension",
        ),
    ];
    for (query, field, words) in cases {
        let e = app.error(&query, json!({})).await;
        assert_eq!(e["extensions"]["code"], "VALIDATION", "{query}: {e:#}");
        assert_eq!(e["extensions"]["field"], field, "{query}: {e:#}");
        assert!(
            e["message"].as_str().unwrap().contains(words),
            "{query}: {e:#}"
        );
    }
    assert_eq!(
        app.change_head(),
        head,
        "refused structure must log nothing"
    );

    // What fits is stored and read back as given.
    save(
        &app,
        &attribute(
            "TEXT",
            "validation: EMAIL, htmlAllowed: false, maxLength: 80",
        ),
    )
    .await;
    save(
        &app,
        r#"mutation { saveAttribute(input: {code: "launch", type: DATE, group: "general", constraints: {minDate: "2020-01-01", maxDate: "2030-12-31"}}) { code } }"#,
    )
    .await;
    let d = app
        .data(
            r#"{ attributes(codes: ["x", "launch"]) { code constraints { validation htmlAllowed maxLength minDate maxDate } } }"#,
            json!({}),
        )
        .await;
    let by_code = |code: &str| {
        d["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["code"] == code)
            .unwrap()["constraints"]
            .clone()
    };
    assert_eq!(
        by_code("x"),
        json!({"validation": "EMAIL", "htmlAllowed": false, "maxLength": 80, "minDate": null, "maxDate": null})
    );
    assert_eq!(
        by_code("launch"),
        json!({"validation": null, "htmlAllowed": null, "maxLength": null, "minDate": "2020-01-01", "maxDate": "2030-12-31"})
    );
}
