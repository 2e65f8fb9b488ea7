//! The write path for products: a batch of patches validated against the structure and the stored
//! catalog, unchanged items skipped, and the rest written with their change events in one
//! transaction. One bad item is reported and never blocks the others.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;

use super::{Catalog, ItemStatus, asset_values, now, parallel, quality};
use crate::catalog::Structure;
use crate::catalog::codes::sku_key;
use crate::catalog::product::{
    self, ParentInfo, Patch, Product, ProductPatch, apply_product_patch, diff_products,
};
use crate::catalog::values;
use crate::error::{Error, FieldError, Result};
use crate::store::changes::{self, Event, Operation, Origin};
use crate::store::models::StoredModel;
use crate::store::products::{NewProductRow, ProductChangeset, StoredProduct};
use crate::store::stamp::Stamp;
use crate::store::{self, Conn};

/// The outcome for one item of a batch, in input order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemResult {
    pub index: usize,
    pub code: String,
    pub status: ItemStatus,
    pub errors: Vec<FieldError>,
    /// The stored version after the write; none for rejected items.
    pub version: Option<i64>,
    /// The stored product's id; none for rejected items.
    #[serde(skip)]
    pub id: Option<i64>,
}

impl ItemResult {
    fn new(index: usize, code: &str) -> Self {
        Self {
            index,
            code: code.to_string(),
            status: ItemStatus::Unchanged,
            errors: Vec::new(),
            version: None,
            id: None,
        }
    }

    fn reject(&mut self, errors: impl IntoIterator<Item = FieldError>) {
        self.status = ItemStatus::Rejected;
        self.errors.extend(errors);
        self.version = None;
        self.id = None;
    }

    pub fn rejected(index: usize, code: &str, errors: Vec<FieldError>) -> Self {
        let mut result = Self::new(index, code);
        result.reject(errors);
        result
    }

    pub fn is_rejected(&self) -> bool {
        self.status == ItemStatus::Rejected
    }
}

/// A product that passed the structure checks and differs from what is stored, with its
/// stored forms already serialized.
struct Candidate {
    index: usize,
    key: String,
    next: Product,
    current: Option<StoredProduct>,
    parent_id: Option<i64>,
    axis_key: Option<String>,
    unique: Vec<(String, String)>,
    raw_values: String,
    associations: String,
    fields: String,
    /// Completeness and rule issues, stored with the product.
    quality: String,
}

/// What checking one patch against the structure gave.
enum Evaluated {
    Rejected(Vec<FieldError>),
    Unchanged,
    Changed(Box<Candidate>),
}

/// One patch with what the store knows of it, ready to be evaluated on any thread.
struct Work<'a> {
    index: usize,
    key: String,
    patch: &'a ProductPatch,
    current: Option<StoredProduct>,
    parent: Option<&'a StoredModel>,
}

/// A batch evaluated outside the write lock, against the catalog as it was read then. Committing
/// it checks, under the lock, that nothing it read has moved on, and evaluates it again if it
/// has; so a caller can prepare its next batch while this one commits.
pub struct PreparedProducts<'p> {
    patches: Cow<'p, [ProductPatch]>,
    structure: Arc<Structure>,
    structure_version: i64,
    with_quality: bool,
    results: Vec<ItemResult>,
    candidates: Vec<Candidate>,
    read: ReadSet,
}

/// What evaluating a batch read of the stored catalog: the versions it was evaluated against.
#[derive(Debug)]
struct ReadSet {
    keys: Vec<String>,
    /// sku key → (id, version) of the products that existed.
    products: BTreeMap<String, (i64, i64)>,
    model_codes: Vec<String>,
    /// code → (id, version) of the parent models that existed.
    models: BTreeMap<String, (i64, i64)>,
    /// id → version of the models (and their parents) the products' quality inherits from.
    ancestors: BTreeMap<i64, i64>,
}

impl ReadSet {
    /// Whether the store, as this transaction sees it, still holds what was read.
    fn still_current(&self, conn: &mut Conn<'_>) -> Result<bool> {
        if store::products::versions_by_sku_keys(conn, &self.keys)? != self.products {
            return Ok(false);
        }
        if !self.model_codes.is_empty()
            && store::models::versions_by_codes(conn, &self.model_codes)? != self.models
        {
            return Ok(false);
        }
        let ancestors: Vec<i64> = self.ancestors.keys().copied().collect();
        Ok(ancestors.is_empty()
            || store::models::versions_by_ids(conn, &ancestors)? == self.ancestors)
    }
}

