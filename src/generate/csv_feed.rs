//! The generated catalog as a supplier-style CSV: one row per product, 18 columns, Akeneo-like
//! headers, values as a supplier's system exports them. Written row by row, never held in memory.

use std::io::Write;

use serde_json::Value;

use crate::catalog::product::{Patch, ProductPatch};

pub const HEADER: [&str; 18] = [
    "sku",
    "family",
    "parent",
    "categories",
    "enabled",
    "name-en_US",
    "name-de_DE",
    "description-en_US-ecommerce",
    "brand",
    "color",
    "size",
    "material",
    "price-EUR",
    "price-USD",
    "weight",
    "weight-unit",
    "ean",
    "release_date",
];

pub struct FeedWriter<W: Write> {
    csv: csv::Writer<W>,
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => {
            if *b {
                "1".into()
            } else {
                "0".into()
            }
        }
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl<W: Write> FeedWriter<W> {
    pub fn new(out: W) -> csv::Result<Self> {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(HEADER)?;
        Ok(FeedWriter { csv })
    }

    /// Writes one product; `model` supplies the values a variant inherits, as suppliers send
    /// every row complete.
    pub fn write(
        &mut self,
        product: &ProductPatch,
        model: Option<&crate::catalog::product::ModelPatch>,
    ) -> csv::Result<()> {
        let find = |attribute: &str, locale: Option<&str>| -> Option<&Value> {
            product
                .values
                .iter()
                .chain(model.into_iter().flat_map(|m| m.values.iter()))
                .find(|v| v.attribute == attribute && v.locale.as_deref() == locale)
                .map(|v| &v.data)
        };
        let get = |attribute: &str, locale: Option<&str>| {
            find(attribute, locale).map(text).unwrap_or_default()
        };
        let price = |currency: &str| {
            find("price", None)
                .and_then(Value::as_array)
                .and_then(|list| list.iter().find(|p| p["currency"] == currency))
                .map(|p| text(&p["amount"]))
                .unwrap_or_default()
        };
        let weight = find("weight", None);
        let categories = product
            .categories
            .iter()
            .flatten()
            .chain(
                model
                    .into_iter()
                    .flat_map(|m| m.categories.iter().flatten()),
            )
            .cloned()
            .collect::<Vec<_>>()
            .join(",");
        let opt = |p: &Patch<String>| match p {
            Patch::Set(v) => v.clone(),
            _ => String::new(),
        };
        let record: [String; 18] = [
            product.sku.clone(),
            opt(&product.family),
            opt(&product.parent),
            categories,
            if product.enabled.unwrap_or(true) {
                "1".into()
            } else {
                "0".into()
            },
            get("name", Some("en_US")),
            get("name", Some("de_DE")),
            get("description", Some("en_US")),
            get("brand", None),
            get("color", None),
            get("size", None),
            get("material", None),
            price("EUR"),
            price("USD"),
            weight.map(|w| text(&w["amount"])).unwrap_or_default(),
            weight.map(|w| text(&w["unit"])).unwrap_or_default(),
            get("ean", None),
            get("release_date", None),
        ];
        self.csv.write_record(&record)
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        self.csv.flush()
    }
}
