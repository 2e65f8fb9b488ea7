//! Variants: product models carry shared values, variant products inherit them when read, an
//! axis combination is unique among siblings, and each level sets only its own attributes.

use serde_json::{Value, json};

use crate::common::{PRODUCT, TestApp, UPSERT, UPSERT_ONE};
use crate::conformance;

conformance!(two_level_variants, variant_mistakes);

const MODELS: &str = r#"mutation($input: [ProductModelInput!]!) {
  upsertProductModels(input: $input) { created rejected items { code status errors { code field message } } }
}"#;

fn models() -> Value {
    json!([
        {"code": "polo", "familyVariant": "shirts_color_size", "categories": ["shirts"], "values": [
            {"attribute": "name", "locale": "en_US", "data": "Polo shirt"},
            {"attribute": "materials", "data": ["cotton"]}
        ]},
        {"code": "polo_red", "familyVariant": "shirts_color_size", "parent": "polo", "categories": ["summer"], "values": [
            {"attribute": "color", "data": "red"}
        ]},
        {"code": "polo_blue", "familyVariant": "shirts_color_size", "parent": "polo", "values": [
            {"attribute": "color", "data": "blue"}
        ]}
    ])
}

fn variant(sku: &str, parent: &str, size: &str) -> Value {
    json!({"sku": sku, "parent": parent, "values": [{"attribute": "size", "data": size}]})
}

async fn two_level_variants(app: TestApp) {
    app.seed().await;
    let r = app.data(MODELS, json!({"input": models()})).await;
    assert_eq!(r["upsertProductModels"]["created"], 3, "{r:#}");
    let input = json!([
        variant("POLO-RED-S", "polo_red", "s"),
        variant("POLO-RED-M", "polo_red", "m"),
        variant("POLO-BLUE-S", "polo_blue", "s")
    ]);
    let r = app.data(UPSERT, json!({"input": input})).await;
    assert_eq!(r["upsertProducts"]["created"], 3, "{r:#}");

    let p = app
        .data(PRODUCT, json!({"sku": "POLO-RED-S", "locale": "en_US"}))
        .await;
    let product = &p["product"];
    assert_eq!(
        product["family"]["code"], "shirts",
        "the family comes from the model"
    );
    assert_eq!(product["parent"]["code"], "polo_red");
    let values = product["values"].as_array().unwrap();
    let find = |a: &str| {
        values
            .iter()
            .find(|v| v["attribute"] == a)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(find("name")["data"], "Polo shirt");
    assert_eq!(find("name")["inherited"], true);
    assert_eq!(find("name")["inheritedFrom"], "polo");
    assert_eq!(find("color")["inheritedFrom"], "polo_red");
    assert_eq!(find("size")["inherited"], false);

    let q = r#"query { productModel(code: "polo") { subModels { code products { sku } } } product(sku: "POLO-BLUE-S") { allCategories { code } label(locale: "en_US") } }"#;
    let d = app.data(q, json!({})).await;
    assert_eq!(d["productModel"]["subModels"].as_array().unwrap().len(), 2);
    assert_eq!(d["product"]["label"], "Polo shirt");
    assert_eq!(d["product"]["allCategories"], json!([{"code": "shirts"}]));

    // Filters see categories inherited from models: the red variants are in summer via polo_red.
    let page = app
        .data(
            r#"query { products(filter: {categories: ["seasons"]}) { edges { node { sku } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(page["products"]["edges"].as_array().unwrap().len(), 2);
    let page = app
        .data(
            r#"query { products(filter: {parent: "polo_red"}) { edges { node { sku } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(page["products"]["edges"].as_array().unwrap().len(), 2);

    // Changing the model changes what every variant reads, and is logged once, on the model.
    let head = app.change_head();
    let rename = json!([{"code": "polo", "values": [{"attribute": "name", "locale": "en_US", "data": "Piqué polo"}]}]);
    app.data(MODELS, json!({"input": rename})).await;
    assert_eq!(app.change_head(), head + 1);
    let p = app
        .data(PRODUCT, json!({"sku": "POLO-BLUE-S", "locale": "en_US"}))
        .await;
    assert!(
        p["product"]["values"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["data"] == "Piqué polo")
    );

    let e = app
        .error(
            r#"mutation { deleteProductModel(code: "polo_red") }"#,
            json!({}),
        )
        .await;
    assert_eq!(e["extensions"]["code"], "CONFLICT");
}

async fn variant_mistakes(app: TestApp) {
    app.seed().await;
    app.data(MODELS, json!({"input": models()})).await;
    app.data(
        UPSERT_ONE,
        json!({"input": variant("POLO-RED-S", "polo_red", "s")}),
    )
    .await;
    let cases = [
        (
            variant("POLO-RED-S2", "polo_red", "s"),
            "CONFLICT",
            "input.values",
            "already taken",
        ),
        (
            json!({"sku": "X1", "parent": "polo_red"}),
            "VALIDATION",
            "input.values.size",
            "axis size needs a value",
        ),
        (
            json!({"sku": "X2", "parent": "polo", "values": [{"attribute": "size", "data": "m"}]}),
            "VALIDATION",
            "input.parent",
            "not at the variant product level",
        ),
        (
            json!({"sku": "X3", "parent": "polo_red", "values": [{"attribute": "size", "data": "m"}, {"attribute": "name", "locale": "en_US", "data": "Mine"}]}),
            "VALIDATION",
            "input.values.name",
            "cannot be set here",
        ),
        (
            json!({"sku": "X4", "parent": "polo_red", "family": "shoes", "values": [{"attribute": "size", "data": "m"}]}),
            "VALIDATION",
            "input.family",
            "differs from family shirts",
        ),
    ];
    for (input, code, field, words) in cases {
        let e = app.error(UPSERT_ONE, json!({"input": input})).await;
        assert_eq!(e["extensions"]["code"], code, "{input}: {e:#}");
        assert_eq!(e["extensions"]["field"], field, "{input}: {e:#}");
        assert!(
            e["message"].as_str().unwrap().contains(words),
            "{input}: {e:#}"
        );
    }
    // Sub-models: axis taken, wrong level, unknown family variant.
    let bad_models = json!([
        {"code": "polo_red_2", "familyVariant": "shirts_color_size", "parent": "polo", "values": [{"attribute": "color", "data": "red"}]},
        {"code": "polo_x", "familyVariant": "shirts_color_size", "parent": "polo", "values": [{"attribute": "color", "data": "blue"}, {"attribute": "name", "locale": "en_US", "data": "x"}]},
        {"code": "nothing", "familyVariant": "nope"}
    ]);
    let r = app.data(MODELS, json!({"input": bad_models})).await;
    let items = r["upsertProductModels"]["items"].as_array().unwrap();
    assert_eq!(r["upsertProductModels"]["rejected"], 3, "{r:#}");
    assert_eq!(items[0]["errors"][0]["code"], "CONFLICT");
    assert_eq!(items[1]["errors"][0]["field"], "values.name");
    assert_eq!(items[2]["errors"][0]["field"], "family_variant");
}