impl Catalog {
    /// Creates or updates products; returns one result per patch, in order.
    pub fn upsert_products(
        &self,
        patches: &[ProductPatch],
        origin: &Origin,
    ) -> Result<Vec<ItemResult>> {
        self.upsert_products_then(patches, origin, |_, _| Ok(()))
    }

    /// As `upsert_products`, then `then` runs in the same transaction with the results, so
    /// what the caller records about the write commits (or not) with it.
    pub fn upsert_products_then(
        &self,
        patches: &[ProductPatch],
        origin: &Origin,
        then: impl Fn(&mut Conn<'_>, &[ItemResult]) -> Result<()>,
    ) -> Result<Vec<ItemResult>> {
        let prepared = self.prepare_products(patches)?;
        self.commit_products(prepared, origin, then)
    }

    /// The first half of `upsert_products_then`: reads what the batch touches and evaluates
    /// it (validation, diff, serialisation, quality) without taking the write lock.
    pub fn prepare_products<'p>(
        &self,
        patches: impl Into<Cow<'p, [ProductPatch]>>,
    ) -> Result<PreparedProducts<'p>> {
        let patches = patches.into();
        let (structure_version, structure) = self.versioned_structure()?;
        let with_quality = self.quality_on_write();
        let mut results = initial_results(&patches);
        let (candidates, read) = self.db().read_beside_writes(|conn| {
            evaluate_batch(conn, &structure, &patches, &mut results, with_quality)
        })?;
        Ok(PreparedProducts {
            patches,
            structure,
            structure_version,
            with_quality,
            results,
            candidates,
            read,
        })
    }

    /// The second half: under the write lock, checks what `prepare_products` read (evaluating
    /// the batch again if another writer changed it), checks unique values, axes and
    /// references, writes, then runs `then` in the same transaction.
    pub fn commit_products(
        &self,
        mut prepared: PreparedProducts<'_>,
        origin: &Origin,
        then: impl Fn(&mut Conn<'_>, &[ItemResult]) -> Result<()>,
    ) -> Result<Vec<ItemResult>> {
        let mut attempt = 0;
        loop {
            match self.try_commit_products(&mut prepared, origin, &then) {
                Ok(Some(results)) => {
                    // The patches' values are many small allocations: freed on another
                    // thread, not on the one that holds the next batch's write lock.
                    if let Cow::Owned(patches) = prepared.patches {
                        parallel::drop_later(patches);
                    }
                    return Ok(results);
                }
                // The structure changed after the batch was evaluated: evaluate it again.
                Ok(None) if attempt < 3 => {
                    self.reload_structure()?;
                }
                Ok(None) => {
                    return Err(Error::Unavailable(
                        "the catalog structure kept changing while this batch was written; \
                         send it again"
                            .into(),
                    ));
                }
                // A concurrent writer on PostgreSQL took a unique value or axis combination
                // between our check and our write; checking again reports it properly.
                Err(Error::Database(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ))) if attempt < 3 => {}
                Err(e) => return Err(e),
            }
            attempt += 1;
            prepared = self.prepare_products(prepared.patches)?;
        }
    }

    fn try_commit_products(
        &self,
        prepared: &mut PreparedProducts<'_>,
        origin: &Origin,
        then: &impl Fn(&mut Conn<'_>, &[ItemResult]) -> Result<()>,
    ) -> Result<Option<Vec<ItemResult>>> {
        self.db().write(|conn| {
            if store::structure::version(conn)? != prepared.structure_version {
                return Ok(None);
            }
            let p = &mut *prepared;
            if !p.read.still_current(conn)? {
                // Another writer changed what the batch was evaluated against.
                p.results = initial_results(&p.patches);
                (p.candidates, p.read) = evaluate_batch(
                    conn,
                    &p.structure,
                    &p.patches,
                    &mut p.results,
                    p.with_quality,
                )?;
            }
            let mut candidates = std::mem::take(&mut p.candidates);
            check_batch(conn, &p.structure, &mut candidates, &mut p.results)?;
            write(conn, &p.structure, candidates, &mut p.results, origin)?;
            then(conn, &p.results)?;
            Ok(Some(std::mem::take(&mut p.results)))
        })
    }

    /// Deletes a product by SKU (case-insensitive).
    pub fn delete_product(&self, sku: &str, origin: &Origin) -> Result<()> {
        self.db().write(|conn| {
            let found = store::products::find_by_sku_keys(conn, &[sku_key(sku)])?;
            let Some(stored) = found.into_iter().next() else {
                return Err(Error::NotFound(format!("product {sku:?} not found")));
            };
            store::products::delete(conn, stored.id)?;
            let event = Event::new(
                "product",
                &stored.product.sku,
                Operation::Delete,
                &diff_products(Some(&stored.product), None),
            );
            changes::append(conn, &[event], origin, now())
        })
    }
}

