//! Categories: several trees, each node with labels per locale.

use serde::{Deserialize, Serialize};

use super::codes::Labels;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    /// None for the root of a tree.
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub sort_order: i32,
    #[serde(default)]
    pub labels: Labels,
}
