//! WooCommerce product CSV with the header of WooCommerce's sample products: a product without
//! variants is one `simple` row; a variant group is a `variable` row (the model, with every value
//! of each axis) followed by `variation` rows naming it as `Parent`. Two axes at most.

use std::borrow::Cow;

use crate::export::definition::ChannelDefinition;
use crate::export::project::Item;
use crate::export::transform::text;

use super::Renderer;
use super::delimited::csv_row;

pub const HEADER: [&str; 51] = [
    "ID",
    "Type",
    "SKU",
    "Name",
    "Published",
    "Is featured?",
    "Visibility in catalog",
    "Short description",
    "Description",
    "Date sale price starts",
    "Date sale price ends",
    "Tax status",
    "Tax class",
    "In stock?",
    "Stock",
    "Backorders allowed?",
    "Sold individually?",
    "Weight (lbs)",
    "Length (in)",
    "Width (in)",
    "Height (in)",
    "Allow customer reviews?",
    "Purchase note",
    "Sale price",
    "Regular price",
    "Categories",
    "Tags",
    "Shipping class",
    "Images",
    "Download limit",
    "Download expiry days",
    "Parent",
    "Grouped products",
    "Upsells",
    "Cross-sells",
    "External URL",
    "Button text",
    "Position",
    "Attribute 1 name",
    "Attribute 1 value(s)",
    "Attribute 1 visible",
    "Attribute 1 global",
    "Attribute 2 name",
    "Attribute 2 value(s)",
    "Attribute 2 visible",
    "Attribute 2 global",
    "Meta: _wpcom_is_markdown",
    "Download 1 name",
    "Download 1 URL",
    "Download 2 name",
    "Download 2 URL",
];

/// Columns the variable (parent) row leaves to its variations.
const VARIATION_ONLY: [&str; 5] = ["Regular price", "Sale price", "Stock", "Weight (lbs)", "ID"];

/// What sets one row apart: its type, parent, attributes and position.
struct Row<'a> {
    kind: &'a str,
    parent: &'a str,
    attributes: &'a [(String, String)],
    position: usize,
    is_parent: bool,
}

pub struct WooCommerce {
    columns: Vec<Option<usize>>,
}

impl WooCommerce {
    pub fn new(def: &ChannelDefinition) -> Self {
        WooCommerce {
            columns: HEADER
                .iter()
                .map(|h| def.fields.iter().position(|f| f.name == *h))
                .collect(),
        }
    }

    fn row(&self, out: &mut Vec<u8>, item: &Item, row: Row<'_>) {
        let Row {
            kind,
            parent,
            attributes,
            position,
            is_parent,
        } = row;
        let cells: Vec<Cow<'_, str>> = HEADER
            .iter()
            .zip(&self.columns)
            .map(|(column, field)| {
                let attr = |n: usize| attributes.get(n);
                match *column {
                    "Type" => Cow::Borrowed(kind),
                    "SKU" if is_parent => Cow::Borrowed(parent),
                    "Parent" if !is_parent && kind == "variation" => Cow::Borrowed(parent),
                    "Position" => Cow::Owned(position.to_string()),
                    "Attribute 1 name" => {
                        attr(0).map_or(Cow::Borrowed(""), |a| Cow::Borrowed(a.0.as_str()))
                    }
                    "Attribute 1 value(s)" => {
                        attr(0).map_or(Cow::Borrowed(""), |a| Cow::Borrowed(a.1.as_str()))
                    }
                    "Attribute 2 name" => {
                        attr(1).map_or(Cow::Borrowed(""), |a| Cow::Borrowed(a.0.as_str()))
                    }
                    "Attribute 2 value(s)" => {
                        attr(1).map_or(Cow::Borrowed(""), |a| Cow::Borrowed(a.1.as_str()))
                    }
                    "Attribute 1 visible" if is_parent => {
                        Cow::Borrowed(if attr(0).is_some() { "1" } else { "" })
                    }
                    "Attribute 2 visible" if is_parent => {
                        Cow::Borrowed(if attr(1).is_some() { "1" } else { "" })
                    }
                    "Attribute 1 global" => Cow::Borrowed(if attr(0).is_some() { "1" } else { "" }),
                    "Attribute 2 global" => Cow::Borrowed(if attr(1).is_some() { "1" } else { "" }),
                    "Attribute 1 visible" | "Attribute 2 visible" => Cow::Borrowed(""),
                    c if is_parent && VARIATION_ONLY.contains(&c) => Cow::Borrowed(""),
                    _ => field.map_or(Cow::Borrowed(""), |i| text(&item.values[i])),
                }
            })
            .collect();
        csv_row(out, cells.iter().map(|c| c.as_ref()));
    }
}

impl Renderer for WooCommerce {
    fn begin(&mut self, out: &mut Vec<u8>) {
        // The byte-order mark WooCommerce's own export writes, for spreadsheets.
        out.extend_from_slice("\u{feff}".as_bytes());
        csv_row(out, HEADER);
    }

    fn group(&mut self, out: &mut Vec<u8>, items: &[Item]) {
        let Some(first) = items.first() else { return };
        let Some(group) = &first.group else {
            for item in items {
                self.row(
                    out,
                    item,
                    Row {
                        kind: "simple",
                        parent: "",
                        attributes: &[],
                        position: 0,
                        is_parent: false,
                    },
                );
            }
            return;
        };
        // The parent lists every value of each axis, in order of appearance.
        let mut attributes: Vec<(String, Vec<String>)> = Vec::new();
        for item in items {
            for (n, (label, value)) in item.axes.iter().enumerate().take(2) {
                if attributes.len() <= n {
                    attributes.push((label.clone(), Vec::new()));
                }
                if !attributes[n].1.contains(value) {
                    attributes[n].1.push(value.clone());
                }
            }
        }
        let joined: Vec<(String, String)> = attributes
            .into_iter()
            .map(|(label, values)| (label, values.join(", ")))
            .collect();
        self.row(
            out,
            first,
            Row {
                kind: "variable",
                parent: group,
                attributes: &joined,
                position: 0,
                is_parent: true,
            },
        );
        for (position, item) in items.iter().enumerate() {
            let own: Vec<(String, String)> = item.axes.iter().take(2).cloned().collect();
            self.row(
                out,
                item,
                Row {
                    kind: "variation",
                    parent: group,
                    attributes: &own,
                    position: position + 1,
                    is_parent: false,
                },
            );
        }
    }

    fn end(&mut self, _out: &mut Vec<u8>) {}
}
