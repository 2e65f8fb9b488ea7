//! The catalog's domain: structure (locales, channels, attributes, families, categories) and products.
//! Pure rules and types: no HTTP, no database, no search index.

pub mod attribute;
pub mod category;
pub mod channel;
pub mod codes;
pub mod constraints;
pub mod family;
pub mod measure;
pub mod product;
pub mod structure;
pub mod structure_rules;
pub mod values;

pub use attribute::{
    Attribute, AttributeGroup, AttributeOption, AttributeType, Constraints, TextValidation,
};
pub use category::Category;
pub use channel::{Channel, Currency, Locale};
pub use codes::Labels;
pub use family::{AssociationType, Family, FamilyVariant, VariantLevel};
pub use structure::Structure;
pub use values::{ALL_CHANNELS, ALL_LOCALES, ValueDoc};
