//! The write path for product models. Models are applied in input order inside one transaction,
//! so a batch may create a root model and its sub-models together.

use std::collections::BTreeMap;

use super::products::ItemResult;
use super::quality;
use super::{Catalog, ItemStatus, asset_values, now};
use crate::catalog::Structure;
use crate::catalog::product::{
    self, ModelPatch, ParentInfo, Patch, apply_model_patch, diff_models,
};
use crate::error::{Error, FieldError, Result};
use crate::store::changes::{self, Event, Operation, Origin};
use crate::store::models::{ModelChangeset, NewModelRow, StoredModel};
use crate::store::{self, Conn};

impl Catalog {
    pub fn upsert_models(
        &self,
        patches: &[ModelPatch],
        origin: &Origin,
    ) -> Result<Vec<ItemResult>> {
        let structure = self.structure()?;
        self.db().write(|conn| {
            let (results, events) = upsert_models_in(conn, &structure, patches)?;
            changes::append(conn, &events, origin, now())?;
            refresh_variants(conn, &structure, &events)?;
            Ok(results)
        })
    }

    /// Deletes a product model that no longer has variants or sub-models.
    pub fn delete_model(&self, code: &str, origin: &Origin) -> Result<()> {
        self.db().write(|conn| {
            let Some(stored) = store::models::find_by_codes(conn, &[code.to_string()])?.into_iter().next() else {
                return Err(Error::NotFound(format!("product model {code:?} not found")));
            };
            let children = store::models::count_children(conn, stored.id)?;
            if children > 0 {
                return Err(Error::field(FieldError::conflict(
                    "code",
                    format!("product model {code} still has {children} variants or sub-models; delete them first"),
                )));
            }
            store::models::delete(conn, stored.id)?;
            let event = Event::new("product_model", code, Operation::Delete, &diff_models(Some(&stored.model), None));
            changes::append(conn, &[event], origin, now())
        })
    }
}

/// Applies model patches in order on `conn`; returns one result per patch and the change events
/// of what was written (the caller appends them, or rolls everything back for a dry run).
pub(super) fn upsert_models_in(
    conn: &mut Conn<'_>,
    structure: &Structure,
    patches: &[ModelPatch],
) -> Result<(Vec<ItemResult>, Vec<Event>)> {
    let mut results = Vec::with_capacity(patches.len());
    let mut events = Vec::new();
    let at = now();
    for (i, patch) in patches.iter().enumerate() {
        let mut result = ItemResult {
            index: i,
            code: patch.code.clone(),
            status: ItemStatus::Unchanged,
            errors: Vec::new(),
            version: None,
            id: None,
        };
        match upsert_one(conn, structure, patch, at)? {
            Outcome::Rejected(errors) => {
                result.status = ItemStatus::Rejected;
                result.errors = errors;
            }
            Outcome::Unchanged(version) => result.version = Some(version),
            Outcome::Written {
                status,
                version,
                event,
            } => {
                result.status = status;
                result.version = Some(version);
                events.push(event);
            }
        }
        results.push(result);
    }
    Ok((results, events))
}

/// Variant products inherit from changed models: their completeness and issues are recomputed
/// in the same transaction, and what imports remember of their rows is forgotten (a row's
/// variant values are checked against its model's).
fn refresh_variants(conn: &mut Conn<'_>, structure: &Structure, events: &[Event]) -> Result<()> {
    let updated: Vec<String> = events
        .iter()
        .filter(|e| e.operation == Operation::Update)
        .map(|e| e.code.clone())
        .collect();
    if updated.is_empty() {
        return Ok(());
    }
    let mut ids: Vec<i64> = store::models::find_by_codes(conn, &updated)?
        .iter()
        .map(|m| m.id)
        .collect();
    ids.extend(store::models::child_ids(conn, &ids)?);
    let products = store::products::ids_under_models(conn, &ids)?;
    store::row_hashes::forget(conn, &products)?;
    for chunk in products.chunks(1000) {
        quality::refresh(conn, structure, chunk)?;
    }
    Ok(())
}

