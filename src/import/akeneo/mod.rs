//! Akeneo's flat CSV format: the built-in profile for its product and product model files
//! (`flat`), the reader of its structure files (`flat_csv`) and their conversion (`structure`).

pub mod flat;
pub mod flat_csv;
pub mod structure;
