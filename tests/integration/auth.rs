//! Accounts end to end: sign-in with session cookies and CSRF, sign-out, throttling and uniform
//! failures, API tokens (shown once, last use, revocation, expiry, disabled owners), the actor in
//! the change log, and the hardening settings (CORS, introspection, GraphiQL, body limits, logs).

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use actix_web::{App, test as http};
use pim::app::configure;
use pim::auth::{Grants, Role};
use serde_json::{Value, json};

use crate::common::{TEST_PASSWORD, TestApp, gql_on};
use crate::conformance;

conformance!(
    sessions_sign_in_and_out,
    sign_in_failures_are_uniform_and_throttled,
    tokens_are_shown_once_and_revocable,
    changes_record_their_actor,
);

/// Answers of a GraphQL POST with the raw headers, for cookie tests.
struct Reply {
    status: u16,
    set_cookie: Option<String>,
    body: Value,
}

async fn post(app: &TestApp, query: &str, variables: Value, headers: &[(&str, String)]) -> Reply {
    let service = http::init_service(App::new().configure(configure(app.state.clone()))).await;
    let mut request = http::TestRequest::post()
        .uri("/graphql")
        .set_json(json!({"query": query, "variables": variables}));
    for (name, value) in headers {
        request = request.insert_header((*name, value.clone()));
    }
    let response = http::call_service(&service, request.to_request()).await;
    let status = response.status().as_u16();
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_string());
    let body: Value = serde_json::from_slice(&http::read_body(response).await).unwrap();
    Reply {
        status,
        set_cookie,
        body,
    }
}

const SIGN_IN: &str = r#"mutation($email: String!, $password: String!) {
  signIn(email: $email, password: $password) { csrfToken expires user { email role } }
}"#;
const ME: &str = "{ me { email role via csrfToken tokenName } }";

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

async fn sessions_sign_in_and_out(app: TestApp) {
    app.seed().await;
    app.token(
        "manager@test.local",
        Role::CatalogManager,
        Grants::default(),
    );
    let signed = post(
        &app,
        SIGN_IN,
        json!({"email": "Manager@Test.local", "password": TEST_PASSWORD}),
        &[],
    )
    .await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    let session = &signed.body["data"]["signIn"];
    assert_eq!(session["user"]["role"], "CATALOG_MANAGER");
    let cookie = signed.set_cookie.expect("signIn sets the session cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing from {cookie}"
        );
    }
    let pair = cookie.split(';').next().unwrap().to_string();
    let csrf = session["csrfToken"].as_str().unwrap().to_string();

    // The cookie alone does not make a POST: another site could send it.
    let forged = post(&app, ME, json!({}), &[("cookie", pair.clone())]).await;
    assert_eq!(forged.status, 403);
    assert_eq!(code(&forged.body), "FORBIDDEN");
    let wrong = [("cookie", pair.clone()), ("x-csrf-token", "0".repeat(64))];
    assert_eq!(post(&app, ME, json!({}), &wrong).await.status, 403);

    let headers = [("cookie", pair.clone()), ("x-csrf-token", csrf.clone())];
    let me = post(&app, ME, json!({}), &headers).await.body;
    assert_eq!(me["data"]["me"]["email"], "manager@test.local");
    assert_eq!(me["data"]["me"]["via"], "session");
    assert_eq!(me["data"]["me"]["csrfToken"], csrf.as_str());
    let wrote = post(
        &app,
        crate::common::UPSERT_ONE,
        json!({"input": {"sku": "S-1", "family": "shoes"}}),
        &headers,
    )
    .await;
    assert!(wrote.body.get("errors").is_none(), "{}", wrote.body);

    let out = post(&app, "mutation { signOut }", json!({}), &headers).await;
    assert_eq!(out.body["data"]["signOut"], true);
    assert!(out.set_cookie.unwrap().contains("Max-Age=0"));
    // The old cookie is dead: the caller is anonymous again.
    let after = post(&app, "{ products { totalCount } }", json!({}), &headers).await;
    assert_eq!(code(&after.body), "UNAUTHENTICATED");
    assert_eq!(
        post(&app, ME, json!({}), &headers).await.body["data"]["me"],
        Value::Null
    );
}

