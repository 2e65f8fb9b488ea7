//! The one permission check. Every GraphQL resolver, HTTP endpoint and job entry names the
//! action it is about to take and asks `authorize`; nothing else decides who may do what.

use super::principal::Principal;
use super::role::Role;
use crate::catalog::product::{ModelPatch, Patch, ProductPatch};
use crate::catalog::values::ValueInput;
use crate::error::{Error, ErrorCode, FieldError};

/// Everything a caller can ask to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    /// Read the structure, products, product models, assets and the change log.
    ReadCatalog,
    /// Create, change or delete products, product models and assets.
    EditProducts,
    /// Send product or model changes at all: editors whole ones, translators values only (each
    /// item is then checked by `authorize_product_patch`).
    ChangeValues,
    /// Change values of one locale (translators, within their granted locales).
    TranslateValues {
        locale: &'a str,
    },
    /// Attributes, options, groups, families, family variants, categories, association types.
    EditStructure,
    /// Channels, locales and currencies.
    ManageChannels,
    /// Users and API tokens.
    ManageUsers,
    /// Upload a feed and run an import for a supplier account.
    /// Create and edit suppliers, see every supplier's imports, migrate whole catalogs.
    ManageSuppliers,
    RunImport {
        supplier: &'a str,
    },
    /// Read the import jobs of a supplier account.
    ReadImports {
        supplier: &'a str,
    },
    /// Define and run channel exports.
    ManageExports,
    /// Pull the export of one channel.
    PullExport {
        channel: &'a str,
    },
    /// Read one's own account.
    ReadSelf,
}

impl Action<'_> {
    fn describe(&self) -> String {
        match self {
            Action::ReadCatalog => "read the catalog".into(),
            Action::EditProducts => "change products, product models or assets".into(),
            Action::ChangeValues => "change product values".into(),
            Action::TranslateValues { locale } => format!("change values in locale {locale}"),
            Action::EditStructure => "change the catalog structure".into(),
            Action::ManageChannels => "change channels, locales or currencies".into(),
            Action::ManageUsers => "manage users and API tokens".into(),
            Action::ManageSuppliers => "manage suppliers and their imports".into(),
            Action::RunImport { supplier } => format!("import for supplier {supplier}"),
            Action::ReadImports { supplier } => format!("read imports of supplier {supplier}"),
            Action::ManageExports => "manage channel exports".into(),
            Action::PullExport { channel } => format!("pull the export of channel {channel}"),
            Action::ReadSelf => "read this account".into(),
        }
    }
}

/// Whether `role` with its grants may take `action`.
fn allows(principal: &Principal, action: &Action<'_>) -> bool {
    use Role::*;
    let grants = &principal.grants;
    match (principal.role, action) {
        (_, Action::ReadSelf) => true,
        (Admin, _) => true,
        (CatalogManager, a) => !matches!(a, Action::ManageChannels | Action::ManageUsers),
        (Translator, Action::ReadCatalog | Action::ChangeValues) => true,
        (Translator, Action::TranslateValues { locale }) => {
            grants.locales.iter().any(|l| l == locale)
        }
        (Viewer, Action::ReadCatalog) => true,
        (Supplier, Action::RunImport { supplier } | Action::ReadImports { supplier }) => {
            grants.supplier.as_deref() == Some(*supplier)
        }
        (ChannelConsumer, Action::PullExport { channel }) => {
            grants.channels.iter().any(|c| c == channel)
        }
        _ => false,
    }
}

/// Allows or refuses `action`: `UNAUTHENTICATED` without a caller, `FORBIDDEN` when the role
/// does not allow it. A refusal happens before anything is read or written.
pub fn authorize(principal: Option<&Principal>, action: Action<'_>) -> Result<(), Error> {
    let Some(principal) = principal else {
        return Err(Error::Unauthenticated(
            "sign in or send an API token (Authorization: Bearer …)".into(),
        ));
    };
    if allows(principal, &action) {
        Ok(())
    } else {
        Err(Error::Forbidden(format!(
            "the {} role may not {}",
            principal.role,
            action.describe()
        )))
    }
}

fn forbidden(field: &str, message: String) -> FieldError {
    FieldError::new(ErrorCode::Forbidden, field, message)
}

/// Translators may send only values of their granted locales: no family, parent, status,
/// categories or associations, and no value that is not localized.
fn check_values(principal: &Principal, values: &[ValueInput]) -> Vec<FieldError> {
    values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let field = format!("values.{i}");
            match v.locale.as_deref() {
                None => Some(forbidden(
                    &field,
                    format!(
                        "a translator may change only localized values; {} has no locale",
                        v.attribute
                    ),
                )),
                Some(locale) => authorize(Some(principal), Action::TranslateValues { locale })
                    .err()
                    .map(|e| forbidden(&field, e.to_string())),
            }
        })
        .collect()
}

