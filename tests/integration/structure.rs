//! Catalog structure over GraphQL: creating and changing every kind of entity, refusals that name
//! the field, and the structure cache shared by several nodes.

use serde_json::json;

use crate::common::{TestApp, gql_on};
use crate::conformance;

conformance!(
    model_a_catalog,
    structure_mistakes,
    deletes_refused_while_used,
    nodes_see_each_others_changes
);

async fn model_a_catalog(app: TestApp) {
    let steps = [
        r#"mutation { saveLocale(input: {code: "en_US", label: "English"}) { code } }"#,
        r#"mutation { saveLocale(input: {code: "zh_CN", label: "中文"}) { code } }"#,
        r#"mutation { saveCurrency(input: {code: "CNY", label: "Yuan"}) { code } }"#,
        r#"mutation { saveCategory(input: {code: "master", labels: [{locale: "zh_CN", value: "主目录"}]}) { code } }"#,
        r#"mutation { saveCategory(input: {code: "tea", parent: "master"}) { code path } }"#,
        r#"mutation { saveChannel(input: {code: "tmall", locales: ["zh_CN", "en_US"], currencies: ["CNY"], categoryTree: "master"}) { code } }"#,
        r#"mutation { saveAttributeGroup(input: {code: "general"}) { code } }"#,
        r#"mutation { saveAttribute(input: {code: "sku", type: IDENTIFIER, group: "general", unique: true}) { code } }"#,
        r#"mutation { saveAttribute(input: {code: "name", type: TEXT, group: "general", localizable: true, labels: [{locale: "zh_CN", value: "名称"}]}) { code } }"#,
        r#"mutation { saveAttribute(input: {code: "net_weight", type: METRIC, group: "general", metricFamily: "Weight", defaultUnit: "GRAM", constraints: {min: "0"}}) { code } }"#,
        r#"mutation { saveAttribute(input: {code: "grade", type: SIMPLE_SELECT, group: "general"}) { code } }"#,
        r#"mutation { saveAttributeOption(input: {attribute: "grade", code: "first", labels: [{locale: "zh_CN", value: "一级"}]}) { code } }"#,
        r#"mutation { saveAssociationType(input: {code: "pack"}) { code } }"#,
        r#"mutation { saveFamily(input: {code: "tea", attributes: ["sku", "name", "net_weight", "grade"], labelAttribute: "name", requirements: [{channel: "tmall", attributes: ["name"]}]}) { code } }"#,
        r#"mutation { saveFamilyVariant(input: {code: "tea_by_weight", family: "tea", levels: [{axes: ["net_weight"], attributes: ["net_weight", "sku"]}]}) { code } }"#,
    ];
    for step in steps {
        app.data(step, json!({})).await;
    }
    let q = r#"query {
      channel(code: "tmall") { label(locale: "zh_CN") locales { code } currencies { code } categoryTree { code children { code path } } }
      family(code: "tea") { attributes { code type } requirements { channel attributes { code } } variants { code levels { axes { code } } commonAttributes { code } } }
      attribute(code: "grade") { label(locale: "zh_CN") options { code label(locale: "zh_CN") } }
      category(code: "master") { label(locale: "zh_CN") }
      measurementFamilies { code standardUnit }
    }"#;
    let d = app.data(q, json!({})).await;
    assert_eq!(
        d["channel"]["locales"],
        json!([{"code": "zh_CN"}, {"code": "en_US"}])
    );
    assert_eq!(
        d["channel"]["categoryTree"]["children"][0]["path"],
        json!(["master", "tea"])
    );
    assert_eq!(
        d["family"]["attributes"][2],
        json!({"code": "net_weight", "type": "METRIC"})
    );
    assert_eq!(
        d["family"]["requirements"][0]["attributes"],
        json!([{"code": "name"}])
    );
    assert_eq!(
        d["family"]["variants"][0]["commonAttributes"],
        json!([{"code": "name"}, {"code": "grade"}])
    );
    assert_eq!(d["attribute"]["options"][0]["label"], "一级");
    assert_eq!(d["category"]["label"], "主目录");
    assert!(
        d["measurementFamilies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "Weight")
    );

    // Replacing an entity is logged with what changed.
    app.data(
        r#"mutation { saveLocale(input: {code: "zh_CN", label: "简体中文"}) { code } }"#,
        json!({}),
    )
    .await;
    let log = app.data(r#"query { changes(entity: "locale", code: "zh_CN") { changes { operation fields } } }"#, json!({})).await;
    let changes = log["changes"]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(
        changes[1]["fields"],
        json!([{"field": "label", "before": "中文", "after": "简体中文"}])
    );
}

async fn structure_mistakes(app: TestApp) {
    app.seed().await;
    let cases = [
        (
            r#"mutation { saveCategory(input: {code: "master", parent: "shirts"}) { code } }"#,
            "VALIDATION",
            "parent",
            "cycle",
        ),
        (
            r#"mutation { saveCategory(input: {code: "x", parent: "nowhere"}) { code } }"#,
            "NOT_FOUND",
            "parent",
            "unknown category",
        ),
        (
            r#"mutation { saveChannel(input: {code: "c", locales: ["xx_YY"], currencies: ["EUR"], categoryTree: "master"}) { code } }"#,
            "NOT_FOUND",
            "locales.0",
            "unknown locale",
        ),
        (
            r#"mutation { saveChannel(input: {code: "c", locales: ["en_US", "pl_PL", "en_US"], currencies: ["EUR"], categoryTree: "master"}) { code } }"#,
            "VALIDATION",
            "locales.2",
            "listed twice",
        ),
        (
            r#"mutation { saveChannel(input: {code: "c", locales: ["en_US"], currencies: ["EUR"], categoryTree: "shirts"}) { code } }"#,
            "VALIDATION",
            "category_tree",
            "not the root",
        ),
        (
            r#"mutation { saveAttribute(input: {code: "a", type: TEXT, group: "nope"}) { code } }"#,
            "NOT_FOUND",
            "group",
            "unknown attribute group",
        ),
        (
            r#"mutation { saveAttribute(input: {code: "bad code", type: TEXT, group: "general"}) { code } }"#,
            "VALIDATION",
            "code",
            "invalid code",
        ),
        (
            r#"mutation { saveAttribute(input: {code: "name", type: TEXTAREA, group: "marketing", localizable: true}) { code } }"#,
            "VALIDATION",
            "type",
            "cannot change",
        ),
        (
            r#"mutation { saveAttribute(input: {code: "m", type: METRIC, group: "general", metricFamily: "Weight", defaultUnit: "METER"}) { code } }"#,
            "VALIDATION",
            "default_unit",
            "not in measurement family",
        ),
        (
            r#"mutation { saveAttribute(input: {code: "r", type: TEXT, group: "general", constraints: {regex: "("}}) { code } }"#,
            "VALIDATION",
            "constraints.regex",
            "invalid regex",
        ),
        (
            r#"mutation { saveAttribute(input: {code: "n", type: NUMBER, group: "general", constraints: {min: "ten"}}) { code } }"#,
            "VALIDATION",
            "constraints.min",
            "not a number",
        ),
        (
            r#"mutation { saveAttributeOption(input: {attribute: "name", code: "x"}) { code } }"#,
            "VALIDATION",
            "attribute",
            "has no options",
        ),
        (
            r#"mutation { saveFamily(input: {code: "f", attributes: ["name"]}) { code } }"#,
            "VALIDATION",
            "attributes",
            "identifier attribute",
        ),
        (
            r#"mutation { saveFamily(input: {code: "f", attributes: ["sku", "name"], requirements: [{channel: "webshop", attributes: ["price"]}]}) { code } }"#,
            "VALIDATION",
            "requirements.webshop",
            "not in the family",
        ),
        (
            r#"mutation { saveFamilyVariant(input: {code: "v", family: "shirts", levels: [{axes: ["name"], attributes: ["name", "sku"]}]}) { code } }"#,
            "VALIDATION",
            "levels.0.axes",
            "axes must be",
        ),
        (
            r#"mutation { saveFamilyVariant(input: {code: "v", family: "shirts", levels: [{axes: ["color"], attributes: ["color"]}]}) { code } }"#,
            "VALIDATION",
            "levels.0.attributes",
            "identifier attribute",
        ),
    ];
    let head = app.change_head();
    for (query, code, field, words) in cases {
        let e = app.error(query, json!({})).await;
        assert_eq!(e["extensions"]["code"], code, "{query}: {e:#}");
        assert_eq!(e["extensions"]["field"], field, "{query}: {e:#}");
        assert!(
            e["message"].as_str().unwrap().contains(words),
            "{query}: {e:#}"
        );
    }
    assert_eq!(app.change_head(), head);
    let d = app
        .data(
            r#"query { category(code: "master") { parent { code } } }"#,
            json!({}),
        )
        .await;
    assert!(d["category"]["parent"].is_null());
}

async fn deletes_refused_while_used(app: TestApp) {
    app.seed().await;
    app.data(
        crate::common::UPSERT_ONE,
        json!({"input": {"sku": "S1", "family": "shoes", "categories": ["shoes"]}}),
    )
    .await;
    let used = [
        (
            r#"mutation { deleteFamily(code: "shoes") }"#,
            "used by family variant shoes_size",
        ),
        (
            r#"mutation { deleteCategory(code: "shoes") }"#,
            "used by 1 products",
        ),
        (
            r#"mutation { deleteCategory(code: "clothing") }"#,
            "used by category shirts",
        ),
        (
            r#"mutation { deleteAttribute(code: "name") }"#,
            "used by family",
        ),
        (
            r#"mutation { deleteLocale(code: "pl_PL") }"#,
            "used by channel",
        ),
        (
            r#"mutation { deleteAttributeGroup(code: "general") }"#,
            "used by attribute",
        ),
    ];
    for (query, words) in used {
        let e = app.error(query, json!({})).await;
        assert_eq!(e["extensions"]["code"], "CONFLICT", "{query}: {e:#}");
        assert!(
            e["message"].as_str().unwrap().contains(words),
            "{query}: {e:#}"
        );
    }
    let missing = app
        .error(r#"mutation { deleteChannel(code: "nowhere") }"#, json!({}))
        .await;
    assert_eq!(missing["extensions"]["code"], "NOT_FOUND");
    app.data(r#"mutation { deleteProduct(sku: "S1") }"#, json!({}))
        .await;
    app.data(
        r#"mutation { deleteFamilyVariant(code: "shoes_size") }"#,
        json!({}),
    )
    .await;
    app.data(r#"mutation { deleteFamily(code: "shoes") }"#, json!({}))
        .await;
    app.data(
        r#"mutation { deleteAttributeOption(attribute: "color", code: "blue") }"#,
        json!({}),
    )
    .await;
    let d = app.data(r#"query { family(code: "shoes") { code } attribute(code: "color") { options { code } } }"#, json!({})).await;
    assert!(d["family"].is_null());
    assert_eq!(d["attribute"]["options"], json!([{"code": "red"}]));
}

async fn nodes_see_each_others_changes(app: TestApp) {
    app.seed().await;
    let other = app.second_node();
    // The other node reads the structure now, so its cache is warm before the change.
    let before = gql_on(
        &other,
        Some(&app.admin),
        r#"query { locale: locales { code } }"#,
        json!({}),
    )
    .await;
    assert_eq!(before["data"]["locale"].as_array().unwrap().len(), 3);
    app.data(
        r#"mutation { saveLocale(input: {code: "fr_FR"}) { code } }"#,
        json!({}),
    )
    .await;
    let mut seen = false;
    for _ in 0..40 {
        let after = gql_on(
            &other,
            Some(&app.admin),
            r#"query { locales { code } }"#,
            json!({}),
        )
        .await;
        if after["data"]["locales"].as_array().unwrap().len() == 4 {
            seen = true;
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(seen, "the second node never saw the new locale");
}
