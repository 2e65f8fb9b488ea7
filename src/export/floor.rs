//! The benchmark floor of a feed: every product's stored JSON document streamed into XML items
//! as it is, with no parsing, escaping, selection, validation or transforms. The fastest any
//! feed of the catalog can be on this machine; `pim export --compare-floor` times both.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::service::Catalog;
use crate::store::exports;

const BATCH: i64 = 1000;

/// Writes the floor feed to `out`; returns the products written and the time taken.
pub fn stream(catalog: &Catalog, out: &mut dyn Write) -> Result<(u64, Duration)> {
    let started = Instant::now();
    let io = |e: std::io::Error| Error::Unavailable(format!("cannot write the floor feed: {e}"));
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\n")
        .map_err(io)?;
    let (mut after, mut n) = (0, 0u64);
    let mut buf = Vec::with_capacity(4 << 20);
    loop {
        let rows = catalog
            .db()
            .read(|conn| exports::raw_documents(conn, after, BATCH))?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        for (_, sku, values) in &rows {
            buf.extend_from_slice(b"<item><id>");
            buf.extend_from_slice(sku.as_bytes());
            buf.extend_from_slice(b"</id><values>");
            buf.extend_from_slice(values.as_bytes());
            buf.extend_from_slice(b"</values></item>\n");
        }
        n += rows.len() as u64;
        out.write_all(&buf).map_err(io)?;
        buf.clear();
    }
    out.write_all(b"</channel></rss>\n").map_err(io)?;
    out.flush().map_err(io)?;
    Ok((n, started.elapsed()))
}
