//! Supplier imports end to end: feeds in legacy encodings, `;` and decimal commas, dictionaries,
//! ZIPs with images, dry runs with diffs, commits, rejected-row reports, idempotent re-imports,
//! all-or-nothing profiles, suggested profiles, interrupted runs, supplier isolation, and a
//! whole Akeneo export migrated — over HTTP, GraphQL and the importer, on both backends.

use std::io::Write;
use std::time::{Duration, Instant};

use actix_web::{App, test as http};
use pim::app::configure;
use pim::auth::{Grants, Role};
use pim::import::importer::ProfileChoice;
use pim::store::changes::Origin;
use pim::store::imports::ImportRow;
use serde_json::{Value, json};

use crate::common::{TestApp, multipart_on};
use crate::conformance;

conformance!(
    polish_feed_dry_run_commit_and_unchanged_reimport,
    utf16_tab_feed_uploaded_over_graphql,
    zip_feed_with_images,
    all_or_nothing_writes_nothing,
    suggested_profile_reads_the_header,
    profiles_are_versioned_and_checked,
    interrupted_run_is_failed_and_rerun_completes,
    suppliers_reach_only_their_own_feeds,
    akeneo_export_migrates_and_second_run_changes_nothing,
    progress_subscription_follows_a_run,
    unknown_options_are_created_when_the_profile_says_so
);

/// The Polish supplier's profile: their column names, `czerwony`/`niebieski` for our colours,
/// prices in PLN with decimal commas, weight in grams converted to kilograms.
const POLISH_PROFILE: &str = r#"{
  "sku": {"column": "Nr art.", "transforms": [{"op": "trim"}, {"op": "prefix", "text": "PL-"}]},
  "family": {"value": "shirts"},
  "categories": {"column": "Kategoria", "dictionary": {"Koszule": "shirts"}},
  "values": [
    {"attribute": "name", "locale": "pl_PL", "column": "Nazwa"},
    {"attribute": "color", "column": "Kolor", "dictionary": {"czerwony": "red", "niebieski": "blue"}},
    {"attribute": "price", "currency": "PLN", "column": "Cena"},
    {"attribute": "weight", "column": "Waga", "unit": "GRAM", "convert_to": "KILOGRAM"},
    {"attribute": "ean", "column": "EAN"}
  ]
}"#;

const POLISH_FEED: &str = "Nr art.;Nazwa;Kolor;Cena;Waga;EAN;Kategoria\n\
A-1;Koszula żółta;czerwony;129,90;250;5901234123457;Koszule\n\
A-2;Koszula z lnu, \"gęsta\";niebieski;1.299,00;300;5901234123464;Koszule\n\
A-3;Łódź;zielony;10,00;100;5901234123471;Koszule\n\
A-4;Zła cena;czerwony;12,x;100;3.65275E+11;Koszule\n";

fn windows_1250(text: &str) -> Vec<u8> {
    let (bytes, _, lossy) = encoding_rs::WINDOWS_1250.encode(text);
    assert!(!lossy);
    bytes.into_owned()
}

pub async fn acme_with_one_run(app: &TestApp) {
    let importer = &app.state.importer;
    importer.save_supplier("acme", "Acme", &[]).unwrap();
    let profile = pim::import::profile::Profile::from_json(
        r#"{"sku": {"column": "sku"}, "values": [{"attribute": "name", "locale": "en_US", "column": "name"}]}"#,
    )
    .unwrap();
    importer
        .save_profile("acme", "main", &profile, "test")
        .unwrap();
    let received = importer
        .receive(
            "a.csv",
            &b"sku;name\nA-1;x\n"[..],
            &Origin::new("test", "test"),
        )
        .unwrap();
    let id = importer
        .queue(
            Some("acme"),
            received,
            ProfileChoice::Stored {
                code: "main".into(),
                version: None,
            },
            None,
            true,
            "test",
        )
        .unwrap();
    assert_eq!(id, 1);
}

