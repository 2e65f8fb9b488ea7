//! Building an index from the database: every product read in id order with the product
//! models above it, turned into documents while tantivy indexes the previous ones. Used for a
//! node's first build and by `pim reindex`, which builds a new index beside the one in use and
//! swaps it in when done. Also the raw-tantivy baseline `pim reindex --compare-raw` measures.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use tantivy::{IndexWriter, TantivyDocument};

use super::directory::{Layout, OpenIndex, Position, internal};
use super::document::{self, Source};
use crate::catalog::Structure;
use crate::error::{Error, Result};
use crate::service::Catalog;
use crate::service::reads::ancestors_of;
use crate::store;
use crate::store::models::StoredModel;
use crate::store::products::{ProductFilter, StoredProduct};

/// Products read per database query.
const PAGE: i64 = 1000;
/// Memory tantivy may use for a full build, over all its indexing threads.
const BUILD_MEMORY: usize = 512 * 1024 * 1024;

/// Indexing threads for a full build: one per core, at most four.
pub fn build_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().min(4))
}

/// The structure as stored now, and its version (the catalog's cache may be up to 500 ms old).
pub fn load_structure(catalog: &Catalog) -> Result<(i64, Structure)> {
    catalog.db().read(|conn| {
        let version = store::structure::version(conn)?;
        Ok((
            version,
            Structure::from_entities(store::structure::load_all(conn)?),
        ))
    })
}

pub fn count(catalog: &Catalog) -> Result<u64> {
    Ok(catalog
        .db()
        .read(|c| store::products::count(c, &ProductFilter::default()))? as u64)
}

type Page = (
    Vec<StoredProduct>,
    std::collections::HashMap<i64, StoredModel>,
);

/// Calls `each` with the document of every product, in id order. A reader thread fetches the
/// next page while this one builds documents. Stops early, returning false, when `stop` says so.
pub fn documents(
    catalog: &Catalog,
    structure: &Structure,
    open: &OpenIndex,
    stop: &dyn Fn() -> bool,
    mut each: impl FnMut(TantivyDocument) -> Result<()>,
) -> Result<bool> {
    std::thread::scope(|scope| {
        let (pages, incoming) = mpsc::sync_channel::<Result<Page>>(4);
        scope.spawn(move || {
            let mut after = 0;
            loop {
                let page = catalog
                    .db()
                    .read(|c| store::products::list(c, &ProductFilter::default(), after, PAGE))
                    .and_then(|products| {
                        let parents: Vec<i64> =
                            products.iter().filter_map(|p| p.parent_id).collect();
                        Ok((products, catalog.model_chains(&parents)?))
                    });
                let done = match &page {
                    Ok((products, _)) => {
                        after = products.last().map_or(after, |p| p.id);
                        (products.len() as i64) < PAGE
                    }
                    Err(_) => true,
                };
                if pages.send(page).is_err() || done {
                    break;
                }
            }
        });
        for page in incoming {
            if stop() {
                return Ok(false);
            }
            let (products, models) = page?;
            for product in &products {
                let source = Source {
                    product,
                    chain: ancestors_of(product.parent_id, &models),
                };
                each(document::build(structure, &open.fields, &source))?;
            }
        }
        Ok(true)
    })
}

/// Replaces the whole content of `writer`'s index with the database's products and commits
/// with the change-log position read before the first product was. Events after that position
/// are applied again by the indexer, which is harmless: applying one twice gives the same
/// document. Commits every `commit_every` products along the way, marked as still building.
pub fn fill(
    catalog: &Catalog,
    open: &OpenIndex,
    writer: &mut IndexWriter,
    commit_every: Option<u64>,
    stop: &dyn Fn() -> bool,
    progress: &mut dyn FnMut(u64),
) -> Result<Option<i64>> {
    let head = catalog.change_head()?;
    let (_, structure) = load_structure(catalog)?;
    writer.delete_all_documents().map_err(internal)?;
    let mut done = 0u64;
    let finished = documents(catalog, &structure, open, stop, |doc| {
        writer.add_document(doc).map_err(internal)?;
        done += 1;
        if done % 1000 == 0 {
            progress(done);
        }
        if commit_every.is_some_and(|n| done % n == 0) {
            commit(writer, Position::building())?;
        }
        Ok(())
    })?;
    progress(done);
    if !finished {
        return Ok(None);
    }
    commit(writer, Position::at(head))?;
    Ok(Some(head))
}

pub fn commit(writer: &mut IndexWriter, position: Position) -> Result<()> {
    let mut prepared = writer.prepare_commit().map_err(internal)?;
    prepared.set_payload(&position.payload());
    prepared.commit().map_err(internal)?;
    Ok(())
}

/// What `pim reindex` did.
#[derive(Debug, Clone)]
pub struct Rebuilt {
    pub name: String,
    pub products: u64,
    pub position: i64,
    pub elapsed: Duration,
    /// Whether the index it replaced could be removed now (no server was using it); a running
    /// server removes it itself once it has switched.
    pub old_removed: bool,
}

/// Builds a new index from the database beside the one in use and swaps it in. A running
/// server keeps answering from the old index until it sees the swap (within a second), then
/// follows the change log from the new index's position.
pub fn rebuild(
    data_dir: &std::path::Path,
    catalog: &Catalog,
    progress: &mut dyn FnMut(u64),
) -> Result<Rebuilt> {
    let started = Instant::now();
    let layout = Layout::new(data_dir);
    let old = layout.current()?;
    let open = layout.create()?;
    let mut writer: IndexWriter = open
        .index
        .writer_with_num_threads(build_threads(), BUILD_MEMORY)
        .map_err(internal)?;
    let mut products = 0;
    let position = fill(catalog, &open, &mut writer, None, &|| false, &mut |n| {
        products = n;
        progress(n)
    })?
    .ok_or_else(|| Error::Internal("search index rebuild was interrupted".into()))?;
    writer.wait_merging_threads().map_err(internal)?;
    layout.set_current(&open.name)?;
    let name = open.name.clone();
    drop(open);
    let old_removed = match old {
        Some(old) => {
            layout.remove_unused(&name);
            !layout.path(&old).exists()
        }
        None => true,
    };
    Ok(Rebuilt {
        name,
        products,
        position,
        elapsed: started.elapsed(),
        old_removed,
    })
}

/// The raw-tantivy baseline for `pim reindex --compare-raw`: the same documents, built into
/// memory first, then indexed into a scratch index with the same schema, analyzers, threads and
/// memory, and committed. Returns the time indexing took, building excluded.
pub fn raw_baseline(data_dir: &std::path::Path, catalog: &Catalog) -> Result<(u64, Duration)> {
    let layout = Layout::new(data_dir);
    let scratch = layout.create()?;
    let (_, structure) = load_structure(catalog)?;
    let mut docs = Vec::new();
    documents(catalog, &structure, &scratch, &|| false, |doc| {
        docs.push(doc);
        Ok(())
    })?;
    let n = docs.len() as u64;
    let started = Instant::now();
    let mut writer: IndexWriter = scratch
        .index
        .writer_with_num_threads(build_threads(), BUILD_MEMORY)
        .map_err(internal)?;
    for doc in docs {
        writer.add_document(doc).map_err(internal)?;
    }
    commit(&mut writer, Position::at(0))?;
    writer.wait_merging_threads().map_err(internal)?;
    let elapsed = started.elapsed();
    let path = layout.path(&scratch.name);
    drop(scratch);
    std::fs::remove_dir_all(path).map_err(internal)?;
    Ok((n, elapsed))
}
