//! Integration tests through the same app factory as `pim serve`: one binary, modules per concern.
//! Scenarios in `conformance!` run on SQLite always and on PostgreSQL when
//! `PIM_TEST_DATABASE_URL` names a server (`.ci/run` sets it).

mod common;

mod akeneo_structure;
mod assets;
mod auth;
mod bad_input;
mod cli;
mod constraints;
mod contracts;
mod demo;
mod export;
mod import_batches;
mod import_skips;
mod imports;
mod in_use;
mod products;
mod quality;
mod roles;
mod s3;
mod s3_server;
mod search;
mod search_quality;
mod structure;
mod ui;
mod variants;
