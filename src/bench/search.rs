//! `pim bench search` and `pim bench searchable`: search latency over HTTP for typical queries,
//! next to the same queries run directly on this node's tantivy index; and how long a write
//! takes to become searchable while other writes keep coming.

use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Failure, Target, client, endpoint, post};
use crate::app::AppState;
use crate::generate::{self, Rng};
use crate::search::{self, FacetKind, FacetRequest, Filters, SearchRequest};

const NOUNS: [&str; 10] = [
    "shirt", "lamp", "chair", "kettle", "backpack", "jacket", "table", "speaker", "blanket",
    "bottle",
];
const ADJECTIVES: [&str; 8] = [
    "classic", "modern", "light", "compact", "premium", "soft", "sturdy", "elegant",
];
const COLORS: [&str; 10] = [
    "red", "blue", "green", "black", "white", "grey", "yellow", "orange", "purple", "brown",
];

/// What a product grid asks: a page of 20 with labels, highlights, the total and two facets
/// when it shows facets.
const QUERY: &str = r#"query($text: String, $filters: ProductFilterInput, $facets: [SearchFacetInput!]) {
  search(text: $text, locale: "en_US", filters: $filters, facets: $facets, first: 20) {
    total hits { product { sku label(locale: "en_US") } highlights { attribute snippet } }
    facets { kind values { value count } } } }"#;

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    /// Requests per kind of query.
    #[arg(long, default_value_t = 500)]
    pub requests: u64,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    OneWord,
    TwoWords,
    WordAndTwoFacets,
    SkuPrefix,
}

impl Kind {
    const ALL: [Kind; 4] = [
        Kind::OneWord,
        Kind::TwoWords,
        Kind::WordAndTwoFacets,
        Kind::SkuPrefix,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::OneWord => "one word",
            Kind::TwoWords => "two words",
            Kind::WordAndTwoFacets => "word + two facets",
            Kind::SkuPrefix => "SKU prefix",
        }
    }

    /// GraphQL variables, and the same request for the search layer.
    fn query(self, rng: &mut Rng, products: u64) -> (Value, SearchRequest) {
        let noun = NOUNS[rng.below(NOUNS.len())];
        let (text, filters, facets) = match self {
            Kind::OneWord => (noun.to_string(), Value::Null, Value::Null),
            Kind::TwoWords => (
                format!("{} {noun}", ADJECTIVES[rng.below(ADJECTIVES.len())]),
                Value::Null,
                Value::Null,
            ),
            Kind::WordAndTwoFacets => (
                noun.to_string(),
                json!({
                    "families": [generate::FAMILIES[rng.below(generate::FAMILIES.len())]],
                    "attributes": [{"attribute": "color", "options": [COLORS[rng.below(COLORS.len())]]}]
                }),
                json!([{"kind": "FAMILY"}, {"kind": "ATTRIBUTE", "attribute": "color"}]),
            ),
            Kind::SkuPrefix => {
                // Two digits short of a whole SKU: up to 100 products share the prefix.
                let sku = generate::sku(rng.next_u64() % products);
                (sku[..sku.len() - 2].to_string(), Value::Null, Value::Null)
            }
        };
        let request = SearchRequest {
            text: Some(text.clone()),
            locale: Some("en_US".into()),
            filters: match &filters {
                Value::Null => Filters::default(),
                f => Filters {
                    families: Some(vec![f["families"][0].as_str().unwrap_or_default().into()]),
                    attributes: vec![search::AttributeFilter {
                        attribute: "color".into(),
                        options: Some(vec![
                            f["attributes"][0]["options"][0]
                                .as_str()
                                .unwrap_or_default()
                                .into(),
                        ]),
                        ..Default::default()
                    }],
                    ..Filters::default()
                },
            },
            facets: if facets.is_null() {
                Vec::new()
            } else {
                vec![
                    FacetRequest {
                        kind: FacetKind::Family,
                        attribute: None,
                        category: None,
                        channel: None,
                        locale: None,
                        limit: 50,
                    },
                    FacetRequest {
                        kind: FacetKind::Attribute,
                        attribute: Some("color".into()),
                        category: None,
                        channel: None,
                        locale: None,
                        limit: 50,
                    },
                ]
            },
            first: 20,
            highlight: true,
            ..SearchRequest::default()
        };
        (
            json!({"text": text, "filters": filters, "facets": facets}),
            request,
        )
    }
}

#[derive(Deserialize)]
struct Data {
    search: Found,
}

