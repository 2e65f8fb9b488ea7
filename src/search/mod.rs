//! Full-text search and faceted filtering on tantivy. The index is a follower of the change log:
//! this node's indexer thread applies each event and records its position with every commit,
//! so it resumes after a restart and several nodes each keep their own index. Queries, filters,
//! facets and sorts are answered here for the GraphQL `search` query and the `products` listing.
//! Errors are the service's `Error`; tantivy's are internal.

pub mod analyzers;
mod collector;
pub mod directory;
pub mod document;
mod execute;
mod filters;
mod indexer;
pub mod query;
pub mod reindex;
pub mod request;
pub mod schema;

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::catalog::Structure;
use crate::error::Result;
use crate::service::Catalog;
use directory::{Layout, OpenIndex};
pub use execute::tantivy_only;
pub use request::{
    AttributeFilter, CompletenessBands, CompletenessFilter, FacetKind, FacetRequest, FacetResult,
    FacetValue, Filters, Highlight, Hit, SearchPage, SearchRequest, Sort, SortField,
};

/// The search index of one catalog on this node.
pub struct Search {
    shared: Arc<Shared>,
    catalog: Arc<Catalog>,
    worker: Mutex<Option<JoinHandle<()>>>,
}

/// What the indexer thread and the searchers share.
pub(crate) struct Shared {
    layout: Layout,
    current: RwLock<Arc<OpenIndex>>,
    /// The change-log position searchers see.
    searchable: Mutex<i64>,
    caught_up: Condvar,
    stop: Mutex<bool>,
    wake: Condvar,
}

impl Shared {
    fn current(&self) -> Arc<OpenIndex> {
        self.current.read().expect("search index lock").clone()
    }

    fn replace(&self, open: Arc<OpenIndex>) {
        *self.current.write().expect("search index lock") = open;
    }

    fn publish(&self, seq: i64) {
        *self.searchable.lock().expect("search position lock") = seq;
        self.caught_up.notify_all();
    }

    fn stopped(&self) -> bool {
        *self.stop.lock().expect("search stop lock")
    }

    /// Sleeps up to `d`, waking early when asked to stop.
    fn pause(&self, d: Duration) {
        let stop = self.stop.lock().expect("search stop lock");
        if !*stop {
            let _ = self.wake.wait_timeout(stop, d);
        }
    }
}

impl Search {
    /// Opens (or creates) the index under `<data_dir>/search`; the indexer starts with `start`.
    pub fn open(data_dir: &Path, catalog: Arc<Catalog>) -> Result<Search> {
        let layout = Layout::new(data_dir);
        let open = layout.open_current()?;
        layout.remove_unused(&open.name);
        let position = open.position()?.searchable();
        Ok(Search {
            shared: Arc::new(Shared {
                layout,
                current: RwLock::new(Arc::new(open)),
                searchable: Mutex::new(position),
                caught_up: Condvar::new(),
                stop: Mutex::new(false),
                wake: Condvar::new(),
            }),
            catalog,
            worker: Mutex::new(None),
        })
    }

    /// Starts following the change log on a thread of its own; stops when `self` is dropped.
    pub fn start(&self) -> Result<()> {
        let mut worker = self.worker.lock().expect("search worker lock");
        if worker.is_none() {
            let shared = self.shared.clone();
            let catalog = self.catalog.clone();
            let handle = std::thread::Builder::new()
                .name("search-indexer".into())
                .spawn(move || indexer::run(shared, catalog))
                .map_err(directory::internal)?;
            *worker = Some(handle);
        }
        Ok(())
    }

    /// The change-log position the index answers from.
    pub fn position(&self) -> i64 {
        *self.shared.searchable.lock().expect("search position lock")
    }

    /// Waits until the index reflects change-log position `seq`; false on timeout.
    pub fn wait_for(&self, seq: i64, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut at = self.shared.searchable.lock().expect("search position lock");
        while *at < seq {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            at = self
                .shared
                .caught_up
                .wait_timeout(at, left)
                .expect("search position lock")
                .0;
        }
        true
    }

    /// Answers one search; blocking (run it off the async executor).
    pub fn search(&self, structure: &Structure, request: &SearchRequest) -> Result<SearchPage> {
        let open = self.shared.current();
        execute::run(&open, self.position(), structure, &self.catalog, request)
    }

    /// Ids of the products matching `filters` after id `after`, in id order, at most `limit`;
    /// whether more follow; and how many match in all. The `products` listing uses this for
    /// the filters only the index can answer.
    pub fn product_ids(
        &self,
        structure: &Structure,
        filters: &Filters,
        after: i64,
        limit: usize,
    ) -> Result<(Vec<i64>, bool, u64)> {
        let open = self.shared.current();
        execute::ids(&open, structure, filters, after, limit)
    }

    /// The index in use, for measuring queries directly on tantivy.
    pub fn index(&self) -> Arc<OpenIndex> {
        self.shared.current()
    }
}

impl Drop for Search {
    fn drop(&mut self) {
        *self.shared.stop.lock().expect("search stop lock") = true;
        self.shared.wake.notify_all();
        if let Some(handle) = self.worker.lock().expect("search worker lock").take() {
            let _ = handle.join();
        }
    }
}
