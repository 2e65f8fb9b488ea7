//! `pim bench feed`: many consumers pulling one feed at once (closed loop: each client pulls
//! again as soon as its last pull is read whole), the time to the first byte of each body and
//! the bytes per second served, printed as a block for BENCHMARKS.md.

use std::rc::Rc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Base URL of the running service.
    #[arg(long)]
    pub url: String,
    /// The feed's path, e.g. /feeds/google_generated.xml.
    #[arg(long)]
    pub path: String,
    /// A token allowed to pull the feed (a channel consumer granted it).
    #[arg(long, env = "PIM_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Clients pulling at once.
    #[arg(long, default_value_t = 21)]
    pub clients: usize,
    /// Pulls per client.
    #[arg(long, default_value_t = 1)]
    pub rounds: usize,
    /// Seconds before a pull counts as failed.
    #[arg(long, default_value_t = 900)]
    pub timeout: u64,
}

struct Pull {
    first_byte: Duration,
    whole: Duration,
    bytes: u64,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub async fn run(args: &Args, command: &str) -> anyhow::Result<String> {
    let client = Rc::new(super::client(
        args.clients,
        Duration::from_secs(args.timeout),
        &args.token,
    ));
    let url = Rc::new(format!("{}{}", args.url.trim_end_matches('/'), args.path));
    eprintln!(
        "{} clients pulling {url} {} times each",
        args.clients, args.rounds
    );
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.clients {
        let (client, url, rounds) = (client.clone(), url.clone(), args.rounds);
        tasks.push(actix_web::rt::spawn(async move {
            let mut pulls = Vec::new();
            for _ in 0..rounds {
                let sent = Instant::now();
                let mut response = client
                    .get(url.as_str())
                    .insert_header(("accept-encoding", "identity"))
                    .send()
                    .await
                    .map_err(|e| anyhow::anyhow!("request failed: {e}"))?;
                if !response.status().is_success() {
                    anyhow::bail!("{} answered {}", url, response.status());
                }
                let mut first_byte = None;
                let mut bytes = 0u64;
                while let Some(chunk) = response.next().await {
                    let chunk = chunk.map_err(|e| anyhow::anyhow!("body failed: {e}"))?;
                    first_byte.get_or_insert_with(|| sent.elapsed());
                    bytes += chunk.len() as u64;
                }
                pulls.push(Pull {
                    first_byte: first_byte.unwrap_or_else(|| sent.elapsed()),
                    whole: sent.elapsed(),
                    bytes,
                });
            }
            Ok::<_, anyhow::Error>(pulls)
        }));
    }
    let mut pulls = Vec::new();
    for task in tasks {
        pulls.extend(task.await??);
    }
    let wall = started.elapsed();
    // The token is a secret: the printed command names where it came from instead.
    let command = command.replace(&args.token, "$PIM_TOKEN");
    let mut first: Vec<Duration> = pulls.iter().map(|p| p.first_byte).collect();
    let mut whole: Vec<Duration> = pulls.iter().map(|p| p.whole).collect();
    first.sort();
    whole.sort();
    let bytes: u64 = pulls.iter().map(|p| p.bytes).sum();
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    Ok(format!(
        "command: {command}\npulls: {} ({} clients × {}), all complete\nbytes: {bytes} ({:.1} MB per pull)\nwall: {:.1} s; throughput {:.1} MB/s, {:.2} pulls/s\ntime to first byte: p50 {}, p95 {}, max {}\nwhole pull: p50 {:.1} s, p95 {:.1} s, max {:.1} s\n",
        pulls.len(),
        args.clients,
        args.rounds,
        bytes as f64 / pulls.len().max(1) as f64 / 1e6,
        wall.as_secs_f64(),
        bytes as f64 / wall.as_secs_f64() / 1e6,
        pulls.len() as f64 / wall.as_secs_f64(),
        ms(percentile(&first, 50.0)),
        ms(percentile(&first, 95.0)),
        ms(*first.last().unwrap_or(&Duration::ZERO)),
        percentile(&whole, 50.0).as_secs_f64(),
        percentile(&whole, 95.0).as_secs_f64(),
        whole.last().unwrap_or(&Duration::ZERO).as_secs_f64(),
    ))
}
