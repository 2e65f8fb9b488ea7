//! Image renditions per channel: an asset resized to the channel's box (fitted inside it, or
//! padded on white to fill it exactly, or cropped to cover it) and encoded in its format and
//! quality, cached on disk by the asset's content hash and the rendition's settings, so each is
//! made once however often the feed is written.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::assets::AssetStore;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fit {
    /// Inside the box, aspect ratio kept (one side may be shorter).
    Contain,
    /// Inside the box, then centred on white to fill it exactly.
    #[default]
    Pad,
    /// Fills the box, the overflow cropped from the centre.
    Cover,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    #[default]
    Jpeg,
    Png,
    Webp,
}

impl Encoding {
    pub fn extension(self) -> &'static str {
        match self {
            Encoding::Jpeg => "jpg",
            Encoding::Png => "png",
            Encoding::Webp => "webp",
        }
    }
}

fn quality() -> u8 {
    85
}

/// How a channel wants its images.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    #[serde(default)]
    pub fit: Fit,
    #[serde(default)]
    pub format: Encoding,
    /// JPEG quality, 1 to 100 (PNG and WebP are lossless).
    #[serde(default = "quality")]
    pub quality: u8,
}

impl Rendition {
    /// Names the settings in cache paths: equal settings share renditions.
    pub fn key(&self) -> String {
        let json = serde_json::to_vec(self).expect("renditions serialize");
        hex::encode(&Sha256::digest(json)[..6])
    }

    pub fn check(&self) -> Option<&'static str> {
        if self.width == 0 || self.height == 0 || self.width > 10_000 || self.height > 10_000 {
            Some("a rendition is 1 to 10000 pixels wide and high")
        } else if !(1..=100).contains(&self.quality) {
            Some("quality is 1 to 100")
        } else {
            None
        }
    }
}

/// Resizes and encodes one image.
pub fn render(image: DynamicImage, spec: &Rendition) -> Result<Vec<u8>> {
    let (w, h) = (spec.width, spec.height);
    let resized = match spec.fit {
        Fit::Contain | Fit::Pad => image.resize(w, h, FilterType::Lanczos3),
        Fit::Cover => image.resize_to_fill(w, h, FilterType::Lanczos3),
    };
    // Transparent parts become white, as marketplaces show images on white.
    let rgba = resized.to_rgba8();
    let mut canvas = if spec.fit == Fit::Pad {
        RgbImage::from_pixel(w, h, Rgb([255, 255, 255]))
    } else {
        RgbImage::from_pixel(rgba.width(), rgba.height(), Rgb([255, 255, 255]))
    };
    let (dx, dy) = (
        (canvas.width() - rgba.width()) / 2,
        (canvas.height() - rgba.height()) / 2,
    );
    for (x, y, p) in rgba.enumerate_pixels() {
        let a = u16::from(p[3]);
        let blend = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        canvas.put_pixel(x + dx, y + dy, Rgb([blend(p[0]), blend(p[1]), blend(p[2])]));
    }
    let mut out = Cursor::new(Vec::new());
    let failed = |e: image::ImageError| Error::Internal(format!("cannot encode a rendition: {e}"));
    match spec.format {
        Encoding::Jpeg => {
            JpegEncoder::new_with_quality(&mut out, spec.quality)
                .encode_image(&canvas)
                .map_err(failed)?;
        }
        Encoding::Png => canvas
            .write_to(&mut out, ImageFormat::Png)
            .map_err(failed)?,
        Encoding::Webp => canvas
            .write_to(&mut out, ImageFormat::WebP)
            .map_err(failed)?,
    }
    Ok(out.into_inner())
}

/// Renditions on disk: `<dir>/<settings key>/<asset hash>.<ext>`.
pub struct RenditionCache {
    dir: PathBuf,
}

impl RenditionCache {
    pub fn new(dir: PathBuf) -> Self {
        RenditionCache { dir }
    }

    /// The rendition of an asset, made on first request.
    pub fn get(&self, assets: &AssetStore, hash: &str, spec: &Rendition) -> Result<PathBuf> {
        if !hash.chars().all(|c| c.is_ascii_hexdigit()) || hash.is_empty() {
            return Err(Error::BadRequest(format!("{hash:?} is not an asset hash")));
        }
        let path = self
            .dir
            .join(spec.key())
            .join(format!("{hash}.{}", spec.format.extension()));
        if path.exists() {
            return Ok(path);
        }
        let original = assets
            .get(hash)
            .map_err(|e| Error::NotFound(format!("asset {hash}: {e}")))?;
        let format = image::guess_format(&original)
            .map_err(|_| Error::BadRequest(format!("asset {hash} is not an image")))?;
        let image = crate::assets::metadata::decode(&original, format, assets.limits())
            .map_err(|e| Error::BadRequest(format!("asset {hash}: {e}")))?;
        let bytes = render(image, spec)?;
        write_atomically(&path, &bytes)?;
        Ok(path)
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let io =
        |e: std::io::Error| Error::Unavailable(format!("cannot write {}: {e}", path.display()));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let partial = path.with_extension(format!("partial-{}", std::process::id()));
    std::fs::write(&partial, bytes).map_err(io)?;
    std::fs::rename(&partial, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn red(w: u32, h: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(RgbImage::from_pixel(w, h, Rgb([200, 0, 0])))
    }

    fn decoded(bytes: &[u8]) -> RgbImage {
        image::load_from_memory(bytes).unwrap().to_rgb8()
    }

    #[test]
    fn pad_fills_the_box_on_white() {
        let spec = Rendition {
            width: 40,
            height: 40,
            fit: Fit::Pad,
            format: Encoding::Png,
            quality: 85,
        };
        let out = decoded(&render(red(80, 40), &spec).unwrap());
        assert_eq!(out.dimensions(), (40, 40));
        assert_eq!(
            out.get_pixel(20, 0),
            &Rgb([255, 255, 255]),
            "padding is white"
        );
        assert_eq!(out.get_pixel(20, 20), &Rgb([200, 0, 0]));
    }

    #[test]
    fn contain_keeps_the_ratio_and_cover_crops() {
        let mut spec = Rendition {
            width: 40,
            height: 40,
            fit: Fit::Contain,
            format: Encoding::Png,
            quality: 85,
        };
        assert_eq!(
            decoded(&render(red(80, 40), &spec).unwrap()).dimensions(),
            (40, 20)
        );
        spec.fit = Fit::Cover;
        assert_eq!(
            decoded(&render(red(80, 40), &spec).unwrap()).dimensions(),
            (40, 40)
        );
    }

    #[test]
    fn jpeg_quality_changes_the_size() {
        let noisy = DynamicImage::ImageRgb8(RgbImage::from_fn(64, 64, |x, y| {
            Rgb([
                (x * 7 % 256) as u8,
                (y * 13 % 256) as u8,
                ((x * y) % 256) as u8,
            ])
        }));
        let mut spec = Rendition {
            width: 64,
            height: 64,
            fit: Fit::Pad,
            format: Encoding::Jpeg,
            quality: 95,
        };
        let high = render(noisy.clone(), &spec).unwrap();
        spec.quality = 20;
        let low = render(noisy, &spec).unwrap();
        assert!(low.len() < high.len());
        assert_eq!(image::guess_format(&low).unwrap(), ImageFormat::Jpeg);
        spec.format = Encoding::Webp;
        let webp = render(red(10, 10), &spec).unwrap();
        assert_eq!(image::guess_format(&webp).unwrap(), ImageFormat::WebP);
        assert_ne!(
            spec.key(),
            Rendition {
                quality: 95,
                ..spec.clone()
            }
            .key()
        );
    }
}
