//! The asset service: validated uploads into a blob store, retrieval, and cached thumbnails.

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::Arc;

use image::{DynamicImage, ImageFormat};

use super::metadata::{self, AssetMeta};
use super::storage::{self, BlobStore, FsBlobStore};
use super::{AssetError, AssetLimits};

/// Thumbnail edge lengths; a fixed set keeps the cache bounded per asset.
pub const THUMBNAIL_SIZES: [u32; 3] = [64, 256, 512];

/// Blocking and CPU-bound: call from a blocking thread, not the async executor.
pub struct AssetStore {
    blobs: Arc<dyn BlobStore>,
    limits: AssetLimits,
}

impl AssetStore {
    pub fn new(blobs: Arc<dyn BlobStore>, limits: AssetLimits) -> Self {
        Self { blobs, limits }
    }

    pub fn new_fs(root: PathBuf, limits: AssetLimits) -> Self {
        Self::new(Arc::new(FsBlobStore::new(root)), limits)
    }

    /// The store the bytes live in, for the readiness probe.
    pub fn blobs(&self) -> &dyn BlobStore {
        self.blobs.as_ref()
    }

    /// Lets callers reject an upload by its declared length before buffering it.
    pub fn limits(&self) -> &AssetLimits {
        &self.limits
    }

    /// Validates and stores an upload; identical content is stored once under its hash.
    pub fn put(&self, filename: &str, data: &[u8]) -> Result<AssetMeta, AssetError> {
        let meta = metadata::inspect(filename, data, &self.limits)?;
        self.ensure_stored(&meta.hash, data)?;
        Ok(meta)
    }

    /// Stores the bytes of an inspected upload under its hash unless they are there already.
    pub fn ensure_stored(&self, hash: &str, data: &[u8]) -> Result<(), AssetError> {
        validate_hash(hash)?;
        if !self.blobs.exists(hash)? {
            self.blobs.put(hash, data)?;
            tracing::info!(hash, bytes = data.len(), "stored new asset");
        }
        Ok(())
    }

    pub fn get(&self, hash: &str) -> Result<Vec<u8>, AssetError> {
        validate_hash(hash)?;
        self.blobs.get(hash)
    }

    /// Removes an asset and its cached thumbnails; the caller must know it is unreferenced,
    /// since identical uploads share one blob.
    pub fn delete(&self, hash: &str) -> Result<(), AssetError> {
        validate_hash(hash)?;
        for size in THUMBNAIL_SIZES {
            self.blobs.delete(&thumbnail_key(hash, size))?;
        }
        self.blobs.delete(hash)
    }

    /// A PNG fitting within `size`×`size` with the aspect ratio kept, generated on
    /// first request and then served from the blob store.
    pub fn thumbnail(&self, hash: &str, size: u32) -> Result<Vec<u8>, AssetError> {
        validate_hash(hash)?;
        if !THUMBNAIL_SIZES.contains(&size) {
            return Err(AssetError::InvalidThumbnailSize(size));
        }
        let key = thumbnail_key(hash, size);
        // Reading directly instead of asking `exists` first avoids a race with `delete`.
        match self.blobs.get(&key) {
            Err(AssetError::NotFound(_)) => {}
            cached => return cached,
        }

        let original = self.blobs.get(hash)?;
        let format = image::guess_format(&original)
            .ok()
            .filter(|format| metadata::image_kind(*format).is_some())
            .ok_or_else(|| AssetError::NotAnImage(hash.to_owned()))?;
        // Limits are re-applied because they may have been tightened since the upload.
        let image = metadata::decode(&original, format, &self.limits)?;
        let png = render_thumbnail(image, size)?;
        // Concurrent first requests may both render; the atomic put makes that harmless.
        self.blobs.put(&key, &png)?;
        tracing::debug!(hash, size, "generated thumbnail");
        Ok(png)
    }
}

