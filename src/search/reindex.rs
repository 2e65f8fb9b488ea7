//! Building an index from the database: every product read in id order with the product
//! models above it, turned into documents while tantivy indexes the previous ones. Used for a
//! node's first build and by `pim reindex`, which builds a new index beside the one in use and
//! swaps it in when done. Also the raw-tantivy baseline `pim reindex --compare-raw` measures.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use tantivy::{IndexWriter, TantivyDocument};

use super::directory::{Layout, OpenIndex, Position, internal};
use super::document::{self, Source};
use crate::catalog::Structure;
use crate::catalog::codes::sku_key;
use crate::error::{Error, Result};
use crate::service::Catalog;
use crate::service::reads::ancestors_of;
use crate::store;
use crate::store::models::StoredModel;
use crate::store::products::{ProductFilter, StoredProduct};

/// Products read per database query.
const PAGE: i64 = 1000;
/// Threads turning products into documents.
const BUILDERS: usize = 2;
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

/// A page of products with the models above them and the suppliers of each (by product id).
type Page = (
    Vec<StoredProduct>,
    HashMap<i64, StoredModel>,
    HashMap<i64, Vec<String>>,
);

/// The suppliers whose feeds carried each product, by product id.
pub fn suppliers_of(
    catalog: &Catalog,
    products: &[StoredProduct],
) -> Result<HashMap<i64, Vec<String>>> {
    let ids: HashMap<String, i64> = products
        .iter()
        .map(|p| (sku_key(&p.product.sku), p.id))
        .collect();
    let keys: Vec<String> = ids.keys().cloned().collect();
    let by_key = catalog
        .db()
        .read(|c| store::suppliers::of_products(c, &keys))?;
    Ok(by_key
        .into_iter()
        .filter_map(|(key, suppliers)| Some((*ids.get(&key)?, suppliers)))
        .collect())
}

/// Calls `each` with the document of every product. A reader thread fetches pages in id order
/// while two builder threads turn them into documents (`each` runs on the builders, in no
/// particular order). Stops early, returning false, when `stop` says so.
pub fn documents(
    catalog: &Catalog,
    structure: &Structure,
    open: &OpenIndex,
    stop: &(dyn Fn() -> bool + Sync),
    each: &(dyn Fn(TantivyDocument) -> Result<()> + Sync),
) -> Result<bool> {
    let (pages, incoming) = mpsc::sync_channel::<Result<Page>>(4);
    let incoming = Mutex::new(incoming);
    // Set when the builders stop early, so the reader does not wait on a full queue forever.
    let quit = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let quit = &quit;
        scope.spawn(move || {
            let mut after = 0;
            loop {
                let page = catalog
                    .db()
                    .read(|c| store::products::list(c, &ProductFilter::default(), after, PAGE))
                    .and_then(|products| {
                        let parents: Vec<i64> =
                            products.iter().filter_map(|p| p.parent_id).collect();
                        let models = catalog.model_chains(&parents)?;
                        let suppliers = suppliers_of(catalog, &products)?;
                        Ok((products, models, suppliers))
                    });
                let done = match &page {
                    Ok((products, _, _)) => {
                        after = products.last().map_or(after, |p| p.id);
                        (products.len() as i64) < PAGE
                    }
                    Err(_) => true,
                };
                if !offer(&pages, page, quit) || done {
                    break;
                }
            }
        });
        let builders: Vec<_> = (0..BUILDERS)
            .map(|_| {
                scope.spawn(|| {
                    let outcome = build_pages(&incoming, structure, open, stop, each);
                    quit.store(true, Ordering::Relaxed);
                    outcome
                })
            })
            .collect();
        let mut finished = true;
        for builder in builders {
            finished &= builder.join().expect("document builder panicked")?;
        }
        Ok(finished)
    })
}

/// Hands a page to the builders; false when they are gone or gave up.
fn offer(
    pages: &mpsc::SyncSender<Result<Page>>,
    mut page: Result<Page>,
    quit: &AtomicBool,
) -> bool {
    loop {
        match pages.try_send(page) {
            Ok(()) => return true,
            Err(mpsc::TrySendError::Disconnected(_)) => return false,
            Err(mpsc::TrySendError::Full(back)) => {
                if quit.load(Ordering::Relaxed) {
                    return false;
                }
                page = back;
                std::thread::sleep(Duration::from_millis(2));
            }
        }
    }
}

/// One builder: pages from the queue until it closes (true) or `stop` says so (false).
fn build_pages(
    incoming: &Mutex<mpsc::Receiver<Result<Page>>>,
    structure: &Structure,
    open: &OpenIndex,
    stop: &(dyn Fn() -> bool + Sync),
    each: &(dyn Fn(TantivyDocument) -> Result<()> + Sync),
) -> Result<bool> {
    loop {
        let next = incoming.lock().expect("page queue lock").recv();
        let Ok(page) = next else { return Ok(true) };
        if stop() {
            return Ok(false);
        }
        let (products, models, suppliers) = page?;
        for product in &products {
            let source = Source {
                product,
                chain: ancestors_of(product.parent_id, &models),
                suppliers: suppliers.get(&product.id).map_or(&[], Vec::as_slice),
            };
            each(document::build(structure, &open.fields, &source))?;
        }
    }
}

/// Replaces the whole content of `writer`'s index with the database's products and commits
/// with the change-log position read before the first product was. Events after that position
/// are applied again by the indexer, which is harmless: applying one twice gives the same
/// document. `progress` hears the number of documents added now and then.
pub fn fill(
    catalog: &Catalog,
    open: &OpenIndex,
    writer: &mut IndexWriter,
    stop: &(dyn Fn() -> bool + Sync),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Option<i64>> {
    let head = catalog.change_head()?;
    let (_, structure) = load_structure(catalog)?;
    writer.delete_all_documents().map_err(internal)?;
    let done = AtomicU64::new(0);
    let shared: &IndexWriter = writer;
    let finished = documents(catalog, &structure, open, stop, &|doc| {
        shared.add_document(doc).map_err(internal)?;
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        if n % 1000 == 0 {
            progress(n);
        }
        Ok(())
    })?;
    progress(done.load(Ordering::Relaxed));
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
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Rebuilt> {
    let started = Instant::now();
    let layout = Layout::new(data_dir);
    let old = layout.current()?;
    let open = layout.create()?;
    let mut writer: IndexWriter = open
        .index
        .writer_with_num_threads(build_threads(), BUILD_MEMORY)
        .map_err(internal)?;
    let products = AtomicU64::new(0);
    let position = fill(catalog, &open, &mut writer, &|| false, &|n| {
        products.store(n, Ordering::Relaxed);
        progress(n)
    })?
    .ok_or_else(|| Error::Internal("search index rebuild was interrupted".into()))?;
    let products = products.load(Ordering::Relaxed);
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
    let docs = Mutex::new(Vec::new());
    documents(catalog, &structure, &scratch, &|| false, &|doc| {
        docs.lock().expect("documents lock").push(doc);
        Ok(())
    })?;
    let docs = docs.into_inner().expect("documents lock");
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
