//! The six roles and the grants that narrow them.

use serde::{Deserialize, Serialize};

use crate::catalog::codes::{check_code, check_locale_code};
use crate::error::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including users, tokens, channels, locales and currencies.
    Admin,
    /// Products, models, categories, assets, imports, exports, and the catalog structure.
    CatalogManager,
    /// Reads the catalog; edits values only in the locales granted.
    Translator,
    /// Uploads feeds and runs imports under its own supplier account only.
    Supplier,
    /// Pulls the exports of the channels granted; nothing else.
    ChannelConsumer,
    /// Reads the catalog.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::CatalogManager,
        Role::Translator,
        Role::Supplier,
        Role::ChannelConsumer,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::CatalogManager => "catalog_manager",
            Role::Translator => "translator",
            Role::Supplier => "supplier",
            Role::ChannelConsumer => "channel_consumer",
            Role::Viewer => "viewer",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Role::Admin => {
                "everything, including users, API tokens, channels, locales and currencies"
            }
            Role::CatalogManager => {
                "products, product models, categories, assets, imports, exports and the catalog structure"
            }
            Role::Translator => "reads the catalog; edits values only in the locales granted",
            Role::Supplier => {
                "uploads feeds and runs imports under its own supplier account; reads its own jobs"
            }
            Role::ChannelConsumer => "pulls the exports of the channels granted; nothing else",
            Role::Viewer => "reads the catalog",
        }
    }

    pub fn parse(text: &str) -> Result<Role, FieldError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                FieldError::invalid(
                    "role",
                    format!("unknown role {text:?}; use one of {}", names.join(", ")),
                )
            })
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a role applies to: the locales a translator edits, the channels a consumer pulls, the
/// supplier account a supplier acts for. Other roles carry none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Grants {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locales: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplier: Option<String>,
}

impl Grants {
    /// Checks the grants fit the role: each grant belongs to exactly one role.
    pub fn check(&self, role: Role) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        for (i, locale) in self.locales.iter().enumerate() {
            if let Err(e) = check_locale_code(&format!("locales.{i}"), locale) {
                errors.push(e);
            }
        }
        for (i, channel) in self.channels.iter().enumerate() {
            if let Err(e) = check_code(&format!("channels.{i}"), channel) {
                errors.push(e);
            }
        }
        if let Some(supplier) = &self.supplier
            && let Err(e) = check_code("supplier", supplier)
        {
            errors.push(e);
        }
        let misplaced = |field: &str, owner: &str| {
            FieldError::invalid(field, format!("only the {owner} role takes {field}"))
        };
        if !self.locales.is_empty() && role != Role::Translator {
            errors.push(misplaced("locales", "translator"));
        }
        if !self.channels.is_empty() && role != Role::ChannelConsumer {
            errors.push(misplaced("channels", "channel_consumer"));
        }
        match (&self.supplier, role) {
            (None, Role::Supplier) => errors.push(FieldError::invalid(
                "supplier",
                "a supplier account needs the code of the supplier it acts for",
            )),
            (Some(_), r) if r != Role::Supplier => errors.push(misplaced("supplier", "supplier")),
            _ => {}
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_unknown_names_are_listed() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
        let e = Role::parse("root").unwrap_err();
        assert!(e.message.contains("catalog_manager"), "{}", e.message);
    }

    #[test]
    fn grants_belong_to_their_role() {
        let translator = Grants {
            locales: vec!["de_DE".into()],
            ..Grants::default()
        };
        assert!(translator.check(Role::Translator).is_ok());
        assert_eq!(
            translator.check(Role::Viewer).unwrap_err()[0].field,
            "locales"
        );
        assert_eq!(
            Grants::default().check(Role::Supplier).unwrap_err()[0].field,
            "supplier"
        );
        let bad = Grants {
            locales: vec!["german".into()],
            ..Grants::default()
        };
        assert_eq!(
            bad.check(Role::Translator).unwrap_err()[0].field,
            "locales.0"
        );
    }
}
