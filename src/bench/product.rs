//! `pim bench product`: single-product reads by SKU at a constant request rate (open loop).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::json;

use super::{Report, Tally, Target};
use crate::generate::{self, Rng};

/// A product as a storefront would read it: identity, family, and its values for one locale
/// and channel, inherited ones included.
const QUERY: &str = r#"query($sku: String!) { product(sku: $sku) { sku enabled family { code } values(locale: "en_US", channel: "ecommerce") { attribute locale channel data inherited } } }"#;

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    /// Requests per second, sent on schedule whether or not earlier ones have been answered.
    #[arg(long, default_value_t = 2000.0)]
    pub rate: f64,
    /// Seconds to send for.
    #[arg(long, default_value_t = 20.0)]
    pub duration: f64,
    /// Most connections open at once; requests beyond them queue in the client, on the clock.
    #[arg(long, default_value_t = 16)]
    pub connections: usize,
}

#[derive(Deserialize)]
struct Data {
    product: Option<Product>,
}

#[derive(Deserialize)]
struct Product {
    sku: String,
    values: Vec<IgnoredAny>,
}

/// Sends request k at `start + k / rate` and measures it from then, not from when it was sent:
/// a request held up behind a slow one is charged the wait (no coordinated omission).
pub async fn run(base: &str, args: &Args, command: String) -> anyhow::Result<Report> {
    if !(args.rate > 0.0 && args.duration > 0.0) {
        anyhow::bail!("--rate and --duration must be positive");
    }
    if args.target.products == 0 || args.connections == 0 {
        anyhow::bail!("--products and --connections must be at least 1");
    }
    let timeout = Duration::from_secs(args.target.timeout);
    let client = super::client(args.connections, timeout, &args.target.token);
    super::preflight(&client, base, args.target.products).await?;
    let total = (args.rate * args.duration).round() as u64;
    eprintln!("sending {total} requests at {} req/s to {base}", args.rate);
    let endpoint = Rc::new(super::endpoint(base));
    let mut rng = Rng::new(args.target.seed);
    let start = Instant::now();
    let tally = Rc::new(RefCell::new(Tally::new(start, total as usize)));
    let mut tasks = Vec::with_capacity(total as usize);
    let mut lag = Duration::ZERO;
    let mut k = 0;
    while k < total {
        let now = Instant::now();
        // Timers tick in milliseconds, coarser than the gap between requests: send everything
        // that is due, then sleep until the next one is.
        while k < total {
            let due = start + Duration::from_secs_f64(k as f64 / args.rate);
            if due > now {
                actix_web::rt::time::sleep_until(due.into()).await;
                break;
            }
            lag = lag.max(now - due);
            let sku = generate::sku(rng.next_u64() % args.target.products);
            tally.borrow_mut().sent += 1;
            tasks.push(actix_web::rt::spawn(request(
                client.clone(),
                endpoint.clone(),
                sku,
                due,
                tally.clone(),
            )));
            k += 1;
        }
    }
    for task in tasks {
        task.await?;
    }
    let tally = Rc::try_unwrap(tally)
        .map_err(|_| anyhow::anyhow!("requests still running"))?
        .into_inner();
    let title = format!(
        "product(sku), open loop: {} req/s for {} s over {} connections, SKUs uniform over {} products",
        args.rate, args.duration, args.connections, args.target.products
    );
    Ok(Report {
        command,
        title,
        tally,
        start,
        lag: Some(lag),
        pages: false,
    })
}

async fn request(
    client: awc::Client,
    endpoint: Rc<String>,
    sku: String,
    due: Instant,
    tally: Rc<RefCell<Tally>>,
) {
    let result = super::post::<Data>(&client, &endpoint, QUERY, json!({ "sku": sku })).await;
    let latency = due.elapsed();
    let mut tally = tally.borrow_mut();
    match result {
        Ok(reply) => {
            tally.completed(latency, reply.bytes);
            match reply.data.product {
                Some(p) if p.sku == sku => tally.held(1, p.values.len()),
                Some(p) => tally.mismatch(format!("asked for {sku}, got {}", p.sku)),
                None => tally.mismatch(format!("asked for {sku}, got none")),
            }
        }
        Err(failure) => tally.failed(failure, latency),
    }
}
