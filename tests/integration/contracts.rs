//! Contracts checked for drift, and the service's plumbing: migrations in lock-step and
//! reversible, the committed GraphQL SDL, health probes, query limits.

use actix_web::App;
use actix_web::test as http_test;
use pim::app::configure;
use serde_json::json;

use crate::common::TestApp;
use crate::conformance;

conformance!(migrations_up_down_up, health_probes, query_depth_is_limited);

async fn migrations_up_down_up(app: TestApp) {
    let db = app.state.catalog.db();
    let reverted = db.revert_all().unwrap();
    assert!(!reverted.is_empty());
    assert!(db.ping().is_ok());
    let applied = db.migrate().unwrap();
    assert_eq!(applied.len(), reverted.len());
    assert!(
        db.migrate().unwrap().is_empty(),
        "a second run applies nothing"
    );
    // The schema works again after the round trip (accounts included: the old token is gone).
    app.seed().await;
    let admin = crate::common::token_for(
        &app.state,
        "again@test.local",
        pim::auth::Role::Admin,
        pim::auth::Grants::default(),
    );
    let response = crate::common::gql_on(
        &app.state,
        Some(&admin),
        crate::common::UPSERT_ONE,
        json!({"input": {"sku": "AFTER-1", "family": "shoes"}}),
    )
    .await;
    assert!(response.get("errors").is_none(), "{response}");
}

async fn health_probes(app: TestApp) {
    let service = http_test::init_service(App::new().configure(configure(app.state.clone()))).await;
    for uri in ["/health/live", "/health/ready"] {
        let response = http_test::call_service(
            &service,
            http_test::TestRequest::get().uri(uri).to_request(),
        )
        .await;
        assert_eq!(response.status().as_u16(), 200, "{uri}");
        let body: serde_json::Value = http_test::read_body_json(response).await;
        assert_eq!(body["status"], "ok");
    }
}

async fn query_depth_is_limited(app: TestApp) {
    let nested = "variants { family { ".repeat(10);
    let deep = format!(
        "query {{ family(code: \"x\") {{ {nested} code {} }} }}",
        "} } ".repeat(10)
    );
    let e = app.error(&deep, json!({})).await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("nested too deep"),
        "{e:#}"
    );
}

#[test]
fn migrations_have_the_same_names_on_both_backends() {
    let names = |backend: &str| {
        let mut names: Vec<String> = std::fs::read_dir(format!("migrations/{backend}"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names("sqlite"), names("postgres"));
    for name in names("sqlite") {
        for file in ["up.sql", "down.sql"] {
            for backend in ["sqlite", "postgres"] {
                assert!(
                    std::path::Path::new(&format!("migrations/{backend}/{name}/{file}")).exists(),
                    "{backend}/{name}/{file}"
                );
            }
        }
    }
}

#[test]
fn graphql_schema_has_not_drifted() {
    let committed = std::fs::read_to_string(pim::cli::SCHEMA_PATH).unwrap_or_default();
    let current = pim::api::graphql::sdl();
    assert!(
        committed == current,
        "schema/schema.graphql is out of date with the code; regenerate it with `cargo run -- schema --write` and commit it"
    );
}
