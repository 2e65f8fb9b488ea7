//! Where a feed's products come from, batch by batch: for a full feed the variant groups (each
//! root model with every product under it, so a group's rows stay together) and then the
//! products without a model; for a delta the products the change log touched since a cursor.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::definition::{ChannelDefinition, Source};
use super::transform::placeholders;
use crate::catalog::Structure;
use crate::catalog::ValueDoc;
use crate::catalog::codes::sku_key;
use crate::catalog::product::Product;
use crate::catalog::values::{ALL_CHANNELS, ALL_LOCALES, Key};
use crate::error::Result;
use crate::service::Catalog;
use crate::store::exports::ExportRow;
use crate::store::models::StoredModel;
use crate::store::products::StoredProduct;
use crate::store::{self, exports};

/// What a channel reads of each product: parsing only the attributes it maps is most of the
/// difference between a feed and the floor.
#[derive(Debug, Clone)]
pub struct Wanted {
    /// Attributes to parse; None: the whole document.
    attributes: Option<BTreeSet<String>>,
    /// The one scope and locale read besides `<all_channels>` and `<all_locales>`.
    scope: String,
    locale: String,
    categories: bool,
    parent_codes: bool,
}

impl Wanted {
    pub fn of(def: &ChannelDefinition, structure: &Structure) -> Wanted {
        let mut attributes = BTreeSet::new();
        let mut whole = false;
        let (mut categories, mut parent_codes) = (!def.selection.categories.is_empty(), false);
        for field in &def.fields {
            match &field.source {
                Source::Attribute(a) => drop(attributes.insert(a.clone())),
                Source::Template(t) => {
                    attributes.extend(placeholders(t).into_iter().map(str::to_string))
                }
                Source::Property(p) => match p.as_str() {
                    "values" => whole = true,
                    "categories" => categories = true,
                    "parent" => parent_codes = true,
                    _ => {}
                },
                Source::Value(_) => {}
            }
        }
        // Variant axes (for the shops' options) and the images checked for size.
        for variant in structure.family_variants.values() {
            for level in &variant.levels {
                attributes.extend(level.axes.iter().cloned());
            }
        }
        if let Some(images) = &def.images {
            match &images.attribute {
                Some(a) => drop(attributes.insert(a.clone())),
                None => attributes.extend(
                    structure
                        .families
                        .values()
                        .filter_map(|f| f.image_attribute.clone()),
                ),
            }
        }
        Wanted {
            attributes: (!whole).then_some(attributes),
            scope: def.scope.clone(),
            locale: def.locale.clone(),
            categories,
            parent_codes,
        }
    }
}

/// Parses the wanted attributes of a stored document, in the wanted scope and locale, and
/// skips the rest unallocated.
struct Partial<'a>(&'a Wanted);

/// One level of a value's slots (scopes, then locales): keeps `keep` and the `<all_…>` key.
#[derive(Clone, Copy)]
struct Slots<'a, T> {
    keep: &'a str,
    all: &'static str,
    inner: T,
}

/// The innermost level: the data itself.
#[derive(Clone, Copy)]
struct Data;

impl<'de> DeserializeSeed<'de> for Data {
    type Value = serde_json::Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        serde::Deserialize::deserialize(d)
    }
}

