//! Uploading and deleting assets: the bytes go to the blob store under their hash, the metadata to
//! the database and the change log. Runs blocking I/O and image decoding: call it off the async executor.

use super::in_use::refuse_if_held;
use super::{Catalog, now};
use crate::assets::AssetError;
use crate::catalog::product::FieldChange;
use crate::error::{Error, ErrorCode, FieldError, Result};
use crate::store::assets::AssetRow;
use crate::store::changes::{self, Event, Operation, Origin};
use crate::store::usage::ValueMatch;
use crate::store::{self};

impl Catalog {
    pub fn upload_asset(&self, filename: &str, data: &[u8], origin: &Origin) -> Result<AssetRow> {
        let meta = self.assets().put(filename, data).map_err(asset_error)?;
        let row = AssetRow {
            hash: meta.hash.clone(),
            filename: meta.filename.clone(),
            mime: meta.mime.clone(),
            bytes: meta.bytes as i64,
            format: meta.format.clone(),
            width: meta.width.map(|w| w as i32),
            height: meta.height.map(|h| h as i32),
            created: now(),
        };
        self.db().write(|conn| {
            // Serialised with `delete_asset`, which removes the bytes before it commits.
            conn.lock_change_log()?;
            if let Some(existing) = store::assets::find(conn, &row.hash)? {
                return Ok(existing);
            }
            // The bytes were stored before this transaction, but an asset of the same content
            // may have been deleted since, taking them along.
            self.assets()
                .ensure_stored(&row.hash, data)
                .map_err(asset_error)?;
            store::assets::insert(conn, &row)?;
            let fields = [FieldChange {
                field: "filename".into(),
                scope: None,
                locale: None,
                before: serde_json::Value::Null,
                after: serde_json::Value::String(row.filename.clone()),
            }];
            let event = Event::new("asset", &row.hash, Operation::Create, &fields);
            changes::append(conn, &[event], origin, row.created)?;
            Ok(row.clone())
        })
    }

    /// Deletes an asset, its bytes and its thumbnails, refusing while any product or product
    /// model value points at it.
    pub fn delete_asset(&self, hash: &str, origin: &Origin) -> Result<()> {
        crate::assets::store::validate_hash(hash).map_err(asset_error)?;
        let structure = self.structure()?;
        let wanted = ValueMatch {
            attributes: structure.asset_attributes().to_vec(),
            leaf: Some(hash.to_owned()),
        };
        self.db().write(|conn| {
            conn.lock_change_log()?;
            let row = store::assets::find(conn, hash)?
                .ok_or_else(|| Error::NotFound(format!("asset {hash} not found")))?;
            // The row goes first: on PostgreSQL that waits for writers that locked it to point a
            // value at it, and the check below then sees their values.
            store::assets::delete(conn, hash)?;
            refuse_if_held(conn, "hash", &format!("asset {hash}"), &wanted)?;
            let fields = [FieldChange {
                field: "filename".into(),
                scope: None,
                locale: None,
                before: serde_json::Value::String(row.filename.clone()),
                after: serde_json::Value::Null,
            }];
            let event = Event::new("asset", hash, Operation::Delete, &fields);
            changes::append(conn, &[event], origin, now())?;
            // Rows are one per content hash, so no other asset shares these bytes. They go
            // before the commit, while uploads of the same content wait for the lock.
            self.assets().delete(hash).map_err(asset_error)
        })
    }

    pub fn asset(&self, hash: &str) -> Result<Option<AssetRow>> {
        self.db().read(|conn| store::assets::find(conn, hash))
    }
}

/// Asset failures as the caller's error: what was wrong with the file, never a server error.
pub fn asset_error(e: AssetError) -> Error {
    let code = match &e {
        AssetError::TooLarge { .. } => ErrorCode::PayloadTooLarge,
        AssetError::NotFound(_) => return Error::NotFound(e.to_string()),
        AssetError::Io(_) => return Error::Internal(e.to_string()),
        // The detail (bucket, key, S3's answer) is for the logs, not the caller.
        AssetError::Remote { .. } => {
            tracing::error!(error = %e, "asset storage failed");
            return Error::Unavailable("asset storage is unavailable".into());
        }
        _ => ErrorCode::Validation,
    };
    Error::field(FieldError::new(code, "file", e.to_string()))
}
