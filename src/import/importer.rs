//! The import service every entry point uses (GraphQL, `POST /api/suppliers/{code}/feeds`,
//! `pim import`): suppliers and their versioned profiles, received files kept by content hash,
//! runs recorded as rows and executed in the foreground or on a background thread.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::feed::ReadOptions;
use super::profile::Profile;
use super::run::{ProfileSpec, Run};
use super::{decode, mapping::Mapper, zip};
use crate::catalog::codes::check_code;
use crate::error::{Error, FieldError, Result};
use crate::service::{Catalog, now};
use crate::store::changes::Origin;
use crate::store::imports::{self, Counts, ImportRow, NewImport, RowOutcome};
use crate::store::suppliers::{self, ProfileRow, SupplierRow};

/// How far a run has come, for progress bars and polling clients.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Progress {
    /// Share of the file read, 0 to 1.
    pub fraction: f64,
    pub rows_per_second: f64,
    /// Seconds left at the current pace; none before the first batch or once finished.
    pub eta_seconds: Option<f64>,
}

pub fn progress(row: &ImportRow) -> Progress {
    let fraction = if row.file_bytes > 0 {
        (row.bytes_read as f64 / row.file_bytes as f64).min(1.0)
    } else {
        0.0
    };
    let end = row.finished_at.or(row.heartbeat_at);
    let elapsed = match (row.started_at, end) {
        (Some(s), Some(e)) => (e - s).num_milliseconds() as f64 / 1000.0,
        _ => 0.0,
    };
    let rows_per_second = if elapsed > 0.0 {
        row.rows_read as f64 / elapsed
    } else {
        0.0
    };
    let eta_seconds = (row.state == "running" && fraction > 0.0 && elapsed > 0.0)
        .then(|| elapsed * (1.0 - fraction) / fraction);
    Progress {
        fraction,
        rows_per_second,
        eta_seconds,
    }
}

/// A run whose heartbeat is older than this is taken for dead.
pub const STALE_AFTER_SECONDS: i64 = 120;

pub struct Importer {
    catalog: Arc<Catalog>,
    dir: PathBuf,
}

/// Which profile a run uses.
#[derive(Debug, Clone, PartialEq)]
pub enum ProfileChoice {
    /// A stored profile of the supplier; the latest version unless one is named.
    Stored {
        code: String,
        version: Option<i64>,
    },
    Inline(Box<Profile>),
    Akeneo,
}

/// A received file, kept under the data directory by its SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Received {
    pub file_name: String,
    pub hash: String,
    pub bytes: u64,
    /// The CSV to read (the file itself, or the CSV inside a ZIP).
    pub csv: PathBuf,
    /// Files that came in a ZIP beside the CSV: path and file name → asset hash.
    #[serde(default)]
    pub assets: HashMap<String, String>,
    /// Files of a ZIP that could not become assets, with the reason.
    #[serde(default)]
    pub refused: Vec<String>,
}

/// What a stored run needs to execute (kept in `imports.settings`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Settings {
    spec: ProfileSpec,
    encoding: Option<String>,
    received: Received,
}

/// A contact person of a supplier.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

