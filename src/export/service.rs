//! The export service every entry point shares (GraphQL, the feed endpoint, the CLI, the
//! scheduler): the channel registry (built-in definitions, files, database edits), running
//! exports with their history, and consumers' cursors.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDateTime;

use super::definition::{ChannelDefinition, Delivery, Format};
use super::rendition::RenditionCache;
use super::run::{self, MAX_ISSUES, Progress, Summary};
use crate::error::{Error, FieldError, Result};
use crate::service::{Catalog, now};
use crate::store::exports::{self as repo, NewRun, RunRow};

/// The definitions shipped in `channels/`, built into the binary.
const BUILT_IN: [(&str, &str); 12] = [
    ("google.json", include_str!("../../channels/google.json")),
    (
        "google_tsv.json",
        include_str!("../../channels/google_tsv.json"),
    ),
    ("meta.json", include_str!("../../channels/meta.json")),
    ("shopify.json", include_str!("../../channels/shopify.json")),
    (
        "woocommerce.json",
        include_str!("../../channels/woocommerce.json"),
    ),
    ("amazon.json", include_str!("../../channels/amazon.json")),
    ("allegro.json", include_str!("../../channels/allegro.json")),
    ("ozon.json", include_str!("../../channels/ozon.json")),
    (
        "wildberries.json",
        include_str!("../../channels/wildberries.json"),
    ),
    (
        "catalog_csv.json",
        include_str!("../../channels/catalog_csv.json"),
    ),
    (
        "catalog_json.json",
        include_str!("../../channels/catalog_json.json"),
    ),
    (
        "catalog_ndjson.json",
        include_str!("../../channels/catalog_ndjson.json"),
    ),
];

/// Where a definition in force comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    File,
    Database,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::BuiltIn => "built_in",
            Origin::File => "file",
            Origin::Database => "database",
        }
    }
}

#[derive(Debug, Clone)]
pub struct StoredChannel {
    pub definition: ChannelDefinition,
    pub origin: Origin,
    /// When the database copy was saved.
    pub updated: Option<NaiveDateTime>,
}

pub struct Exports {
    catalog: Arc<Catalog>,
    renditions: RenditionCache,
    files: BTreeMap<String, (ChannelDefinition, Origin)>,
}

fn parse(name: &str, text: &str) -> Result<ChannelDefinition> {
    serde_json::from_str(text).map_err(|e| {
        Error::field(FieldError::invalid(
            name,
            format!("invalid channel definition {name}: {e}"),
        ))
    })
}

/// The built-in definitions as (file name, JSON).
pub fn built_in() -> &'static [(&'static str, &'static str)] {
    &BUILT_IN
}