/// One pending result per patch; a SKU given twice in the batch is rejected the second time.
fn initial_results(patches: &[ProductPatch]) -> Vec<ItemResult> {
    let mut results: Vec<ItemResult> = patches
        .iter()
        .enumerate()
        .map(|(i, p)| ItemResult::new(i, &p.sku))
        .collect();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for (i, patch) in patches.iter().enumerate() {
        let key = sku_key(&patch.sku);
        if let Some(j) = first_seen.get(&key) {
            results[i].reject([FieldError::conflict(
                "sku",
                format!(
                    "sku {} appears twice in this batch (first as item {j})",
                    patch.sku
                ),
            )]);
        } else {
            first_seen.insert(key, i);
        }
    }
    results
}

/// What a batch of product patches would do, without writing: the same checks as the write
/// path, each item's status, and the field-level changes it would make.
pub(super) fn preview(
    conn: &mut Conn<'_>,
    structure: &Structure,
    patches: &[ProductPatch],
) -> Result<Vec<(ItemResult, Vec<product::FieldChange>)>> {
    let mut results = initial_results(patches);
    let (mut candidates, _) = evaluate_batch(conn, structure, patches, &mut results, false)?;
    check_batch(conn, structure, &mut candidates, &mut results)?;
    let mut changes: Vec<Vec<product::FieldChange>> = vec![Vec::new(); patches.len()];
    for c in candidates {
        results[c.index].status = if c.current.is_some() {
            ItemStatus::Updated
        } else {
            ItemStatus::Created
        };
        changes[c.index] = serde_json::from_str(&c.fields)?;
    }
    Ok(results.into_iter().zip(changes).collect())
}

/// Applies every patch against the stored state and returns those that change something, with
/// their quality, and what was read to evaluate them.
fn evaluate_batch(
    conn: &mut Conn<'_>,
    structure: &Structure,
    patches: &[ProductPatch],
    results: &mut [ItemResult],
    with_quality: bool,
) -> Result<(Vec<Candidate>, ReadSet)> {
    let keys: Vec<String> = patches.iter().map(|p| sku_key(&p.sku)).collect();
    let mut existing: HashMap<String, StoredProduct> =
        store::products::find_by_sku_keys(conn, &keys)?
            .into_iter()
            .map(|p| (sku_key(&p.product.sku), p))
            .collect();
    let parent_codes: Vec<String> = patches
        .iter()
        .zip(&keys)
        .filter_map(|(p, key)| target_parent(p, existing.get(key)))
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect();
    let models: HashMap<String, StoredModel> = store::models::find_by_codes(conn, &parent_codes)?
        .into_iter()
        .map(|m| (m.model.code.clone(), m))
        .collect();
    let mut read = ReadSet {
        products: existing
            .iter()
            .map(|(key, p)| (key.clone(), (p.id, p.version)))
            .collect(),
        models: models
            .iter()
            .map(|(code, m)| (code.clone(), (m.id, m.version)))
            .collect(),
        model_codes: parent_codes,
        keys,
        ancestors: BTreeMap::new(),
    };
    let keys = &read.keys;

    let mut work = Vec::with_capacity(patches.len());
    for (i, patch) in patches.iter().enumerate() {
        if results[i].is_rejected() {
            continue;
        }
        let current = existing.remove(&keys[i]);
        if let Some(current) = &current {
            results[i].version = Some(current.version);
            results[i].id = Some(current.id);
            if current.product.sku != patch.sku {
                results[i].reject([FieldError::conflict(
                    "sku",
                    format!(
                        "sku {} differs only in case from existing product {}",
                        patch.sku, current.product.sku
                    ),
                )]);
                continue;
            }
        }
        let parent = target_parent(patch, current.as_ref()).and_then(|code| models.get(&code));
        work.push(Work {
            index: i,
            key: keys[i].clone(),
            patch,
            current,
            parent,
        });
    }
    // Validation, diffing and serialisation are pure CPU: they run on every core.
    let evaluated = parallel::map(&work, |w| evaluate(structure, w));
    let mut candidates = Vec::new();
    for (w, outcome) in work.into_iter().zip(evaluated) {
        match outcome? {
            Evaluated::Rejected(errors) => results[w.index].reject(errors),
            Evaluated::Unchanged => {}
            Evaluated::Changed(mut c) => {
                c.current = w.current;
                candidates.push(*c);
            }
        }
    }
    if with_quality {
        read.ancestors = attach_quality(conn, structure, &mut candidates)?;
    } else {
        for c in &mut candidates {
            c.quality = "{}".into();
        }
    }
    Ok((candidates, read))
}

