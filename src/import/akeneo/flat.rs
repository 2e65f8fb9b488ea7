//! The built-in profile for Akeneo's flat product and product model files: a profile derived
//! from the header, where a column is `attribute[-locale][-channel]`, prices `attribute-CURRENCY`,
//! metrics `attribute` with `attribute-unit`, associations `TYPE-products`.

use std::collections::BTreeSet;

use crate::catalog::{AttributeType, Structure};
use crate::error::{Error, FieldError};
use crate::import::profile::{InheritedValues, MissingFiles, Profile, Rows, Source, ValueMapping};

/// The profile reading a file with this header in Akeneo's format. Columns pim has no use for
/// (`groups`, associations to product models or groups) are ignored and listed in `notes`.
pub fn profile_for(
    header: &[String],
    structure: &Structure,
) -> Result<(Profile, Vec<String>), Error> {
    let rows = if header.iter().any(|h| h == "family_variant") {
        Rows::ProductModels
    } else {
        Rows::Products
    };
    let identifier = structure
        .attributes
        .values()
        .find(|a| a.kind == AttributeType::Identifier)
        .map_or("sku", |a| a.code.as_str());
    let key = if rows == Rows::ProductModels {
        "code"
    } else {
        identifier
    };
    if !header.iter().any(|h| h == key) {
        return Err(Error::field(FieldError::invalid(
            "header",
            format!("an Akeneo {} file needs a {key:?} column", rows_name(rows)),
        )));
    }
    let mut profile = Profile {
        rows,
        sku: Source::column(key),
        // An export's image paths point into its `files/` folder, often not sent along.
        missing_files: MissingFiles::Skip,
        // Exports repeat a model's values on its variants' rows; Akeneo's import drops them.
        inherited_values: InheritedValues::Ignore,
        ..Profile::default()
    };
    let mut notes = Vec::new();
    let mut errors = Vec::new();
    let mut units: BTreeSet<&str> = BTreeSet::new();
    for column in header {
        let c = column.as_str();
        match c {
            _ if c == key => {}
            "family" => profile.family = Some(Source::column(c)),
            "parent" => profile.parent = Some(Source::column(c)),
            "categories" => profile.categories = Some(Source::column(c)),
            "enabled" => profile.enabled = Some(Source::column(c)),
            "family_variant" => profile.family_variant = Some(Source::column(c)),
            "groups" => {
                profile.ignore.push(column.clone());
                notes.push("column groups: pim has no product groups; ignored".to_string());
            }
            _ => match value_column(c, structure) {
                Ok(Column::Value(mapping)) => profile.values.push(*mapping),
                Ok(Column::Unit(attribute)) => {
                    units.insert(attribute);
                }
                Ok(Column::Association(kind)) => {
                    profile
                        .associations
                        .insert(kind.to_string(), Source::column(c));
                }
                Ok(Column::Ignored(why)) => {
                    profile.ignore.push(column.clone());
                    notes.push(format!("column {c}: {why}; ignored"));
                }
                Err(message) => errors.push(FieldError::invalid(format!("header.{c}"), message)),
            },
        }
    }
    for mapping in &mut profile.values {
        if units.contains(mapping.attribute.as_str()) {
            mapping.unit_column = Some(format!("{}-unit", mapping.attribute));
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    Ok((profile, notes))
}

fn rows_name(rows: Rows) -> &'static str {
    match rows {
        Rows::Products => "products",
        Rows::ProductModels => "product models",
    }
}

enum Column<'a> {
    Value(Box<ValueMapping>),
    Unit(&'a str),
    Association(&'a str),
    Ignored(&'static str),
}

fn value_column<'a>(column: &'a str, structure: &Structure) -> Result<Column<'a>, String> {
    let mut parts = column.split('-');
    let code = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    if rest.len() == 1 && structure.association_types.contains_key(code) {
        return match rest[0] {
            "products" => Ok(Column::Association(code)),
            "product_models" => Ok(Column::Ignored(
                "associations to product models are not supported",
            )),
            "groups" => Ok(Column::Ignored("pim has no product groups")),
            other => Err(format!("association column with unknown target {other:?}")),
        };
    }
    let attribute = structure.attributes.get(code).ok_or_else(|| {
        format!("no attribute {code:?} in the catalog (import the structure first)")
    })?;
    if rest == ["unit"] && attribute.kind == AttributeType::Metric {
        return Ok(Column::Unit(code));
    }
    let mut mapping = ValueMapping {
        attribute: code.to_string(),
        column: Some(column.to_string()),
        ..ValueMapping::default()
    };
    for part in rest {
        if attribute.localizable && mapping.locale.is_none() && structure.locales.contains_key(part)
        {
            mapping.locale = Some(part.to_string());
        } else if attribute.scopable
            && mapping.scope.is_none()
            && structure.channels.contains_key(part)
        {
            mapping.scope = Some(part.to_string());
        } else if attribute.kind == AttributeType::PriceCollection
            && mapping.currency.is_none()
            && structure.currencies.contains_key(part)
        {
            mapping.currency = Some(part.to_string());
        } else {
            return Err(format!(
                "{part:?} is not a locale, channel or currency {code} takes"
            ));
        }
    }
    if attribute.localizable && mapping.locale.is_none() {
        return Err(format!(
            "attribute {code} is localizable: the column needs a locale ({code}-en_US)"
        ));
    }
    if attribute.scopable && mapping.scope.is_none() {
        return Err(format!(
            "attribute {code} is scopable: the column needs a channel"
        ));
    }
    if attribute.kind == AttributeType::PriceCollection && mapping.currency.is_none() {
        return Err(format!(
            "price attribute {code}: the column needs a currency ({code}-EUR)"
        ));
    }
    Ok(Column::Value(Box::new(mapping)))
}
