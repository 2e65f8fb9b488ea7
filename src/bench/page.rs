//! `pim bench page`: pages of products from random places in the catalog, a fixed number of
//! requests in flight (closed loop), as a channel export or a storefront listing reads them.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::json;

use super::{Report, Tally, Target};
use crate::api::graphql::cursor;
use crate::generate::Rng;

const QUERY: &str = r#"query($first: Int!, $after: String) { products(first: $first, after: $after) { edges { node { sku family { code } values(locale: "en_US", channel: "ecommerce") { attribute locale channel data inherited } } } pageInfo { hasNextPage endCursor } } }"#;

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    /// Products per page.
    #[arg(long, default_value_t = 100)]
    pub first: u64,
    /// Pages to read in all.
    #[arg(long, default_value_t = 2000)]
    pub requests: u64,
    /// Requests in flight at once; each sends its next as soon as its last is answered.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
}

#[derive(Deserialize)]
struct Data {
    products: Connection,
}

#[derive(Deserialize)]
struct Connection {
    edges: Vec<Edge>,
}

#[derive(Deserialize)]
struct Edge {
    node: Node,
}

#[derive(Deserialize)]
struct Node {
    values: Vec<IgnoredAny>,
}

pub async fn run(base: &str, args: &Args, command: String) -> anyhow::Result<Report> {
    let products = args.target.products;
    if args.first == 0 || products <= args.first + 1 {
        anyhow::bail!("--first must be at least 1 and below --products minus one");
    }
    if args.requests == 0 || args.concurrency == 0 {
        anyhow::bail!("--requests and --concurrency must be at least 1");
    }
    let client = super::client(
        args.concurrency,
        Duration::from_secs(args.target.timeout),
        &args.target.token,
    );
    super::preflight(&client, base, products).await?;
    eprintln!(
        "reading {} pages of {} products, {} at a time, from {base}",
        args.requests, args.first, args.concurrency
    );
    // Product ids run 1..=products in a generated catalog; starting after an id below
    // products - first leaves a full page after it.
    let mut rng = Rng::new(args.target.seed);
    let starts: Rc<Vec<i64>> = Rc::new(
        (0..args.requests)
            .map(|_| (1 + rng.next_u64() % (products - args.first - 1)) as i64)
            .collect(),
    );
    let endpoint = Rc::new(super::endpoint(base));
    let next = Rc::new(Cell::new(0usize));
    let start = Instant::now();
    let tally = Rc::new(RefCell::new(Tally::new(start, args.requests as usize)));
    let workers: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let worker = Worker {
                client: client.clone(),
                endpoint: endpoint.clone(),
                starts: starts.clone(),
                next: next.clone(),
                tally: tally.clone(),
                first: args.first as usize,
            };
            actix_web::rt::spawn(worker.run())
        })
        .collect();
    for worker in workers {
        worker.await?;
    }
    let tally = Rc::try_unwrap(tally)
        .map_err(|_| anyhow::anyhow!("requests still running"))?
        .into_inner();
    let title = format!(
        "products(first: {}) after random cursors: {} requests, {} in flight, over {products} products",
        args.first, args.requests, args.concurrency
    );
    Ok(Report {
        command,
        title,
        tally,
        start,
        lag: None,
        pages: true,
    })
}

struct Worker {
    client: awc::Client,
    endpoint: Rc<String>,
    starts: Rc<Vec<i64>>,
    next: Rc<Cell<usize>>,
    tally: Rc<RefCell<Tally>>,
    first: usize,
}

impl Worker {
    async fn run(self) {
        loop {
            let Some(&after) = self.starts.get(self.next.get()) else {
                return;
            };
            self.next.set(self.next.get() + 1);
            self.tally.borrow_mut().sent += 1;
            let vars = json!({ "first": self.first, "after": cursor::encode("p", after) });
            let sent = Instant::now();
            let result = super::post::<Data>(&self.client, &self.endpoint, QUERY, vars).await;
            let latency = sent.elapsed();
            let mut tally = self.tally.borrow_mut();
            match result {
                Ok(reply) => {
                    tally.completed(latency, reply.bytes);
                    let edges = reply.data.products.edges;
                    tally.held(edges.len(), edges.iter().map(|e| e.node.values.len()).sum());
                    if edges.len() != self.first {
                        tally.mismatch(format!(
                            "page after id {after} held {} products, not {}",
                            edges.len(),
                            self.first
                        ));
                    }
                }
                Err(failure) => tally.failed(failure, latency),
            }
        }
    }
}
