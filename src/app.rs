//! Builds the service from configuration: opens the database, applies migrations, and assembles
//! the actix application. `main` and the integration tests use the same factory.

use std::sync::Arc;

use actix_web::web;

use crate::api::graphql::{PimSchema, build_schema};
use crate::api::http;
use crate::assets::{AssetLimits, AssetStore, S3BlobStore};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::export::Exports;
use crate::import::importer::Importer;
use crate::search::Search;
use crate::service::Catalog;
use crate::service::accounts::Accounts;
use crate::store::Db;

/// Everything a request handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub catalog: Arc<Catalog>,
    pub accounts: Arc<Accounts>,
    pub search: Arc<Search>,
    pub importer: Arc<Importer>,
    pub exports: Arc<Exports>,
    pub schema: PimSchema,
    pub config: Arc<Config>,
}

impl AppState {
    /// Opens the configured database (creating the data directory for SQLite), migrates it,
    /// and opens the search index, whose indexer starts following the change log.
    pub fn open(config: Config) -> Result<AppState> {
        let state = Self::open_without_indexer(config)?;
        state.search.start()?;
        Ok(state)
    }

    /// As `open`, but this process's search index does not follow the change log: for
    /// commands that are not the server (bulk loads are indexed faster afterwards, in one pass,
    /// when a server next starts or by `pim reindex`; one-shot commands leave the index to it).
    pub fn open_without_indexer(config: Config) -> Result<AppState> {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            Error::Unavailable(format!(
                "cannot create data directory {}: {e}",
                config.data_dir.display()
            ))
        })?;
        let db = Db::connect(&config.database_url(), config.pool_size)?;
        let applied = db.migrate()?;
        if !applied.is_empty() {
            tracing::info!(backend = db.backend_name(), migrations = ?applied, "applied migrations");
        }
        let limits = AssetLimits {
            max_bytes: config.limits.max_asset_bytes,
            max_pixels: config.limits.max_image_pixels,
            ..AssetLimits::default()
        };
        let assets = open_assets(&config, limits)?;
        let accounts = Arc::new(Accounts::new(db.clone(), config.auth.clone()));
        let catalog = Arc::new(Catalog::open(db, assets)?);
        let search = Arc::new(Search::open(&config.data_dir, catalog.clone())?);
        let importer = Arc::new(Importer::new(catalog.clone(), &config.data_dir));
        let exports = Arc::new(Exports::open(
            catalog.clone(),
            config.channels_dir.as_deref(),
            &config.data_dir,
        )?);
        let schema = build_schema(
            catalog.clone(),
            accounts.clone(),
            search.clone(),
            importer.clone(),
            exports.clone(),
            &config.graphql,
        );
        Ok(AppState {
            catalog,
            accounts,
            search,
            importer,
            exports,
            schema,
            config: Arc::new(config),
        })
    }
}

/// The configured asset store: the filesystem, or an S3-compatible bucket.
fn open_assets(config: &Config, limits: AssetLimits) -> Result<AssetStore> {
    let settings = config
        .assets
        .s3()
        .map_err(|e| Error::Unavailable(e.to_string()))?;
    Ok(match settings {
        None => AssetStore::new_fs(config.assets_dir(), limits),
        Some(settings) => {
            let blobs =
                S3BlobStore::new(settings).map_err(|e| Error::Unavailable(e.to_string()))?;
            tracing::info!(store = ?blobs, "assets are kept in s3");
            AssetStore::new(Arc::new(blobs), limits)
        }
    })
}

/// Registers every route; used as `App::new().configure(configure(state))`.
pub fn configure(state: AppState) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        let body_limit = state.config.limits.max_body_bytes;
        cfg.app_data(web::Data::new(state.clone()))
            .app_data(web::PayloadConfig::new(body_limit))
            .app_data(web::JsonConfig::default().limit(body_limit))
            .app_data(http::graphql::multipart_options(&state))
            .configure(http::health::routes)
            .configure(http::graphql::routes)
            .configure(http::assets::routes)
            .configure(http::imports::routes)
            .configure(http::feeds::routes)
            .configure(http::ui::routes);
    }
}

/// Cross-origin access for browsers: closed (no CORS headers at all) unless origins are
/// configured; those may send credentials and the CSRF header.
pub fn cors(origins: &[String]) -> actix_cors::Cors {
    origins
        .iter()
        .fold(actix_cors::Cors::default(), |cors, origin| {
            cors.allowed_origin(origin)
                .allowed_methods(["GET", "POST"])
                .allowed_headers([
                    actix_web::http::header::AUTHORIZATION,
                    actix_web::http::header::CONTENT_TYPE,
                    actix_web::http::header::HeaderName::from_static(http::auth::CSRF_HEADER),
                ])
                .supports_credentials()
                .max_age(3600)
        })
}

/// Runs the HTTP server until it is stopped.
pub async fn serve(state: AppState) -> anyhow::Result<()> {
    let listen = state.config.listen.clone();
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .wrap(cors(&state.config.auth.cors_origins))
            .wrap(tracing_actix_web::TracingLogger::default())
            .configure(configure(state.clone()))
    })
    .bind(&listen)
    .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    tracing::info!(address = %listen, "pim is listening; GraphQL at /graphql, GraphiQL at /graphiql");
    server.run().await?;
    Ok(())
}
