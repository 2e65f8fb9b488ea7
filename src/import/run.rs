//! One import run, file to report: the file opened and its profile settled, then one pass over
//! its rows (`pass.rs`), or two for an all-or-nothing commit; the run's facts and outcome
//! recorded, and the rejected rows' CSV (`report.rs`) finished.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::akeneo::flat;
use super::feed::{Feed, FileFacts, ReadOptions};
use super::mapping::Mapper;
use super::pass::Pass;
use super::profile::{Profile, Rows};
use super::report::{ERROR_COLUMN, Report};
use super::unchanged::Digests;
use super::{decode, sniff};
use crate::error::{Error, Result};
use crate::service::{Catalog, now};
use crate::store::changes::Origin;
use crate::store::imports::{self, Counts};

/// The change log's entity for a supplier's product links.
pub const SUPPLIER_ENTITY: &str = "supplier";

/// Which profile reads the file.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProfileSpec {
    Profile {
        profile: Box<Profile>,
    },
    /// Akeneo's flat format: the profile is derived from the header.
    Akeneo,
}

/// What a run found out about its file, stored with the run.
#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    #[serde(flatten)]
    pub file: FileFacts,
    pub rows: Rows,
    pub unused_columns: Vec<String>,
    pub notes: Vec<String>,
}

pub struct Run<'a> {
    pub catalog: &'a Catalog,
    pub import_id: i64,
    pub file: &'a Path,
    pub spec: &'a ProfileSpec,
    /// Given by the caller; wins over the profile's settings.
    pub read: ReadOptions,
    pub dry_run: bool,
    pub supplier: Option<&'a str>,
    pub assets: HashMap<String, String>,
    pub origin: &'a Origin,
    /// Where the rejected rows go, as CSV with an error column.
    pub report: &'a Path,
}

impl Run<'_> {
    /// Runs the import to its end and records the outcome; `Err` only when the run itself
    /// failed (unreadable file, bad profile, database down) — then the run is marked failed.
    pub fn execute(self, on_progress: &mut dyn FnMut(&Counts)) -> Result<Counts> {
        let outcome = self.run(on_progress);
        let (counts, error) = match &outcome {
            Ok(counts) => (*counts, None),
            Err((counts, e)) => (*counts, Some(e.public_message())),
        };
        let id = self.import_id;
        self.catalog
            .db()
            .write(|conn| imports::finish(conn, id, &counts, error.as_deref(), now()))?;
        outcome.map_err(|(_, e)| e)
    }

    fn run(&self, on_progress: &mut dyn FnMut(&Counts)) -> Result<Counts, (Counts, Error)> {
        let fail = |e: Error| (Counts::default(), e);
        let (mut feed, profile, notes) = self.open().map_err(fail)?;
        let structure = self.catalog.structure().map_err(fail)?;
        let mapper = Mapper::compile(
            &profile,
            &feed.facts.header,
            structure,
            feed.facts.decimal_comma,
        )
        .map_err(fail)?
        .with_assets(self.assets.clone());
        let facts = Facts {
            file: feed.facts.clone(),
            rows: profile.rows,
            unused_columns: mapper.unused.clone(),
            notes,
        };
        let facts_json = serde_json::to_string(&facts).map_err(|e| fail(e.into()))?;
        let id = self.import_id;
        self.catalog
            .db()
            .write(|conn| imports::start(conn, id, &facts_json, now()))
            .map_err(fail)?;
        let mut report = Report::new(self.report, &feed.facts);
        let digests = Digests::load(
            self.catalog,
            self.supplier,
            &profile,
            &feed.facts,
            &self.assets,
            !self.dry_run,
        )
        .map_err(fail)?;
        if profile.all_or_nothing && !self.dry_run {
            // First every row is checked; only a clean file is then written.
            let mut pass = Pass::new(self, &mapper, &profile, (true, true), &mut report, &digests);
            let checked = pass.all(&mut feed, on_progress)?;
            if checked.rows_rejected > 0 {
                report.finish().map_err(|e| (checked, e))?;
                return Err((
                    checked,
                    Error::BadRequest(format!(
                        "all or nothing: {} of {} rows were rejected, so nothing was written; \
                         see the rejected rows",
                        checked.rows_rejected, checked.rows_read
                    )),
                ));
            }
            feed = self.open().map_err(fail)?.0;
        }
        let modes = (self.dry_run, false);
        let mut pass = Pass::new(self, &mapper, &profile, modes, &mut report, &digests);
        let counts = pass.all(&mut feed, on_progress)?;
        let (first, skipped) = pass.skipped_files();
        report.finish().map_err(|e| (counts, e))?;
        if skipped > 0 {
            let mut facts = facts;
            facts.notes.push(format!(
                "{skipped} image or file values left out: the files were not sent with the feed ({}{})",
                first.join(", "),
                if skipped > first.len() { ", …" } else { "" }
            ));
            let json = serde_json::to_string(&facts).map_err(|e| (counts, e.into()))?;
            self.catalog
                .db()
                .write(|conn| imports::set_facts(conn, id, &json))
                .map_err(|e| (counts, e))?;
        }
        Ok(counts)
    }

    fn open(&self) -> Result<(Feed, Profile, Vec<String>)> {
        let mut options = self.read;
        let mut notes = Vec::new();
        if let ProfileSpec::Profile { profile } = self.spec {
            if options.encoding.is_none() {
                options.encoding = decode::parse_label(profile.encoding.as_deref().unwrap_or(""))?;
            }
            if options.delimiter.is_none() {
                options.delimiter =
                    sniff::parse_delimiter(profile.delimiter.as_deref().unwrap_or(""))
                        .map_err(Error::BadRequest)?;
            }
            options.decimal_comma = options.decimal_comma.or(profile.decimal_comma);
        }
        let feed = Feed::open(self.file, options)?;
        let mut profile = match self.spec {
            ProfileSpec::Profile { profile } => (**profile).clone(),
            ProfileSpec::Akeneo => {
                let (profile, found) =
                    flat::profile_for(&feed.facts.header, &*self.catalog.structure()?)?;
                notes.extend(found);
                profile
            }
        };
        profile.ignore.push(ERROR_COLUMN.to_string());
        Ok((feed, profile, notes))
    }
}
