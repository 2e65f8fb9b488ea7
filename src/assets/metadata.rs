//! Upload inspection: size and type checks, content sniffing, and image decoding
//! that rejects decompression bombs before any pixel buffer is allocated.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{AssetError, AssetLimits};

/// Extensions whose content must decode as an image; other allowed types are opaque files.
const IMAGE_EXTENSIONS: [&str; 5] = ["jpg", "jpeg", "png", "webp", "gif"];

/// Widest decoded pixel among the enabled codecs (16-bit RGBA PNG).
const MAX_BYTES_PER_PIXEL: u64 = 8;
/// Headroom for decoder scratch buffers on top of the output image.
const DECODER_OVERHEAD_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetMeta {
    /// Lowercase hex SHA-256 of the content; also the storage key.
    pub hash: String,
    pub filename: String,
    /// Taken from the detected content for images, from the extension otherwise.
    pub mime: String,
    pub bytes: u64,
    pub format: Option<String>,
    /// Displayed size, i.e. after applying EXIF orientation.
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// Validates an upload and describes it; images are fully decoded so that
/// truncated or corrupt files are refused at upload rather than at first display.
pub fn inspect(filename: &str, data: &[u8], limits: &AssetLimits) -> Result<AssetMeta, AssetError> {
    let bytes = data.len() as u64;
    if bytes > limits.max_bytes {
        return Err(AssetError::TooLarge {
            bytes,
            limit: limits.max_bytes,
        });
    }

    let filename = sanitize_filename(filename);
    let Some(ext) = extension(&filename).filter(|ext| {
        limits
            .allowed_extensions
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(ext))
    }) else {
        return Err(AssetError::UnsupportedType { filename });
    };

    let (mime, format, width, height) = if IMAGE_EXTENSIONS.contains(&ext.as_str()) {
        // The extension is only a claim; the bytes decide which decoder runs.
        let format = image::guess_format(data)
            .map_err(|_| AssetError::Corrupt("content is not a recognised image format".into()))?;
        let Some((name, mime)) = image_kind(format) else {
            return Err(AssetError::UnsupportedType { filename });
        };
        let image = decode(data, format, limits)?;
        (
            mime.to_owned(),
            Some(name.to_owned()),
            Some(image.width()),
            Some(image.height()),
        )
    } else {
        (file_mime(&ext).to_owned(), None, None, None)
    };

    Ok(AssetMeta {
        hash: hex::encode(Sha256::digest(data)),
        filename,
        mime,
        bytes,
        format,
        width,
        height,
    })
}

/// Format name and MIME type for the image formats this build can decode.
pub(crate) fn image_kind(format: ImageFormat) -> Option<(&'static str, &'static str)> {
    match format {
        ImageFormat::Png => Some(("png", "image/png")),
        ImageFormat::Jpeg => Some(("jpeg", "image/jpeg")),
        ImageFormat::WebP => Some(("webp", "image/webp")),
        ImageFormat::Gif => Some(("gif", "image/gif")),
        _ => None,
    }
}

/// Decodes an image with EXIF orientation applied, after checking the size the
/// header declares: a few kilobytes can declare gigapixels.
pub(crate) fn decode(
    data: &[u8],
    format: ImageFormat,
    limits: &AssetLimits,
) -> Result<DynamicImage, AssetError> {
    let mut header = ImageReader::with_format(Cursor::new(data), format);
    // No per-side limit here so that an oversized image is reported with its real size.
    header.limits(alloc_limits(limits));
    let (width, height) = header.into_dimensions().map_err(corrupt)?;
    check_dimensions(width, height, limits)?;

    let mut decode_limits = alloc_limits(limits);
    decode_limits.max_image_width = Some(limits.max_dimension);
    decode_limits.max_image_height = Some(limits.max_dimension);
    let mut reader = ImageReader::with_format(Cursor::new(data), format);
    reader.limits(decode_limits);
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let orientation = decoder.orientation().map_err(corrupt)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn check_dimensions(width: u32, height: u32, limits: &AssetLimits) -> Result<(), AssetError> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(AssetError::TooManyPixels {
            width,
            height,
            limit: limits.max_pixels,
        });
    }
    if width.max(height) > limits.max_dimension {
        return Err(AssetError::DimensionTooLarge {
            width,
            height,
            limit: limits.max_dimension,
        });
    }
    Ok(())
}

fn alloc_limits(limits: &AssetLimits) -> image::Limits {
    let mut alloc = image::Limits::default();
    alloc.max_alloc = Some(
        limits
            .max_pixels
            .saturating_mul(MAX_BYTES_PER_PIXEL)
            .saturating_add(DECODER_OVERHEAD_BYTES),
    );
    alloc
}

fn corrupt(err: ImageError) -> AssetError {
    AssetError::Corrupt(err.to_string())
}

/// Keeps only the final path component: browsers on Windows may send the full
/// client path, and the name is later echoed in download headers.
fn sanitize_filename(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    cleaned.trim().to_owned()
}

