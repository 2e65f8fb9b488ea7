//! `pim user …` and `pim token …`, the first administrator on first start, and demo users.
//! Generated passwords and token secrets go to the terminal once and nowhere else.

use std::io::Read;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use crate::app::AppState;
use crate::auth::secret::{self, Secret};
use crate::auth::{Grants, Role};
use crate::service::accounts::{NewToken, NewUser, UserUpdate};

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user; the password is read from stdin with --password-stdin, else generated.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        grants: GrantArgs,
    },
    /// List users.
    List,
    /// Set a new password (generated unless --password-stdin); ends the user's sessions.
    Password {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user: no sign-in, their sessions end and their tokens stop working.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled user again.
    Enable {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token; its secret is printed once.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The user the token acts for (default: the first admin).
        #[arg(long)]
        owner: Option<String>,
        /// Days until the token expires (default: never).
        #[arg(long)]
        expires_days: Option<u32>,
        #[command(flatten)]
        grants: GrantArgs,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token by id.
    Revoke { id: i64 },
}

#[derive(Args, Debug, Default)]
pub struct GrantArgs {
    /// A locale a translator may edit (repeat for several).
    #[arg(long = "locale")]
    locales: Vec<String>,
    /// A channel a channel consumer may pull (repeat for several).
    #[arg(long = "channel")]
    channels: Vec<String>,
    /// The supplier account a supplier acts for.
    #[arg(long)]
    supplier: Option<String>,
}

impl From<GrantArgs> for Grants {
    fn from(g: GrantArgs) -> Self {
        Grants {
            locales: g.locales,
            channels: g.channels,
            supplier: g.supplier,
        }
    }
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).map_err(|e| e.message)
}