/// A bare content hash: 64 lowercase hex digits.
pub fn validate_hash(hash: &str) -> Result<(), AssetError> {
    if hash.len() != 64 {
        return Err(AssetError::InvalidHash);
    }
    storage::validate_key(hash)
}

fn thumbnail_key(hash: &str, size: u32) -> String {
    format!("{hash}.thumb{size}.png")
}

fn render_thumbnail(image: DynamicImage, size: u32) -> Result<Vec<u8>, AssetError> {
    // Never upscale: a blurred enlargement is worse than the small original.
    let scaled = if image.width() <= size && image.height() <= size {
        image
    } else {
        image.thumbnail(size, size)
    };
    // 8-bit output: thumbnails gain nothing from 16-bit depth and the files are half the size.
    let scaled = if scaled.color().has_alpha() {
        DynamicImage::ImageRgba8(scaled.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(scaled.into_rgb8())
    };
    let mut out = Cursor::new(Vec::new());
    scaled
        .write_to(&mut out, ImageFormat::Png)
        .map_err(|err| AssetError::Corrupt(format!("thumbnail encoding failed: {err}")))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::metadata::tests::{encode, png_header_only};

    fn fs_store() -> (tempfile::TempDir, AssetStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = AssetStore::new_fs(dir.path().to_path_buf(), AssetLimits::default());
        (dir, store)
    }

    fn dimensions(png: &[u8]) -> (u32, u32) {
        assert_eq!(image::guess_format(png).unwrap(), ImageFormat::Png);
        let image = image::load_from_memory_with_format(png, ImageFormat::Png).unwrap();
        (image.width(), image.height())
    }

    #[test]
    fn put_then_get_round_trips() {
        let (_dir, store) = fs_store();
        let data = encode(30, 20, ImageFormat::Jpeg);
        let meta = store.put("front.jpg", &data).unwrap();
        assert_eq!(store.get(&meta.hash).unwrap(), data);

        let sheet = store.put("sizes.csv", b"size,eu\nM,48\n").unwrap();
        assert_eq!(store.get(&sheet.hash).unwrap(), b"size,eu\nM,48\n");
    }

    #[test]
    fn identical_content_is_stored_once() {
        let (dir, store) = fs_store();
        let data = encode(10, 10, ImageFormat::Png);
        let first = store.put("a.png", &data).unwrap();
        let second = store.put("copy of a.png", &data).unwrap();
        assert_eq!(first.hash, second.hash);
        assert_eq!(second.filename, "copy of a.png");

        let fan_out = dir.path().join(&first.hash[0..2]).join(&first.hash[2..4]);
        assert_eq!(std::fs::read_dir(fan_out).unwrap().count(), 1);
    }

    #[test]
    fn rejected_upload_stores_nothing() {
        let (dir, store) = fs_store();
        let err = store
            .put("bomb.png", &png_header_only(100_000, 100_000))
            .unwrap_err();
        assert!(matches!(err, AssetError::TooManyPixels { .. }), "{err:?}");
        assert!(matches!(
            store.put("virus.exe", b"MZ"),
            Err(AssetError::UnsupportedType { .. })
        ));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn thumbnails_fit_the_box_and_keep_aspect_ratio() {
        let (_dir, store) = fs_store();
        let wide = store
            .put("wide.png", &encode(1000, 500, ImageFormat::Png))
            .unwrap();
        assert_eq!(
            dimensions(&store.thumbnail(&wide.hash, 256).unwrap()),
            (256, 128)
        );
        assert_eq!(
            dimensions(&store.thumbnail(&wide.hash, 64).unwrap()),
            (64, 32)
        );

        let tall = store
            .put("tall.jpg", &encode(300, 900, ImageFormat::Jpeg))
            .unwrap();
        assert_eq!(
            dimensions(&store.thumbnail(&tall.hash, 512).unwrap()),
            (171, 512)
        );

        let small = store
            .put("icon.png", &encode(40, 20, ImageFormat::Png))
            .unwrap();
        assert_eq!(
            dimensions(&store.thumbnail(&small.hash, 256).unwrap()),
            (40, 20)
        );
    }

    #[test]
    fn thumbnail_is_cached_in_blob_store() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Arc::new(FsBlobStore::new(dir.path()));
        let store = AssetStore::new(blobs.clone(), AssetLimits::default());
        let meta = store
            .put("a.webp", &encode(600, 600, ImageFormat::WebP))
            .unwrap();
        let key = format!("{}.thumb64.png", meta.hash);
        assert!(!blobs.exists(&key).unwrap());

        let first = store.thumbnail(&meta.hash, 64).unwrap();
        assert_eq!(blobs.get(&key).unwrap(), first);

        // A changed cache entry is served as is, proving the original is not decoded again.
        blobs.put(&key, b"cached").unwrap();
        assert_eq!(store.thumbnail(&meta.hash, 64).unwrap(), b"cached");
    }

    #[test]
    fn thumbnail_rejects_bad_requests() {
        let (_dir, store) = fs_store();
        let image = store.put("a.gif", &encode(8, 8, ImageFormat::Gif)).unwrap();
        for size in [0, 100, 1024] {
            assert!(matches!(
                store.thumbnail(&image.hash, size),
                Err(AssetError::InvalidThumbnailSize(s)) if s == size
            ));
        }

        let pdf = store.put("manual.pdf", b"%PDF-1.7").unwrap();
        assert!(matches!(
            store.thumbnail(&pdf.hash, 64),
            Err(AssetError::NotAnImage(h)) if h == pdf.hash
        ));

        let missing = "0".repeat(64);
        assert!(matches!(
            store.thumbnail(&missing, 64),
            Err(AssetError::NotFound(_))
        ));
        assert!(matches!(store.get(&missing), Err(AssetError::NotFound(_))));
    }

    #[test]
    fn keys_with_suffixes_or_traversal_are_not_hashes() {
        let (_dir, store) = fs_store();
        let meta = store.put("a.png", &encode(8, 8, ImageFormat::Png)).unwrap();
        store.thumbnail(&meta.hash, 64).unwrap();
        for hash in [
            format!("{}.thumb64.png", meta.hash),
            "../../../etc/passwd".to_owned(),
            format!("../{}", &meta.hash[3..]),
        ] {
            assert!(
                matches!(store.get(&hash), Err(AssetError::InvalidHash)),
                "{hash}"
            );
            assert!(matches!(
                store.thumbnail(&hash, 64),
                Err(AssetError::InvalidHash)
            ));
            assert!(matches!(store.delete(&hash), Err(AssetError::InvalidHash)));
        }
    }

    #[test]
    fn delete_removes_asset_and_thumbnails() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Arc::new(FsBlobStore::new(dir.path()));
        let store = AssetStore::new(blobs.clone(), AssetLimits::default());
        let meta = store
            .put("a.png", &encode(100, 100, ImageFormat::Png))
            .unwrap();
        store.thumbnail(&meta.hash, 64).unwrap();
        store.delete(&meta.hash).unwrap();
        assert!(!blobs.exists(&meta.hash).unwrap());
        assert!(!blobs.exists(&thumbnail_key(&meta.hash, 64)).unwrap());
    }

    #[test]
    fn tightened_limits_apply_to_thumbnails() {
        let dir = tempfile::tempdir().unwrap();
        let blobs: Arc<dyn BlobStore> = Arc::new(FsBlobStore::new(dir.path()));
        let lenient = AssetStore::new(blobs.clone(), AssetLimits::default());
        let meta = lenient
            .put("a.png", &encode(200, 200, ImageFormat::Png))
            .unwrap();

        let strict = AssetStore::new(
            blobs,
            AssetLimits {
                max_pixels: 100,
                ..AssetLimits::default()
            },
        );
        assert!(matches!(
            strict.thumbnail(&meta.hash, 64),
            Err(AssetError::TooManyPixels { .. })
        ));
    }
}
