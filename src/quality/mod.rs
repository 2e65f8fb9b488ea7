//! Data quality, pure like `catalog/`: value constraints beyond types (GTIN, URL, HTML), quality
//! rules defined by catalog managers, and completeness per channel and locale.

pub mod completeness;
pub mod formats;
pub mod gtin;
pub mod rules;
pub mod text;
