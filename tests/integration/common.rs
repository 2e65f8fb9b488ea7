//! Test harness: a fresh database per test (a temporary SQLite file, or a throwaway PostgreSQL
//! database), the real app factory, and GraphQL helpers.

use actix_web::{App, test};
use diesel::{Connection, PgConnection, RunQueryDsl};
use pim::app::{AppState, configure};
use pim::auth::secret::Secret;
use pim::auth::{Grants, Role};
use pim::config::Config;
use pim::service::accounts::{NewToken, NewUser};
use serde_json::{Value, json};
use tempfile::TempDir;

pub struct TestApp {
    pub state: AppState,
    pub config: Config,
    /// An admin API token; `gql`, `data` and `error` send it.
    pub admin: String,
    _dir: TempDir,
    _pg: Option<PgDatabase>,
}

/// A PostgreSQL database created for one test and dropped after it.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    fn create(admin_url: &str) -> PgDatabase {
        let name = format!("pim_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn =
            PgConnection::establish(admin_url).expect("connect to PIM_TEST_DATABASE_URL");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create test database");
        let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
        PgDatabase {
            admin_url: admin_url.to_string(),
            url: format!("{base}/{name}"),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

pub fn postgres_url() -> Option<String> {
    std::env::var("PIM_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

impl TestApp {
    pub fn sqlite() -> TestApp {
        TestApp::sqlite_with(|_| {})
    }

    /// On SQLite with a changed configuration.
    pub fn sqlite_with(change: impl FnOnce(&mut Config)) -> TestApp {
        let dir = TempDir::new().unwrap();
        let mut config = Config {
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        change(&mut config);
        TestApp::finish(config, dir, None)
    }

    fn finish(config: Config, dir: TempDir, pg: Option<PgDatabase>) -> TestApp {
        let state = AppState::open(config.clone()).unwrap();
        let admin = token_for(&state, "admin@test.local", Role::Admin, Grants::default());
        TestApp {
            state,
            config,
            admin,
            _dir: dir,
            _pg: pg,
        }
    }

    pub fn postgres() -> Option<TestApp> {
        let admin = postgres_url()?;
        let pg = PgDatabase::create(&admin);
        let dir = TempDir::new().unwrap();
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            database_url: Some(pg.url.clone()),
            ..Config::default()
        };
        Some(TestApp::finish(config, dir, Some(pg)))
    }

    /// The same node restarted: its state closed, then opened again on the same data
    /// directory and database.
    pub fn restart(self) -> TestApp {
        let TestApp {
            state,
            config,
            admin,
            _dir,
            _pg,
        } = self;
        drop(state);
        let state = AppState::open(config.clone()).unwrap();
        TestApp {
            state,
            config,
            admin,
            _dir,
            _pg,
        }
    }

    /// A second node on the same database, as behind a load balancer.
    pub fn second_node(&self) -> AppState {
        let dir = TempDir::new().unwrap();
        let config = Config {
            data_dir: dir.keep(),
            database_url: Some(self.config.database_url()),
            ..self.config.clone()
        };
        AppState::open(config).unwrap()
    }

    /// Sends a GraphQL request through the app and returns the whole response body.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        gql_on(&self.state, Some(&self.admin), query, variables).await
    }

    /// The `Authorization` header of the admin token, for plain HTTP requests.
    pub fn bearer(&self) -> (&'static str, String) {
        ("authorization", format!("Bearer {}", self.admin))
    }

    /// A new user with `role` and an API token for them.
    pub fn token(&self, email: &str, role: Role, grants: Grants) -> String {
        token_for(&self.state, email, role, grants)
    }

    /// Like `gql`, asserting there are no errors, and returning `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.gql(query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response:#}"
        );
        response["data"].clone()
    }

    /// The first error of a response that must fail.
    pub async fn error(&self, query: &str, variables: Value) -> Value {
        let response = self.gql(query, variables).await;
        response["errors"][0].clone()
    }

    pub async fn seed(&self) {
        seed(&self.state);
    }

    pub fn change_head(&self) -> i64 {
        self.state.catalog.change_head().unwrap()
    }
}

/// Creates a user with `role` (password `password-for-tests`) and returns an API token secret.
pub fn token_for(state: &AppState, email: &str, role: Role, grants: Grants) -> String {
    let user = state
        .accounts
        .create_user(NewUser {
            email: email.into(),
            name: String::new(),
            password: Secret::new(TEST_PASSWORD),
            role,
            grants: grants.clone(),
        })
        .unwrap();
    let (_, secret) = state
        .accounts
        .create_token(NewToken {
            name: format!("{email} token"),
            owner_id: user.id,
            role,
            grants,
            expires: None,
        })
        .unwrap();
    secret.expose().to_string()
}

pub const TEST_PASSWORD: &str = "password-for-tests";

/// Sends a GraphQL request through the app as the token's owner (or anonymously).
pub async fn gql_on(state: &AppState, token: Option<&str>, query: &str, variables: Value) -> Value {
    let app = test::init_service(App::new().configure(configure(state.clone()))).await;
    let mut request = test::TestRequest::post()
        .uri("/graphql")
        .set_json(json!({"query": query, "variables": variables}));
    if let Some(token) = token {
        request = request.insert_header(("authorization", format!("Bearer {token}")));
    }
    test::call_and_read_body_json(&app, request.to_request()).await
}

/// Uploads a file with a GraphQL multipart request, as the token's owner (or anonymously).
pub async fn upload_on(
    state: &AppState,
    token: Option<&str>,
    filename: &str,
    data: &[u8],
) -> Value {
    multipart_on(
        state,
        token,
        "mutation($file: Upload!) { uploadAsset(file: $file) { hash filename mime width height bytes url thumbnailUrl } }",
        json!({"file": null}),
        filename,
        data,
    )
    .await
}

/// A GraphQL multipart request: `variables.file` is the uploaded file.
pub async fn multipart_on(
    state: &AppState,
    token: Option<&str>,
    query: &str,
    variables: Value,
    filename: &str,
    data: &[u8],
) -> Value {
    let boundary = "pimtestboundary";
    let operations = json!({"query": query, "variables": variables});
    let mut body = Vec::new();
    for (name, value) in [
        ("operations", operations.to_string()),
        ("map", json!({"0": ["variables.file"]}).to_string()),
    ] {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend(data);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let service = test::init_service(App::new().configure(configure(state.clone()))).await;
    let mut request = test::TestRequest::post()
        .uri("/graphql")
        .insert_header((
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        ))
        .set_payload(body);
    if let Some(token) = token {
        request = request.insert_header(("authorization", format!("Bearer {token}")));
    }
    test::call_and_read_body_json(&service, request.to_request()).await
}

/// A small catalog every scenario can build on.
pub const STRUCTURE: &str = r#"{
  "locales": [{"code": "en_US", "label": "English"}, {"code": "de_DE", "label": "Deutsch"}, {"code": "pl_PL", "label": "Polski"}],
  "currencies": [{"code": "EUR"}, {"code": "USD"}, {"code": "PLN"}],
  "categories": [
    {"code": "master", "labels": {"en_US": "Master"}},
    {"code": "clothing", "parent": "master", "labels": {"en_US": "Clothing"}},
    {"code": "shirts", "parent": "clothing", "labels": {"en_US": "Shirts"}},
    {"code": "shoes", "parent": "master"},
    {"code": "seasons"},
    {"code": "summer", "parent": "seasons"}
  ],
  "channels": [
    {"code": "webshop", "locales": ["en_US", "de_DE", "pl_PL"], "currencies": ["EUR", "USD", "PLN"], "category_tree": "master"},
    {"code": "allegro", "locales": ["pl_PL"], "currencies": ["PLN"], "category_tree": "master"}
  ],
  "attribute_groups": [{"code": "general"}, {"code": "marketing"}],
  "attributes": [
    {"code": "sku", "type": "identifier", "group": "general", "unique": true},
    {"code": "name", "type": "text", "group": "marketing", "localizable": true, "constraints": {"max_length": 50}},
    {"code": "description", "type": "textarea", "group": "marketing", "localizable": true, "scopable": true},
    {"code": "ean", "type": "text", "group": "general", "unique": true, "constraints": {"regex": "^[0-9]{13}$", "regex_message": "an EAN has 13 digits"}},
    {"code": "price", "type": "price_collection", "group": "marketing", "constraints": {"negative_allowed": false}},
    {"code": "weight", "type": "metric", "group": "general", "metric_family": "Weight", "default_unit": "KILOGRAM"},
    {"code": "color", "type": "simple_select", "group": "marketing"},
    {"code": "size", "type": "simple_select", "group": "general"},
    {"code": "materials", "type": "multi_select", "group": "general"},
    {"code": "waterproof", "type": "boolean", "group": "general"},
    {"code": "release_date", "type": "date", "group": "general"},
    {"code": "pieces", "type": "number", "group": "general", "constraints": {"decimals_allowed": false, "min": "1"}},
    {"code": "related", "type": "product_reference_list", "group": "general"},
    {"code": "picture", "type": "image", "group": "marketing"}
  ],
  "attribute_options": [
    {"attribute": "color", "code": "red", "labels": {"en_US": "Red", "pl_PL": "Czerwony"}},
    {"attribute": "color", "code": "blue", "labels": {"en_US": "Blue"}},
    {"attribute": "size", "code": "s"}, {"attribute": "size", "code": "m"}, {"attribute": "size", "code": "l"},
    {"attribute": "materials", "code": "cotton"}, {"attribute": "materials", "code": "linen"}
  ],
  "association_types": [{"code": "cross_sell"}],
  "families": [
    {"code": "shirts", "attributes": ["sku", "name", "description", "ean", "price", "weight", "color", "size", "materials", "release_date", "pieces", "related", "picture"],
     "label_attribute": "name", "image_attribute": "picture", "requirements": {"webshop": ["sku", "name", "price"]}},
    {"code": "shoes", "attributes": ["sku", "name", "ean", "price", "size", "waterproof"], "label_attribute": "name"}
  ],
  "family_variants": [
    {"code": "shirts_color_size", "family": "shirts", "levels": [
      {"axes": ["color"], "attributes": ["color", "picture"]},
      {"axes": ["size"], "attributes": ["size", "ean", "sku", "price"]}
    ]},
    {"code": "shoes_size", "family": "shoes", "levels": [{"axes": ["size"], "attributes": ["size", "sku", "ean"]}]}
  ]
}"#;

pub fn seed(state: &AppState) {
    let file: pim::fixtures::StructureFile = serde_json::from_str(STRUCTURE).unwrap();
    let origin = pim::store::changes::Origin::new("test", "test");
    state
        .catalog
        .save_entities(file.into_entities(), &origin)
        .unwrap();
}

pub const UPSERT: &str = r#"mutation($input: [ProductInput!]!) {
  upsertProducts(input: $input) { created updated unchanged rejected items { index code status version errors { code field message } } }
}"#;

pub const UPSERT_ONE: &str =
    r#"mutation($input: ProductInput!) { upsertProduct(input: $input) { sku version } }"#;

pub const PRODUCT: &str = r#"query($sku: String!, $locale: String, $channel: String) {
  product(sku: $sku) { sku enabled version family { code } parent { code } categories { code }
    values(locale: $locale, channel: $channel) { attribute locale channel data inherited inheritedFrom } }
}"#;

/// Runs each named scenario `async fn(TestApp)` on SQLite and, when configured, on PostgreSQL.
#[macro_export]
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[actix_web::test]
                async fn sqlite() {
                    super::$name($crate::common::TestApp::sqlite()).await;
                }

                #[actix_web::test]
                async fn postgres() {
                    match $crate::common::TestApp::postgres() {
                        Some(app) => super::$name(app).await,
                        None => eprintln!("skipped on postgresql: PIM_TEST_DATABASE_URL is not set"),
                    }
                }
            }
        )*
    };
}
