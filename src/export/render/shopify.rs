//! Shopify product CSV with the exact header of Shopify's product template: a product's first
//! row carries its product columns, each further variant a row under the same Handle with only
//! the variant columns; options are the variant axes (at most three).

use std::borrow::Cow;

use crate::export::definition::ChannelDefinition;
use crate::export::project::Item;
use crate::export::transform::text;

use super::Renderer;
use super::delimited::csv_row;

pub const HEADER: [&str; 48] = [
    "Handle",
    "Title",
    "Body (HTML)",
    "Vendor",
    "Product Category",
    "Type",
    "Tags",
    "Published",
    "Option1 Name",
    "Option1 Value",
    "Option2 Name",
    "Option2 Value",
    "Option3 Name",
    "Option3 Value",
    "Variant SKU",
    "Variant Grams",
    "Variant Inventory Tracker",
    "Variant Inventory Qty",
    "Variant Inventory Policy",
    "Variant Fulfillment Service",
    "Variant Price",
    "Variant Compare At Price",
    "Variant Requires Shipping",
    "Variant Taxable",
    "Variant Barcode",
    "Image Src",
    "Image Position",
    "Image Alt Text",
    "Gift Card",
    "SEO Title",
    "SEO Description",
    "Google Shopping / Google Product Category",
    "Google Shopping / Gender",
    "Google Shopping / Age Group",
    "Google Shopping / MPN",
    "Google Shopping / Condition",
    "Google Shopping / Custom Product",
    "Variant Image",
    "Variant Weight Unit",
    "Variant Tax Code",
    "Cost per item",
    "Included / United States",
    "Price / United States",
    "Compare At Price / United States",
    "Included / International",
    "Price / International",
    "Compare At Price / International",
    "Status",
];

/// Columns repeated on every variant row; the others only on a product's first row.
const VARIANT_COLUMNS: [&str; 22] = [
    "Option1 Value",
    "Option2 Value",
    "Option3 Value",
    "Variant SKU",
    "Variant Grams",
    "Variant Inventory Tracker",
    "Variant Inventory Qty",
    "Variant Inventory Policy",
    "Variant Fulfillment Service",
    "Variant Price",
    "Variant Compare At Price",
    "Variant Requires Shipping",
    "Variant Taxable",
    "Variant Barcode",
    "Image Src",
    "Image Position",
    "Image Alt Text",
    "Variant Image",
    "Variant Weight Unit",
    "Variant Tax Code",
    "Cost per item",
    "Handle",
];

/// A URL-safe handle: lowercase letters and digits joined by dashes.
pub fn handle(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for c in code.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

pub struct Shopify {
    /// For each header column, the definition field filling it.
    columns: Vec<Option<usize>>,
}

impl Shopify {
    pub fn new(def: &ChannelDefinition) -> Self {
        Shopify {
            columns: HEADER
                .iter()
                .map(|h| def.fields.iter().position(|f| f.name == *h))
                .collect(),
        }
    }
}

impl Renderer for Shopify {
    fn begin(&mut self, out: &mut Vec<u8>) {
        csv_row(out, HEADER);
    }

    fn group(&mut self, out: &mut Vec<u8>, items: &[Item]) {
        let Some(first) = items.first() else { return };
        let handle = handle(first.group.as_deref().unwrap_or(&first.sku));
        for (row, item) in items.iter().enumerate() {
            let cells: Vec<Cow<'_, str>> = HEADER
                .iter()
                .zip(&self.columns)
                .map(|(column, field)| {
                    let option = |n: usize, name: bool| -> Cow<'_, str> {
                        match item.axes.get(n) {
                            Some((label, value)) => Cow::Borrowed(if name { label } else { value }),
                            // A product without variants has Shopify's one default option.
                            None if n == 0 && item.group.is_none() => {
                                Cow::Borrowed(if name { "Title" } else { "Default Title" })
                            }
                            None => Cow::Borrowed(""),
                        }
                    };
                    let first_row = row == 0;
                    match *column {
                        "Handle" => Cow::Borrowed(handle.as_str()),
                        "Option1 Name" if first_row => option(0, true),
                        "Option2 Name" if first_row => option(1, true),
                        "Option3 Name" if first_row => option(2, true),
                        "Option1 Value" => option(0, false),
                        "Option2 Value" => option(1, false),
                        "Option3 Value" => option(2, false),
                        c if !first_row && !VARIANT_COLUMNS.contains(&c) => Cow::Borrowed(""),
                        _ => field.map_or(Cow::Borrowed(""), |i| text(&item.values[i])),
                    }
                })
                .collect();
            csv_row(out, cells.iter().map(|c| c.as_ref()));
        }
    }

    fn end(&mut self, _out: &mut Vec<u8>) {}
}

#[cfg(test)]
mod tests {
    #[test]
    fn handles_are_url_safe() {
        assert_eq!(
            super::handle("tshirt_classic_WHITE"),
            "tshirt-classic-white"
        );
        assert_eq!(super::handle("TS-POCKET--M"), "ts-pocket-m");
    }
}
