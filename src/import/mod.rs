//! The supplier-import layer: any CSV a supplier sends — its encoding detected, its dialect
//! sniffed, its columns mapped by a profile — previewed or committed through the catalog's one
//! write path, with every rejected row reported. Akeneo exports come in the same way.

pub mod akeneo;
pub mod decode;
pub mod feed;
pub mod importer;
pub mod mapping;
mod pass;
pub mod profile;
pub mod reconcile;
pub mod report;
pub mod run;
pub mod sniff;
pub mod suggest;
pub mod transform;
pub mod unchanged;
pub mod zip;

pub use pass::BATCH;