/// The checks that need the write lock: unique values, axis combinations and references
/// against what is stored now.
fn check_batch(
    conn: &mut Conn<'_>,
    structure: &Structure,
    candidates: &mut Vec<Candidate>,
    results: &mut [ItemResult],
) -> Result<()> {
    check_unique_values(conn, candidates, results)?;
    check_axes(conn, candidates, results)?;
    check_references(conn, structure, candidates, results)
}

/// Completeness and rule issues of every candidate, as they will be stored; returns the
/// versions of the models they were judged with.
fn attach_quality(
    conn: &mut Conn<'_>,
    structure: &Structure,
    candidates: &mut [Candidate],
) -> Result<BTreeMap<i64, i64>> {
    let items: Vec<quality::Assessing<'_>> = candidates
        .iter()
        .map(|c| quality::Assessing {
            family: c.next.family.as_deref(),
            parent_id: c.parent_id,
            categories: &c.next.categories,
            values: &c.next.values,
        })
        .collect();
    let models = quality::models_of(conn, &items)?;
    let qualities = quality::assess_with(conn, structure, &items, &models)?;
    for (c, q) in candidates.iter_mut().zip(qualities) {
        c.quality = q;
    }
    Ok(models.values().map(|m| (m.id, m.version)).collect())
}

fn evaluate(structure: &Structure, w: &Work<'_>) -> Result<Evaluated> {
    let current = w.current.as_ref().map(|c| &c.product);
    let info = w.parent.map(|m| ParentInfo {
        code: m.model.code.clone(),
        family_variant: m.model.family_variant.clone(),
        depth: usize::from(m.parent_id.is_some()),
    });
    let next = match apply_product_patch(structure, current, w.patch, info.as_ref()) {
        Ok(next) => next,
        Err(errors) => return Ok(Evaluated::Rejected(errors)),
    };
    let (raw_values, fields) = match current {
        None => {
            let raw_values = serde_json::to_string(&next.values)?;
            let fields = product::created_fields_json(&next, &raw_values)?;
            (raw_values, fields)
        }
        Some(current) => {
            let fields = diff_products(Some(current), Some(&next));
            if fields.is_empty() {
                return Ok(Evaluated::Unchanged);
            }
            (
                serde_json::to_string(&next.values)?,
                serde_json::to_string(&fields)?,
            )
        }
    };
    let axis_key = w.parent.and_then(|m| {
        let (variant, _) = structure.variant_family(&m.model.family_variant)?;
        Some(product::axis_key(
            &next.values,
            &variant.levels.last()?.axes,
        ))
    });
    let unique = product::unique_values(structure, &next.values)
        .into_iter()
        .map(|(a, k)| (a.to_string(), k))
        .collect();
    Ok(Evaluated::Changed(Box::new(Candidate {
        index: w.index,
        key: w.key.clone(),
        parent_id: w.parent.map(|m| m.id),
        axis_key,
        unique,
        raw_values,
        associations: serde_json::to_string(&next.associations)?,
        fields,
        quality: String::new(),
        next,
        // Moved in by the caller: cloning stored products here would cost more than it saves.
        current: None,
    })))
}

fn target_parent(patch: &ProductPatch, current: Option<&StoredProduct>) -> Option<String> {
    match &patch.parent {
        Patch::Set(code) => Some(code.clone()),
        Patch::Clear => None,
        Patch::Keep => current.and_then(|c| c.product.parent.clone()),
    }
}

/// Drops candidates rejected by a check, recording why.
fn reject_where(
    candidates: &mut Vec<Candidate>,
    results: &mut [ItemResult],
    mut errors_of: impl FnMut(&Candidate) -> Vec<FieldError>,
) {
    candidates.retain(|c| {
        let errors = errors_of(c);
        if errors.is_empty() {
            true
        } else {
            results[c.index].reject(errors);
            false
        }
    });
}