enum Outcome {
    Rejected(Vec<FieldError>),
    Unchanged(i64),
    Written {
        status: ItemStatus,
        version: i64,
        event: Event,
    },
}

fn upsert_one(
    conn: &mut Conn<'_>,
    structure: &Structure,
    patch: &ModelPatch,
    at: chrono::NaiveDateTime,
) -> Result<Outcome> {
    let current = store::models::find_by_codes(conn, std::slice::from_ref(&patch.code))?
        .into_iter()
        .next();
    let parent_code = match &patch.parent {
        Patch::Set(code) => Some(code.clone()),
        Patch::Clear => None,
        Patch::Keep => current.as_ref().and_then(|c| c.model.parent.clone()),
    };
    let parent: Option<StoredModel> = match parent_code {
        Some(code) => store::models::find_by_codes(conn, &[code])?
            .into_iter()
            .next(),
        None => None,
    };
    let info = parent.as_ref().map(|p| ParentInfo {
        code: p.model.code.clone(),
        family_variant: p.model.family_variant.clone(),
        depth: usize::from(p.parent_id.is_some()),
    });
    let next = match apply_model_patch(
        structure,
        current.as_ref().map(|c| &c.model),
        patch,
        info.as_ref(),
    ) {
        Ok(next) => next,
        Err(errors) => return Ok(Outcome::Rejected(errors)),
    };
    let fields = diff_models(current.as_ref().map(|c| &c.model), Some(&next));
    if fields.is_empty() {
        return Ok(Outcome::Unchanged(current.map_or(0, |c| c.version)));
    }
    let assets = asset_values::load(conn, product::referenced_assets(structure, &next.values))?;
    let errors = asset_values::check(
        structure,
        &assets,
        &next.values,
        current.as_ref().map(|c| &c.model.values),
    );
    if !errors.is_empty() {
        return Ok(Outcome::Rejected(errors));
    }
    let axis_key = match (&parent, structure.family_variants.get(&next.family_variant)) {
        (Some(_), Some(variant)) => Some(product::axis_key(
            &next.values,
            product::axes_at_depth(variant, 1),
        )),
        _ => None,
    };
    if let (Some(parent), Some(key)) = (&parent, &axis_key) {
        let taken = store::models::axis_keys_under(conn, parent.id)?;
        if taken
            .get(key)
            .is_some_and(|holder| Some(*holder) != current.as_ref().map(|c| c.id))
        {
            return Ok(Outcome::Rejected(vec![FieldError::conflict(
                "values",
                format!(
                    "axis combination {key} is already taken by another sub-model of {}",
                    parent.model.code
                ),
            )]));
        }
    }
    let raw_values = serde_json::to_string(&next.values)?;
    let parent_id = parent.as_ref().map(|p| p.id);
    let (id, status, version, operation) = match &current {
        Some(c) => {
            let version = c.version + 1;
            store::models::update(
                conn,
                c.id,
                &ModelChangeset {
                    parent_id,
                    axis_key,
                    raw_values,
                    updated: at,
                    version,
                },
            )?;
            (c.id, ItemStatus::Updated, version, Operation::Update)
        }
        None => {
            let row = NewModelRow {
                code: next.code.clone(),
                family_variant: next.family_variant.clone(),
                parent_id,
                axis_key,
                raw_values,
                created: at,
                updated: at,
                version: 1,
            };
            (
                store::models::insert(conn, &row)?,
                ItemStatus::Created,
                1,
                Operation::Create,
            )
        }
    };
    if current.as_ref().map(|c| &c.model.categories) != Some(&next.categories) {
        store::models::set_categories(conn, &BTreeMap::from([(id, next.categories.clone())]))?;
    }
    let event = Event::new("product_model", &next.code, operation, &fields);
    Ok(Outcome::Written {
        status,
        version,
        event,
    })
}