impl Importer {
    pub fn new(catalog: Arc<Catalog>, data_dir: &Path) -> Importer {
        Importer {
            catalog,
            dir: data_dir.join("imports"),
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn suppliers(&self) -> Result<Vec<SupplierRow>> {
        self.catalog.db().read(suppliers::all)
    }

    pub fn supplier(&self, code: &str) -> Result<Option<SupplierRow>> {
        self.catalog.db().read(|c| suppliers::find(c, code))
    }

    fn existing_supplier(&self, code: &str) -> Result<SupplierRow> {
        self.supplier(code)?
            .ok_or_else(|| Error::NotFound(format!("supplier {code:?} not found")))
    }

    pub fn save_supplier(
        &self,
        code: &str,
        name: &str,
        contacts: &[Contact],
    ) -> Result<SupplierRow> {
        check_code("code", code).map_err(Error::field)?;
        if name.trim().is_empty() {
            return Err(Error::field(FieldError::invalid(
                "name",
                "the name is empty",
            )));
        }
        for (i, c) in contacts.iter().enumerate() {
            if let Some(email) = &c.email {
                if crate::quality::formats::check_email(email).is_err() {
                    return Err(Error::field(FieldError::invalid(
                        format!("contacts.{i}.email"),
                        format!("{email:?} is not an e-mail address"),
                    )));
                }
            }
        }
        let contacts = serde_json::to_string(contacts)?;
        self.catalog.db().write(|conn| {
            suppliers::upsert(conn, code, name.trim(), &contacts, now())?;
            Ok(())
        })?;
        self.existing_supplier(code)
    }

    pub fn profiles(&self, supplier: &str) -> Result<Vec<ProfileRow>> {
        self.catalog
            .db()
            .read(|c| suppliers::latest_profiles(c, supplier))
    }

    pub fn profile_versions(&self, supplier: &str, code: &str) -> Result<Vec<ProfileRow>> {
        self.catalog
            .db()
            .read(|c| suppliers::profile_versions(c, supplier, code))
    }

    pub fn profile(&self, supplier: &str, code: &str, version: Option<i64>) -> Result<ProfileRow> {
        self.catalog
            .db()
            .read(|c| suppliers::profile(c, supplier, code, version))?
            .ok_or_else(|| {
                Error::NotFound(match version {
                    Some(v) => {
                        format!("profile {code} version {v} of supplier {supplier} not found")
                    }
                    None => format!("profile {code:?} of supplier {supplier} not found"),
                })
            })
    }

    /// A stored profile named `CODE` or `CODE@VERSION`; named none, the supplier's only profile.
    pub fn stored_profile(
        &self,
        supplier: Option<&str>,
        named: Option<&str>,
    ) -> Result<ProfileChoice> {
        if let Some(name) = named {
            let (code, version) = match name.split_once('@') {
                Some((c, v)) => (
                    c.to_string(),
                    Some(v.parse().map_err(|_| {
                        Error::BadRequest(format!("profile version {v:?} is not a number"))
                    })?),
                ),
                None => (name.to_string(), None),
            };
            return Ok(ProfileChoice::Stored { code, version });
        }
        let Some(supplier) = supplier else {
            return Err(Error::BadRequest(
                "name the supplier whose profile to use, give a profile document, or use the Akeneo format".into(),
            ));
        };
        match self.profiles(supplier)?.as_slice() {
            [one] => Ok(ProfileChoice::Stored {
                code: one.code.clone(),
                version: None,
            }),
            [] => Err(Error::BadRequest(format!(
                "supplier {supplier} has no mapping profile yet: save one first, or give a profile document"
            ))),
            many => Err(Error::BadRequest(format!(
                "supplier {supplier} has several profiles ({}): name one",
                many.iter()
                    .map(|p| p.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// Products that came in this supplier's feeds.
    pub fn product_count(&self, supplier: &str) -> Result<i64> {
        self.catalog
            .db()
            .read(|c| suppliers::count_products(c, supplier))
    }

    /// Checks a profile against the catalog structure (attributes, locales, channels,
    /// currencies, units, transforms) and stores it as a new version when it changed.
    pub fn save_profile(
        &self,
        supplier: &str,
        code: &str,
        profile: &Profile,
        actor: &str,
    ) -> Result<ProfileRow> {
        self.existing_supplier(supplier)?;
        check_code("code", code).map_err(Error::field)?;
        check_profile(&self.catalog, profile)?;
        let body = profile.to_json();
        let version = self
            .catalog
            .db()
            .write(|conn| suppliers::save_profile(conn, supplier, code, &body, actor, now()))?;
        self.profile(supplier, code, Some(version))
    }

    /// Keeps an uploaded file under the data directory (by content hash) and, for a ZIP, takes
    /// its CSV out and stores the other files as assets.
    pub fn receive(
        &self,
        file_name: &str,
        mut data: impl Read,
        origin: &Origin,
    ) -> Result<Received> {
        let incoming = self.dir.join("incoming");
        std::fs::create_dir_all(&incoming).map_err(io_error)?;
        let mut temp = tempfile::NamedTempFile::new_in(&incoming).map_err(io_error)?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 256 * 1024];
        let mut bytes = 0u64;
        loop {
            let n = data.read(&mut buffer).map_err(io_error)?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            temp.write_all(&buffer[..n]).map_err(io_error)?;
            bytes += n as u64;
        }
        if bytes == 0 {
            return Err(Error::BadRequest(format!("{file_name} is empty")));
        }
        let hash = hex::encode(hasher.finalize());
        let is_zip = zip::is_zip(temp.path()).map_err(io_error)?;
        let files = self.dir.join("files");
        std::fs::create_dir_all(&files).map_err(io_error)?;
        let stored = files.join(format!("{hash}.{}", if is_zip { "zip" } else { "csv" }));
        temp.persist(&stored).map_err(|e| io_error(e.error))?;
        if !is_zip {
            return Ok(Received {
                file_name: file_name.to_string(),
                hash,
                bytes,
                csv: stored,
                assets: HashMap::new(),
                refused: Vec::new(),
            });
        }
        let unpacked = zip::unpack(&stored, &files.join(&hash), &self.catalog, origin)?;
        Ok(Received {
            file_name: file_name.to_string(),
            hash,
            bytes,
            csv: unpacked.csv,
            assets: unpacked.assets,
            refused: unpacked.refused,
        })
    }

    /// Records a run (state `queued`) for a received file; `execute` or `spawn` runs it.
    pub fn queue(
        &self,
        supplier: Option<&str>,
        received: Received,
        choice: ProfileChoice,
        encoding: Option<String>,
        dry_run: bool,
        actor: &str,
    ) -> Result<i64> {
        if let Some(s) = supplier {
            self.existing_supplier(s)?;
        }
        if let Some(label) = &encoding {
            decode::parse_label(label)?;
        }
        let (spec, code, version) = match choice {
            ProfileChoice::Stored { code, version } => {
                let supplier = supplier.ok_or_else(|| {
                    Error::BadRequest(
                        "a stored profile belongs to a supplier: name the supplier".into(),
                    )
                })?;
                let row = self.profile(supplier, &code, version)?;
                let profile = Profile::from_json(&row.body).map_err(Error::Internal)?;
                (
                    ProfileSpec::Profile {
                        profile: Box::new(profile),
                    },
                    Some(code),
                    Some(row.version),
                )
            }
            ProfileChoice::Inline(profile) => {
                check_profile(&self.catalog, &profile)?;
                (ProfileSpec::Profile { profile }, None, None)
            }
            ProfileChoice::Akeneo => (ProfileSpec::Akeneo, Some("akeneo".to_string()), None),
        };
        let settings = serde_json::to_string(&Settings {
            spec,
            encoding,
            received: received.clone(),
        })?;
        let facts = serde_json::json!({"notes": received.refused}).to_string();
        self.catalog.db().write(|conn| {
            imports::create(
                conn,
                &NewImport {
                    supplier,
                    file_name: &received.file_name,
                    file_hash: &received.hash,
                    file_bytes: received.bytes as i64,
                    profile_code: code.as_deref(),
                    profile_version: version,
                    settings: &settings,
                    dry_run,
                    facts: &facts,
                    actor,
                    queued_at: now(),
                },
            )
        })
    }

    /// Runs a queued import on this thread to its end.
    pub fn execute(
        &self,
        id: i64,
        origin: &Origin,
        on_progress: &mut dyn FnMut(&Counts),
    ) -> Result<Counts> {
        let row = self.import(id)?;
        if row.state != "queued" {
            return Err(Error::BadRequest(format!(
                "import {id} is {}, not queued",
                row.state
            )));
        }
        let settings: Settings = serde_json::from_str(&row.settings)?;
        let read = ReadOptions {
            encoding: decode::parse_label(settings.encoding.as_deref().unwrap_or(""))?,
            ..ReadOptions::default()
        };
        let report = self.report_path(id);
        Run {
            catalog: &self.catalog,
            import_id: id,
            file: &settings.received.csv,
            spec: &settings.spec,
            read,
            dry_run: row.dry_run,
            supplier: row.supplier.as_deref(),
            assets: settings.received.assets.clone(),
            origin,
            report: &report,
        }
        .execute(on_progress)
    }

    /// Runs a queued import on a background thread.
    pub fn spawn(self: &Arc<Self>, id: i64, origin: Origin) {
        let importer = self.clone();
        std::thread::Builder::new()
            .name(format!("import-{id}"))
            .spawn(move || {
                // The outcome, failures included, is recorded on the import's row.
                if let Err(e) = importer.execute(id, &origin, &mut |_| {}) {
                    tracing::warn!(import = id, error = %e, "import failed");
                }
            })
            .expect("spawning an import thread");
    }

    /// Queues the same file, profile and settings again as a new run (after a failure, or to
    /// commit what a dry run showed).
    pub fn rerun(&self, id: i64, dry_run: bool, actor: &str) -> Result<i64> {
        let row = self.import(id)?;
        let settings: Settings = serde_json::from_str(&row.settings)?;
        let settings_json = serde_json::to_string(&settings)?;
        self.catalog.db().write(|conn| {
            imports::create(
                conn,
                &NewImport {
                    supplier: row.supplier.as_deref(),
                    file_name: &row.file_name,
                    file_hash: &row.file_hash,
                    file_bytes: row.file_bytes,
                    profile_code: row.profile_code.as_deref(),
                    profile_version: row.profile_version,
                    settings: &settings_json,
                    dry_run,
                    facts: "{}",
                    actor,
                    queued_at: now(),
                },
            )
        })
    }

    pub fn import(&self, id: i64) -> Result<ImportRow> {
        self.catalog
            .db()
            .read(|c| imports::find(c, id))?
            .ok_or_else(|| Error::NotFound(format!("import {id} not found")))
    }

    pub fn imports(&self, supplier: Option<&str>, limit: i64) -> Result<Vec<ImportRow>> {
        self.catalog
            .db()
            .read(|c| imports::recent(c, supplier, limit))
    }

    pub fn rows(
        &self,
        id: i64,
        status: Option<&str>,
        after_line: i64,
        limit: i64,
    ) -> Result<Vec<RowOutcome>> {
        self.catalog
            .db()
            .read(|c| imports::rows(c, id, status, after_line, limit))
    }

    /// The rejected rows of a run as CSV, when it had any.
    pub fn report_path(&self, id: i64) -> PathBuf {
        self.dir.join("reports").join(format!("{id}-rejected.csv"))
    }

    /// Marks interrupted runs as failed now and then every half minute, so a run whose process
    /// was killed is reported as failed, with what it committed, soon after.
    pub fn spawn_watchdog(self: &Arc<Self>) {
        let importer = self.clone();
        std::thread::Builder::new()
            .name("import-watchdog".into())
            .spawn(move || {
                loop {
                    if let Err(e) = importer.recover() {
                        tracing::warn!(error = %e, "checking for interrupted imports failed");
                    }
                    std::thread::sleep(std::time::Duration::from_secs(30));
                }
            })
            .expect("spawning the import watchdog");
    }

    /// Marks runs whose process died as failed; returns their ids.
    pub fn recover(&self) -> Result<Vec<i64>> {
        let at = now();
        let stale = at - chrono::Duration::seconds(STALE_AFTER_SECONDS);
        let ids = self
            .catalog
            .db()
            .write(|c| imports::fail_stale(c, stale, at))?;
        for id in &ids {
            tracing::warn!(import = id, "import interrupted: marked failed");
        }
        Ok(ids)
    }
}

/// A profile compiled against a header made of its own columns: every reference to the
/// structure is checked without a file.
fn check_profile(catalog: &Catalog, profile: &Profile) -> Result<()> {
    let mut header: Vec<String> = Vec::new();
    for c in profile.columns() {
        if !header.iter().any(|h| h == c) {
            header.push(c.to_string());
        }
    }
    decode::parse_label(profile.encoding.as_deref().unwrap_or(""))?;
    super::sniff::parse_delimiter(profile.delimiter.as_deref().unwrap_or(""))
        .map_err(|e| Error::field(FieldError::invalid("profile.delimiter", e)))?;
    Mapper::compile(profile, &header, catalog.structure()?, false).map(|_| ())
}

fn io_error(e: std::io::Error) -> Error {
    Error::Internal(format!("import files: {e}"))
}