#[derive(Deserialize)]
struct Found {
    total: u64,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// One request at a time per kind, over HTTP, then the same requests on the index directly:
/// the tantivy part only (query, page, count, facets), no database, no GraphQL.
pub fn run(state: &AppState, base: &str, args: &Args, command: &str) -> anyhow::Result<String> {
    let products = args.target.products;
    if products < 100 || args.requests == 0 {
        anyhow::bail!("--products must be at least 100 and --requests at least 1");
    }
    let structure = state.catalog.structure()?;
    let mut out = format!(
        "== pim bench search\ncommand    {command}\nindex      position {}, {} requests per kind, one at a time\n\n| query | hits (mean) | HTTP p50 | HTTP p95 | HTTP p99 | tantivy p50 | tantivy p95 | tantivy p99 |\n|---|---|---|---|---|---|---|---|\n",
        state.search.position(),
        args.requests
    );
    let mut failures = 0u64;
    for kind in Kind::ALL {
        let mut rng = Rng::new(args.target.seed);
        let queries: Vec<(Value, SearchRequest)> = (0..args.requests)
            .map(|_| kind.query(&mut rng, products))
            .collect();
        let (mut http, hits) = actix_web::rt::System::new().block_on(async {
            let client = client(
                1,
                Duration::from_secs(args.target.timeout),
                &args.target.token,
            );
            let url = endpoint(base);
            let mut latencies = Vec::with_capacity(queries.len());
            let mut hits = 0u64;
            for (vars, _) in &queries {
                let t = Instant::now();
                match post::<Data>(&client, &url, QUERY, vars.clone()).await {
                    Ok(reply) => {
                        latencies.push(t.elapsed());
                        hits += reply.data.search.total;
                    }
                    Err(Failure::Transport(e)) | Err(Failure::Response(e)) => {
                        failures += 1;
                        eprintln!("{}: {e}", kind.name());
                    }
                }
            }
            (latencies, hits)
        });
        let mut direct = Vec::with_capacity(queries.len());
        let index = state.search.index();
        for (_, request) in &queries {
            let t = Instant::now();
            search::tantivy_only(&index, &structure, request)?;
            direct.push(t.elapsed());
        }
        http.sort();
        direct.sort();
        out.push_str(&format!(
            "| {} | {:.0} | {} | {} | {} | {} | {} | {} |\n",
            kind.name(),
            hits as f64 / args.requests as f64,
            ms(percentile(&http, 50.0)),
            ms(percentile(&http, 95.0)),
            ms(percentile(&http, 99.0)),
            ms(percentile(&direct, 50.0)),
            ms(percentile(&direct, 95.0)),
            ms(percentile(&direct, 99.0)),
        ));
    }
    if failures > 0 {
        anyhow::bail!("{out}\n{failures} requests failed");
    }
    Ok(out)
}

#[derive(clap::Args, Debug, Clone)]
pub struct DelayArgs {
    /// Base URL of the running service (default: http:// and the configured listen address).
    #[arg(long)]
    pub url: Option<String>,
    /// Probe writes in all, one after another.
    #[arg(long, default_value_t = 100)]
    pub probes: u64,
    /// Pause between probes, in milliseconds.
    #[arg(long, default_value_t = 200)]
    pub pause_ms: u64,
    /// An API token with a role that edits products (`pim token create --role catalog_manager …`).
    #[arg(long, env = "PIM_TOKEN", hide_env_values = true)]
    pub token: String,
}

const PROBE_WRITE: &str =
    r#"mutation($input: [ProductInput!]!) { upsertProducts(input: $input) { rejected } }"#;
const PROBE_FIND: &str = r#"query($text: String) { search(text: $text, first: 1) { total } }"#;

#[derive(Deserialize)]
struct Written {
    #[serde(rename = "upsertProducts")]
    upsert: Rejected,
}

#[derive(Deserialize)]
struct Rejected {
    rejected: u64,
}

/// Writes a product with a word no other product has, then searches for that word every few
/// milliseconds until it is found: the delay is from the write's answer to the first search
/// that finds it. Run it while an import writes to the same service.
pub async fn delay(base: &str, args: &DelayArgs, command: &str) -> anyhow::Result<String> {
    let client = client(2, Duration::from_secs(30), &args.token);
    let url = endpoint(base);
    let run = chrono::Utc::now().timestamp_micros();
    let mut delays = Vec::with_capacity(args.probes as usize);
    let mut write_times = Vec::with_capacity(args.probes as usize);
    for n in 0..args.probes {
        let word = format!("probe{run}x{n}");
        let input = json!([{"sku": format!("PROBE-{run}-{n}"), "values": [
            {"attribute": "name", "locale": "en_US", "data": format!("Search probe {word}")}]}]);
        let sent = Instant::now();
        let written = post::<Written>(&client, &url, PROBE_WRITE, json!({"input": input}))
            .await
            .map_err(|e| match e {
                Failure::Transport(m) | Failure::Response(m) => anyhow::anyhow!("probe write: {m}"),
            })?;
        if written.data.upsert.rejected > 0 {
            anyhow::bail!("the probe product was rejected: does the catalog have locale en_US?");
        }
        let written_at = Instant::now();
        write_times.push(written_at - sent);
        loop {
            let found = post::<Data>(&client, &url, PROBE_FIND, json!({"text": word}))
                .await
                .map_err(|e| match e {
                    Failure::Transport(m) | Failure::Response(m) => {
                        anyhow::anyhow!("probe search: {m}")
                    }
                })?;
            if found.data.search.total > 0 {
                delays.push(written_at.elapsed());
                break;
            }
            if written_at.elapsed() > Duration::from_secs(30) {
                anyhow::bail!("probe {n} was not searchable after 30 s");
            }
            actix_web::rt::time::sleep(Duration::from_millis(5)).await;
        }
        actix_web::rt::time::sleep(Duration::from_millis(args.pause_ms)).await;
    }
    delays.sort();
    write_times.sort();
    Ok(format!(
        "== pim bench searchable\ncommand    {command}\n\n| probes | write p50 | write p95 | searchable after p50 | p95 | p99 | max |\n|---|---|---|---|---|---|---|\n| {} | {} | {} | {} | {} | {} | {} |\n",
        delays.len(),
        ms(percentile(&write_times, 50.0)),
        ms(percentile(&write_times, 95.0)),
        ms(percentile(&delays, 50.0)),
        ms(percentile(&delays, 95.0)),
        ms(percentile(&delays, 99.0)),
        ms(delays.last().copied().unwrap_or_default()),
    ))
}