fn check_unique_values(
    conn: &mut Conn<'_>,
    candidates: &mut Vec<Candidate>,
    results: &mut [ItemResult],
) -> Result<()> {
    let mut by_attribute: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for c in candidates.iter() {
        for (attribute, key) in &c.unique {
            by_attribute.entry(attribute).or_default().push(key.clone());
        }
    }
    let mut holders: HashMap<(String, String), i64> = HashMap::new();
    for (attribute, keys) in &by_attribute {
        for (key, id) in store::products::unique_holders(conn, attribute, keys)? {
            holders.insert((attribute.to_string(), key), id);
        }
    }
    let mut claimed: HashMap<(String, String), usize> = HashMap::new();
    reject_where(candidates, results, |c| {
        let own = c.current.as_ref().map(|p| p.id);
        let mut errors = Vec::new();
        for (attribute, key) in &c.unique {
            let pair = (attribute.clone(), key.clone());
            let held = holders
                .get(&pair)
                .is_some_and(|holder| Some(*holder) != own);
            let in_batch = claimed.get(&pair).filter(|i| **i != c.index);
            if held || in_batch.is_some() {
                let value = values::get_value(
                    &c.next.values,
                    attribute,
                    values::ALL_CHANNELS,
                    values::ALL_LOCALES,
                )
                .map(ToString::to_string)
                .unwrap_or_default();
                let whom = in_batch.map_or("another product".to_string(), |i| {
                    format!("item {i} of this batch")
                });
                errors.push(FieldError::conflict(
                    format!("values.{attribute}"),
                    format!(
                        "value {value} of unique attribute {attribute} is already used by {whom}"
                    ),
                ));
            } else {
                claimed.insert(pair, c.index);
            }
        }
        errors
    });
    Ok(())
}

fn check_axes(
    conn: &mut Conn<'_>,
    candidates: &mut Vec<Candidate>,
    results: &mut [ItemResult],
) -> Result<()> {
    let parents: BTreeSet<i64> = candidates.iter().filter_map(|c| c.parent_id).collect();
    let mut taken: HashMap<(i64, String), i64> = HashMap::new();
    for parent in parents {
        for (key, id) in store::products::axis_keys_under(conn, parent)? {
            taken.insert((parent, key), id);
        }
    }
    let mut claimed: HashMap<(i64, String), usize> = HashMap::new();
    reject_where(candidates, results, |c| {
        let (Some(parent), Some(key)) = (c.parent_id, &c.axis_key) else {
            return Vec::new();
        };
        let own = c.current.as_ref().map(|p| p.id);
        let slot = (parent, key.clone());
        let held = taken.get(&slot).is_some_and(|holder| Some(*holder) != own);
        if held || claimed.contains_key(&slot) {
            vec![FieldError::conflict(
                "values",
                format!(
                    "axis combination {key} is already taken by another variant of product model {}",
                    c.next.parent.as_deref().unwrap_or_default()
                ),
            )]
        } else {
            claimed.insert(slot, c.index);
            Vec::new()
        }
    });
    Ok(())
}

/// Associated and referenced SKUs and asset hashes must exist (products of this batch count).
fn check_references(
    conn: &mut Conn<'_>,
    structure: &Structure,
    candidates: &mut Vec<Candidate>,
    results: &mut [ItemResult],
) -> Result<()> {
    let in_batch: BTreeSet<String> = candidates.iter().map(|c| c.key.clone()).collect();
    let mut wanted_skus = BTreeSet::new();
    let mut wanted_assets = BTreeSet::new();
    for c in candidates.iter() {
        wanted_skus.extend(
            product::referenced_skus(structure, &c.next)
                .iter()
                .map(|s| sku_key(s)),
        );
        wanted_assets.extend(product::referenced_assets(structure, &c.next.values));
    }
    wanted_skus.retain(|k| !in_batch.contains(k));
    let known_skus = if wanted_skus.is_empty() {
        BTreeSet::new()
    } else {
        store::products::existing_sku_keys(conn, &wanted_skus.into_iter().collect::<Vec<_>>())?
    };
    let assets = asset_values::load(conn, wanted_assets)?;
    let sku_known = |sku: &str| {
        let key = sku_key(sku);
        in_batch.contains(&key) || known_skus.contains(&key)
    };
    reject_where(candidates, results, |c| {
        let mut errors = Vec::new();
        for (kind, skus) in &c.next.associations {
            for sku in skus.iter().filter(|s| !sku_known(s)) {
                errors.push(FieldError::not_found(
                    format!("associations.{kind}"),
                    format!("unknown product {sku:?}"),
                ));
            }
        }
        for v in values::flatten_only(&c.next.values, structure.reference_attributes()) {
            let path = values::value_path(v.attribute, v.scope, v.locale);
            for sku in v
                .data
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_str())
            {
                if !sku_known(sku) {
                    errors.push(FieldError::not_found(
                        path.clone(),
                        format!("unknown product {sku:?}"),
                    ));
                }
            }
        }
        errors.extend(asset_values::check(
            structure,
            &assets,
            &c.next.values,
            c.current.as_ref().map(|p| &p.product.values),
        ));
        errors
    });
    Ok(())
}

