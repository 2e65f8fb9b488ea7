//! Renderers: items to bytes in a channel's format, streamed. Each renderer appends to a buffer
//! that the caller flushes to its writer batch by batch, so no feed is ever held whole.

mod delimited;
mod json;
mod shopify;
mod woocommerce;
mod xml;

use super::definition::{ChannelDefinition, Format};
use super::project::Item;

pub use delimited::neutralise;
pub use xml::escape as xml_escape;

/// Writes one feed: a header, the items group by group, deletions where the format can say
/// so, and a trailer.
pub trait Renderer: Send {
    fn begin(&mut self, out: &mut Vec<u8>);
    /// One product, or the variants of one group (same `group`), in order.
    fn group(&mut self, out: &mut Vec<u8>, items: &[Item]);
    /// A product removed from the channel; false when the format cannot express deletions.
    fn deleted(&mut self, _out: &mut Vec<u8>, _sku: &str) -> bool {
        false
    }
    fn end(&mut self, out: &mut Vec<u8>);
}

/// The renderer of `format` for a channel.
pub fn renderer(def: &ChannelDefinition, format: Format) -> Box<dyn Renderer> {
    match format {
        Format::GoogleXml => Box::new(xml::GoogleXml::new(def)),
        Format::GoogleTsv => Box::new(delimited::Delimited::tsv(def)),
        Format::MetaCsv | Format::Csv => Box::new(delimited::Delimited::csv(def)),
        Format::ShopifyCsv => Box::new(shopify::Shopify::new(def)),
        Format::WoocommerceCsv => Box::new(woocommerce::WooCommerce::new(def)),
        Format::Json => Box::new(json::Json::array(def)),
        Format::Ndjson | Format::AllegroJson => Box::new(json::Json::lines(def)),
        Format::AmazonJson => Box::new(json::Json::amazon(def)),
        Format::OzonJson => Box::new(json::Json::ozon(def)),
        Format::WildberriesJson => Box::new(json::Json::wildberries(def)),
    }
}

/// The columns of formats with a fixed header; a channel may map only these.
pub fn fixed_columns(format: Format) -> Option<&'static [&'static str]> {
    match format {
        Format::ShopifyCsv => Some(&shopify::HEADER),
        Format::WoocommerceCsv => Some(&woocommerce::HEADER),
        _ => None,
    }
}
