//! Configuration: defaults < `pim.toml` < `PIM_*` environment < command-line flags.
//! Every setting has a default, so `pim serve` runs with no configuration at all.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::assets::S3Settings;
use crate::assets::sigv4::Credentials;
use crate::auth::secret::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Readable lines for a terminal.
    Text,
    /// One JSON object per line, for Graylog, Loki or ELK.
    Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Holds the SQLite database, assets and search indexes.
    pub data_dir: PathBuf,
    pub listen: String,
    /// `postgres://…` selects PostgreSQL; unset means SQLite at `<data_dir>/pim.db`.
    pub database_url: Option<String>,
    pub pool_size: u32,
    pub log_format: LogFormat,
    /// A tracing filter such as `info` or `pim=debug,actix_web=info`.
    pub log_level: String,
    pub graphql: GraphqlConfig,
    pub limits: Limits,
    pub auth: AuthConfig,
    pub assets: AssetsConfig,
    /// Extra export channel definitions (`*.json`), over the built-in ones.
    pub channels_dir: Option<PathBuf>,
    /// The built web UI (`npm run build` in `frontend/`), served at `/`; relative to the working
    /// directory.
    pub ui_dir: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// E-mail of the administrator created on first start when there are no users.
    pub admin_email: String,
    /// Hours a browser session lasts after sign-in.
    pub session_hours: u64,
    /// Failed sign-ins allowed per account within the window before it is throttled.
    pub max_failures_per_account: usize,
    /// Failed sign-ins allowed per client address within the window.
    pub max_failures_per_address: usize,
    pub failure_window_seconds: u64,
    /// Seconds a node trusts a verified session or token before asking the database again
    /// (how long a revocation takes to reach the other nodes).
    pub credential_cache_seconds: u64,
    /// Browser origins allowed to call the API across sites (CORS); empty keeps it closed.
    pub cors_origins: Vec<String>,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            admin_email: "admin@pim.local".into(),
            session_hours: 12,
            max_failures_per_account: 5,
            max_failures_per_address: 50,
            failure_window_seconds: 900,
            credential_cache_seconds: 5,
            cors_origins: Vec::new(),
        }
    }
}

/// Where asset bytes are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssetStoreKind {
    /// A directory: `<data_dir>/assets`, or `[assets] dir` (a shared mount for several nodes).
    Filesystem,
    /// A bucket of an S3-compatible service, shared by every node.
    S3,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssetsConfig {
    pub store: AssetStoreKind,
    /// The filesystem store's directory; unset means `<data_dir>/assets`.
    pub dir: Option<PathBuf>,
    /// The S3 store's bucket; required when `store = "s3"`.
    pub bucket: Option<String>,
    /// Folder of the objects inside the bucket, e.g. `pim/assets`.
    pub prefix: String,
    /// The service's URL, e.g. `http://minio:9000`; unset means AWS S3 in `region`.
    pub endpoint: Option<String>,
    pub region: String,
    /// Address objects as `endpoint/bucket/key` instead of `bucket.endpoint/key`.
    pub path_style: bool,
    /// Unset means the `AWS_ACCESS_KEY_ID` environment variable.
    pub access_key_id: Option<String>,
    /// Unset means the `AWS_SECRET_ACCESS_KEY` environment variable.
    #[serde(skip_serializing)]
    pub secret_access_key: Option<Secret>,
    /// Of temporary credentials; from `AWS_SESSION_TOKEN` only.
    #[serde(skip)]
    pub session_token: Option<Secret>,
}

impl Default for AssetsConfig {
    fn default() -> Self {
        AssetsConfig {
            store: AssetStoreKind::Filesystem,
            dir: None,
            bucket: None,
            prefix: String::new(),
            endpoint: None,
            region: "us-east-1".into(),
            path_style: false,
            access_key_id: None,
            secret_access_key: None,
            session_token: None,
        }
    }
}

