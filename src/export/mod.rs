//! Channel exports: definitions of what each channel takes (`channels/*.json`), projection of
//! products onto a channel's fields, validation against its rules, renderers for each format,
//! full and delta runs streamed to any writer, and the service tying them to the catalog.
//! Pure parts (definition, transform, project, validate, render) do no I/O; `source`, `run` and
//! `service` read the store.

pub mod definition;
pub mod floor;
pub mod project;
pub mod render;
pub mod rendition;
pub mod run;
pub mod service;
pub mod source;
pub mod transform;
pub mod validate;

pub use definition::{ChannelDefinition, Format};
pub use service::Exports;
