//! Plain HTTP endpoints: health, the GraphQL transport, assets, supplier feeds, and the UI's pages.

pub mod assets;
pub mod auth;
pub mod feeds;
pub mod graphql;
pub mod health;
pub mod imports;
pub mod ui;