impl<'de, T> DeserializeSeed<'de> for Slots<'_, T>
where
    T: DeserializeSeed<'de> + Copy,
{
    type Value = BTreeMap<Key, T::Value>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T> Visitor<'de> for Slots<'_, T>
where
    T: DeserializeSeed<'de> + Copy,
{
    type Value = BTreeMap<Key, T::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("values by scope or locale")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<Key>()? {
            if key == self.keep || key == self.all {
                out.insert(key, map.next_value_seed(self.inner)?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(out)
    }
}

impl<'de> DeserializeSeed<'de> for Partial<'_> {
    type Value = ValueDoc;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<ValueDoc, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Partial<'_> {
    type Value = ValueDoc;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ValueDoc, A::Error> {
        let mut doc = ValueDoc::new();
        while let Some(key) = map.next_key::<Key>()? {
            let wanted = self.0;
            if wanted
                .attributes
                .as_ref()
                .is_some_and(|a| a.contains(key.as_str()))
            {
                let slots = Slots {
                    keep: &wanted.scope,
                    all: ALL_CHANNELS,
                    inner: Slots {
                        keep: &wanted.locale,
                        all: ALL_LOCALES,
                        inner: Data,
                    },
                };
                doc.insert(key, map.next_value_seed(slots)?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(doc)
    }
}

fn parse_values(raw: &str, wanted: &Wanted) -> Result<ValueDoc> {
    Ok(match &wanted.attributes {
        None => serde_json::from_str(raw)?,
        Some(_) => Partial(wanted).deserialize(&mut serde_json::Deserializer::from_str(raw))?,
    })
}

/// A batch as read from the store, values not yet parsed: the reading thread's share.
pub struct RawBatch {
    rows: Vec<ExportRow>,
    categories: HashMap<i64, BTreeSet<String>>,
    parents: HashMap<i64, String>,
    models: HashMap<i64, StoredModel>,
}

impl RawBatch {
    /// Reads what the rows need besides themselves: categories and parent codes when the
    /// channel uses them, and the models above them.
    fn load(catalog: &Catalog, rows: Vec<ExportRow>, wanted: &Wanted) -> Result<RawBatch> {
        let (categories, parents) = catalog.db().read(|conn| {
            let categories = if wanted.categories {
                let low = rows.iter().map(|r| r.id).min().unwrap_or(0);
                let high = rows.iter().map(|r| r.id).max().unwrap_or(-1);
                // A batch's ids are close together; a wide spread is read id by id.
                if high - low < 4 * rows.len() as i64 {
                    exports::categories_between(conn, low, high)?
                } else {
                    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                    store::products::categories_of(conn, &ids)?
                }
            } else {
                HashMap::new()
            };
            let parents = if wanted.parent_codes {
                store::models::codes_by_id(conn, rows.iter().filter_map(|r| r.parent_id))?
            } else {
                HashMap::new()
            };
            Ok((categories, parents))
        })?;
        let parent_ids: Vec<i64> = rows
            .iter()
            .filter_map(|r| r.parent_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let models = catalog.model_chains(&parent_ids)?;
        Ok(RawBatch {
            rows,
            categories,
            parents,
            models,
        })
    }

    /// Parses the wanted values and orders the products by variant group.
    pub fn parse(self, wanted: &Wanted) -> Result<Batch> {
        let RawBatch {
            rows,
            mut categories,
            parents,
            models,
        } = self;
        let products = rows
            .into_iter()
            .map(|row| {
                Ok(StoredProduct {
                    id: row.id,
                    parent_id: row.parent_id,
                    product: Product {
                        sku: row.sku,
                        family: row.family,
                        parent: row.parent_id.and_then(|id| parents.get(&id).cloned()),
                        enabled: row.enabled,
                        categories: categories.remove(&row.id).unwrap_or_default(),
                        values: parse_values(&row.raw_values, wanted)?,
                        associations: BTreeMap::new(),
                    },
                    created: row.created,
                    updated: row.updated,
                    version: row.version,
                    quality: row.quality,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Batch::sorted(products, models))
    }
}

/// Root models per batch (five or so products each) and standalone products per batch.
const MODELS_PER_BATCH: i64 = 200;
const PRODUCTS_PER_BATCH: i64 = 1000;

/// Products to render, grouped (variants of one root model next to each other), with the
/// models their values are inherited from.
pub struct Batch {
    pub products: Vec<StoredProduct>,
    pub models: HashMap<i64, StoredModel>,
}

impl Batch {
    /// Loads the models above `products` and orders the products by variant group.
    fn of(catalog: &Catalog, products: Vec<StoredProduct>) -> Result<Batch> {
        let parents: Vec<i64> = products
            .iter()
            .filter_map(|p| p.parent_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let models = catalog.model_chains(&parents)?;
        Ok(Batch::sorted(products, models))
    }

    fn sorted(mut products: Vec<StoredProduct>, models: HashMap<i64, StoredModel>) -> Batch {
        let root = |p: &StoredProduct| -> i64 {
            crate::service::reads::ancestors_of(p.parent_id, &models)
                .first()
                .map_or(i64::MAX, |m| m.id)
        };
        products.sort_by_cached_key(|p| (root(p), p.id));
        Batch { products, models }
    }
}

enum Phase {
    Groups { after: i64 },
    Standalone { after: i64 },
    Done,
}

/// The full catalog, batch by batch.
pub struct FullScan<'a> {
    catalog: &'a Catalog,
    phase: Phase,
    wanted: Wanted,
}

impl<'a> FullScan<'a> {
    pub fn new(catalog: &'a Catalog, wanted: Wanted) -> Self {
        FullScan {
            catalog,
            phase: Phase::Groups { after: 0 },
            wanted,
        }
    }

    pub fn wanted(&self) -> &Wanted {
        &self.wanted
    }

    /// The next batch, parsed; None at the end.
    pub fn next_batch(&mut self) -> Result<Option<Batch>> {
        match self.next_raw()? {
            Some(raw) => raw.parse(&self.wanted).map(Some),
            None => Ok(None),
        }
    }

    /// The next batch as read, values unparsed; None at the end.
    pub fn next_raw(&mut self) -> Result<Option<RawBatch>> {
        loop {
            match self.phase {
                Phase::Groups { after } => {
                    let rows = self.catalog.db().read(|conn| {
                        let roots = exports::root_model_ids(conn, after, MODELS_PER_BATCH)?;
                        let Some(&last) = roots.last() else {
                            return Ok(None);
                        };
                        let mut models = roots.clone();
                        models.extend(store::models::child_ids(conn, &roots)?);
                        Ok(Some((last, exports::rows_under_models(conn, &models)?)))
                    })?;
                    match rows {
                        None => self.phase = Phase::Standalone { after: 0 },
                        Some((last, rows)) => {
                            self.phase = Phase::Groups { after: last };
                            if !rows.is_empty() {
                                return RawBatch::load(self.catalog, rows, &self.wanted).map(Some);
                            }
                        }
                    }
                }
                Phase::Standalone { after } => {
                    let rows = self
                        .catalog
                        .db()
                        .read(|conn| exports::standalone_rows(conn, after, PRODUCTS_PER_BATCH))?;
                    let Some(last) = rows.iter().map(|r| r.id).max() else {
                        self.phase = Phase::Done;
                        continue;
                    };
                    self.phase = Phase::Standalone { after: last };
                    return RawBatch::load(self.catalog, rows, &self.wanted).map(Some);
                }
                Phase::Done => return Ok(None),
            }
        }
    }
}

/// What changed between two positions of the change log.
#[derive(Debug, Default)]
pub struct Delta {
    /// SKUs created since the cursor (and still there).
    pub created: BTreeSet<String>,
    /// SKUs of products that exist now and changed (or whose models changed).
    pub changed: Vec<StoredProduct>,
    /// SKUs deleted since the cursor.
    pub deleted: Vec<String>,
}

/// Reads the products the change log touched in `(since, until]`: changed products, the
/// products under changed models, and deleted products.
pub fn delta(catalog: &Catalog, since: i64, until: i64) -> Result<Delta> {
    let events = catalog
        .db()
        .read(|conn| exports::touched(conn, since, until))?;
    // First and last operation per product; models by code.
    let mut products: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    let mut models: BTreeSet<String> = BTreeSet::new();
    for (entity, code, operation) in events {
        if entity == "product" {
            let key = sku_key(&code);
            products
                .entry(key)
                .and_modify(|e| e.2 = operation.clone())
                .or_insert((code, operation.clone(), operation));
        } else {
            models.insert(code);
        }
    }
    let keys: Vec<String> = products.keys().cloned().collect();
    let mut changed = catalog
        .db()
        .read(|conn| store::products::find_by_sku_keys(conn, &keys))?;
    let present: BTreeSet<String> = changed.iter().map(|p| sku_key(&p.product.sku)).collect();
    if !models.is_empty() {
        let codes: Vec<String> = models.into_iter().collect();
        let under = catalog.db().read(|conn| {
            let found = store::models::find_by_codes(conn, &codes)?;
            let mut ids: Vec<i64> = found.iter().map(|m| m.id).collect();
            ids.extend(store::models::child_ids(conn, &ids)?);
            let product_ids = store::products::ids_under_models(conn, &ids)?;
            store::products::find_by_ids(conn, &product_ids)
        })?;
        for p in under {
            if !present.contains(&sku_key(&p.product.sku)) && !changed.iter().any(|c| c.id == p.id)
            {
                changed.push(p);
            }
        }
    }
    let mut out = Delta::default();
    for (key, (code, first, last)) in products {
        let exists = present.contains(&key);
        if !exists && last == "delete" {
            // Created and deleted within the window: the consumer never saw it.
            if first != "create" {
                out.deleted.push(code);
            }
        } else if exists && first == "create" {
            out.created.insert(code);
        }
    }
    out.changed = changed;
    Ok(out)
}

/// A delta's products as batches in group order.
pub fn delta_batches(catalog: &Catalog, products: Vec<StoredProduct>) -> Result<Vec<Batch>> {
    let mut out = Vec::new();
    let mut rest = products;
    rest.sort_by_key(|p| p.id);
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(PRODUCTS_PER_BATCH as usize));
        out.push(Batch::of(catalog, rest)?);
        rest = tail;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_wanted_attributes_scopes_and_locales_are_parsed() {
        let wanted = Wanted {
            attributes: Some(["name".to_string(), "price".to_string()].into()),
            scope: "web".into(),
            locale: "en_US".into(),
            categories: false,
            parent_codes: false,
        };
        let raw = r#"{"description": {"web": {"en_US": "long text"}},
            "name": {"<all_channels>": {"en_US": "Shirt", "de_DE": "Hemd"}},
            "price": {"<all_channels>": {"<all_locales>": [{"amount": "1", "currency": "EUR"}]}},
            "title": {"web": {"en_US": "x"}, "print": {"en_US": "y"}}}"#;
        let doc = parse_values(raw, &wanted).unwrap();
        let expected: ValueDoc = serde_json::from_str(
            r#"{"name": {"<all_channels>": {"en_US": "Shirt"}},
                "price": {"<all_channels>": {"<all_locales>": [{"amount": "1", "currency": "EUR"}]}}}"#,
        )
        .unwrap();
        assert_eq!(doc, expected);
        let everything = Wanted {
            attributes: None,
            ..wanted
        };
        assert_eq!(parse_values(raw, &everything).unwrap().len(), 4);
    }
}
