//! The `pim` command line: serve, migrate, demo, generate and schema. Commands share one
//! configuration loader and report failures as one readable line.

mod accounts;
mod bench;
mod demo;
mod demo_images;
mod export;
mod generate;
mod import;
mod progress;
mod quality;
mod reindex;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::{self, AppState};
use crate::config::{Config, LogFormat, Overrides};
use crate::store::Db;

pub use demo::load as load_demo;

#[derive(Parser, Debug)]
#[command(
    name = "pim",
    version,
    about = "Product information management: catalog, imports, channel exports"
)]
pub struct Cli {
    /// Configuration file (default: ./pim.toml when present).
    #[arg(long, global = true, env = "PIM_CONFIG")]
    config: Option<PathBuf>,
    /// Directory for the SQLite database and assets.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// postgres://… for PostgreSQL; default SQLite in the data directory.
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[arg(long, global = true, value_enum)]
    log_format: Option<LogFormat>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the HTTP server (the default command).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<String>,
        /// Load the demo catalog first (changes nothing when it is already loaded).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations.
    Migrate {
        /// Revert every migration instead (drops all data).
        #[arg(long)]
        revert_all: bool,
    },
    /// Load the demo catalog from fixtures/demo into the configured database.
    Demo,
    /// Write a deterministic synthetic catalog of N products (and optionally a supplier CSV).
    Generate(generate::Args),
    /// Rebuild the search index from the database and swap it in (a running server keeps
    /// answering from the old one until then).
    Reindex(reindex::Args),
    /// Write a channel's feed (full, or a delta with --since) to a file or stdout.
    Export(export::Args),
    /// Measure the running service or the write path; see BENCHMARKS.md.
    Bench(bench::Args),
    /// Import a supplier feed (CSV or ZIP) or migrate an Akeneo export directory.
    Import(import::Args),
    /// Manage suppliers and their mapping profiles.
    #[command(subcommand)]
    Supplier(import::SupplierCommand),
    /// Data quality: `pim quality report [--channel C] [--locale L] [--family F] [--category C]`.
    #[command(subcommand)]
    Quality(quality::QualityCommand),
    /// Manage users: create, list, password, disable, enable.
    #[command(subcommand)]
    User(accounts::UserCommand),
    /// Manage API tokens: create, list, revoke.
    #[command(subcommand)]
    Token(accounts::TokenCommand),
    /// Print the GraphQL schema (SDL); `--write` updates schema/schema.graphql.
    Schema {
        #[arg(long)]
        write: bool,
    },
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn execute(cli: Cli) -> anyhow::Result<()> {
    let listen = match &cli.command {
        Some(Command::Serve { listen, .. }) => listen.clone(),
        _ => None,
    };
    let overrides = Overrides {
        data_dir: cli.data_dir,
        listen,
        database_url: cli.database_url,
        log_format: cli.log_format,
    };
    let config = Config::load(cli.config.as_deref(), &overrides)?;
    crate::telemetry::init(config.log_format, &config.log_level);
    match cli.command.unwrap_or(Command::Serve {
        listen: None,
        demo: false,
    }) {
        Command::Serve { demo, .. } => {
            let state = AppState::open(config)?;
            accounts::first_admin(&state)?;
            crate::service::recompute::spawn_worker(
                state.catalog.clone(),
                std::time::Duration::from_secs(1),
            );
            state.importer.spawn_watchdog();
            crate::export::service::spawn_scheduler(state.exports.clone());
            if demo {
                // Loaded outside the log macro: its arguments are skipped below the log level.
                let loaded = demo::load(&state)?;
                tracing::info!("{loaded}");
                print_demo_users(&state)?;
            }
            actix_web::rt::System::new().block_on(app::serve(state))
        }
        Command::Migrate { revert_all } => migrate(&config, revert_all),
        Command::Demo => {
            let state = AppState::open(config)?;
            demo::run(&state)?;
            print_demo_users(&state)
        }
        // One-shot commands leave the search index to the server: following the change log (or
        // building a missing index) here would only compete with the command for the cores.
        Command::User(command) => accounts::user(AppState::open_without_indexer(config)?, command),
        Command::Quality(command) => quality::run(AppState::open_without_indexer(config)?, command),
        Command::Token(command) => {
            accounts::token(AppState::open_without_indexer(config)?, command)
        }
        Command::Generate(args) => generate::run(AppState::open_without_indexer(config)?, args),
        Command::Reindex(args) => reindex::run(AppState::open_without_indexer(config)?, args),
        Command::Export(args) => export::run(AppState::open_without_indexer(config)?, args),
        Command::Bench(args) => bench::run(config, args),
        Command::Import(args) => import::run(AppState::open_without_indexer(config)?, args),
        Command::Supplier(command) => {
            import::supplier(AppState::open_without_indexer(config)?, command)
        }
        Command::Schema { write } => schema(write),
    }
}

fn print_demo_users(state: &AppState) -> anyhow::Result<()> {
    let lines = accounts::demo_users(state)?;
    if !lines.is_empty() {
        eprintln!(
            "\n  demo users (passwords shown once):\n{}\n",
            lines.join("\n")
        );
    }
    Ok(())
}

fn migrate(config: &Config, revert_all: bool) -> anyhow::Result<()> {
    std::fs::create_dir_all(&config.data_dir)?;
    let db = Db::connect(&config.database_url(), 1)?;
    let names = if revert_all {
        db.revert_all()?
    } else {
        db.migrate()?
    };
    let verb = if revert_all { "reverted" } else { "applied" };
    println!(
        "{verb} {} migrations on {}{}",
        names.len(),
        db.backend_name(),
        if names.is_empty() { "" } else { ":" }
    );
    for name in names {
        println!("  {name}");
    }
    Ok(())
}

/// Where the committed SDL lives, relative to the repository root.
pub const SCHEMA_PATH: &str = "schema/schema.graphql";

fn schema(write: bool) -> anyhow::Result<()> {
    let sdl = crate::api::graphql::sdl();
    if write {
        std::fs::write(SCHEMA_PATH, &sdl)?;
        println!("wrote {SCHEMA_PATH}");
    } else {
        print!("{sdl}");
    }
    Ok(())
}
