//! Plain HTTP endpoints: health, the GraphQL transport, assets, and the UI's pages.

pub mod assets;
pub mod auth;
pub mod graphql;
pub mod health;
pub mod ui;