fn extension(filename: &str) -> Option<String> {
    let (stem, ext) = filename.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

fn file_mime(ext: &str) -> &'static str {
    match ext {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "zip" => "application/zip",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use image::codecs::jpeg::JpegEncoder;
    use image::{ImageEncoder, RgbImage};

    use super::*;

    pub(crate) fn encode(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]) {
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }

    /// A structurally valid PNG whose header declares the given size but which
    /// carries no pixel data at all.
    pub(crate) fn png_header_only(width: u32, height: u32) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        // 8-bit RGB, deflate, adaptive filtering, no interlace.
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(&mut out, b"IHDR", &ihdr);
        chunk(&mut out, b"IDAT", &[]);
        chunk(&mut out, b"IEND", &[]);
        out
    }

    #[test]
    fn png_is_described() {
        let data = encode(40, 30, ImageFormat::Png);
        let meta = inspect("shoe.png", &data, &AssetLimits::default()).unwrap();
        assert_eq!(meta.hash, hex::encode(Sha256::digest(&data)));
        assert_eq!(meta.hash.len(), 64);
        assert_eq!(meta.filename, "shoe.png");
        assert_eq!(meta.mime, "image/png");
        assert_eq!(meta.bytes, data.len() as u64);
        assert_eq!(meta.format.as_deref(), Some("png"));
        assert_eq!((meta.width, meta.height), (Some(40), Some(30)));
    }

    #[test]
    fn real_format_wins_over_extension() {
        let data = encode(16, 8, ImageFormat::Jpeg);
        let meta = inspect("mislabelled.PNG", &data, &AssetLimits::default()).unwrap();
        assert_eq!(meta.format.as_deref(), Some("jpeg"));
        assert_eq!(meta.mime, "image/jpeg");
        assert_eq!((meta.width, meta.height), (Some(16), Some(8)));
    }

    #[test]
    fn text_named_png_is_corrupt() {
        let err = inspect("notes.png", b"just some text", &AssetLimits::default()).unwrap_err();
        assert!(matches!(err, AssetError::Corrupt(_)), "{err:?}");
    }

    #[test]
    fn truncated_png_is_corrupt() {
        let data = encode(64, 64, ImageFormat::Png);
        let err = inspect("cut.png", &data[..data.len() / 2], &AssetLimits::default()).unwrap_err();
        assert!(matches!(err, AssetError::Corrupt(_)), "{err:?}");
    }

    #[test]
    fn unsupported_image_format_is_rejected() {
        // A BMP signature: recognised as an image, but no decoder is compiled in.
        let err = inspect("scan.png", b"BM\0\0\0\0\0\0\0\0", &AssetLimits::default()).unwrap_err();
        assert!(matches!(err, AssetError::UnsupportedType { .. }), "{err:?}");
    }

    #[test]
    fn decompression_bomb_is_rejected_from_header() {
        // Decoding would need 30 GB; returning at all shows nothing was allocated for pixels.
        let data = png_header_only(100_000, 100_000);
        assert!(data.len() < 100);
        let err = inspect("bomb.png", &data, &AssetLimits::default()).unwrap_err();
        assert!(
            matches!(
                err,
                AssetError::TooManyPixels {
                    width: 100_000,
                    height: 100_000,
                    limit: 50_000_000
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn overlong_side_is_rejected() {
        let data = png_header_only(20_000, 10);
        let err = inspect("banner.png", &data, &AssetLimits::default()).unwrap_err();
        assert!(
            matches!(
                err,
                AssetError::DimensionTooLarge {
                    width: 20_000,
                    height: 10,
                    limit: 12_000
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn oversized_file_is_rejected() {
        let limits = AssetLimits {
            max_bytes: 10,
            ..AssetLimits::default()
        };
        let err = inspect("big.txt", &[b'a'; 11], &limits).unwrap_err();
        assert!(
            matches!(
                err,
                AssetError::TooLarge {
                    bytes: 11,
                    limit: 10
                }
            ),
            "{err:?}"
        );
        assert!(inspect("ok.txt", &[b'a'; 10], &limits).is_ok());
    }

    #[test]
    fn disallowed_extensions_are_rejected() {
        let limits = AssetLimits::default();
        for name in ["run.exe", "logo.svg", "README", ".png", "trailing."] {
            let err = inspect(name, b"data", &limits).unwrap_err();
            assert!(
                matches!(err, AssetError::UnsupportedType { .. }),
                "{name}: {err:?}"
            );
        }
    }

    #[test]
    fn plain_files_get_mime_from_extension() {
        let meta = inspect("Spec Sheet.PDF", b"%PDF-1.7", &AssetLimits::default()).unwrap();
        assert_eq!(meta.mime, "application/pdf");
        assert_eq!(meta.filename, "Spec Sheet.PDF");
        assert_eq!((meta.format, meta.width, meta.height), (None, None, None));
    }

    #[test]
    fn filename_loses_path_components() {
        let limits = AssetLimits::default();
        let meta = inspect("../../etc/passwd.txt", b"x", &limits).unwrap();
        assert_eq!(meta.filename, "passwd.txt");
        let meta = inspect("C:\\Users\\ana\\price\nlist.csv", b"x", &limits).unwrap();
        assert_eq!(meta.filename, "pricelist.csv");
        let err = inspect("uploads/..", b"x", &limits).unwrap_err();
        assert!(matches!(err, AssetError::UnsupportedType { .. }), "{err:?}");
    }

    #[test]
    fn exif_orientation_is_applied() {
        let image = RgbImage::new(20, 10);
        // Big-endian TIFF with one IFD entry: Orientation (0x0112) = 6, rotate 90 degrees.
        let exif = vec![
            b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0,
            0,
        ];
        let mut data = Vec::new();
        let mut encoder = JpegEncoder::new(&mut data);
        encoder.set_exif_metadata(exif).unwrap();
        encoder
            .write_image(image.as_raw(), 20, 10, image::ExtendedColorType::Rgb8)
            .unwrap();
        let meta = inspect("phone.jpg", &data, &AssetLimits::default()).unwrap();
        assert_eq!((meta.width, meta.height), (Some(10), Some(20)));
    }
}
