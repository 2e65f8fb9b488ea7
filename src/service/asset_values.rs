//! Image and file values against the stored assets they point at, for the product and model write
//! paths: the asset must exist, and a value being set must fit its attribute's file type, size and
//! image dimension constraints.

use std::collections::HashMap;

use crate::catalog::Structure;
use crate::catalog::constraints::{self, AssetFacts};
use crate::catalog::values::{self, ValueDoc};
use crate::error::{FieldError, Result};
use crate::store::assets::AssetRow;
use crate::store::{self, Conn};

/// The stored rows of these hashes, by hash; unknown hashes are absent. The rows cannot be
/// deleted until the caller's transaction ends, so a value never points at a deleted asset.
pub(super) fn load(
    conn: &mut Conn<'_>,
    hashes: impl IntoIterator<Item = String>,
) -> Result<HashMap<String, AssetRow>> {
    let hashes: Vec<String> = hashes.into_iter().collect();
    if hashes.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(store::assets::find_many_for_reference(conn, &hashes)?
        .into_iter()
        .map(|row| (row.hash.clone(), row))
        .collect())
}

/// Errors of the image and file values of `next`: assets not uploaded, and values new or changed
/// since `current` that break their attribute's constraints. Values already stored are not
/// checked again, like every other value, so tightening a constraint never blocks other edits.
pub(super) fn check(
    structure: &Structure,
    assets: &HashMap<String, AssetRow>,
    next: &ValueDoc,
    current: Option<&ValueDoc>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for v in values::flatten_only(next, structure.asset_attributes()) {
        let Some(hash) = v.data.as_str() else {
            continue;
        };
        let path = values::value_path(v.attribute, v.scope, v.locale);
        let Some(row) = assets.get(hash) else {
            errors.push(FieldError::not_found(
                path,
                format!("unknown asset {hash}: upload it first"),
            ));
            continue;
        };
        let unchanged = current
            .and_then(|doc| values::get_value(doc, v.attribute, v.scope, v.locale))
            .is_some_and(|before| before == v.data);
        if unchanged {
            continue;
        }
        let facts = AssetFacts {
            filename: &row.filename,
            bytes: u64::try_from(row.bytes).unwrap_or_default(),
            width: row.width.and_then(|w| u32::try_from(w).ok()),
            height: row.height.and_then(|h| u32::try_from(h).ok()),
        };
        let Some(attribute) = structure.attribute(v.attribute) else {
            continue;
        };
        if let Err(message) = constraints::check_asset(&attribute.constraints, &facts) {
            errors.push(FieldError::invalid(path, message));
        }
    }
    errors
}
