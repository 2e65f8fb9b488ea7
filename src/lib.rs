//! pim: product information management. The catalog core, its storage, and the GraphQL and HTTP
//! entry points; `main.rs` is only the command line on top.

pub mod api;
pub mod app;
pub mod assets;
pub mod auth;
pub mod bench;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod error;
pub mod export;
pub mod fixtures;
pub mod generate;
pub mod import;
pub mod quality;
pub mod search;
pub mod service;
pub mod store;
pub mod telemetry;