fn password(from_stdin: bool) -> anyhow::Result<(Secret, bool)> {
    if !from_stdin {
        return Ok((secret::new_password(), true));
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("reading the password from stdin")?;
    Ok((Secret::new(text.trim_end_matches(['\r', '\n'])), false))
}

pub fn user(state: AppState, command: UserCommand) -> anyhow::Result<()> {
    let accounts = &state.accounts;
    match command {
        UserCommand::Create {
            email,
            role,
            name,
            password_stdin,
            grants,
        } => {
            let (password, generated) = password(password_stdin)?;
            let user = accounts.create_user(NewUser {
                email,
                name,
                password: password.clone(),
                role,
                grants: grants.into(),
            })?;
            println!(
                "created user {} (id {}, role {})",
                user.email, user.id, user.role
            );
            if generated {
                println!("password (shown once): {}", password.expose());
            }
        }
        UserCommand::List => {
            for u in accounts.users()? {
                println!(
                    "{:>5}  {:<40} {:<17} {}{}",
                    u.id,
                    u.email,
                    u.role.as_str(),
                    serde_json::to_string(&u.grants)?,
                    if u.disabled { "  (disabled)" } else { "" }
                );
            }
        }
        UserCommand::Password {
            email,
            password_stdin,
        } => {
            let user = find(&state, &email)?;
            let (password, generated) = password(password_stdin)?;
            accounts.update_user(
                user,
                UserUpdate {
                    password: Some(password.clone()),
                    ..UserUpdate::default()
                },
            )?;
            println!("password of {email} changed; their sessions ended");
            if generated {
                println!("password (shown once): {}", password.expose());
            }
        }
        UserCommand::Disable { email } | UserCommand::Enable { email } => {
            let disable = !matches!(state.accounts.user_by_email(&email)?, Some(u) if u.disabled);
            let id = find(&state, &email)?;
            accounts.update_user(
                id,
                UserUpdate {
                    disabled: Some(disable),
                    ..UserUpdate::default()
                },
            )?;
            println!("{email} {}", if disable { "disabled" } else { "enabled" });
        }
    }
    Ok(())
}

fn find(state: &AppState, email: &str) -> anyhow::Result<i64> {
    match state.accounts.user_by_email(email)? {
        Some(u) => Ok(u.id),
        None => bail!("no user with e-mail {email}"),
    }
}

pub fn token(state: AppState, command: TokenCommand) -> anyhow::Result<()> {
    let accounts = &state.accounts;
    match command {
        TokenCommand::Create {
            name,
            role,
            owner,
            expires_days,
            grants,
        } => {
            let owner_id = match owner {
                Some(email) => find(&state, &email)?,
                None => match accounts
                    .users()?
                    .into_iter()
                    .find(|u| u.role == Role::Admin && !u.disabled)
                {
                    Some(u) => u.id,
                    None => {
                        bail!("no admin to own the token; create a user first (pim user create)")
                    }
                },
            };
            let expires =
                expires_days.map(|d| crate::service::now() + chrono::TimeDelta::days(i64::from(d)));
            let (token, secret) = accounts.create_token(NewToken {
                name,
                owner_id,
                role,
                grants: grants.into(),
                expires,
            })?;
            eprintln!(
                "created API token {} (id {}, role {}); its secret, shown once:",
                token.name, token.id, token.role
            );
            println!("{}", secret.expose());
        }
        TokenCommand::List => {
            for t in accounts.tokens()? {
                let state = match (t.revoked, t.expires) {
                    (Some(_), _) => "revoked".to_string(),
                    (None, Some(e)) if e <= crate::service::now() => "expired".to_string(),
                    (None, Some(e)) => format!("expires {e}"),
                    (None, None) => "active".to_string(),
                };
                let used = t
                    .last_used
                    .map_or("never used".to_string(), |u| format!("last used {u}"));
                println!(
                    "{:>5}  {:<30} {}…  {:<17} {state}, {used}",
                    t.id,
                    t.name,
                    t.prefix,
                    t.role.as_str()
                );
            }
        }
        TokenCommand::Revoke { id } => {
            let t = accounts.revoke_token(id)?;
            println!("revoked API token {} (id {})", t.name, t.id);
        }
    }
    Ok(())
}

/// On first start with no users: an admin with `PIM_ADMIN_PASSWORD`, or a generated password
/// printed once to the terminal (stderr, never the log).
pub fn first_admin(state: &AppState) -> anyhow::Result<()> {
    let given = std::env::var("PIM_ADMIN_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
        .map(Secret::new);
    let from_env = given.is_some();
    if let Some((email, password)) = state.accounts.ensure_first_admin(given)? {
        if from_env {
            eprintln!("created the first admin {email} with the password from PIM_ADMIN_PASSWORD");
        } else {
            eprintln!(
                "\n  created the first admin — sign in as:\n    e-mail:   {email}\n    password: {}\n  (shown once; change it after signing in)\n",
                password.expose()
            );
        }
    }
    Ok(())
}

/// One user per role for trying the demo; `PIM_DEMO_PASSWORD` sets their password, otherwise
/// each gets a generated one. Existing users are left alone. Returns lines to print.
pub fn demo_users(state: &AppState) -> anyhow::Result<Vec<String>> {
    let shared = std::env::var("PIM_DEMO_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty());
    let users = [
        (
            "manager@demo.pim.local",
            Role::CatalogManager,
            Grants::default(),
        ),
        (
            "translator@demo.pim.local",
            Role::Translator,
            Grants {
                locales: vec!["de_DE".into(), "pl_PL".into()],
                ..Grants::default()
            },
        ),
        (
            "supplier@demo.pim.local",
            Role::Supplier,
            Grants {
                supplier: Some("demo_supplier".into()),
                ..Grants::default()
            },
        ),
        (
            "feeds@demo.pim.local",
            Role::ChannelConsumer,
            Grants {
                channels: vec!["google_shopping".into()],
                ..Grants::default()
            },
        ),
        ("viewer@demo.pim.local", Role::Viewer, Grants::default()),
    ];
    let mut lines = Vec::new();
    for (email, role, grants) in users {
        if state.accounts.user_by_email(email)?.is_some() {
            continue;
        }
        let password = shared
            .clone()
            .map_or_else(secret::new_password, Secret::new);
        state.accounts.create_user(NewUser {
            email: email.into(),
            name: String::new(),
            password: password.clone(),
            role,
            grants,
        })?;
        lines.push(format!(
            "  {email:<28} {:<17} {}",
            role.as_str(),
            password.expose()
        ));
    }
    Ok(lines)
}
