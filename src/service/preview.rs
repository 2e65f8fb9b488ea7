//! Dry runs: what a batch would do — each item's status and field-level changes — through the
//! same checks as the write path, with nothing written.

use std::collections::HashMap;

use serde::Serialize;

use super::products::ItemResult;
use super::{Catalog, models, products};
use crate::catalog::Structure;
use crate::catalog::product::{FieldChange, ModelPatch, ProductPatch};
use crate::error::{Error, Result};

/// One item of a dry run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Previewed {
    pub result: ItemResult,
    /// What would change; empty for unchanged and rejected items.
    pub changes: Vec<FieldChange>,
}

const ROLLED_BACK: &str = "dry run rolled back";

impl Catalog {
    /// Checks product patches against `structure` and the stored catalog without writing.
    pub fn preview_products(
        &self,
        structure: &Structure,
        patches: &[ProductPatch],
    ) -> Result<Vec<Previewed>> {
        let items = self
            .db()
            .read(|conn| products::preview(conn, structure, patches))?;
        Ok(items
            .into_iter()
            .map(|(result, changes)| Previewed { result, changes })
            .collect())
    }

    /// Applies model patches in a transaction that is always rolled back: models depend on the
    /// models before them in the batch, so they are previewed by really applying them.
    pub fn preview_models(
        &self,
        structure: &Structure,
        patches: &[ModelPatch],
    ) -> Result<Vec<Previewed>> {
        let mut seen = None;
        let outcome = self.db().write(|conn| {
            seen = Some(models::upsert_models_in(conn, structure, patches)?);
            Err::<(), _>(Error::Internal(ROLLED_BACK.into()))
        });
        match (outcome, seen) {
            (Err(Error::Internal(m)), Some((results, events))) if m == ROLLED_BACK => {
                let mut changes: HashMap<String, Vec<FieldChange>> = HashMap::new();
                for event in events {
                    changes.insert(event.code.clone(), serde_json::from_str(&event.fields)?);
                }
                Ok(results
                    .into_iter()
                    .map(|result| Previewed {
                        changes: changes.remove(&result.code).unwrap_or_default(),
                        result,
                    })
                    .collect())
            }
            (Err(e), _) => Err(e),
            (Ok(()), _) => Err(Error::Internal("a dry run committed".into())),
        }
    }
}
