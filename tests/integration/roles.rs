//! The role matrix: every role (and an anonymous caller) through every GraphQL root field and
//! plain HTTP endpoint, asserting allowed or refused, and that a refusal changes nothing. The
//! expected table is written out here by hand, independently of `auth::authorize`.

use std::collections::BTreeSet;

use actix_web::{App, test as http};
use pim::app::configure;
use pim::auth::{Grants, Role};
use serde_json::{Value, json};

use crate::common::{TestApp, upload_on};
use crate::conformance;

conformance!(every_role_through_every_operation);

const ANON: &str = "anonymous";
const ROLES: [&str; 7] = [
    "admin",
    "manager",
    "translator",
    "supplier",
    "consumer",
    "viewer",
    ANON,
];
const READERS: &[&str] = &["admin", "manager", "translator", "viewer"];
const EDITORS: &[&str] = &["admin", "manager"];
const ADMINS: &[&str] = &["admin"];
/// Who may read and run the imports of supplier `acme` (the supplier token is acme's).
const ACME: &[&str] = &["admin", "manager", "supplier"];
const SIGNED_IN: &[&str] = &[
    "admin",
    "manager",
    "translator",
    "supplier",
    "consumer",
    "viewer",
];

/// An export channel the test catalog can render, pulled at `/feeds/test_feed.csv`.
const SAVE_FEED: &str = r#"mutation { saveExportChannel(definition: {code: "test_feed", format: "csv", scope: "webshop", locale: "en_US", currency: "EUR", fields: [{name: "id", source: {property: "sku"}}]}) { code } }"#;

/// One operation: an optional setup run as admin before each attempt, the request, and the
/// callers allowed to make it.
struct Op {
    field: &'static str,
    setup: Option<&'static str>,
    query: &'static str,
    vars: fn(&str, &Value) -> Value,
    allowed: &'static [&'static str],
}

fn none(_: &str, _: &Value) -> Value {
    json!({})
}

/// A setup that uploads an asset as the admin (multipart, not a GraphQL document).
const UPLOAD_SETUP: &str = "upload";

fn op(field: &'static str, query: &'static str, allowed: &'static [&'static str]) -> Op {
    Op {
        field,
        setup: None,
        query,
        vars: none,
        allowed,
    }
}

fn with_setup(
    field: &'static str,
    setup: &'static str,
    query: &'static str,
    allowed: &'static [&'static str],
) -> Op {
    Op {
        setup: Some(setup),
        ..op(field, query, allowed)
    }
}

