//! Uploading assets: the bytes go to the blob store under their hash, the metadata to the database
//! and the change log. Runs blocking I/O and image decoding: call it off the async executor.

use super::{Catalog, now};
use crate::assets::AssetError;
use crate::catalog::product::FieldChange;
use crate::error::{Error, ErrorCode, FieldError, Result};
use crate::store::assets::AssetRow;
use crate::store::changes::{self, Event, Operation, Origin};
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
            if let Some(existing) = store::assets::find(conn, &row.hash)? {
                return Ok(existing);
            }
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
        _ => ErrorCode::Validation,
    };
    Error::field(FieldError::new(code, "file", e.to_string()))
}
