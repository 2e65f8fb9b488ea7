//! The authenticated caller of one request.

use super::role::{Grants, Role};

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A browser session (cookie); state-changing requests must also carry its CSRF token.
    Session,
    /// An API token, by id and name.
    Token { id: i64, name: String },
    /// The command line on the server itself.
    Cli,
}

/// A signed-in user or a token acting for its owner, with the role and grants that apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub email: String,
    pub role: Role,
    pub grants: Grants,
    pub credential: Credential,
}

impl Principal {
    /// The change log's actor: the user's e-mail, and the token's name when a token acted.
    pub fn actor(&self) -> String {
        match &self.credential {
            Credential::Token { name, .. } => format!("{} (token {name})", self.email),
            Credential::Session | Credential::Cli => self.email.clone(),
        }
    }

    /// The change log's source: `ui` for browser sessions, `api` for tokens, `cli`.
    pub fn source(&self) -> &'static str {
        match self.credential {
            Credential::Session => "ui",
            Credential::Token { .. } => "api",
            Credential::Cli => "cli",
        }
    }

    /// The command line acting as an administrator on the server's own machine.
    pub fn cli() -> Principal {
        Principal {
            user_id: 0,
            email: "system".into(),
            role: Role::Admin,
            grants: Grants::default(),
            credential: Credential::Cli,
        }
    }
}
