//! Integration tests through the same app factory as `pim serve`: one binary, modules per concern.
//! Scenarios in `conformance!` run on SQLite always and on PostgreSQL when
//! `PIM_TEST_DATABASE_URL` names a server (`.ci/run` sets it).

mod common;

mod assets;
mod bad_input;
mod contracts;
mod demo;
mod products;
mod structure;
mod variants;