fn operations() -> Vec<Op> {
    vec![
        op("locales", "{ locales { code } }", READERS),
        op("currencies", "{ currencies { code } }", READERS),
        op("channels", "{ channels { code } }", READERS),
        op(
            "channel",
            r#"{ channel(code: "webshop") { code } }"#,
            READERS,
        ),
        op("categoryTrees", "{ categoryTrees { code } }", READERS),
        op("categories", "{ categories { code } }", READERS),
        op(
            "category",
            r#"{ category(code: "master") { code } }"#,
            READERS,
        ),
        op("attributeGroups", "{ attributeGroups { code } }", READERS),
        op("attributes", "{ attributes { code } }", READERS),
        op(
            "attribute",
            r#"{ attribute(code: "name") { code } }"#,
            READERS,
        ),
        op("associationTypes", "{ associationTypes { code } }", READERS),
        op("families", "{ families { code } }", READERS),
        op("family", r#"{ family(code: "shirts") { code } }"#, READERS),
        op("familyVariants", "{ familyVariants { code } }", READERS),
        op(
            "familyVariant",
            r#"{ familyVariant(code: "shoes_size") { code } }"#,
            READERS,
        ),
        op(
            "measurementFamilies",
            "{ measurementFamilies { code } }",
            READERS,
        ),
        op("product", r#"{ product(sku: "M-1") { sku } }"#, READERS),
        op("products", "{ products { totalCount } }", READERS),
        op("search", "{ search { total } }", READERS),
        op(
            "productModel",
            r#"{ productModel(code: "none") { code } }"#,
            READERS,
        ),
        op(
            "productModels",
            "{ productModels { pageInfo { hasNextPage } } }",
            READERS,
        ),
        op("asset", r#"{ asset(hash: "00") { hash } }"#, READERS),
        op("changes", "{ changes { head } }", READERS),
        op("qualityRules", "{ qualityRules { code } }", READERS),
        op(
            "qualityReport",
            r#"{ qualityReport(channel: "webshop", locale: "en_US") { products } }"#,
            READERS,
        ),
        op("jobs", "{ jobs { state } }", READERS),
        op("suppliers", "{ suppliers { code } }", ACME),
        op("supplier", r#"{ supplier(code: "acme") { code } }"#, ACME),
        op(
            "importProfile",
            r#"{ importProfile(supplier: "acme", code: "main") { version } }"#,
            ACME,
        ),
        op(
            "importProfileVersions",
            r#"{ importProfileVersions(supplier: "acme", code: "main") { version } }"#,
            ACME,
        ),
        op("imports", r#"{ imports(supplier: "acme") { id } }"#, ACME),
        op("import", r#"{ import(id: "1") { state } }"#, ACME),
        op("exportChannels", "{ exportChannels { code } }", EDITORS),
        op(
            "exportChannel",
            r#"{ exportChannel(code: "google") { code } }"#,
            EDITORS,
        ),
        with_setup(
            "exportPreview",
            SAVE_FEED,
            r#"{ exportPreview(channel: "test_feed", first: 2) { rendered } }"#,
            EDITORS,
        ),
        op("exportRuns", "{ exportRuns { id } }", EDITORS),
        op("saveExportChannel", SAVE_FEED, EDITORS),
        op(
            "resetExportChannel",
            r#"mutation { resetExportChannel(code: "nothing_saved") }"#,
            EDITORS,
        ),
        op("users", "{ users { email } }", ADMINS),
        op("user", r#"{ user(id: "1") { email } }"#, ADMINS),
        op("apiTokens", "{ apiTokens { name prefix } }", ADMINS),
        op("roles", "{ roles { role description } }", ADMINS),
        op(
            "saveLocale",
            r#"mutation { saveLocale(input: {code: "fr_FR", label: "French"}) { code } }"#,
            ADMINS,
        ),
        with_setup(
            "deleteLocale",
            r#"mutation { saveLocale(input: {code: "it_IT", label: "Italian"}) { code } }"#,
            r#"mutation { deleteLocale(code: "it_IT") }"#,
            ADMINS,
        ),
        op(
            "saveCurrency",
            r#"mutation { saveCurrency(input: {code: "GBP", label: "Pound"}) { code } }"#,
            ADMINS,
        ),
        with_setup(
            "deleteCurrency",
            r#"mutation { saveCurrency(input: {code: "CHF", label: "Franc"}) { code } }"#,
            r#"mutation { deleteCurrency(code: "CHF") }"#,
            ADMINS,
        ),
        op(
            "saveChannel",
            r#"mutation { saveChannel(input: {code: "outlet", labels: [], locales: ["en_US"], currencies: ["EUR"], categoryTree: "master"}) { code } }"#,
            ADMINS,
        ),
        with_setup(
            "deleteChannel",
            r#"mutation { saveChannel(input: {code: "kiosk", labels: [], locales: ["en_US"], currencies: ["EUR"], categoryTree: "master"}) { code } }"#,
            r#"mutation { deleteChannel(code: "kiosk") }"#,
            ADMINS,
        ),
        op(
            "saveCategory",
            r#"mutation { saveCategory(input: {code: "hats", parent: "clothing", labels: []}) { code } }"#,
            EDITORS,
        ),
        with_setup(
            "deleteCategory",
            r#"mutation { saveCategory(input: {code: "tmp_cat", parent: "master", labels: []}) { code } }"#,
            r#"mutation { deleteCategory(code: "tmp_cat") }"#,
            EDITORS,
        ),
        op(
            "saveAttributeGroup",
            r#"mutation { saveAttributeGroup(input: {code: "logistics", labels: []}) { code } }"#,
            EDITORS,
        ),
        with_setup(
            "deleteAttributeGroup",
            r#"mutation { saveAttributeGroup(input: {code: "tmp_group", labels: []}) { code } }"#,
            r#"mutation { deleteAttributeGroup(code: "tmp_group") }"#,
            EDITORS,
        ),
        op(
            "saveAttribute",
            r#"mutation { saveAttribute(input: {code: "subtitle", type: TEXT, group: "marketing", labels: [], localizable: true, scopable: false, unique: false}) { code } }"#,
            EDITORS,
        ),
        with_setup(
            "deleteAttribute",
            r#"mutation { saveAttribute(input: {code: "tmp_attr", type: TEXT, group: "general", labels: [], localizable: false, scopable: false, unique: false}) { code } }"#,
            r#"mutation { deleteAttribute(code: "tmp_attr") }"#,
            EDITORS,
        ),
        op(
            "saveAttributeOption",
            r#"mutation { saveAttributeOption(input: {attribute: "color", code: "green", labels: []}) { code } }"#,
            EDITORS,
        ),
        with_setup(
            "deleteAttributeOption",
            r#"mutation { saveAttributeOption(input: {attribute: "color", code: "tmp_opt", labels: []}) { code } }"#,
            r#"mutation { deleteAttributeOption(attribute: "color", code: "tmp_opt") }"#,
            EDITORS,
        ),
        op(
            "saveAssociationType",
            r#"mutation { saveAssociationType(input: {code: "upsell", labels: []}) { code } }"#,
            EDITORS,
        ),
        with_setup(
            "deleteAssociationType",
            r#"mutation { saveAssociationType(input: {code: "tmp_assoc", labels: []}) { code } }"#,
            r#"mutation { deleteAssociationType(code: "tmp_assoc") }"#,
            EDITORS,
        ),
        op(
            "saveFamily",
            r#"mutation { saveFamily(input: {code: "hats", labels: [], attributes: ["sku", "name"], requirements: []}) { code } }"#,
            EDITORS,
        ),
        with_setup(
            "deleteFamily",
            r#"mutation { saveFamily(input: {code: "tmp_family", labels: [], attributes: ["sku"], requirements: []}) { code } }"#,
            r#"mutation { deleteFamily(code: "tmp_family") }"#,
            EDITORS,
        ),
        op(
            "saveFamilyVariant",
            r#"mutation { saveFamilyVariant(input: {code: "shoes_by_size", family: "shoes", labels: [], levels: [{axes: ["size"], attributes: ["size", "sku", "ean"]}]}) { code } }"#,
            EDITORS,
        ),
        with_setup(
            "deleteFamilyVariant",
            r#"mutation { saveFamilyVariant(input: {code: "tmp_fv", family: "shoes", labels: [], levels: [{axes: ["size"], attributes: ["size", "sku", "ean"]}]}) { code } }"#,
            r#"mutation { deleteFamilyVariant(code: "tmp_fv") }"#,
            EDITORS,
        ),
        Op {
            vars: |role, _| json!({"input": [{"sku": "M-1", "enabled": role.len() % 2 == 0}]}),
            ..op(
                "upsertProducts",
                r#"mutation($input: [ProductInput!]!) { upsertProducts(input: $input) { rejected items { status errors { code field } } } }"#,
                EDITORS,
            )
        },
        Op {
            vars: |role, _| json!({"input": {"sku": "M-1", "values": [{"attribute": "name", "locale": "de_DE", "data": format!("Hemd {role}")}]}}),
            ..op(
                "upsertProduct",
                r#"mutation($input: ProductInput!) { upsertProduct(input: $input) { sku } }"#,
                &["admin", "manager", "translator"],
            )
        },
        Op {
            vars: |role, _| json!({"input": {"sku": "M-1", "values": [{"attribute": "name", "locale": "pl_PL", "data": format!("Koszula {role}")}]}}),
            ..op(
                "upsertProduct",
                r#"mutation($input: ProductInput!) { upsertProduct(input: $input) { sku } }"#,
                EDITORS,
            )
        },
        with_setup(
            "deleteProduct",
            r#"mutation { upsertProduct(input: {sku: "TMP-1", family: "shoes"}) { sku } }"#,
            r#"mutation { deleteProduct(sku: "TMP-1") }"#,
            EDITORS,
        ),
        Op {
            vars: |role, _| json!({"input": [{"code": format!("model-{role}"), "familyVariant": "shoes_size", "values": []}]}),
            ..op(
                "upsertProductModels",
                r#"mutation($input: [ProductModelInput!]!) { upsertProductModels(input: $input) { rejected items { status errors { code field } } } }"#,
                EDITORS,
            )
        },
        op(
            "upsertProductModel",
            r#"mutation { upsertProductModel(input: {code: "model-one", familyVariant: "shoes_size", values: []}) { code } }"#,
            EDITORS,
        ),
        with_setup(
            "deleteProductModel",
            r#"mutation { upsertProductModel(input: {code: "tmp-model", familyVariant: "shoes_size", values: []}) { code } }"#,
            r#"mutation { deleteProductModel(code: "tmp-model") }"#,
            EDITORS,
        ),
        op("uploadAsset", "multipart", EDITORS),
        Op {
            vars: |_, setup| json!({"hash": setup["uploadAsset"]["hash"]}),
            ..with_setup(
                "deleteAsset",
                UPLOAD_SETUP,
                r#"mutation($hash: String!) { deleteAsset(hash: $hash) }"#,
                EDITORS,
            )
        },
        op(
            "saveQualityRule",
            r#"mutation { saveQualityRule(input: {code: "named", condition: {type: "required", attribute: "name"}, severity: WARNING}) { code } }"#,
            EDITORS,
        ),
        with_setup(
            "deleteQualityRule",
            r#"mutation { saveQualityRule(input: {code: "tmp_rule", condition: {type: "required", attribute: "name"}, severity: WARNING}) { code } }"#,
            r#"mutation { deleteQualityRule(code: "tmp_rule") }"#,
            EDITORS,
        ),
        op(
            "saveSupplier",
            r#"mutation { saveSupplier(input: {code: "acme", name: "Acme"}) { code } }"#,
            EDITORS,
        ),
        op(
            "saveImportProfile",
            r#"mutation { saveImportProfile(supplier: "acme", code: "main", profile: {sku: {column: "sku"}, values: [{attribute: "name", locale: "en_US", column: "name"}]}) { version } }"#,
            ACME,
        ),
        op(
            "suggestImportProfile",
            r#"multipart mutation($file: Upload!) { suggestImportProfile(supplier: "acme", file: $file) { header } }"#,
            ACME,
        ),
        op(
            "importFeed",
            r#"multipart mutation($file: Upload!) { importFeed(input: {supplier: "acme", profile: "main", dryRun: true}, file: $file) { id } }"#,
            ACME,
        ),
        op(
            "rerunImport",
            r#"mutation { rerunImport(id: "1", dryRun: true) { id } }"#,
            ACME,
        ),
        op(
            "signOut",
            "mutation { signOut }",
            &[
                "admin",
                "manager",
                "translator",
                "supplier",
                "consumer",
                "viewer",
                ANON,
            ],
        ),
        op(
            "changePassword",
            r#"mutation { changePassword(currentPassword: "password-for-tests", newPassword: "password-for-tests") }"#,
            SIGNED_IN,
        ),
        Op {
            vars: |role, _| json!({"input": {"email": format!("new-{role}@test.local"), "password": "a long password", "role": "VIEWER"}}),
            ..op(
                "createUser",
                r#"mutation($input: UserInput!) { createUser(input: $input) { email } }"#,
                ADMINS,
            )
        },
        Op {
            vars: |role, _| json!({"name": format!("renamed by {role}")}),
            ..op(
                "updateUser",
                r#"mutation($name: String!) { updateUser(id: "1", input: {name: $name}) { name } }"#,
                ADMINS,
            )
        },
        Op {
            vars: |role, _| json!({"input": {"name": format!("token by {role}"), "role": "VIEWER"}}),
            ..op(
                "createApiToken",
                r#"mutation($input: ApiTokenInput!) { createApiToken(input: $input) { secret } }"#,
                ADMINS,
            )
        },
        Op {
            vars: |_, setup| json!({"id": setup["createApiToken"]["token"]["id"]}),
            ..with_setup(
                "revokeApiToken",
                r#"mutation { createApiToken(input: {name: "to revoke", role: VIEWER}) { token { id } } }"#,
                r#"mutation($id: ID!) { revokeApiToken(id: $id) { revoked } }"#,
                ADMINS,
            )
        },
    ]
}

/// The refusal code of a response: the first GraphQL error's, or the first item error's.
fn refusal(response: &Value) -> Option<String> {
    if let Some(code) = response["errors"][0]["extensions"]["code"].as_str() {
        return Some(code.to_string());
    }
    let data = response["data"].as_object()?;
    data.values()
        .filter_map(|v| v["items"].as_array())
        .flatten()
        .filter_map(|item| item["errors"][0]["code"].as_str())
        .map(str::to_string)
        .next()
}

/// Row counts of what the account mutations write, to see refusals change nothing.
fn account_counts(app: &TestApp) -> (usize, usize) {
    (
        app.state.accounts.users().unwrap().len(),
        app.state.accounts.tokens().unwrap().len(),
    )
}

async fn every_role_through_every_operation(app: TestApp) {
    app.seed().await;
    app.data(
        r#"mutation { upsertProduct(input: {sku: "M-1", family: "shirts"}) { sku } }"#,
        json!({}),
    )
    .await;
    let tokens: Vec<(&str, Option<String>)> = ROLES
        .iter()
        .map(|&name| {
            let token = match name {
                "admin" => Some(app.admin.clone()),
                ANON => None,
                _ => {
                    let (role, grants) = match name {
                        "manager" => (Role::CatalogManager, Grants::default()),
                        "translator" => (
                            Role::Translator,
                            Grants {
                                locales: vec!["de_DE".into()],
                                ..Grants::default()
                            },
                        ),
                        "supplier" => (
                            Role::Supplier,
                            Grants {
                                supplier: Some("acme".into()),
                                ..Grants::default()
                            },
                        ),
                        "consumer" => (
                            Role::ChannelConsumer,
                            Grants {
                                channels: vec!["webshop".into(), "test_feed".into()],
                                ..Grants::default()
                            },
                        ),
                        _ => (Role::Viewer, Grants::default()),
                    };
                    Some(app.token(&format!("{name}@test.local"), role, grants))
                }
            };
            (name, token)
        })
        .collect();

    crate::imports::acme_with_one_run(&app).await;
    let ops = operations();
    // Every root field of the schema is in the table, so a new resolver cannot skip it.
    let covered: BTreeSet<&str> = ops.iter().map(|o| o.field).collect();
    let sdl = pim::api::graphql::sdl();
    let missing: Vec<String> = root_fields(&sdl)
        .into_iter()
        .filter(|f| f != "signIn" && f != "me" && !covered.contains(f.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "root fields missing from the role matrix: {missing:?}"
    );

    let mut failures = Vec::new();
    for op in &ops {
        for (name, token) in &tokens {
            let setup = match op.setup {
                Some(UPLOAD_SETUP) => {
                    let png = crate::assets::png(6, 6);
                    upload_on(&app.state, Some(&app.admin), "c.png", &png).await["data"].clone()
                }
                Some(setup) => app.data(setup, json!({})).await,
                None => Value::Null,
            };
            let head = app.change_head();
            let counts = account_counts(&app);
            let response = if let Some(query) = op.query.strip_prefix("multipart ") {
                crate::common::multipart_on(
                    &app.state,
                    token.as_deref(),
                    query,
                    json!({"file": null}),
                    "feed.csv",
                    b"sku;name\nA-1;x\n",
                )
                .await
            } else if op.query == "multipart" {
                upload_on(
                    &app.state,
                    token.as_deref(),
                    "a.png",
                    &crate::assets::png(8, 8),
                )
                .await
            } else {
                crate::common::gql_on(
                    &app.state,
                    token.as_deref(),
                    op.query,
                    (op.vars)(name, &setup),
                )
                .await
            };
            let allowed = op.allowed.contains(name);
            let code = refusal(&response);
            let verdict = match (allowed, code.as_deref()) {
                (true, None) if response.get("errors").is_none() => None,
                (true, None) => Some(format!("allowed but failed: {response}")),
                (true, Some(code)) => Some(format!("allowed but got {code}: {response}")),
                (false, Some("UNAUTHENTICATED")) if *name == ANON => None,
                (false, Some("FORBIDDEN")) if *name != ANON => None,
                (false, code) => Some(format!("must be refused, got {code:?}: {response}")),
            };
            if !allowed && (app.change_head() != head || account_counts(&app) != counts) {
                failures.push(format!(
                    "{} as {name}: refused but changed something",
                    op.field
                ));
            }
            if let Some(v) = verdict {
                failures.push(format!("{} as {name}: {v}", op.field));
            }
        }
    }
    failures.extend(http_endpoints(&app, &tokens).await);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Plain HTTP: assets need a catalog reader, feeds a consumer granted the channel (or an
/// editor) — 401 without credentials, 403 for other roles; health probes are open.
async fn http_endpoints(app: &TestApp, tokens: &[(&str, Option<String>)]) -> Vec<String> {
    let uploaded = upload_on(
        &app.state,
        Some(&app.admin),
        "b.png",
        &crate::assets::png(4, 4),
    )
    .await;
    let hash = uploaded["data"]["uploadAsset"]["hash"]
        .as_str()
        .unwrap()
        .to_string();
    app.data(SAVE_FEED, json!({})).await;
    let service = http::init_service(App::new().configure(configure(app.state.clone()))).await;
    let mut failures = Vec::new();
    const FEED_PULLERS: &[&str] = &["admin", "manager", "consumer"];
    for (name, token) in tokens {
        for (uri, allowed) in [
            (format!("/assets/{hash}"), READERS.contains(name)),
            (
                format!("/assets/{hash}/thumbnail/64"),
                READERS.contains(name),
            ),
            (
                "/feeds/test_feed.csv".to_string(),
                FEED_PULLERS.contains(name),
            ),
            ("/health/live".to_string(), true),
            ("/health/ready".to_string(), true),
        ] {
            let mut request = http::TestRequest::get().uri(&uri);
            if let Some(token) = token {
                request = request.insert_header(("authorization", format!("Bearer {token}")));
            }
            let status = http::call_service(&service, request.to_request())
                .await
                .status()
                .as_u16();
            let expected = match (allowed, *name == ANON) {
                (true, _) => 200,
                (false, true) => 401,
                (false, false) => 403,
            };
            if status != expected {
                failures.push(format!(
                    "GET {uri} as {name}: {status}, expected {expected}"
                ));
            }
        }
    }
    failures
}

/// Field names of `type Query` and `type Mutation` in the SDL (fields sit one tab deep;
/// descriptions between triple quotes are skipped).
fn root_fields(sdl: &str) -> Vec<String> {
    let mut fields = Vec::new();
    for root in ["type Query {", "type Mutation {"] {
        let body = sdl
            .split(root)
            .nth(1)
            .and_then(|r| r.split("\n}").next())
            .unwrap_or_default();
        let mut in_description = false;
        for line in body.lines() {
            let trimmed = line.trim();
            if let Some(rest) = trimmed.strip_prefix("\"\"\"") {
                if rest.is_empty() || !rest.contains("\"\"\"") {
                    in_description = !in_description;
                }
                continue;
            }
            if in_description || !line.starts_with('\t') || line.starts_with("\t\t") {
                continue;
            }
            let name: String = trimmed
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                fields.push(name);
            }
        }
    }
    fields
}
