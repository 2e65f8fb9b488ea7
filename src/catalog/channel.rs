//! Locales, currencies and channels: where and in which languages and money products are sold.

use serde::{Deserialize, Serialize};

use super::codes::Labels;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Locale {
    pub code: String,
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Currency {
    pub code: String,
    #[serde(default)]
    pub label: String,
}

/// A place products are published to, with the locales and currencies it uses and its category tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    pub code: String,
    #[serde(default)]
    pub labels: Labels,
    pub locales: Vec<String>,
    pub currencies: Vec<String>,
    pub category_tree: String,
}