impl Exports {
    /// The built-in definitions, then every `*.json` in `dir` (same code: the file wins).
    pub fn open(catalog: Arc<Catalog>, dir: Option<&Path>, data_dir: &Path) -> Result<Exports> {
        let mut files = BTreeMap::new();
        for (name, text) in BUILT_IN {
            let def = parse(name, text)?;
            files.insert(def.code.clone(), (def, Origin::BuiltIn));
        }
        if let Some(dir) = dir {
            let entries = std::fs::read_dir(dir).map_err(|e| {
                Error::Unavailable(format!(
                    "cannot read the channels directory {}: {e}",
                    dir.display()
                ))
            })?;
            let mut paths: Vec<_> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            paths.sort();
            for path in paths {
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    Error::Unavailable(format!("cannot read {}: {e}", path.display()))
                })?;
                let def = parse(&path.display().to_string(), &text)?;
                let origin = match files.get(&def.code) {
                    Some((builtin, Origin::BuiltIn)) if *builtin == def => Origin::BuiltIn,
                    _ => Origin::File,
                };
                files.insert(def.code.clone(), (def, origin));
            }
        }
        Ok(Exports {
            catalog,
            renditions: RenditionCache::new(data_dir.join("renditions")),
            files,
        })
    }

    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    /// Every channel in force, by code.
    pub fn list(&self) -> Result<Vec<StoredChannel>> {
        let mut all: BTreeMap<String, StoredChannel> = self
            .files
            .iter()
            .map(|(code, (def, origin))| {
                (
                    code.clone(),
                    StoredChannel {
                        definition: def.clone(),
                        origin: *origin,
                        updated: None,
                    },
                )
            })
            .collect();
        for (code, text, updated) in self.catalog.db().read(repo::channels)? {
            all.insert(
                code.clone(),
                StoredChannel {
                    definition: parse(&code, &text)?,
                    origin: Origin::Database,
                    updated: Some(updated),
                },
            );
        }
        Ok(all.into_values().collect())
    }

    pub fn get(&self, code: &str) -> Result<StoredChannel> {
        self.list()?
            .into_iter()
            .find(|c| c.definition.code == code)
            .ok_or_else(|| Error::NotFound(format!("unknown export channel {code:?}")))
    }

    /// Checks a definition against the catalog and stores it over any file of the same code.
    pub fn save(&self, def: ChannelDefinition) -> Result<StoredChannel> {
        let structure = self.catalog.structure()?;
        let errors = def.check(&structure);
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let text = serde_json::to_string_pretty(&def)?;
        let at = now();
        self.catalog
            .db()
            .write(|conn| repo::save_channel(conn, &def.code, &text, at))?;
        Ok(StoredChannel {
            definition: def,
            origin: Origin::Database,
            updated: Some(at),
        })
    }

    /// Drops the database copy: the file's definition applies again (or none).
    pub fn reset(&self, code: &str) -> Result<bool> {
        self.catalog
            .db()
            .write(|conn| repo::delete_channel(conn, code))
    }

    /// Runs an export to `out` and records it in the history (failures too).
    #[allow(clippy::too_many_arguments)]
    pub fn run(
        &self,
        def: &ChannelDefinition,
        format: Format,
        since: Option<i64>,
        out: &mut dyn Write,
        actor: &str,
        destination: &str,
        progress: Progress<'_>,
    ) -> Result<Summary> {
        let started = now();
        let outcome = run::export(&self.catalog, def, format, since, out, progress);
        let (summary, error) = match &outcome {
            Ok(s) => (s.clone(), None),
            Err(e) => (
                Summary {
                    channel: def.code.clone(),
                    format: format.as_str().into(),
                    since,
                    ..Summary::default()
                },
                Some(e.to_string()),
            ),
        };
        let issues: Vec<_> = summary.issues.iter().take(MAX_ISSUES).collect();
        let row = NewRun {
            channel: def.code.clone(),
            format: summary.format.clone(),
            since_seq: since,
            until_seq: summary.cursor,
            exported: summary.exported as i64,
            rejected: summary.rejected as i64,
            deleted: summary.deleted as i64,
            issues: serde_json::to_string(&issues)?,
            actor: actor.to_string(),
            destination: destination.to_string(),
            error,
            started,
            finished: now(),
        };
        self.catalog
            .db()
            .write(|conn| repo::record_run(conn, &row))?;
        outcome
    }

    pub fn runs(&self, channel: Option<&str>, limit: i64) -> Result<Vec<RunRow>> {
        self.catalog
            .db()
            .read(|conn| repo::runs(conn, channel, limit))
    }

    pub fn cursor(&self, consumer: &str, channel: &str) -> Result<Option<i64>> {
        self.catalog
            .db()
            .read(|conn| repo::cursor(conn, consumer, channel))
    }

    pub fn set_cursor(&self, consumer: &str, channel: &str, seq: i64) -> Result<()> {
        let at = now();
        self.catalog
            .db()
            .write(|conn| repo::set_cursor(conn, consumer, channel, seq, at))
    }

    /// A channel's rendition of an asset (made once, then served from the cache).
    pub fn rendition(&self, def: &ChannelDefinition, hash: &str) -> Result<PathBuf> {
        let spec = def
            .images
            .as_ref()
            .and_then(|i| i.rendition.as_ref())
            .ok_or_else(|| {
                Error::NotFound(format!("channel {} sends no image renditions", def.code))
            })?;
        self.renditions.get(self.catalog.assets(), hash, spec)
    }

    /// Writes the renditions of `hashes` into `dir` as `<hash>.<ext>`; returns how many were
    /// written. An image that cannot be rendered is logged and skipped.
    pub fn write_images<'a>(
        &self,
        def: &ChannelDefinition,
        hashes: impl IntoIterator<Item = &'a String>,
        dir: &Path,
    ) -> Result<u64> {
        let io = |e: std::io::Error| {
            Error::Unavailable(format!("cannot write images to {}: {e}", dir.display()))
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut written = 0;
        for hash in hashes {
            match self.rendition(def, hash) {
                Ok(cached) => {
                    let target = dir.join(cached.file_name().expect("renditions have names"));
                    if !target.exists() {
                        std::fs::hard_link(&cached, &target)
                            .or_else(|_| std::fs::copy(&cached, &target).map(|_| ()))
                            .map_err(io)?;
                    }
                    written += 1;
                }
                Err(e) => {
                    tracing::warn!(channel = %def.code, hash = %hash, error = %e, "no rendition")
                }
            }
        }
        Ok(written)
    }

    /// Runs the full exports whose delivery is due: each channel with a directory and an
    /// interval, last delivered longer ago than its interval, writes `<directory>/<code>.<ext>`
    /// (beside it first, renamed when complete). Returns the channels delivered.
    pub fn run_scheduled(&self) -> Result<Vec<String>> {
        let mut delivered = Vec::new();
        for channel in self.list()? {
            let def = channel.definition;
            let Some(Delivery {
                directory: Some(dir),
                every_minutes: Some(every),
            }) = def.delivery.clone()
            else {
                continue;
            };
            let destination = format!("scheduled:{dir}");
            let last = self
                .runs(Some(&def.code), 50)?
                .into_iter()
                .find(|r| r.destination == destination);
            let due = last
                .is_none_or(|r| now() - r.started >= chrono::TimeDelta::minutes(i64::from(every)));
            if !due {
                continue;
            }
            let dir = PathBuf::from(dir);
            let io = |e: std::io::Error| {
                Error::Unavailable(format!("cannot write to {}: {e}", dir.display()))
            };
            std::fs::create_dir_all(&dir).map_err(io)?;
            let path = dir.join(format!("{}.{}", def.code, def.format.extension()));
            let partial = path.with_extension("partial");
            let mut out = std::io::BufWriter::new(std::fs::File::create(&partial).map_err(io)?);
            let outcome = self.run(
                &def,
                def.format,
                None,
                &mut out,
                "scheduler",
                &destination,
                &mut |_, _| {},
            );
            match outcome {
                Ok(summary) => {
                    out.into_inner()
                        .map_err(|e| io(e.into_error()))?
                        .sync_all()
                        .map_err(io)?;
                    // Images first: a feed never names an image that is not there yet.
                    if !summary.images.is_empty() {
                        self.write_images(&def, &summary.images, &dir.join("images"))?;
                    }
                    std::fs::rename(&partial, &path).map_err(io)?;
                    delivered.push(def.code.clone());
                }
                Err(e) => {
                    drop(out);
                    let _ = std::fs::remove_file(&partial);
                    tracing::error!(channel = %def.code, error = %e, "scheduled export failed");
                }
            }
        }
        Ok(delivered)
    }

    /// The change log's head and when it moved, for validators of a feed.
    pub fn head(&self) -> Result<(i64, Option<NaiveDateTime>)> {
        self.catalog.db().read(|conn| {
            let head = crate::store::changes::head(conn)?;
            Ok((head, repo::changed_at(conn, head)?))
        })
    }
}

/// Checks for due scheduled exports every minute, on a thread of its own.
pub fn spawn_scheduler(exports: Arc<Exports>) {
    std::thread::Builder::new()
        .name("export-scheduler".into())
        .spawn(move || {
            loop {
                match exports.run_scheduled() {
                    Ok(done) if !done.is_empty() => {
                        tracing::info!(channels = ?done, "scheduled exports delivered")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "scheduled exports failed"),
                }
                std::thread::sleep(std::time::Duration::from_secs(60));
            }
        })
        .expect("spawn the export scheduler");
}
