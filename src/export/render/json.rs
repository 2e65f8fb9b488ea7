//! JSON formats: generic (an array, or one object per line) and the marketplace payloads built on
//! them — Amazon's `JSON_LISTINGS_FEED`, Allegro offers, Ozon's product import, Wildberries cards.
//! Dotted field names nest (`sellingMode.price`), numeric segments index lists (`images.0`).

use serde_json::{Map, Value, json};

use crate::export::definition::ChannelDefinition;
use crate::export::project::Item;

use super::Renderer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Array,
    Lines,
    Amazon,
    Ozon,
    Wildberries,
}

pub struct Json {
    shape: Shape,
    names: Vec<String>,
    locale: String,
    seller_id: String,
    marketplace_id: String,
    written: usize,
}

/// Sets `value` at a dotted path, creating objects and lists on the way.
fn insert(target: &mut Value, path: &str, value: Value) {
    let mut node = target;
    let mut segments = path.split('.').peekable();
    while let Some(segment) = segments.next() {
        let last = segments.peek().is_none();
        let next_is_index = segments.peek().is_some_and(|s| s.parse::<usize>().is_ok());
        let empty = || {
            if next_is_index {
                Value::Array(Vec::new())
            } else {
                Value::Object(Map::new())
            }
        };
        node = match (node, segment.parse::<usize>()) {
            (Value::Array(list), Ok(i)) => {
                while list.len() <= i {
                    list.push(Value::Null);
                }
                if last {
                    list[i] = value;
                    return;
                }
                if list[i].is_null() {
                    list[i] = empty();
                }
                &mut list[i]
            }
            (Value::Object(map), _) => {
                if last {
                    map.insert(segment.to_string(), value);
                    return;
                }
                map.entry(segment.to_string()).or_insert_with(empty)
            }
            _ => return,
        };
    }
}

/// An item as one JSON object of its non-empty fields.
pub fn object(names: &[String], item: &Item) -> Value {
    let mut out = Value::Object(Map::new());
    for (name, v) in names.iter().zip(&item.values) {
        if !v.is_null() {
            insert(&mut out, name, v.clone());
        }
    }
    out
}

impl Json {
    fn new(def: &ChannelDefinition, shape: Shape) -> Self {
        let option = |k: &str| {
            def.options
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Json {
            shape,
            names: def.fields.iter().map(|f| f.name.clone()).collect(),
            locale: def.locale.clone(),
            seller_id: option("seller_id"),
            marketplace_id: option("marketplace_id"),
            written: 0,
        }
    }

    pub fn array(def: &ChannelDefinition) -> Self {
        Json::new(def, Shape::Array)
    }

    pub fn lines(def: &ChannelDefinition) -> Self {
        Json::new(def, Shape::Lines)
    }

    pub fn amazon(def: &ChannelDefinition) -> Self {
        Json::new(def, Shape::Amazon)
    }

    pub fn ozon(def: &ChannelDefinition) -> Self {
        Json::new(def, Shape::Ozon)
    }

    pub fn wildberries(def: &ChannelDefinition) -> Self {
        Json::new(def, Shape::Wildberries)
    }

    fn separate(&mut self, out: &mut Vec<u8>) {
        if self.shape != Shape::Lines && self.written > 0 {
            out.push(b',');
        }
        if self.shape != Shape::Lines {
            out.push(b'\n');
        }
        self.written += 1;
    }

    fn write(&mut self, out: &mut Vec<u8>, v: &Value) {
        self.separate(out);
        serde_json::to_writer(&mut *out, v).expect("json values serialize");
        if self.shape == Shape::Lines {
            out.push(b'\n');
        }
    }

    /// An Amazon listings message: each attribute a list of values for the marketplace.
    fn amazon_message(&self, item: &Item) -> Value {
        let mut attributes = Map::new();
        let mut product_type = Value::String("PRODUCT".into());
        for (name, v) in self.names.iter().zip(&item.values) {
            if v.is_null() || name == "sku" {
                continue;
            }
            if name == "product_type" {
                product_type = v.clone();
                continue;
            }
            let mut entry = match v {
                Value::Object(m) => m.clone(),
                other => {
                    let mut m = Map::new();
                    m.insert("value".into(), other.clone());
                    if other.is_string() {
                        m.insert("language_tag".into(), Value::String(self.locale.clone()));
                    }
                    m
                }
            };
            entry.insert(
                "marketplace_id".into(),
                Value::String(self.marketplace_id.clone()),
            );
            attributes.insert(name.clone(), Value::Array(vec![Value::Object(entry)]));
        }
        json!({
            "messageId": self.written + 1,
            "sku": item.sku,
            "operationType": "UPDATE",
            "productType": product_type,
            "requirements": "LISTING",
            "attributes": attributes,
        })
    }
}

impl Renderer for Json {
    fn begin(&mut self, out: &mut Vec<u8>) {
        match self.shape {
            Shape::Array | Shape::Wildberries => out.push(b'['),
            Shape::Lines => {}
            Shape::Amazon => {
                let header = json!({
                    "sellerId": self.seller_id,
                    "version": "2.0",
                    "issueLocale": self.locale,
                });
                out.extend_from_slice(b"{\"header\":");
                serde_json::to_writer(&mut *out, &header).expect("json values serialize");
                out.extend_from_slice(b",\"messages\":[");
            }
            Shape::Ozon => out.extend_from_slice(b"{\"items\":["),
        }
    }

    fn group(&mut self, out: &mut Vec<u8>, items: &[Item]) {
        match self.shape {
            Shape::Wildberries => {
                // One card per variant group; the subject is the card's, the rest each variant's.
                let mut subject = Value::Null;
                let variants: Vec<Value> = items
                    .iter()
                    .map(|item| {
                        let mut v = object(&self.names, item);
                        if let Some(s) = v.as_object_mut().and_then(|m| m.remove("subjectID")) {
                            subject = s;
                        }
                        v
                    })
                    .collect();
                let card = json!({"subjectID": subject, "variants": variants});
                self.write(out, &card);
            }
            Shape::Amazon => {
                for item in items {
                    let message = self.amazon_message(item);
                    self.write(out, &message);
                }
            }
            _ => {
                for item in items {
                    let v = object(&self.names, item);
                    self.write(out, &v);
                }
            }
        }
    }

    fn deleted(&mut self, out: &mut Vec<u8>, sku: &str) -> bool {
        let v = match self.shape {
            Shape::Array | Shape::Lines => json!({"sku": sku, "deleted": true}),
            Shape::Amazon => json!({
                "messageId": self.written + 1,
                "sku": sku,
                "operationType": "DELETE",
            }),
            Shape::Ozon | Shape::Wildberries => return false,
        };
        self.write(out, &v);
        true
    }

    fn end(&mut self, out: &mut Vec<u8>) {
        match self.shape {
            Shape::Array | Shape::Wildberries => out.extend_from_slice(b"\n]\n"),
            Shape::Lines => {}
            Shape::Amazon | Shape::Ozon => out.extend_from_slice(b"\n]}\n"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_names_nest() {
        let mut v = Value::Object(Map::new());
        insert(
            &mut v,
            "sellingMode.price",
            json!({"amount": "1.00", "currency": "PLN"}),
        );
        insert(&mut v, "images.0.url", json!("a"));
        insert(&mut v, "images.1.url", json!("b"));
        insert(&mut v, "name", json!("N"));
        assert_eq!(
            v,
            json!({"sellingMode": {"price": {"amount": "1.00", "currency": "PLN"}},
                   "images": [{"url": "a"}, {"url": "b"}], "name": "N"})
        );
    }
}
