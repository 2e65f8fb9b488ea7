//! The GraphQL API (async-graphql): the schema, how service errors become GraphQL errors, and
//! the bridge from async resolvers to the blocking catalog service.

mod access;
mod auth_mutation;
mod auth_query;
mod auth_types;
mod changes;
mod export;
mod imports;
mod inputs;
mod loaders;
mod mutation;
mod product_mutation;
mod product_query;
mod product_types;
mod quality;
mod query;
mod search_query;
mod structure_inputs;
mod structure_types;

use std::sync::Arc;

use async_graphql::{ErrorExtensions, MergedSubscription, Schema};

use crate::config::GraphqlConfig;
use crate::error::Error;
use crate::export::Exports;
use crate::import::importer::Importer;
use crate::search::Search;
use crate::service::Catalog;
use crate::service::accounts::Accounts;

pub(crate) use access::{origin, require};

pub use mutation::Mutation;
pub use query::Query;

pub type PimSchema = Schema<Query, Mutation, Subscription>;

/// Subscriptions, over WebSocket at `/graphql/ws`.
#[derive(MergedSubscription, Default)]
pub struct Subscription(imports::ImportSubscription);

/// The schema with its limits and loaders; the same for the server, the tests and `pim schema`.
pub fn build_schema(
    catalog: Arc<Catalog>,
    accounts: Arc<Accounts>,
    search: Arc<Search>,
    importer: Arc<Importer>,
    exports: Arc<Exports>,
    config: &GraphqlConfig,
) -> PimSchema {
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .limit_depth(config.depth_limit)
    .limit_complexity(config.complexity_limit)
    .data(loaders::models(catalog.clone()))
    .data(loaders::products(catalog.clone()))
    .data(catalog)
    .data(accounts)
    .data(search)
    .data(importer)
    .data(exports);
    if !config.introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// The SDL as committed in `schema/schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .finish()
    .sdl()
}

/// Runs blocking catalog work on the blocking pool, never on the async executor.
pub(crate) async fn blocking<T: Send + 'static>(
    ctx: &async_graphql::Context<'_>,
    f: impl FnOnce(&Catalog) -> Result<T, Error> + Send + 'static,
) -> async_graphql::Result<T> {
    on_blocking_pool(ctx, f).await
}

/// Runs blocking work on a service kept in the schema data (`Arc<S>`) on the blocking pool.
pub(crate) async fn on_blocking_pool<S: Send + Sync + 'static, T: Send + 'static>(
    ctx: &async_graphql::Context<'_>,
    f: impl FnOnce(&S) -> Result<T, Error> + Send + 'static,
) -> async_graphql::Result<T> {
    let service = ctx.data_unchecked::<Arc<S>>().clone();
    actix_web::rt::task::spawn_blocking(move || f(&service))
        .await
        .map_err(|e| Error::Internal(format!("worker failed: {e}")))
        .and_then(|r| r)
        .map_err(to_graphql)
}

/// Service errors as GraphQL errors: `extensions.code`, and `extensions.field` naming the input
/// field at fault, with every field error listed under `extensions.errors`.
pub(crate) fn to_graphql(e: Error) -> async_graphql::Error {
    let code = e.code();
    if code == crate::error::ErrorCode::Internal {
        tracing::error!(error = %e, "graphql request failed");
    }
    let errors = e.field_errors();
    async_graphql::Error::new(e.public_message()).extend_with(|_, ext| {
        ext.set("code", code.as_str());
        if let Some(field) = errors
            .first()
            .map(|f| f.field.clone())
            .filter(|f| !f.is_empty())
        {
            ext.set("field", field);
        }
        if errors.len() > 1 || errors.first().is_some_and(|f| !f.field.is_empty()) {
            let list: Vec<async_graphql::Value> = errors
                .iter()
                .map(|f| {
                    let mut m = async_graphql::indexmap::IndexMap::new();
                    m.insert(
                        async_graphql::Name::new("code"),
                        async_graphql::Value::from(f.code.as_str()),
                    );
                    m.insert(
                        async_graphql::Name::new("field"),
                        async_graphql::Value::from(f.field.clone()),
                    );
                    m.insert(
                        async_graphql::Name::new("message"),
                        async_graphql::Value::from(f.message.clone()),
                    );
                    async_graphql::Value::Object(m)
                })
                .collect();
            ext.set("errors", async_graphql::Value::List(list));
        }
    })
}

/// Opaque cursors over numeric positions.
pub(crate) mod cursor {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    pub fn encode(prefix: &str, position: i64) -> String {
        URL_SAFE_NO_PAD.encode(format!("{prefix}:{position}"))
    }

    pub fn decode(prefix: &str, cursor: Option<&str>) -> async_graphql::Result<i64> {
        let Some(cursor) = cursor else { return Ok(0) };
        let bytes = URL_SAFE_NO_PAD
            .decode(cursor)
            .map_err(|_| invalid(cursor))?;
        let text = String::from_utf8(bytes).map_err(|_| invalid(cursor))?;
        text.strip_prefix(prefix)
            .and_then(|r| r.strip_prefix(':'))
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| invalid(cursor))
    }

    fn invalid(cursor: &str) -> async_graphql::Error {
        super::to_graphql(crate::error::Error::field(
            crate::error::FieldError::invalid("after", format!("invalid cursor {cursor:?}")),
        ))
    }
}
