//! Catalog assets (product images and attached files): validation on upload,
//! content-addressed storage and cached thumbnails.

pub mod limits;
pub mod metadata;
pub mod s3;
pub mod sigv4;
pub mod storage;
pub mod store;

pub use limits::AssetLimits;
pub use metadata::{AssetMeta, inspect};
pub use s3::{S3BlobStore, S3Settings};
pub use storage::{BlobStore, FsBlobStore};
pub use store::{AssetStore, THUMBNAIL_SIZES};

#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    #[error("asset is {bytes} bytes, limit is {limit}")]
    TooLarge { bytes: u64, limit: u64 },
    #[error("image is {width}x{height} pixels, limit is {limit} pixels")]
    TooManyPixels { width: u32, height: u32, limit: u64 },
    #[error("image is {width}x{height} pixels, limit is {limit} pixels per side")]
    DimensionTooLarge { width: u32, height: u32, limit: u32 },
    #[error("file type not allowed: {filename}")]
    UnsupportedType { filename: String },
    #[error("corrupt image: {0}")]
    Corrupt(String),
    #[error("asset {0} is not an image")]
    NotAnImage(String),
    #[error("asset not found: {0}")]
    NotFound(String),
    #[error("invalid asset hash or key")]
    InvalidHash,
    #[error("unsupported thumbnail size {0}, expected one of 64, 256, 512")]
    InvalidThumbnailSize(u32),
    #[error("asset storage i/o: {0}")]
    Io(#[from] std::io::Error),
    /// An S3-compatible store refused or failed a request; `key` is empty for the bucket itself.
    #[error("asset storage s3://{bucket}/{key}: {reason}")]
    Remote {
        bucket: String,
        key: String,
        reason: String,
    },
}
