//! The write path's permission step for batches: items the caller may not change are rejected
//! with `FORBIDDEN` field errors and never reach validation; the rest are written as usual, and
//! the answer keeps one result per input item in input order.

use super::Catalog;
use super::products::ItemResult;
use crate::auth::{Principal, authorize_model_patch, authorize_product_patch};
use crate::catalog::product::{ModelPatch, ProductPatch};
use crate::error::{Error, Result};
use crate::store::changes::Origin;

/// Splits a batch into the items allowed (with their input positions) and rejected results.
fn partition<P>(
    patches: Vec<P>,
    code: impl Fn(&P) -> &str,
    check: impl Fn(&P) -> Result<(), Error>,
) -> (Vec<P>, Vec<usize>, Vec<ItemResult>) {
    let mut allowed = Vec::with_capacity(patches.len());
    let mut positions = Vec::with_capacity(patches.len());
    let mut refused = Vec::new();
    for (index, patch) in patches.into_iter().enumerate() {
        match check(&patch) {
            Ok(()) => {
                allowed.push(patch);
                positions.push(index);
            }
            Err(e) => refused.push(ItemResult::rejected(index, code(&patch), e.field_errors())),
        }
    }
    (allowed, positions, refused)
}

fn merge(
    mut written: Vec<ItemResult>,
    positions: &[usize],
    refused: Vec<ItemResult>,
) -> Vec<ItemResult> {
    for (result, position) in written.iter_mut().zip(positions) {
        result.index = *position;
    }
    written.extend(refused);
    written.sort_by_key(|r| r.index);
    written
}

impl Catalog {
    /// `upsert_products` on behalf of `who`: editors change whole products, translators only
    /// values in their granted locales.
    pub fn upsert_products_as(
        &self,
        who: &Principal,
        patches: Vec<ProductPatch>,
        origin: &Origin,
    ) -> Result<Vec<ItemResult>> {
        let (allowed, positions, refused) = partition(
            patches,
            |p| p.sku.as_str(),
            |p| authorize_product_patch(Some(who), p),
        );
        let written = if allowed.is_empty() {
            Vec::new()
        } else {
            self.upsert_products(&allowed, origin)?
        };
        Ok(merge(written, &positions, refused))
    }

    /// `upsert_models` on behalf of `who`, checked the same way.
    pub fn upsert_models_as(
        &self,
        who: &Principal,
        patches: Vec<ModelPatch>,
        origin: &Origin,
    ) -> Result<Vec<ItemResult>> {
        let (allowed, positions, refused) = partition(
            patches,
            |p| p.code.as_str(),
            |p| authorize_model_patch(Some(who), p),
        );
        let written = if allowed.is_empty() {
            Vec::new()
        } else {
            self.upsert_models(&allowed, origin)?
        };
        Ok(merge(written, &positions, refused))
    }
}