fn supplier(app: &TestApp, code: &str) -> String {
    app.state
        .importer
        .save_supplier(code, &code.to_uppercase(), &[])
        .unwrap();
    app.token(
        &format!("{code}@suppliers.test"),
        Role::Supplier,
        Grants {
            supplier: Some(code.to_string()),
            ..Grants::default()
        },
    )
}

async fn save_profile(
    app: &TestApp,
    token: &str,
    supplier: &str,
    code: &str,
    profile: &str,
) -> Value {
    let profile: Value = serde_json::from_str(profile).unwrap();
    crate::common::gql_on(
        &app.state,
        Some(token),
        "mutation($s: String!, $c: String!, $p: JSON!) { saveImportProfile(supplier: $s, code: $c, profile: $p) { version } }",
        json!({"s": supplier, "c": code, "p": profile}),
    )
    .await
}

/// `POST /api/suppliers/{code}/feeds?{query}` with a bearer token; status and JSON body.
async fn post_feed(
    app: &TestApp,
    token: &str,
    supplier: &str,
    query: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let service = http::init_service(App::new().configure(configure(app.state.clone()))).await;
    let request = http::TestRequest::post()
        .uri(&format!("/api/suppliers/{supplier}/feeds?{query}"))
        .insert_header(("authorization", format!("Bearer {token}")))
        .insert_header(("content-type", "text/csv"))
        .set_payload(body)
        .to_request();
    let response = http::call_service(&service, request).await;
    let status = response.status().as_u16();
    let body = http::read_body(response).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

async fn get(app: &TestApp, token: &str, uri: &str) -> (u16, Vec<u8>) {
    let service = http::init_service(App::new().configure(configure(app.state.clone()))).await;
    let request = http::TestRequest::get()
        .uri(uri)
        .insert_header(("authorization", format!("Bearer {token}")))
        .to_request();
    let response = http::call_service(&service, request).await;
    let status = response.status().as_u16();
    (status, http::read_body(response).await.to_vec())
}

/// Waits for a background run to end (a guard against hanging, not a timing assertion).
fn finished(app: &TestApp, id: i64) -> ImportRow {
    let started = Instant::now();
    loop {
        let row = app.state.importer.import(id).unwrap();
        if matches!(row.state.as_str(), "finished" | "failed") {
            return row;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "import {id} did not finish: {row:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

async fn product(app: &TestApp, sku: &str) -> Value {
    app.data(crate::common::PRODUCT, json!({"sku": sku})).await["product"].clone()
}

fn value<'a>(product: &'a Value, attribute: &str, locale: Option<&str>) -> &'a Value {
    product["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["attribute"] == attribute && v["locale"].as_str() == locale)
        .map_or(&Value::Null, |v| &v["data"])
}

async fn polish_feed_dry_run_commit_and_unchanged_reimport(app: TestApp) {
    app.seed().await;
    let token = supplier(&app, "polmoda");
    let saved = save_profile(&app, &token, "polmoda", "main", POLISH_PROFILE).await;
    assert_eq!(saved["data"]["saveImportProfile"]["version"], 1, "{saved}");
    let feed = windows_1250(POLISH_FEED);

    // Dry run: statuses, field-level changes, reasons; nothing written.
    let head = app.change_head();
    let (status, body) = post_feed(&app, &token, "polmoda", "dry_run=true", feed.clone()).await;
    assert_eq!(status, 202, "{body}");
    let id = body["id"].as_i64().unwrap();
    let run = finished(&app, id);
    assert_eq!(run.state, "finished", "{run:?}");
    assert_eq!(
        (run.rows_read, run.rows_created, run.rows_rejected),
        (4, 2, 2),
        "{run:?}"
    );
    assert_eq!(app.change_head(), head, "a dry run writes nothing");
    assert!(product(&app, "PL-A-1").await.is_null());
    let facts: Value = serde_json::from_str(&run.facts).unwrap();
    assert_eq!(facts["encoding"]["encoding"], "windows-1250", "{facts}");
    assert_eq!(
        (
            facts["delimiter"].as_str(),
            facts["decimal_comma"].as_bool()
        ),
        (Some("semicolon"), Some(true))
    );
    let rows = app
        .data(
            r#"query($id: ID!) { import(id: $id) { state counts { created rejected } rows { line sku status errors { column value reason } changes } } }"#,
            json!({"id": id.to_string()}),
        )
        .await;
    let rows = rows["import"]["rows"].as_array().unwrap().clone();
    let created = rows.iter().find(|r| r["sku"] == "PL-A-2").unwrap();
    assert_eq!(created["status"], "created");
    let changes = created["changes"].to_string();
    assert!(
        changes.contains("1299") && changes.contains("Koszula z lnu, \\\"gęsta\\\""),
        "{changes}"
    );
    let green = rows.iter().find(|r| r["sku"] == "PL-A-3").unwrap();
    assert_eq!(
        (green["line"].as_i64(), green["status"].as_str()),
        (Some(4), Some("rejected"))
    );
    assert_eq!(green["errors"][0]["column"], "Kolor");
    assert_eq!(green["errors"][0]["value"], "zielony");
    assert!(
        green["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("not an option of color")
    );
    let bad = rows.iter().find(|r| r["sku"] == "PL-A-4").unwrap();
    let reasons = bad["errors"].to_string();
    assert!(
        reasons.contains("Cena") && reasons.contains("is not a number"),
        "{reasons}"
    );
    assert!(
        reasons.contains("EAN") && reasons.contains("13 digits"),
        "{reasons}"
    );

    // Commit: the valid rows go in through the write path, converted.
    let (status, body) = post_feed(&app, &token, "polmoda", "", feed.clone()).await;
    assert_eq!(status, 202, "{body}");
    let id = body["id"].as_i64().unwrap();
    let run = finished(&app, id);
    assert_eq!(
        (run.rows_created, run.rows_rejected, run.dry_run),
        (2, 2, false),
        "{run:?}"
    );
    let p = product(&app, "PL-A-2").await;
    assert_eq!(value(&p, "name", Some("pl_PL")), "Koszula z lnu, \"gęsta\"");
    assert_eq!(value(&p, "color", None), "blue");
    assert_eq!(
        value(&p, "price", None),
        &json!([{"amount": "1299", "currency": "PLN"}])
    );
    assert_eq!(
        value(&p, "weight", None),
        &json!({"amount": "0.3", "unit": "KILOGRAM"})
    );
    assert_eq!(p["categories"], json!([{"code": "shirts"}]));
    let history = app
        .state
        .catalog
        .changes(0, 100, &Default::default())
        .unwrap();
    assert!(
        history
            .iter()
            .any(|c| c.actor.starts_with("polmoda@suppliers.test")
                && c.source == "feed"
                && c.code == "PL-A-2")
    );

    // The rejected rows download as the supplier's rows plus an error column.
    let (status, csv) = get(&app, &token, &format!("/api/imports/{id}/rejected.csv")).await;
    assert_eq!(status, 200);
    let text = String::from_utf8(csv).unwrap();
    let mut report = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(
        report.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "Nr art.",
            "Nazwa",
            "Kolor",
            "Cena",
            "Waga",
            "EAN",
            "Kategoria",
            "import_errors"
        ]
    );
    let rows: Vec<csv::StringRecord> = report.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        &rows[0].iter().take(7).collect::<Vec<_>>(),
        &[
            "A-3",
            "Łódź",
            "zielony",
            "10,00",
            "100",
            "5901234123471",
            "Koszule"
        ]
    );
    assert!(
        rows[0][7].starts_with("line 4: Kolor \"zielony\": "),
        "{:?}",
        &rows[0][7]
    );
    assert!(
        rows[1][7].contains("Cena \"12,x\"") && rows[1][7].contains("EAN"),
        "{:?}",
        &rows[1][7]
    );

    // The same file again changes nothing.
    let head = app.change_head();
    let (_, body) = post_feed(&app, &token, "polmoda", "", feed).await;
    let run = finished(&app, body["id"].as_i64().unwrap());
    assert_eq!(
        (run.rows_unchanged, run.rows_created, run.rows_updated),
        (2, 0, 0),
        "{run:?}"
    );
    assert_eq!(
        app.change_head(),
        head,
        "a re-import of the same file makes no change events"
    );
    assert_eq!(
        run.file_hash,
        app.state.importer.import(id).unwrap().file_hash
    );
}

async fn utf16_tab_feed_uploaded_over_graphql(app: TestApp) {
    app.seed().await;
    let token = supplier(&app, "excel");
    let text = "Art\tName EN\tPreis\n B-1 \tBlue shirt\t19.99\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let profile = json!({
        "sku": {"column": "Art", "transforms": [{"op": "trim"}]},
        "family": {"value": "shirts"},
        "values": [
            {"attribute": "name", "locale": "en_US", "column": "Name EN"},
            {"attribute": "price", "currency": "EUR", "column": "Preis"}
        ]
    });
    let response = multipart_on(
        &app.state,
        Some(&token),
        "mutation($file: Upload!, $p: JSON!) { importFeed(input: {supplier: \"excel\", profileDocument: $p}, file: $file) { id state fileName } }",
        json!({"file": null, "p": profile}),
        "excel.txt",
        &bytes,
    )
    .await;
    let id: i64 = response["data"]["importFeed"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{response}"))
        .parse()
        .unwrap();
    assert_eq!(response["data"]["importFeed"]["fileName"], "excel.txt");
    let run = finished(&app, id);
    assert_eq!(run.rows_created, 1, "{run:?}");
    let facts: Value = serde_json::from_str(&run.facts).unwrap();
    assert_eq!(facts["encoding"]["encoding"], "UTF-16LE");
    assert_eq!(facts["delimiter"], "tab");
    let p = product(&app, "B-1").await;
    assert_eq!(value(&p, "name", Some("en_US")), "Blue shirt");
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        for (name, data) in files {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

async fn zip_feed_with_images(app: TestApp) {
    app.seed().await;
    let token = supplier(&app, "photo");
    save_profile(
        &app,
        &token,
        "photo",
        "main",
        r#"{"sku": {"column": "sku"}, "family": {"value": "shirts"}, "values": [{"attribute": "picture", "column": "image"}]}"#,
    )
    .await;
    let png = crate::assets::png(16, 16);
    let feed = zip_of(&[
        (
            "feed/products.csv",
            b"sku,image\nZ-1,images/z1.png\nZ-2,missing.png\n",
        ),
        ("feed/images/z1.png", &png),
    ]);
    let (status, body) = post_feed(&app, &token, "photo", "filename=feed.zip", feed).await;
    assert_eq!(status, 202, "{body}");
    let run = finished(&app, body["id"].as_i64().unwrap());
    assert_eq!((run.rows_created, run.rows_rejected), (1, 1), "{run:?}");
    let p = product(&app, "Z-1").await;
    let hash = value(&p, "picture", None).as_str().unwrap().to_string();
    assert_eq!(
        app.state.catalog.asset(&hash).unwrap().unwrap().width,
        Some(16)
    );
    let rejected = app
        .state
        .importer
        .rows(run.id, Some("rejected"), 0, 10)
        .unwrap();
    assert!(
        rejected[0].errors.contains("missing.png")
            && rejected[0].errors.contains("not among the files"),
        "{rejected:?}"
    );
}

async fn all_or_nothing_writes_nothing(app: TestApp) {
    app.seed().await;
    let token = supplier(&app, "strict");
    save_profile(
        &app,
        &token,
        "strict",
        "main",
        r#"{"sku": {"column": "sku"}, "family": {"value": "shoes"}, "values": [{"attribute": "size", "column": "size"}], "all_or_nothing": true}"#,
    )
    .await;
    let head = app.change_head();
    let (_, body) = post_feed(
        &app,
        &token,
        "strict",
        "",
        b"sku,size\nS-1,m\nS-2,xxl\nS-3,l\n".to_vec(),
    )
    .await;
    let run = finished(&app, body["id"].as_i64().unwrap());
    assert_eq!(run.state, "failed");
    assert!(
        run.error
            .as_deref()
            .unwrap()
            .contains("all or nothing: 1 of 3 rows"),
        "{run:?}"
    );
    assert_eq!(app.change_head(), head);
    assert!(product(&app, "S-1").await.is_null());
    // Fixed, the same profile writes every row.
    let (_, body) = post_feed(
        &app,
        &token,
        "strict",
        "",
        b"sku,size\nS-1,m\nS-2,s\nS-3,l\n".to_vec(),
    )
    .await;
    let run = finished(&app, body["id"].as_i64().unwrap());
    assert_eq!(
        (run.state.as_str(), run.rows_created),
        ("finished", 3),
        "{run:?}"
    );
}

async fn suggested_profile_reads_the_header(app: TestApp) {
    app.seed().await;
    let token = supplier(&app, "newco");
    let feed = "Art.-Nr.;Name DE;Color;Price EUR;Weight g;Notes\nN-1;Hemd;Red;12,50;200;x\nN-2;Hose;violet;9,90;300;y\n";
    let response = multipart_on(
        &app.state,
        Some(&token),
        "mutation($file: Upload!) { suggestImportProfile(supplier: \"newco\", file: $file) { profile delimiter decimalComma header notes } }",
        json!({"file": null}),
        "new.csv",
        feed.as_bytes(),
    )
    .await;
    let s = &response["data"]["suggestImportProfile"];
    assert_eq!(s["delimiter"], "semicolon", "{response}");
    assert_eq!(s["decimalComma"], true);
    let profile = &s["profile"];
    assert_eq!(profile["sku"]["column"], "Art.-Nr.", "{profile}");
    let values = profile["values"].as_array().unwrap();
    let find = |a: &str| {
        values
            .iter()
            .find(|v| v["attribute"] == a)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(find("name")["locale"], "de_DE");
    assert_eq!(find("price")["currency"], "EUR");
    assert_eq!(find("weight")["unit"], "GRAM");
    assert_eq!(find("color")["column"], "Color");
    assert_eq!(profile["ignore"], json!(["Notes"]));
    let notes = s["notes"].to_string();
    assert!(
        notes.contains("violet") && notes.contains("match no option"),
        "{notes}"
    );
    // The suggestion is a valid profile as it stands.
    let saved = save_profile(&app, &token, "newco", "suggested", &profile.to_string()).await;
    assert_eq!(saved["data"]["saveImportProfile"]["version"], 1, "{saved}");
}

async fn profiles_are_versioned_and_checked(app: TestApp) {
    app.seed().await;
    let token = supplier(&app, "ver");
    let one = r#"{"sku": {"column": "sku"}}"#;
    let two = r#"{"sku": {"column": "sku"}, "values": [{"attribute": "name", "locale": "en_US", "column": "n"}]}"#;
    for (doc, version) in [(one, 1), (two, 2), (two, 2)] {
        let saved = save_profile(&app, &token, "ver", "main", doc).await;
        assert_eq!(
            saved["data"]["saveImportProfile"]["version"], version,
            "{saved}"
        );
    }
    let versions = crate::common::gql_on(
        &app.state,
        Some(&token),
        r#"{ importProfileVersions(supplier: "ver", code: "main") { version profile } }"#,
        json!({}),
    )
    .await;
    assert_eq!(
        versions["data"]["importProfileVersions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let bad = save_profile(
        &app,
        &token,
        "ver",
        "main",
        r#"{"sku": {"column": "sku"}, "values": [{"attribute": "nope", "column": "x"}, {"attribute": "name", "column": "y"}]}"#,
    )
    .await;
    let errors = bad["errors"][0]["extensions"]["errors"].to_string();
    assert!(
        errors.contains("profile.values.0") && errors.contains("unknown attribute"),
        "{bad}"
    );
    assert!(
        errors.contains("profile.values.1") && errors.contains("give the column's locale"),
        "{bad}"
    );
    let typo = save_profile(
        &app,
        &token,
        "ver",
        "main",
        r#"{"sku": {"column": "sku"}, "colums": []}"#,
    )
    .await;
    assert!(
        typo["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("colums"),
        "{typo}"
    );
}

async fn interrupted_run_is_failed_and_rerun_completes(app: TestApp) {
    app.seed().await;
    acme_with_one_run(&app).await;
    let importer = &app.state.importer;
    // As if the process died mid-run: the run stays `running` and its heartbeat stops.
    let stale = pim::service::now() - chrono::Duration::seconds(600);
    app.state
        .catalog
        .db()
        .write(|conn| {
            pim::store::imports::start(conn, 1, "{}", stale)?;
            let counts = pim::store::imports::Counts {
                rows_read: 2000,
                rows_created: 2000,
                ..Default::default()
            };
            pim::store::imports::progress(conn, 1, &counts, stale)
        })
        .unwrap();
    assert_eq!(importer.recover().unwrap(), vec![1]);
    let failed = importer.import(1).unwrap();
    assert_eq!(failed.state, "failed");
    assert!(failed.error.unwrap().contains("interrupted"));
    assert_eq!(
        failed.rows_created, 2000,
        "the counts say what was committed"
    );
    // A live run is left alone.
    assert!(importer.recover().unwrap().is_empty());
    let again = importer.rerun(1, false, "test").unwrap();
    importer
        .execute(again, &Origin::new("test", "test"), &mut |_| {})
        .unwrap();
    let run = importer.import(again).unwrap();
    assert_eq!(
        (run.state.as_str(), run.rows_read),
        ("finished", 1),
        "{run:?}"
    );
}

async fn suppliers_reach_only_their_own_feeds(app: TestApp) {
    app.seed().await;
    acme_with_one_run(&app).await;
    let other = supplier(&app, "other");
    let (status, _) = post_feed(&app, &other, "acme", "", b"sku;name\nX;y\n".to_vec()).await;
    assert_eq!(status, 403);
    let (status, _) = get(&app, &other, "/api/imports/1").await;
    assert_eq!(status, 403);
    let listed = crate::common::gql_on(
        &app.state,
        Some(&other),
        "{ suppliers { code } }",
        json!({}),
    )
    .await;
    assert_eq!(listed["data"]["suppliers"], json!([{"code": "other"}]));
    let viewer = app.token("viewer@test.local", Role::Viewer, Grants::default());
    let (status, _) = post_feed(&app, &viewer, "acme", "", b"sku;name\nX;y\n".to_vec()).await;
    assert_eq!(status, 403);
    let (status, body) = get(&app, &app.admin, "/api/imports/1").await;
    assert_eq!(status, 200);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (body["supplier"].as_str(), body["state"].as_str()),
        (Some("acme"), Some("queued"))
    );
    let (status, _) = post_feed(&app, &app.admin, "nobody", "", b"sku\nX\n".to_vec()).await;
    assert_eq!(status, 404);
}

async fn akeneo_export_migrates_and_second_run_changes_nothing(app: TestApp) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference/akeneo/catalog_modeling");
    let origin = Origin::new("test", "migration");
    let importer = &app.state.importer;
    for round in 0..2 {
        let structure = pim::import::akeneo::structure::read_structure(&dir).unwrap();
        app.state
            .catalog
            .save_entities(structure.entities, &origin)
            .unwrap();
        let head = app.change_head();
        let mut created = Vec::new();
        let mut unchanged = Vec::new();
        for file in ["product_models.csv", "products.csv"] {
            let received = importer
                .receive(file, std::fs::File::open(dir.join(file)).unwrap(), &origin)
                .unwrap();
            let id = importer
                .queue(None, received, ProfileChoice::Akeneo, None, false, "test")
                .unwrap();
            let counts = importer.execute(id, &origin, &mut |_| {}).unwrap();
            assert_eq!(
                counts.rows_rejected,
                0,
                "{file}: {:?}",
                importer.rows(id, None, 0, 5).unwrap()
            );
            created.push(counts.rows_created);
            unchanged.push(counts.rows_unchanged);
        }
        if round == 0 {
            assert_eq!(created, [80, 242]);
        } else {
            assert_eq!((created, unchanged), (vec![0, 0], vec![80, 242]));
            assert_eq!(
                app.change_head(),
                head,
                "the second migration changes nothing"
            );
        }
    }
    let p = product(&app, "1111111111").await;
    assert_eq!(p["parent"]["code"], "amor");
    assert_eq!(value(&p, "ean", None), "1234567890123");
}

async fn progress_subscription_follows_a_run(app: TestApp) {
    use futures_util::StreamExt;
    app.seed().await;
    acme_with_one_run(&app).await;
    let subscribe = |token: &str| {
        let principal = app.state.accounts.authenticate_token(token).unwrap();
        app.state.schema.execute_stream(
            async_graphql::Request::new(
                r#"subscription { importProgress(id: "1") { state counts { read } progress { fraction } } }"#,
            )
            .data(principal),
        )
    };
    let other = supplier(&app, "other");
    let refused: Vec<_> = subscribe(&other).collect().await;
    assert_eq!(
        refused[0].errors[0].message,
        "the supplier role may not read imports of supplier acme"
    );

    let mut stream = subscribe(&app.admin);
    let first = stream.next().await.unwrap().data.into_json().unwrap();
    assert_eq!(first["importProgress"]["state"], "QUEUED");
    app.state.importer.spawn(1, Origin::new("test", "test"));
    let rest: Vec<Value> = stream.map(|r| r.data.into_json().unwrap()).collect().await;
    let last = &rest.last().unwrap()["importProgress"];
    assert_eq!(
        (last["state"].as_str(), last["counts"]["read"].as_i64()),
        (Some("FINISHED"), Some(1)),
        "{rest:?}"
    );
    assert_eq!(last["progress"]["fraction"], 1.0);
}

async fn unknown_options_are_created_when_the_profile_says_so(app: TestApp) {
    app.seed().await;
    let token = supplier(&app, "colors");
    save_profile(
        &app,
        &token,
        "colors",
        "main",
        r#"{"sku": {"column": "sku"}, "family": {"value": "shirts"}, "values": [{"attribute": "color", "column": "color", "dictionary": {"Rot": "red"}}, {"attribute": "materials", "column": "materials", "separator": "|"}], "unknown_options": "create"}"#,
    )
    .await;
    let feed =
        b"sku,color,materials\nC-1,Rot,cotton|Silk\nC-2,Dark Olive,linen\nC-3,red,\n".to_vec();
    let (_, body) = post_feed(&app, &token, "colors", "dry_run=true", feed.clone()).await;
    let run = finished(&app, body["id"].as_i64().unwrap());
    assert_eq!((run.rows_created, run.rows_rejected), (3, 0), "{run:?}");
    let kept = app.state.importer.rows(run.id, None, 0, 10).unwrap();
    assert_eq!(
        kept.iter().map(|r| r.status.as_str()).collect::<Vec<_>>(),
        ["created"; 3]
    );
    let structure = app.state.catalog.structure().unwrap();
    assert!(
        structure.option_by_word("color", "dark_olive").is_none(),
        "a dry run creates nothing"
    );

    let (_, body) = post_feed(&app, &token, "colors", "", feed).await;
    let run = finished(&app, body["id"].as_i64().unwrap());
    assert_eq!(run.rows_created, 3, "{run:?}");
    let p = product(&app, "C-2").await;
    assert_eq!(value(&p, "color", None), "dark_olive");
    let p = product(&app, "C-1").await;
    assert_eq!(value(&p, "color", None), "red");
    assert_eq!(value(&p, "materials", None), &json!(["cotton", "silk"]));
    let options = app.state.catalog.structure().unwrap();
    assert_eq!(
        options.options["color"]["dark_olive"]
            .labels
            .values()
            .next()
            .unwrap(),
        "Dark Olive"
    );
}
