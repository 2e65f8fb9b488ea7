//! Upload limits for assets: byte size, image dimensions and allowed file types.

use serde::{Deserialize, Serialize};

/// Limits applied to every upload before anything is stored or decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssetLimits {
    pub max_bytes: u64,
    /// Bounds decoded memory: a small compressed file can declare a huge canvas.
    pub max_pixels: u64,
    pub max_dimension: u32,
    /// Lowercase extensions without the dot.
    pub allowed_extensions: Vec<String>,
}

impl Default for AssetLimits {
    fn default() -> Self {
        Self {
            max_bytes: 20 * 1024 * 1024,
            max_pixels: 50_000_000,
            max_dimension: 12_000,
            allowed_extensions: [
                "jpg", "jpeg", "png", "webp", "gif", "pdf", "txt", "csv", "zip", "docx", "xlsx",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_documented_values() {
        let limits = AssetLimits::default();
        assert_eq!(limits.max_bytes, 20 * 1024 * 1024);
        assert_eq!(limits.max_pixels, 50_000_000);
        assert_eq!(limits.max_dimension, 12_000);
        assert!(limits.allowed_extensions.iter().any(|e| e == "png"));
        assert!(limits.allowed_extensions.iter().any(|e| e == "xlsx"));
        assert!(!limits.allowed_extensions.iter().any(|e| e == "svg"));
    }

    #[test]
    fn partial_config_falls_back_to_defaults() {
        let limits: AssetLimits = serde_json::from_str(r#"{"max_bytes": 1024}"#).unwrap();
        assert_eq!(limits.max_bytes, 1024);
        assert_eq!(limits.max_pixels, AssetLimits::default().max_pixels);
    }
}