/// Editors may apply any patch; translators one that changes none of `structural` (the names
/// of the non-value fields it sets) and only values of their locales. Every field at fault is
/// named.
fn authorize_patch(
    principal: Option<&Principal>,
    structural: &[&str],
    values: &[ValueInput],
) -> Result<(), Error> {
    if authorize(principal, Action::EditProducts).is_ok() {
        return Ok(());
    }
    let principal = match principal {
        Some(p) if p.role == Role::Translator => p,
        other => return authorize(other, Action::EditProducts),
    };
    let mut errors: Vec<FieldError> = structural
        .iter()
        .map(|field| {
            forbidden(
                field,
                format!("a translator may change only values, not {field}"),
            )
        })
        .collect();
    errors.extend(check_values(principal, values));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errors))
    }
}

/// Whether the caller may apply this product patch: whole products for editors, translated
/// values for translators.
pub fn authorize_product_patch(
    principal: Option<&Principal>,
    patch: &ProductPatch,
) -> Result<(), Error> {
    let set = [
        (!matches!(patch.family, Patch::Keep), "family"),
        (!matches!(patch.parent, Patch::Keep), "parent"),
        (patch.enabled.is_some(), "enabled"),
        (patch.categories.is_some(), "categories"),
        (!patch.associations.is_empty(), "associations"),
    ];
    let structural: Vec<&str> = set.iter().filter(|(on, _)| *on).map(|(_, f)| *f).collect();
    authorize_patch(principal, &structural, &patch.values)
}

/// The same for a product model patch.
pub fn authorize_model_patch(
    principal: Option<&Principal>,
    patch: &ModelPatch,
) -> Result<(), Error> {
    let set = [
        (patch.family_variant.is_some(), "family_variant"),
        (!matches!(patch.parent, Patch::Keep), "parent"),
        (patch.categories.is_some(), "categories"),
    ];
    let structural: Vec<&str> = set.iter().filter(|(on, _)| *on).map(|(_, f)| *f).collect();
    authorize_patch(principal, &structural, &patch.values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Credential, Grants};

    fn who(role: Role, grants: Grants) -> Principal {
        Principal {
            user_id: 1,
            email: "a@example.com".into(),
            role,
            grants,
            credential: Credential::Session,
        }
    }

    #[test]
    fn nobody_is_unauthenticated_and_roles_are_forbidden() {
        let e = authorize(None, Action::ReadCatalog).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Unauthenticated);
        let viewer = who(Role::Viewer, Grants::default());
        let e = authorize(Some(&viewer), Action::EditProducts).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Forbidden);
        assert!(e.to_string().contains("viewer"), "{e}");
    }

    #[test]
    fn grants_narrow_suppliers_consumers_and_translators() {
        let supplier = who(
            Role::Supplier,
            Grants {
                supplier: Some("acme".into()),
                ..Grants::default()
            },
        );
        assert!(authorize(Some(&supplier), Action::RunImport { supplier: "acme" }).is_ok());
        assert!(authorize(Some(&supplier), Action::RunImport { supplier: "other" }).is_err());
        let consumer = who(
            Role::ChannelConsumer,
            Grants {
                channels: vec!["allegro".into()],
                ..Grants::default()
            },
        );
        assert!(authorize(Some(&consumer), Action::PullExport { channel: "allegro" }).is_ok());
        assert!(authorize(Some(&consumer), Action::PullExport { channel: "webshop" }).is_err());
        assert!(authorize(Some(&consumer), Action::ReadCatalog).is_err());
    }

    #[test]
    fn translators_change_only_their_locales() {
        let translator = who(
            Role::Translator,
            Grants {
                locales: vec!["de_DE".into()],
                ..Grants::default()
            },
        );
        let value = |locale: Option<&str>| ValueInput {
            attribute: "name".into(),
            channel: None,
            locale: locale.map(str::to_string),
            data: serde_json::json!("Hemd"),
        };
        let mut patch = ProductPatch {
            sku: "a".into(),
            values: vec![value(Some("de_DE"))],
            ..ProductPatch::default()
        };
        assert!(authorize_product_patch(Some(&translator), &patch).is_ok());
        patch.values.push(value(Some("pl_PL")));
        patch.values.push(value(None));
        patch.enabled = Some(false);
        let errors = authorize_product_patch(Some(&translator), &patch)
            .unwrap_err()
            .field_errors();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["enabled", "values.1", "values.2"]);
        assert!(errors.iter().all(|e| e.code == ErrorCode::Forbidden));
        let viewer = who(Role::Viewer, Grants::default());
        assert_eq!(
            authorize_product_patch(Some(&viewer), &patch)
                .unwrap_err()
                .code(),
            ErrorCode::Forbidden
        );
    }
}