async fn sign_in_failures_are_uniform_and_throttled(app: TestApp) {
    app.token("viewer@test.local", Role::Viewer, Grants::default());
    let unknown = post(
        &app,
        SIGN_IN,
        json!({"email": "nobody@test.local", "password": TEST_PASSWORD}),
        &[],
    )
    .await
    .body;
    let wrong = post(
        &app,
        SIGN_IN,
        json!({"email": "viewer@test.local", "password": "not the password"}),
        &[],
    )
    .await
    .body;
    assert_eq!(code(&unknown), "UNAUTHENTICATED");
    assert_eq!(
        unknown["errors"][0]["message"],
        wrong["errors"][0]["message"]
    );
    // Four more failures reach the per-account limit; then even the right password waits.
    for _ in 0..4 {
        post(
            &app,
            SIGN_IN,
            json!({"email": "viewer@test.local", "password": "guess again!"}),
            &[],
        )
        .await;
    }
    let throttled = post(
        &app,
        SIGN_IN,
        json!({"email": "viewer@test.local", "password": TEST_PASSWORD}),
        &[],
    )
    .await
    .body;
    assert_eq!(code(&throttled), "RATE_LIMITED", "{throttled}");
    assert!(
        throttled["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("try again in")
    );
    // A disabled user cannot sign in, with the same answer as a wrong password.
    app.token("gone@test.local", Role::Viewer, Grants::default());
    let gone = app
        .state
        .accounts
        .user_by_email("gone@test.local")
        .unwrap()
        .unwrap();
    app.state
        .accounts
        .update_user(
            gone.id,
            pim::service::accounts::UserUpdate {
                disabled: Some(true),
                ..Default::default()
            },
        )
        .unwrap();
    let disabled = post(
        &app,
        SIGN_IN,
        json!({"email": "gone@test.local", "password": TEST_PASSWORD}),
        &[],
    )
    .await
    .body;
    assert_eq!(
        disabled["errors"][0]["message"],
        wrong["errors"][0]["message"]
    );
}

const CREATE_TOKEN: &str = r#"mutation($input: ApiTokenInput!) {
  createApiToken(input: $input) { secret token { id name prefix role lastUsed revoked ownerEmail } }
}"#;