impl AssetsConfig {
    /// The S3 store's settings, or why they are incomplete; `None` for the filesystem store.
    pub fn s3(&self) -> anyhow::Result<Option<S3Settings>> {
        if self.store != AssetStoreKind::S3 {
            return Ok(None);
        }
        let bucket = self.bucket.clone().filter(|b| !b.is_empty()).ok_or_else(|| {
            anyhow::anyhow!(
                "assets.store is \"s3\" but no bucket is set: set [assets] bucket or PIM_S3_BUCKET"
            )
        })?;
        let (Some(access_key_id), Some(secret)) = (&self.access_key_id, &self.secret_access_key)
        else {
            anyhow::bail!(
                "assets.store is \"s3\" but its credentials are incomplete: set [assets] \
                 access_key_id and secret_access_key, PIM_S3_ACCESS_KEY_ID and \
                 PIM_S3_SECRET_ACCESS_KEY, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
            );
        };
        Ok(Some(S3Settings {
            bucket,
            prefix: self.prefix.clone(),
            endpoint: self.endpoint.clone().filter(|e| !e.is_empty()),
            region: self.region.clone(),
            path_style: self.path_style,
            credentials: Credentials {
                access_key_id: access_key_id.clone(),
                secret_access_key: secret.expose().to_owned(),
                session_token: self.session_token.as_ref().map(|t| t.expose().to_owned()),
            },
        }))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GraphqlConfig {
    pub graphiql: bool,
    pub introspection: bool,
    pub depth_limit: usize,
    pub complexity_limit: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest request body, uploads included.
    pub max_body_bytes: usize,
    /// Largest single asset.
    pub max_asset_bytes: u64,
    /// Largest image, in pixels, accepted before decoding (decompression-bomb guard).
    pub max_image_pixels: u64,
    /// Products one `upsertProducts` call may carry.
    pub max_batch: usize,
    /// Largest supplier feed sent to `POST /api/suppliers/{code}/feeds` (streamed to disk, not
    /// held in memory).
    pub max_feed_bytes: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("./data"),
            listen: "127.0.0.1:8080".into(),
            database_url: None,
            pool_size: 8,
            log_format: LogFormat::Text,
            log_level: "info".into(),
            graphql: GraphqlConfig::default(),
            limits: Limits::default(),
            auth: AuthConfig::default(),
            assets: AssetsConfig::default(),
            channels_dir: None,
            ui_dir: PathBuf::from("frontend/dist"),
        }
    }
}

impl Default for GraphqlConfig {
    fn default() -> Self {
        GraphqlConfig {
            graphiql: true,
            introspection: true,
            depth_limit: 16,
            complexity_limit: 250_000,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 64 * 1024 * 1024,
            max_asset_bytes: 20 * 1024 * 1024,
            max_image_pixels: 50_000_000,
            max_batch: 5_000,
            max_feed_bytes: 4 * 1024 * 1024 * 1024,
        }
    }
}

/// Values given on the command line; they win over everything else.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub data_dir: Option<PathBuf>,
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub log_format: Option<LogFormat>,
}

impl Config {
    /// Reads `file` (or `./pim.toml` when it exists), then the environment, then `overrides`.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Config> {
        let mut config = match file {
            Some(path) => Self::from_file(path)?,
            None if Path::new("pim.toml").exists() => Self::from_file(Path::new("pim.toml"))?,
            None => Config::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        config.apply(overrides);
        config.assets.s3()?;
        Ok(config)
    }

