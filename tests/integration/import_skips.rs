//! Rows an earlier import applied are skipped while the product still holds what they gave it,
//! and applied again as soon as anything that shaped the outcome changes: the product, its
//! product model, the profile.

use diesel::prelude::*;
use pim::import::importer::ProfileChoice;
use pim::import::profile::Profile;
use pim::store::changes::Origin;
use pim::store::imports::Counts;
use serde_json::json;

use crate::common::{TestApp, UPSERT};
use crate::conformance;

conformance!(
    applied_rows_are_skipped_until_their_product_changes,
    a_model_change_brings_its_variants_rows_back
);

const PROFILE: &str = r#"{"sku": {"column": "sku"}, "family": {"value": "shirts"},
  "values": [{"attribute": "name", "locale": "en_US", "column": "name"},
             {"attribute": "color", "column": "color", "dictionary": {"Rot": "red"}}]}"#;

const FEED: &[u8] = b"sku;name;color\nS-1;One;Rot\nS-2;Two;blue\nS-3;Three;red\n";

fn import(app: &TestApp, supplier: Option<&str>, choice: ProfileChoice, feed: &[u8]) -> Counts {
    let origin = Origin::new("test", "test");
    let importer = &app.state.importer;
    let received = importer.receive("feed.csv", feed, &origin).unwrap();
    let id = importer
        .queue(supplier, received, choice, None, false, "test")
        .unwrap();
    importer.execute(id, &origin, &mut |_| {}).unwrap()
}

fn stored_profile() -> ProfileChoice {
    ProfileChoice::Stored {
        code: "main".into(),
        version: None,
    }
}

fn digests(app: &TestApp, source: &str) -> usize {
    app.state
        .catalog
        .db()
        .read(|conn| pim::store::row_hashes::of_source(conn, source))
        .unwrap()
        .len()
}

/// Changes a stored name behind the write path's back, so only a skipped row leaves it so.
fn rename_behind_the_write_path(app: &TestApp, sku: &str, from: &str, to: &str) {
    app.state
        .catalog
        .db()
        .write(|conn| {
            let query = diesel::sql_query(format!(
                "UPDATE products SET raw_values = REPLACE(raw_values, '\"{from}\"', '\"{to}\"') \
                 WHERE sku = '{sku}'"
            ));
            pim::on!(conn, |c| query.execute(c))?;
            Ok(())
        })
        .unwrap();
}

async fn name(app: &TestApp, sku: &str) -> String {
    let p = app.data(crate::common::PRODUCT, json!({"sku": sku})).await;
    p["product"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["attribute"] == "name")
        .and_then(|v| v["data"].as_str())
        .unwrap_or_default()
        .to_string()
}

fn counts(c: &Counts) -> (i64, i64, i64, i64) {
    (
        c.rows_created,
        c.rows_updated,
        c.rows_unchanged,
        c.rows_rejected,
    )
}