async fn tokens_are_shown_once_and_revocable(app: TestApp) {
    app.seed().await;
    let created = app
        .data(
            CREATE_TOKEN,
            json!({"input": {"name": "feed script", "role": "VIEWER"}}),
        )
        .await;
    let secret = created["createApiToken"]["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let token = &created["createApiToken"]["token"];
    assert!(secret.starts_with("pim_") && secret.len() > 40);
    assert!(secret.starts_with(token["prefix"].as_str().unwrap()));
    assert_eq!(token["ownerEmail"], "admin@test.local");
    let id = token["id"].clone();

    let me = gql_on(&app.state, Some(&secret), ME, json!({})).await;
    assert_eq!(me["data"]["me"]["via"], "token");
    assert_eq!(me["data"]["me"]["role"], "VIEWER");
    assert_eq!(me["data"]["me"]["tokenName"], "feed script");
    // Listed without the secret, with the time of last use.
    let listed = app
        .data("{ apiTokens { id prefix lastUsed } }", json!({}))
        .await;
    let row = listed["apiTokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap()
        .clone();
    assert!(!row["lastUsed"].is_null());
    assert!(!listed.to_string().contains(&secret));

    app.data(
        r#"mutation($id: ID!) { revokeApiToken(id: $id) { revoked } }"#,
        json!({"id": id}),
    )
    .await;
    let service = http::init_service(App::new().configure(configure(app.state.clone()))).await;
    let refused = http::call_service(
        &service,
        http::TestRequest::post()
            .uri("/graphql")
            .insert_header(("authorization", format!("Bearer {secret}")))
            .set_json(json!({"query": "{ products { totalCount } }"}))
            .to_request(),
    )
    .await;
    assert_eq!(refused.status().as_u16(), 401);
    let body: Value = serde_json::from_slice(&http::read_body(refused).await).unwrap();
    assert_eq!(code(&body), "UNAUTHENTICATED");
    let garbled = gql_on(&app.state, Some("pim_not-a-token"), ME, json!({})).await;
    assert_eq!(code(&garbled), "UNAUTHENTICATED");

    // Expiry must lie ahead; a disabled owner's tokens stop working.
    let past = app
        .error(
            CREATE_TOKEN,
            json!({"input": {"name": "old", "role": "VIEWER", "expires": "2001-01-01T00:00:00"}}),
        )
        .await;
    assert_eq!(past["extensions"]["field"], "expires");
    let owner = app.token("owner@test.local", Role::Viewer, Grants::default());
    let owner_id = app
        .state
        .accounts
        .user_by_email("owner@test.local")
        .unwrap()
        .unwrap()
        .id;
    app.data(
        r#"mutation($id: ID!) { updateUser(id: $id, input: {disabled: true}) { disabled } }"#,
        json!({"id": owner_id.to_string()}),
    )
    .await;
    let disabled = gql_on(&app.state, Some(&owner), ME, json!({})).await;
    assert_eq!(code(&disabled), "UNAUTHENTICATED");
    // Admins do not lock themselves out.
    let me_id = app
        .state
        .accounts
        .user_by_email("admin@test.local")
        .unwrap()
        .unwrap()
        .id;
    let locked = app
        .error(
            r#"mutation($id: ID!) { updateUser(id: $id, input: {disabled: true}) { disabled } }"#,
            json!({"id": me_id.to_string()}),
        )
        .await;
    assert_eq!(locked["extensions"]["code"], "BAD_REQUEST");
}

async fn changes_record_their_actor(app: TestApp) {
    app.seed().await;
    let editor = app.token("editor@test.local", Role::CatalogManager, Grants::default());
    gql_on(
        &app.state,
        Some(&editor),
        crate::common::UPSERT_ONE,
        json!({"input": {"sku": "A-1", "family": "shoes"}}),
    )
    .await;
    let signed = post(
        &app,
        SIGN_IN,
        json!({"email": "editor@test.local", "password": TEST_PASSWORD}),
        &[],
    )
    .await;
    let pair = signed
        .set_cookie
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let csrf = signed.body["data"]["signIn"]["csrfToken"]
        .as_str()
        .unwrap()
        .to_string();
    post(
        &app,
        crate::common::UPSERT_ONE,
        json!({"input": {"sku": "A-1", "enabled": false}}),
        &[("cookie", pair), ("x-csrf-token", csrf)],
    )
    .await;
    let log = app
        .data(
            r#"{ changes(entity: "product", code: "A-1") { changes { operation actor source } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        log["changes"]["changes"],
        json!([
            {"operation": "create", "actor": "editor@test.local (token editor@test.local token)", "source": "api"},
            {"operation": "update", "actor": "editor@test.local", "source": "ui"},
        ])
    );
}

#[actix_web::test]
async fn sessions_expire() {
    let app = TestApp::sqlite();
    app.token("short@test.local", Role::Viewer, Grants::default());
    let config = pim::config::AuthConfig {
        session_hours: 0,
        ..pim::config::AuthConfig::default()
    };
    let accounts = pim::service::accounts::Accounts::new(app.state.catalog.db().clone(), config);
    let signed = accounts
        .sign_in("short@test.local", TEST_PASSWORD, "127.0.0.1")
        .unwrap();
    assert!(
        accounts
            .authenticate_session(signed.session.expose())
            .unwrap()
            .is_none()
    );
    let lasting = app
        .state
        .accounts
        .sign_in("short@test.local", TEST_PASSWORD, "127.0.0.1")
        .unwrap();
    assert!(
        app.state
            .accounts
            .authenticate_session(lasting.session.expose())
            .unwrap()
            .is_some()
    );
}

#[actix_web::test]
async fn cors_is_closed_unless_configured() {
    let app = TestApp::sqlite();
    let preflight = |origin: &str| {
        http::TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri("/graphql")
            .insert_header(("origin", origin.to_string()))
            .insert_header(("access-control-request-method", "POST"))
            .to_request()
    };
    let closed = http::init_service(
        App::new()
            .wrap(pim::app::cors(&[]))
            .configure(configure(app.state.clone())),
    )
    .await;
    let response = http::call_service(&closed, preflight("https://elsewhere.example")).await;
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    let open = http::init_service(
        App::new()
            .wrap(pim::app::cors(&["https://ui.example".to_string()]))
            .configure(configure(app.state.clone())),
    )
    .await;
    let allowed = http::call_service(&open, preflight("https://ui.example")).await;
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        "https://ui.example"
    );
    let other = http::call_service(&open, preflight("https://elsewhere.example")).await;
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[actix_web::test]
async fn introspection_graphiql_and_body_size_are_configurable() {
    let app = TestApp::sqlite_with(|c| {
        c.graphql.introspection = false;
        c.graphql.graphiql = false;
        c.limits.max_body_bytes = 4096;
    });
    let introspect = app.gql("{ __schema { types { name } } }", json!({})).await;
    assert!(introspect["data"]["__schema"].is_null(), "{introspect}");
    let open = TestApp::sqlite()
        .gql("{ __schema { types { name } } }", json!({}))
        .await;
    assert!(open["data"]["__schema"]["types"].is_array());
    let service = http::init_service(App::new().configure(configure(app.state.clone()))).await;
    let page = http::call_service(
        &service,
        http::TestRequest::get().uri("/graphiql").to_request(),
    )
    .await;
    assert_eq!(page.status().as_u16(), 404);
    let big = "x".repeat(8192);
    let response = http::call_service(
        &service,
        http::TestRequest::post()
            .uri("/graphql")
            .insert_header(app.bearer())
            .set_json(json!({"query": "{ me { email } }", "variables": {"pad": big}}))
            .to_request(),
    )
    .await;
    assert_eq!(response.status().as_u16(), 413);
}

/// A log sink shared by every test of this binary; this test looks only for its own secrets.
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static SINK: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    SINK.get_or_init(|| {
        let sink = Arc::new(Mutex::new(Vec::new()));
        let writer = sink.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
            .with_writer(move || SinkWriter(writer.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
        sink
    })
    .clone()
}

struct SinkWriter(Arc<Mutex<Vec<u8>>>);

impl Write for SinkWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[actix_web::test]
async fn secrets_never_reach_the_logs() {
    let logs = captured_logs();
    let app = TestApp::sqlite();
    let service = http::init_service(
        App::new()
            .wrap(tracing_actix_web::TracingLogger::default())
            .configure(configure(app.state.clone())),
    )
    .await;
    let password = "Unmistakable-Password-4471";
    let call = |headers: Vec<(&'static str, String)>, query: &str, variables: Value| {
        let mut request = http::TestRequest::post()
            .uri("/graphql")
            .set_json(json!({"query": query, "variables": variables}));
        for header in headers {
            request = request.insert_header(header);
        }
        request.to_request()
    };
    let created = http::call_service(
        &service,
        call(
            vec![app.bearer()],
            r#"mutation($p: String!) { createUser(input: {email: "logs@test.local", password: $p, role: VIEWER}) { id } }"#,
            json!({"p": password}),
        ),
    )
    .await;
    assert_eq!(created.status().as_u16(), 200);
    let signed = http::call_service(
        &service,
        call(
            vec![],
            SIGN_IN,
            json!({"email": "logs@test.local", "password": password}),
        ),
    )
    .await;
    let cookie = signed
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let session = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("pim_session=")
        .to_string();
    let body: Value = serde_json::from_slice(&http::read_body(signed).await).unwrap();
    let csrf = body["data"]["signIn"]["csrfToken"]
        .as_str()
        .unwrap()
        .to_string();
    http::call_service(
        &service,
        call(
            vec![
                ("cookie", format!("pim_session={session}")),
                ("x-csrf-token", csrf),
            ],
            ME,
            json!({}),
        ),
    )
    .await;
    // A failed sign-in with the password typed into the e-mail field, as users do.
    http::call_service(
        &service,
        call(
            vec![],
            SIGN_IN,
            json!({"email": password, "password": password}),
        ),
    )
    .await;

    let text = String::from_utf8_lossy(&logs.lock().unwrap()).to_string();
    assert!(
        text.contains("signed in"),
        "the audit line is missing, so capture failed"
    );
    for secret in [password, session.as_str(), &app.admin] {
        assert!(!text.contains(secret), "a secret reached the logs");
    }
    let caller = pim::api::http::auth::Caller {
        principal: None,
        session: Some(pim::auth::secret::Secret::new(session.clone())),
        address: "127.0.0.1".into(),
        secure: false,
    };
    assert!(!format!("{caller:?}").contains(&session));
}
