//! Load generators for a running service over HTTP: GraphQL requests, response checks and the
//! latency report that `pim bench` prints for BENCHMARKS.md.

pub mod feed;
pub mod import_floor;
pub mod page;
pub mod product;
mod report;
pub mod search;

use std::time::Duration;

use awc::Client;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

pub use report::{Report, Tally};

/// The largest response body read; a page of 1000 products with all values fits well within it.
const MAX_RESPONSE_BYTES: usize = 64 << 20;

/// What every measurement needs to know about the service under test.
#[derive(clap::Args, Debug, Clone)]
pub struct Target {
    /// Base URL of the running service (default: http:// and the configured listen address).
    #[arg(long)]
    pub url: Option<String>,
    /// How many products `pim generate` wrote: requests pick among GEN-00000000 … of them.
    #[arg(long)]
    pub products: u64,
    /// Seed for the random choice of products, so runs can be repeated exactly.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Seconds before a request counts as failed.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
    /// An API token with a role that reads the catalog (`pim token create --role viewer …`).
    #[arg(long, env = "PIM_TOKEN", hide_env_values = true)]
    pub token: String,
}

/// An HTTP client with at most `connections` open connections, sending `token` with every
/// request; requests beyond the limit wait for a connection, and that wait is part of their
/// latency.
pub fn client(connections: usize, timeout: Duration, token: &str) -> Client {
    let connector = awc::Connector::new().limit(connections).timeout(timeout);
    Client::builder()
        .connector(connector)
        .timeout(timeout)
        .no_default_headers()
        .add_default_header(("authorization", format!("Bearer {token}")))
        .disable_redirects()
        .finish()
}

/// The GraphQL endpoint under a base URL.
pub fn endpoint(base: &str) -> String {
    format!("{}/graphql", base.trim_end_matches('/'))
}

/// How a request failed: before any response arrived, or with a response that is an error.
pub enum Failure {
    Transport(String),
    Response(String),
}

/// A decoded `data` object and the size of the response it came in.
pub struct Reply<T> {
    pub data: T,
    pub bytes: usize,
}

#[derive(Deserialize)]
struct Envelope<T> {
    data: Option<T>,
    #[serde(default)]
    errors: Vec<GraphqlError>,
}

#[derive(Deserialize)]
struct GraphqlError {
    message: String,
}

/// POSTs one GraphQL request; anything but HTTP 200 with `data` and no `errors` is a failure.
pub async fn post<T: DeserializeOwned>(
    client: &Client,
    endpoint: &str,
    query: &str,
    variables: serde_json::Value,
) -> Result<Reply<T>, Failure> {
    let body = json!({ "query": query, "variables": variables });
    let mut response = client
        .post(endpoint)
        .insert_header(("content-type", "application/json"))
        .send_json(&body)
        .await
        .map_err(|e| Failure::Transport(e.to_string()))?;
    let bytes = response
        .body()
        .limit(MAX_RESPONSE_BYTES)
        .await
        .map_err(|e| Failure::Transport(e.to_string()))?;
    let status = response.status();
    if status != awc::http::StatusCode::OK {
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned();
        return Err(Failure::Response(format!("http {status}: {text}")));
    }
    let envelope: Envelope<T> = serde_json::from_slice(&bytes)
        .map_err(|e| Failure::Response(format!("undecodable response: {e}")))?;
    if let Some(error) = envelope.errors.first() {
        return Err(Failure::Response(format!(
            "graphql error: {}",
            error.message
        )));
    }
    let data = envelope
        .data
        .ok_or_else(|| Failure::Response("response without data".into()))?;
    Ok(Reply {
        data,
        bytes: bytes.len(),
    })
}

#[derive(Deserialize)]
struct Sku {
    sku: String,
}

#[derive(Deserialize)]
struct Ends {
    first: Option<Sku>,
    last: Option<Sku>,
}

const ENDS_QUERY: &str = "query($first: String!, $last: String!) { first: product(sku: $first) { sku } last: product(sku: $last) { sku } }";

/// Fails with a readable reason unless the service answers and holds the first and last of the
/// products a run will ask for; measuring a server that is down or half loaded is pointless.
pub async fn preflight(client: &Client, base: &str, products: u64) -> anyhow::Result<()> {
    let (first, last) = (crate::generate::sku(0), crate::generate::sku(products - 1));
    let vars = json!({ "first": first, "last": last });
    let reply = match post::<Ends>(client, &endpoint(base), ENDS_QUERY, vars).await {
        Ok(reply) => reply,
        Err(Failure::Transport(e)) => {
            anyhow::bail!("cannot reach the service at {base} ({e}): is `pim serve` running?")
        }
        Err(Failure::Response(e)) => {
            anyhow::bail!("the service at {base} answered with an error: {e}")
        }
    };
    for (sku, found) in [(first, reply.data.first), (last, reply.data.last)] {
        if found.is_none_or(|p| p.sku != sku) {
            anyhow::bail!(
                "the service at {base} has no product {sku}: load it with `pim generate --products {products}`"
            );
        }
    }
    Ok(())
}
