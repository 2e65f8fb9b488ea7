//! `pim import FILE --supplier CODE [--profile P] [--dry-run]`, `pim import --format akeneo DIR`
//! and `pim supplier …`: imports in the foreground with a progress bar and a summary line.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};

use super::progress;
use crate::app::AppState;
use crate::import::importer::{Contact, ProfileChoice};
use crate::import::profile::Profile;
use crate::import::suggest;
use crate::store::changes::Origin;
use crate::store::imports::Counts;

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A supplier CSV read by a mapping profile.
    Csv,
    /// Akeneo's flat CSV: one file, or a whole export directory (structure, product models,
    /// products) migrated in one command.
    Akeneo,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The CSV or ZIP file, or for `--format akeneo` also an export directory.
    path: PathBuf,
    /// The supplier the feed comes from.
    #[arg(long)]
    supplier: Option<String>,
    /// A stored profile of the supplier, as CODE or CODE@VERSION.
    #[arg(long, conflicts_with = "profile_file")]
    profile: Option<String>,
    /// A profile file (JSON, see schema/import-profile.schema.json).
    #[arg(long)]
    profile_file: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Check every row and show what would change; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// The file's encoding when detection guesses wrong (windows-1250, koi8-r, gbk, …).
    #[arg(long)]
    encoding: Option<String>,
    /// Print a suggested profile for the file (JSON) instead of importing.
    #[arg(long)]
    suggest: bool,
}

#[derive(Subcommand, Debug)]
pub enum SupplierCommand {
    /// Create or update a supplier.
    Save {
        code: String,
        #[arg(long)]
        name: String,
        /// A contact as "Name <e-mail>"; repeatable.
        #[arg(long)]
        contact: Vec<String>,
    },
    /// List suppliers.
    List,
    /// Store a profile file as the next version of a supplier's profile.
    Profile {
        supplier: String,
        code: String,
        file: PathBuf,
    },
}

pub fn supplier(state: AppState, command: SupplierCommand) -> anyhow::Result<()> {
    let importer = &state.importer;
    match command {
        SupplierCommand::Save {
            code,
            name,
            contact,
        } => {
            let contacts: Vec<Contact> = contact.iter().map(|c| parse_contact(c)).collect();
            let row = importer.save_supplier(&code, &name, &contacts)?;
            println!("supplier {} ({}) saved", row.code, row.name);
        }
        SupplierCommand::List => {
            for s in importer.suppliers()? {
                let profiles: Vec<String> = importer
                    .profiles(&s.code)?
                    .into_iter()
                    .map(|p| format!("{}@{}", p.code, p.version))
                    .collect();
                println!(
                    "{:<20} {:<30} profiles: {}",
                    s.code,
                    s.name,
                    profiles.join(", ")
                );
            }
        }
        SupplierCommand::Profile {
            supplier,
            code,
            file,
        } => {
            let profile = read_profile(&file)?;
            let row = importer.save_profile(&supplier, &code, &profile, "cli")?;
            println!("profile {code} of {supplier} is at version {}", row.version);
        }
    }
    Ok(())
}

fn parse_contact(text: &str) -> Contact {
    match text.split_once('<') {
        Some((name, rest)) => Contact {
            name: name.trim().to_string(),
            email: Some(rest.trim_end_matches('>').trim().to_string()),
            phone: None,
        },
        None => Contact {
            name: text.trim().to_string(),
            ..Contact::default()
        },
    }
}

fn read_profile(path: &Path) -> anyhow::Result<Profile> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Profile::from_json(&text).map_err(anyhow::Error::msg)
}

