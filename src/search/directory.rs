//! Where a catalog's search indexes live: `<data_dir>/search/` holds one directory per build
//! (`index-<time>`) and the file `CURRENT` naming the one in use. A rebuild writes a new
//! directory and then swaps `CURRENT`, so readers never see a half-built index.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, ReloadPolicy};

use super::analyzers;
use super::schema::{self, Fields, SCHEMA_VERSION};
use crate::error::{Error, Result};

const CURRENT: &str = "CURRENT";

pub fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("search index: {e}"))
}

#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    pub fn new(data_dir: &Path) -> Layout {
        Layout {
            root: data_dir.join("search"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// The name of the index in use, if any.
    pub fn current(&self) -> Result<Option<String>> {
        match std::fs::read_to_string(self.root.join(CURRENT)) {
            Ok(name) => Ok(Some(name.trim().to_string()).filter(|n| !n.is_empty())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(internal(e)),
        }
    }

    /// Makes `name` the index in use, atomically.
    pub fn set_current(&self, name: &str) -> Result<()> {
        let tmp = self.root.join(format!("{CURRENT}.tmp"));
        std::fs::write(&tmp, format!("{name}\n")).map_err(internal)?;
        std::fs::rename(&tmp, self.root.join(CURRENT)).map_err(internal)
    }

    /// A fresh, empty index directory.
    pub fn create(&self) -> Result<OpenIndex> {
        std::fs::create_dir_all(&self.root).map_err(internal)?;
        let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S-%6f");
        let name = format!("index-{stamp}");
        let path = self.path(&name);
        std::fs::create_dir_all(&path).map_err(internal)?;
        let index = Index::create_in_dir(&path, schema::build()).map_err(internal)?;
        OpenIndex::new(name, index)
    }

    /// The index in use, created when there is none or when it holds another schema version.
    pub fn open_current(&self) -> Result<OpenIndex> {
        if let Some(name) = self.current()? {
            let path = self.path(&name);
            if path.is_dir() {
                let index = Index::open_in_dir(&path).map_err(internal)?;
                let open = OpenIndex::new(name, index)?;
                if open.position()?.schema == SCHEMA_VERSION {
                    return Ok(open);
                }
                tracing::info!(index = %open.name, "search index has an older schema: rebuilding");
            }
        }
        let open = self.create()?;
        self.set_current(&open.name)?;
        Ok(open)
    }

    /// Deletes index directories other than `keep` that no process is writing to: leftovers of
    /// a swap or of an interrupted rebuild. A rebuild in progress holds its writer lock and stays.
    pub fn remove_unused(&self, keep: &str) {
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == keep || !name.starts_with("index-") || !entry.path().is_dir() {
                continue;
            }
            if is_unused(&entry.path()) {
                match std::fs::remove_dir_all(entry.path()) {
                    Ok(()) => tracing::info!(index = %name, "removed unused search index"),
                    Err(e) => {
                        tracing::warn!(index = %name, error = %e, "cannot remove unused search index")
                    }
                }
            }
        }
    }
}

/// Whether no writer holds the index at `path` (one would hold its lock file).
fn is_unused(path: &Path) -> bool {
    let Ok(dir) = MmapDirectory::open(path) else {
        return true;
    };
    let Ok(index) = Index::open(dir) else {
        return true;
    };
    index
        .writer_with_num_threads::<tantivy::TantivyDocument>(1, 15_000_000)
        .is_ok()
}

/// What a commit records: how far into the change log the index reflects, and the schema
/// version it was built with. `seq` is absent while a first build is under way.
/// `deferred_from` is the first event about many products at once (a quality recompute, a
/// supplier's feed) whose products are not all refreshed yet: after a restart the indexer reads
/// such events again from there.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub seq: Option<i64>,
    pub schema: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferred_from: Option<i64>,
}

impl Position {
    pub fn at(seq: i64) -> Position {
        Position {
            seq: Some(seq),
            schema: SCHEMA_VERSION,
            deferred_from: None,
        }
    }

    pub fn building() -> Position {
        Position {
            seq: None,
            schema: SCHEMA_VERSION,
            deferred_from: None,
        }
    }

    /// The change-log position searchers may rely on: before the first deferred event.
    pub fn searchable(&self) -> i64 {
        let seq = self.seq.unwrap_or(0);
        self.deferred_from.map_or(seq, |from| seq.min(from - 1))
    }

    pub fn payload(&self) -> String {
        serde_json::to_string(self).expect("positions serialize")
    }
}

/// An opened index with its analyzers registered and a reader that reloads on demand.
pub struct OpenIndex {
    pub name: String,
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
}

impl OpenIndex {
    pub fn new(name: String, index: Index) -> Result<OpenIndex> {
        analyzers::register(&index);
        let fields = schema::fields(&index.schema()).map_err(internal)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(internal)?;
        Ok(OpenIndex {
            name,
            index,
            reader,
            fields,
        })
    }

    /// The position stored with the last commit; an index never committed is a new build.
    pub fn position(&self) -> Result<Position> {
        let metas = self.index.load_metas().map_err(internal)?;
        Ok(match metas.payload {
            Some(p) => serde_json::from_str(&p).unwrap_or(Position {
                seq: None,
                schema: 0,
                deferred_from: None,
            }),
            None => Position::building(),
        })
    }
}