fn write(
    conn: &mut Conn<'_>,
    structure: &Structure,
    candidates: Vec<Candidate>,
    results: &mut [ItemResult],
    origin: &Origin,
) -> Result<()> {
    if candidates.is_empty() {
        return Ok(());
    }
    let at = now();
    let stamp = Stamp::new(at);
    let mut new_rows = Vec::new();
    let mut categories: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    let mut unique: BTreeMap<i64, Vec<(String, String)>> = BTreeMap::new();
    let mut events = Vec::with_capacity(candidates.len());
    let mut created = Vec::new();
    let mut updated = Vec::new();
    // The value documents are large trees; they are freed on another thread, not while this
    // transaction holds the write lock.
    let mut spent = Vec::with_capacity(candidates.len());
    for mut c in candidates {
        spent.push((std::mem::take(&mut c.next.values), c.current.take()));
        let current = spent.last().and_then(|(_, current)| current.as_ref());
        let (code, fields) = (c.next.sku.clone(), std::mem::take(&mut c.fields));
        let event = move |operation| Event {
            entity: "product".into(),
            code,
            operation,
            fields,
        };
        match current {
            Some(current) => {
                let version = current.version + 1;
                events.push(event(Operation::Update));
                store::products::update(
                    conn,
                    current.id,
                    &ProductChangeset {
                        family: c.next.family.clone(),
                        parent_id: c.parent_id,
                        axis_key: c.axis_key.clone(),
                        enabled: c.next.enabled,
                        raw_values: c.raw_values,
                        associations: c.associations,
                        updated: at,
                        version,
                        quality: c.quality,
                    },
                )?;
                if current.product.categories != c.next.categories {
                    categories.insert(current.id, c.next.categories.clone());
                }
                let before: Vec<(String, String)> =
                    product::unique_values(structure, &current.product.values)
                        .into_iter()
                        .map(|(a, k)| (a.to_string(), k))
                        .collect();
                if before != c.unique {
                    unique.insert(current.id, c.unique);
                }
                results[c.index].status = ItemStatus::Updated;
                results[c.index].version = Some(version);
                updated.push(current.id);
            }
            None => {
                events.push(event(Operation::Create));
                results[c.index].status = ItemStatus::Created;
                results[c.index].version = Some(1);
                created.push((c.index, c.key.clone(), c.next.categories, c.unique));
                new_rows.push(NewProductRow {
                    sku: c.next.sku,
                    sku_key: c.key,
                    family: c.next.family,
                    parent_id: c.parent_id,
                    axis_key: c.axis_key,
                    enabled: c.next.enabled,
                    raw_values: c.raw_values,
                    associations: c.associations,
                    created: stamp.clone(),
                    updated: stamp.clone(),
                    version: 1,
                    quality: c.quality,
                });
            }
        }
    }
    parallel::drop_later(spent);
    let ids = store::products::insert(conn, &new_rows)?;
    let new_ids: BTreeSet<i64> = ids.values().copied().collect();
    for (index, key, product_categories, unique_values) in created {
        let id = ids[&key];
        results[index].id = Some(id);
        if !product_categories.is_empty() {
            categories.insert(id, product_categories);
        }
        if !unique_values.is_empty() {
            unique.insert(id, unique_values);
        }
    }
    store::products::set_categories(conn, &categories, &new_ids)?;
    store::products::set_unique_values(conn, &unique, &new_ids)?;
    // What imports remember of these products' rows no longer describes them.
    store::row_hashes::forget(conn, &updated)?;
    changes::append(conn, &events, origin, at)
}