async fn applied_rows_are_skipped_until_their_product_changes(app: TestApp) {
    app.seed().await;
    let importer = &app.state.importer;
    importer.save_supplier("acme", "Acme", &[]).unwrap();
    let profile = Profile::from_json(PROFILE).unwrap();
    importer
        .save_profile("acme", "main", &profile, "test")
        .unwrap();

    let first = import(&app, Some("acme"), stored_profile(), FEED);
    assert_eq!(counts(&first), (3, 0, 0, 0), "{first:?}");
    assert_eq!(digests(&app, "acme"), 3, "each applied row is remembered");
    assert_eq!(digests(&app, ""), 0);

    // Skipped: the row is not applied again, so a change made behind the write path's back
    // stays (nothing in pim writes that way; it shows the row was not looked at).
    rename_behind_the_write_path(&app, "S-1", "One", "Tampered");
    let head = app.change_head();
    let again = import(&app, Some("acme"), stored_profile(), FEED);
    assert_eq!(counts(&again), (0, 0, 3, 0), "{again:?}");
    assert_eq!(app.change_head(), head, "an unchanged file writes nothing");
    assert_eq!(name(&app, "S-1").await, "Tampered");

    // A product written since (here by the API) takes its row again.
    let r = app
        .data(
            UPSERT,
            json!({"input": [{"sku": "S-2", "values": [{"attribute": "name", "locale": "en_US", "data": "Edited"}]}]}),
        )
        .await;
    assert_eq!(r["upsertProducts"]["updated"], 1, "{r}");
    let again = import(&app, Some("acme"), stored_profile(), FEED);
    assert_eq!(counts(&again), (0, 1, 2, 0), "{again:?}");
    assert_eq!(name(&app, "S-2").await, "Two");

    // A deleted product comes back; a changed row is applied.
    app.state
        .catalog
        .delete_product("S-3", &Origin::new("test", "test"))
        .unwrap();
    let feed = b"sku;name;color\nS-1;One;Rot\nS-2;Two;blue\nS-3;Three;red\nS-4;Four;red\n";
    let again = import(&app, Some("acme"), stored_profile(), feed);
    assert_eq!(counts(&again), (2, 0, 2, 0), "{again:?}");

    // Another profile version reads every row again: S-1 takes its name from its row again.
    let mut profile = Profile::from_json(PROFILE).unwrap();
    profile.all_or_nothing = true;
    importer
        .save_profile("acme", "main", &profile, "test")
        .unwrap();
    let again = import(&app, Some("acme"), stored_profile(), feed);
    assert_eq!(counts(&again), (0, 1, 3, 0), "{again:?}");
    assert_eq!(name(&app, "S-1").await, "One");

    // Another supplier's rows for the same products are its own; a dry run shows every row.
    importer.save_supplier("beta", "Beta", &[]).unwrap();
    importer
        .save_profile("beta", "main", &profile, "test")
        .unwrap();
    let beta = import(&app, Some("beta"), stored_profile(), feed);
    assert_eq!(counts(&beta), (0, 0, 4, 0), "{beta:?}");
    assert_eq!((digests(&app, "beta"), digests(&app, "acme")), (4, 4));
    let origin = Origin::new("test", "test");
    let received = importer.receive("feed.csv", &feed[..], &origin).unwrap();
    let id = importer
        .queue(Some("acme"), received, stored_profile(), None, true, "test")
        .unwrap();
    importer.execute(id, &origin, &mut |_| {}).unwrap();
    let kept = importer.rows(id, None, 0, 10).unwrap();
    assert_eq!(kept.len(), 4, "a dry run keeps each row's outcome");
}

async fn a_model_change_brings_its_variants_rows_back(app: TestApp) {
    app.seed().await;
    let r = app
        .data(
            r#"mutation($input: [ProductModelInput!]!) { upsertProductModels(input: $input) { created } }"#,
            json!({"input": [
                {"code": "tee", "familyVariant": "shirts_color_size", "values": [
                    {"attribute": "name", "locale": "en_US", "data": "Tee"}]},
                {"code": "tee_red", "familyVariant": "shirts_color_size", "parent": "tee", "values": [
                    {"attribute": "color", "data": "red"}]}
            ]}),
        )
        .await;
    assert_eq!(r["upsertProductModels"]["created"], 2, "{r}");
    let feed = b"sku;parent;size;name-en_US\nTEE-S;tee_red;s;Tee\nTEE-M;tee_red;m;Tee\n";
    let first = import(&app, None, ProfileChoice::Akeneo, feed);
    assert_eq!(counts(&first), (2, 0, 0, 0), "{first:?}");
    let again = import(&app, None, ProfileChoice::Akeneo, feed);
    assert_eq!(counts(&again), (0, 0, 2, 0), "{again:?}");
    assert_eq!(digests(&app, ""), 2);

    // The root model changes: the variants' rows are read and checked against it again (the
    // Akeneo profile leaves a variant row's model-level cells to the model), and remembered.
    let r = app
        .data(
            r#"mutation($input: [ProductModelInput!]!) { upsertProductModels(input: $input) { updated } }"#,
            json!({"input": [{"code": "tee", "values": [
                {"attribute": "name", "locale": "en_US", "data": "Tee, renamed"}]}]}),
        )
        .await;
    assert_eq!(r["upsertProductModels"]["updated"], 1, "{r}");
    assert_eq!(digests(&app, ""), 0, "the variants' digests are forgotten");
    let again = import(&app, None, ProfileChoice::Akeneo, feed);
    assert_eq!(counts(&again), (0, 0, 2, 0), "{again:?}");
    assert_eq!(digests(&app, ""), 2, "the rows were applied again");
}