pub fn run(state: AppState, args: Args) -> anyhow::Result<()> {
    let importer = &state.importer;
    if args.suggest {
        let suggested = suggest::for_file(&state.catalog, &args.path, args.encoding.as_deref())?;
        println!("{}", suggested.profile.to_json());
        for note in suggested.notes {
            eprintln!("note: {note}");
        }
        return Ok(());
    }
    if args.path.is_dir() {
        if args.format != Format::Akeneo {
            bail!(
                "{} is a directory: use --format akeneo to migrate an Akeneo export",
                args.path.display()
            );
        }
        return akeneo_dir(&state, &args);
    }
    let choice = match (&args.profile, &args.profile_file, args.format) {
        (_, _, Format::Akeneo) => ProfileChoice::Akeneo,
        (Some(p), _, _) => importer.stored_profile(args.supplier.as_deref(), Some(p))?,
        (None, Some(file), _) => ProfileChoice::Inline(Box::new(read_profile(file)?)),
        (None, None, _) => importer.stored_profile(args.supplier.as_deref(), None)?,
    };
    let counts = import_file(&state, &args.path, args.supplier.as_deref(), choice, &args)?;
    if counts.rows_rejected > 0 && !args.dry_run {
        std::process::exit(2);
    }
    Ok(())
}

fn import_file(
    state: &AppState,
    path: &Path,
    supplier: Option<&str>,
    choice: ProfileChoice,
    args: &Args,
) -> anyhow::Result<Counts> {
    let importer = &state.importer;
    let origin = Origin::cli();
    let file_name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let received = importer.receive(&file_name, file, &origin)?;
    let total = received.bytes;
    let id = importer.queue(
        supplier,
        received,
        choice,
        args.encoding.clone(),
        args.dry_run,
        "cli",
    )?;
    let bar = progress::bytes_bar(total, &file_name);
    let started = Instant::now();
    let outcome = importer.execute(id, &origin, &mut |c| {
        bar.set_position(c.bytes_read as u64);
        bar.set_message(format!("{} rows", c.rows_read));
    });
    bar.finish_and_clear();
    let row = importer.import(id)?;
    let counts = Counts {
        bytes_read: row.bytes_read,
        rows_read: row.rows_read,
        rows_created: row.rows_created,
        rows_updated: row.rows_updated,
        rows_unchanged: row.rows_unchanged,
        rows_rejected: row.rows_rejected,
    };
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} {file_name}: {} rows — {} created, {} updated, {} unchanged, {} rejected — in {seconds:.1} s ({:.0} rows/s); import {id}",
        if row.dry_run {
            "dry run of"
        } else {
            "imported"
        },
        counts.rows_read,
        counts.rows_created,
        counts.rows_updated,
        counts.rows_unchanged,
        counts.rows_rejected,
        counts.rows_read as f64 / seconds.max(1e-9),
    );
    if counts.rows_rejected > 0 {
        println!(
            "rejected rows with reasons: {}",
            importer.report_path(id).display()
        );
        for r in importer.rows(id, Some("rejected"), 0, 5)? {
            let errors: Vec<crate::import::mapping::CellError> = serde_json::from_str(&r.errors)?;
            println!("  {}", crate::import::report::describe(r.line, &errors));
        }
    }
    outcome?;
    Ok(counts)
}

/// A whole Akeneo export: structure files, then product models, then products.
fn akeneo_dir(state: &AppState, args: &Args) -> anyhow::Result<()> {
    let dir = &args.path;
    let read = crate::import::akeneo::structure::read_structure(dir)?;
    let saved = state.catalog.save_entities(read.entities, &Origin::cli())?;
    let changed = saved
        .iter()
        .filter(|r| r.status != crate::service::ItemStatus::Unchanged)
        .count();
    println!(
        "structure from {}: {} entities, {changed} created or changed",
        read.files.join(", "),
        saved.len()
    );
    for warning in &read.warnings {
        println!("  note: {warning}");
    }
    let mut rejected = 0;
    for name in ["product_models.csv", "products.csv"] {
        let path = dir.join(name);
        if path.is_file() {
            rejected += import_file(
                state,
                &path,
                args.supplier.as_deref(),
                ProfileChoice::Akeneo,
                args,
            )?
            .rows_rejected;
        }
    }
    if rejected > 0 && !args.dry_run {
        std::process::exit(2);
    }
    Ok(())
}