    fn from_file(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read configuration {}: {e}", path.display()))?;
        toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("invalid configuration {}: {e}", path.display()))
    }

    /// Applies `PIM_*` variables (and `DATABASE_URL`); `var` is injectable for tests.
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        fn parse<T: std::str::FromStr>(name: &str, value: String) -> anyhow::Result<T> {
            value
                .parse()
                .map_err(|_| anyhow::anyhow!("invalid value {value:?} for {name}"))
        }
        if let Some(v) = var("PIM_DATA_DIR") {
            self.data_dir = v.into();
        }
        if let Some(v) = var("PIM_LISTEN") {
            self.listen = v;
        }
        if let Some(v) = var("DATABASE_URL").or_else(|| var("PIM_DATABASE_URL")) {
            self.database_url = Some(v).filter(|v| !v.is_empty());
        }
        if let Some(v) = var("PIM_POOL_SIZE") {
            self.pool_size = parse("PIM_POOL_SIZE", v)?;
        }
        if let Some(v) = var("PIM_LOG_FORMAT") {
            self.log_format = match v.as_str() {
                "json" => LogFormat::Json,
                "text" => LogFormat::Text,
                _ => anyhow::bail!("invalid value {v:?} for PIM_LOG_FORMAT: use text or json"),
            };
        }
        if let Some(v) = var("PIM_UI_DIR") {
            self.ui_dir = v.into();
        }
        if let Some(v) = var("PIM_LOG_LEVEL") {
            self.log_level = v;
        }
        if let Some(v) = var("PIM_GRAPHIQL") {
            self.graphql.graphiql = parse("PIM_GRAPHIQL", v)?;
        }
        if let Some(v) = var("PIM_INTROSPECTION") {
            self.graphql.introspection = parse("PIM_INTROSPECTION", v)?;
        }
        if let Some(v) = var("PIM_MAX_BODY_BYTES") {
            self.limits.max_body_bytes = parse("PIM_MAX_BODY_BYTES", v)?;
        }
        if let Some(v) = var("PIM_MAX_ASSET_BYTES") {
            self.limits.max_asset_bytes = parse("PIM_MAX_ASSET_BYTES", v)?;
        }
        if let Some(v) = var("PIM_MAX_FEED_BYTES") {
            self.limits.max_feed_bytes = parse("PIM_MAX_FEED_BYTES", v)?;
        }
        if let Some(v) = var("PIM_ADMIN_EMAIL") {
            self.auth.admin_email = v;
        }
        if let Some(v) = var("PIM_SESSION_HOURS") {
            self.auth.session_hours = parse("PIM_SESSION_HOURS", v)?;
        }
        if let Some(v) = var("PIM_CHANNELS_DIR") {
            self.channels_dir = Some(v.into()).filter(|p: &PathBuf| !p.as_os_str().is_empty());
        }
        if let Some(v) = var("PIM_ASSETS_STORE") {
            self.assets.store = match v.as_str() {
                "filesystem" => AssetStoreKind::Filesystem,
                "s3" => AssetStoreKind::S3,
                _ => {
                    anyhow::bail!("invalid value {v:?} for PIM_ASSETS_STORE: use filesystem or s3")
                }
            };
        }
        if let Some(v) = var("PIM_ASSETS_DIR") {
            self.assets.dir = Some(v.into()).filter(|p: &PathBuf| !p.as_os_str().is_empty());
        }
        if let Some(v) = var("PIM_S3_BUCKET") {
            self.assets.bucket = Some(v);
        }
        if let Some(v) = var("PIM_S3_PREFIX") {
            self.assets.prefix = v;
        }
        if let Some(v) = var("PIM_S3_ENDPOINT") {
            self.assets.endpoint = Some(v);
        }
        if let Some(v) = var("PIM_S3_REGION") {
            self.assets.region = v;
        }
        if let Some(v) = var("PIM_S3_PATH_STYLE") {
            self.assets.path_style = parse("PIM_S3_PATH_STYLE", v)?;
        }
        if let Some(v) = var("PIM_S3_ACCESS_KEY_ID") {
            self.assets.access_key_id = Some(v);
        }
        if let Some(v) = var("PIM_S3_SECRET_ACCESS_KEY") {
            self.assets.secret_access_key = Some(Secret::new(v));
        }
        // The AWS variables only as a pair and only when no credentials are configured, so a key
        // id is never combined with another account's secret.
        if self.assets.access_key_id.is_none() && self.assets.secret_access_key.is_none() {
            if let (Some(id), Some(secret)) =
                (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY"))
            {
                self.assets.access_key_id = Some(id);
                self.assets.secret_access_key = Some(Secret::new(secret));
                self.assets.session_token = var("AWS_SESSION_TOKEN").map(Secret::new);
            }
        }
        if let Some(v) = var("PIM_CORS_ORIGINS") {
            self.auth.cors_origins = v
                .split(',')
                .map(|o| o.trim().to_string())
                .filter(|o| !o.is_empty())
                .collect();
        }
        Ok(())
    }

    pub fn apply(&mut self, o: &Overrides) {
        if let Some(v) = &o.data_dir {
            self.data_dir = v.clone();
        }
        if let Some(v) = &o.listen {
            self.listen = v.clone();
        }
        if let Some(v) = &o.database_url {
            self.database_url = Some(v.clone());
        }
        if let Some(v) = o.log_format {
            self.log_format = v;
        }
    }

    /// The database to open: the configured URL, else SQLite inside the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => self.data_dir.join("pim.db").to_string_lossy().into_owned(),
        }
    }

    pub fn assets_dir(&self) -> PathBuf {
        self.assets
            .dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("assets"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_in_order() {
        let mut c: Config =
            toml::from_str("listen = \"0.0.0.0:9000\"\n[limits]\nmax_batch = 10\n").unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000");
        assert_eq!(c.limits.max_batch, 10);
        assert_eq!(c.pool_size, Config::default().pool_size);
        c.apply_env(|name| match name {
            "PIM_LISTEN" => Some("127.0.0.1:1".into()),
            "PIM_LOG_FORMAT" => Some("json".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.listen, "127.0.0.1:1");
        assert_eq!(c.log_format, LogFormat::Json);
        c.apply(&Overrides {
            listen: Some("127.0.0.1:2".into()),
            ..Overrides::default()
        });
        assert_eq!(c.listen, "127.0.0.1:2");
    }

    #[test]
    fn default_database_is_sqlite_in_data_dir() {
        let c = Config::default();
        assert!(c.database_url().ends_with("pim.db"));
        let mut bad = Config::default();
        assert!(
            bad.apply_env(|n| (n == "PIM_POOL_SIZE").then(|| "many".to_string()))
                .is_err()
        );
        assert!(toml::from_str::<Config>("unknown_key = 1").is_err());
    }

    #[test]
    fn s3_asset_store_from_file_and_environment() {
        let mut c: Config = toml::from_str(
            "[assets]\nstore = \"s3\"\nbucket = \"catalog\"\nprefix = \"pim\"\nendpoint = \"http://minio:9000\"\npath_style = true\n",
        )
        .unwrap();
        let aws = |name: &str| match name {
            "AWS_ACCESS_KEY_ID" => Some("aws-id".to_string()),
            "AWS_SECRET_ACCESS_KEY" => Some("aws-secret".to_string()),
            "AWS_SESSION_TOKEN" => Some("aws-token".to_string()),
            "PIM_S3_REGION" => Some("eu-central-1".to_string()),
            _ => None,
        };
        c.apply_env(aws).unwrap();
        let s3 = c.assets.s3().unwrap().unwrap();
        assert_eq!(
            (s3.bucket.as_str(), s3.prefix.as_str(), s3.region.as_str()),
            ("catalog", "pim", "eu-central-1")
        );
        assert_eq!(s3.endpoint.as_deref(), Some("http://minio:9000"));
        assert!(s3.path_style);
        assert_eq!(s3.credentials.access_key_id, "aws-id");
        assert_eq!(s3.credentials.session_token.as_deref(), Some("aws-token"));
        assert!(!format!("{c:?}").contains("aws-secret"));

        // Configured credentials win over the AWS variables.
        let mut c = Config::default();
        c.apply_env(|name| match name {
            "PIM_ASSETS_STORE" => Some("s3".to_string()),
            "PIM_S3_BUCKET" => Some("b".to_string()),
            "PIM_S3_ACCESS_KEY_ID" => Some("pim-id".to_string()),
            "PIM_S3_SECRET_ACCESS_KEY" => Some("pim-secret".to_string()),
            other => aws(other),
        })
        .unwrap();
        let s3 = c.assets.s3().unwrap().unwrap();
        assert_eq!(s3.credentials.access_key_id, "pim-id");
        assert_eq!(s3.credentials.secret_access_key, "pim-secret");
        assert_eq!(s3.credentials.session_token, None);
    }

    #[test]
    fn s3_asset_store_errors() {
        assert_eq!(
            Config::default().assets.s3().unwrap().map(|s| s.bucket),
            None
        );
        let mut c = Config::default();
        let err = c
            .apply_env(|n| (n == "PIM_ASSETS_STORE").then(|| "ftp".to_string()))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid value \"ftp\" for PIM_ASSETS_STORE: use filesystem or s3"
        );
        c.apply_env(|n| (n == "PIM_ASSETS_STORE").then(|| "s3".to_string()))
            .unwrap();
        let err = c.assets.s3().unwrap_err();
        assert_eq!(
            err.to_string(),
            "assets.store is \"s3\" but no bucket is set: set [assets] bucket or PIM_S3_BUCKET"
        );
        assert!(toml::from_str::<Config>("[assets]\nstore = \"nfs\"\n").is_err());
    }
}
