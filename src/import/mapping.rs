//! A profile compiled against a file's header and the catalog structure, and the mapping of one
//! row into a product patch. Every problem names the column, the value and the reason.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use csv::StringRecord;
use serde::Serialize;
use serde_json::{Value, json};

use super::profile::{
    MissingFiles, Profile, Source, UnknownOptions, ValueMapping, template_columns,
};
use super::transform::{self, Compiled};
use crate::catalog::codes::option_code_from;
use crate::catalog::measure;
use crate::catalog::product::{Patch, ProductPatch};
use crate::catalog::values::{ALL_CHANNELS, ALL_LOCALES, ValueInput, value_path};
use crate::catalog::{Attribute, AttributeType, Structure};
use crate::error::{Error, FieldError};

/// One problem with one cell.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct CellError {
    pub column: String,
    pub value: String,
    pub reason: String,
}

/// An option a row names that does not exist yet and the profile allows to create.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct NewOption {
    pub attribute: String,
    pub code: String,
    pub label: String,
}

/// A mapped row: the patch, or why it cannot be one.
#[derive(Debug, Clone)]
pub struct MappedRow {
    pub patch: ProductPatch,
    /// For product model rows.
    pub family_variant: Option<String>,
    pub errors: Vec<CellError>,
    pub new_options: Vec<NewOption>,
    /// Files named by the row but not sent, left out (profiles with `missing_files: skip`).
    pub skipped_files: Vec<String>,
}

#[derive(Debug, Clone)]
enum From {
    Column(usize),
    Template(Vec<Piece>),
    Constant(String),
}

#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Column(usize),
}

/// A compiled source: where the text comes from and what is done to it.
#[derive(Debug, Clone)]
struct Field {
    /// How errors name it: the column, the template or `constant`.
    label: String,
    from: From,
    transforms: Vec<Compiled>,
    dictionary: HashMap<String, String>,
    dictionary_folded: HashMap<String, String>,
}

#[derive(Debug, Clone)]
struct ValueField {
    field: Field,
    attribute: Attribute,
    channel: Option<String>,
    locale: Option<String>,
    currency: Option<String>,
    unit: Option<String>,
    unit_column: Option<(usize, String)>,
    convert_to: Option<String>,
    separator: String,
    date_format: Option<String>,
}

pub struct Mapper {
    structure: Arc<Structure>,
    decimal_comma: bool,
    unknown_options: UnknownOptions,
    missing_files: MissingFiles,
    list_separator: String,
    sku: Field,
    family: Option<Field>,
    parent: Option<Field>,
    categories: Option<Field>,
    enabled: Option<Field>,
    family_variant: Option<Field>,
    associations: Vec<(String, Field)>,
    values: Vec<ValueField>,
    header: Vec<String>,
    /// Header columns neither mapped nor ignored.
    pub unused: Vec<String>,
    /// Which column produced which field path, to name the column of write-path errors.
    paths: Vec<(String, String)>,
    /// Files that came with the feed (a ZIP's images), by path and by file name → asset hash.
    assets: HashMap<String, String>,
    /// Category codes by lower case.
    category_codes: HashMap<String, String>,
}

impl Mapper {
    /// Compiles `profile` for a file with `header`; every problem of the profile is reported
    /// at once, each naming the profile field.
    pub fn compile(
        profile: &Profile,
        header: &[String],
        structure: Arc<Structure>,
        decimal_comma: bool,
    ) -> Result<Mapper, Error> {
        let mut errors = Vec::new();
        let position: HashMap<&str, usize> = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.as_str(), i))
            .collect();
        let mut compile = |source: &Source, at: &str| -> Option<Field> {
            match field(source, &position, header) {
                Ok(f) => Some(f),
                Err(message) => {
                    errors.push(FieldError::invalid(format!("profile.{at}"), message));
                    None
                }
            }
        };
        let sku = compile(&profile.sku, "sku");
        let family = profile.family.as_ref().and_then(|s| compile(s, "family"));
        let parent = profile.parent.as_ref().and_then(|s| compile(s, "parent"));
        let categories = profile
            .categories
            .as_ref()
            .and_then(|s| compile(s, "categories"));
        let enabled = profile.enabled.as_ref().and_then(|s| compile(s, "enabled"));
        let family_variant = profile
            .family_variant
            .as_ref()
            .and_then(|s| compile(s, "family_variant"));
        let associations: Vec<(String, Field)> = profile
            .associations
            .iter()
            .filter_map(|(kind, s)| {
                compile(s, &format!("associations.{kind}")).map(|f| (kind.clone(), f))
            })
            .collect();
        for kind in profile.associations.keys() {
            if !structure.association_types.contains_key(kind) {
                errors.push(FieldError::invalid(
                    format!("profile.associations.{kind}"),
                    format!("unknown association type {kind:?}"),
                ));
            }
        }
        let mut values = Vec::new();
        let mut paths = Vec::new();
        for (i, mapping) in profile.values.iter().enumerate() {
            match value_field(mapping, &structure, &position, header, profile) {
                Ok(v) => {
                    paths.push((v.path(), v.field.label.clone()));
                    values.push(v);
                }
                Err(message) => {
                    errors.push(FieldError::invalid(format!("profile.values.{i}"), message))
                }
            }
        }
        let Some(sku) = sku else {
            return Err(Error::Invalid(errors));
        };
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        for (path, source) in [
            ("sku", Some(&sku)),
            ("family", family.as_ref()),
            ("parent", parent.as_ref()),
            ("categories", categories.as_ref()),
            ("enabled", enabled.as_ref()),
        ] {
            if let Some(f) = source {
                paths.push((path.to_string(), f.label.clone()));
            }
        }
        // Longest paths first, so `values.name.en_US` wins over `values.name`.
        paths.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        let used: BTreeSet<&str> = profile
            .columns()
            .into_iter()
            .chain(profile.ignore.iter().map(String::as_str))
            .collect();
        let unused = header
            .iter()
            .filter(|h| !used.contains(h.as_str()))
            .cloned()
            .collect();
        Ok(Mapper {
            decimal_comma,
            unknown_options: profile.unknown_options,
            missing_files: profile.missing_files,
            list_separator: profile.list_separator.clone(),
            sku,
            family,
            parent,
            categories,
            enabled,
            family_variant,
            associations,
            values,
            header: header.to_vec(),
            unused,
            paths,
            assets: HashMap::new(),
            category_codes: structure_category_codes(&structure),
            structure,
        })
    }

    /// Files sent with the feed: image and file cells naming them get their asset hashes.
    pub fn with_assets(mut self, assets: HashMap<String, String>) -> Self {
        self.assets = assets;
        self
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The column a write-path error's field path comes from.
    pub fn column_of(&self, field: &str) -> String {
        let within = |outer: &str, inner: &str| {
            inner == outer
                || (inner.starts_with(outer) && inner.as_bytes().get(outer.len()) == Some(&b'.'))
        };
        self.paths
            .iter()
            .find(|(path, _)| within(path, field))
            .or_else(|| self.paths.iter().find(|(path, _)| within(field, path)))
            .map(|(_, column)| column.clone())
            .unwrap_or_else(|| field.to_string())
    }

    /// Maps one row. Empty cells leave the stored value as it is; a row shorter or longer
    /// than the header is refused.
    pub fn map(&self, row: &StringRecord) -> MappedRow {
        let mut out = MappedRow {
            patch: ProductPatch::default(),
            family_variant: None,
            errors: Vec::new(),
            new_options: Vec::new(),
            skipped_files: Vec::new(),
        };
        if row.len() != self.header.len()
            && !(row.len() > self.header.len() && trailing_empty(row, self.header.len()))
        {
            out.errors.push(CellError {
                column: String::new(),
                value: String::new(),
                reason: format!(
                    "the row has {} cells, the header {}",
                    row.len(),
                    self.header.len()
                ),
            });
            return out;
        }
        let sku = self.text(&self.sku, row).trim().to_string();
        if sku.is_empty() {
            out.errors.push(self.sku.error("", "the SKU is empty"));
        }
        out.patch.sku = sku;
        if let Some(f) = &self.family {
            out.patch.family = nullable(self.text(f, row));
        }
        if let Some(f) = &self.parent {
            out.patch.parent = nullable(self.text(f, row));
        }
        if let Some(f) = &self.categories {
            let text = self.text(f, row);
            if !text.trim().is_empty() || matches!(f.from, From::Column(_)) {
                out.patch.categories = Some(
                    split(&text, &self.list_separator)
                        .map(|item| {
                            let code = f.translate(item);
                            // Akeneo matches codes ignoring case (its database collation does).
                            match self.structure.categories.contains_key(code.as_ref()) {
                                true => code.into_owned(),
                                false => self
                                    .category_codes
                                    .get(&code.to_lowercase())
                                    .cloned()
                                    .unwrap_or_else(|| code.into_owned()),
                            }
                        })
                        .collect(),
                );
            }
        }
        if let Some(f) = &self.enabled {
            let text = self.text(f, row);
            if !text.trim().is_empty() {
                match transform::boolean(&text) {
                    Ok(b) => out.patch.enabled = Some(b),
                    Err(reason) => out.errors.push(f.error(&text, &reason)),
                }
            }
        }
        if let Some(f) = &self.family_variant {
            let text = self.text(f, row);
            let text = text.trim();
            if !text.is_empty() {
                out.family_variant = Some(text.to_string());
            }
        }
        for (kind, f) in &self.associations {
            let text = self.text(f, row);
            if !text.trim().is_empty() {
                let skus = split(&text, &self.list_separator)
                    .map(str::to_string)
                    .collect();
                out.patch.associations.push((kind.clone(), skus));
            }
        }
        let mut prices: BTreeMap<(String, Option<String>, Option<String>), Vec<Value>> =
            BTreeMap::new();
        for v in &self.values {
            let text = self.text(&v.field, row);
            if text.trim().is_empty() {
                continue;
            }
            match self.value(v, &text, row, &mut out.new_options) {
                Err(reason)
                    if reason.starts_with(MISSING_FILE)
                        && self.missing_files == MissingFiles::Skip =>
                {
                    out.skipped_files.push(text.trim().to_string());
                }
                Ok(data) if v.attribute.kind == AttributeType::PriceCollection => {
                    prices
                        .entry((
                            v.attribute.code.clone(),
                            v.channel.clone(),
                            v.locale.clone(),
                        ))
                        .or_default()
                        .push(data);
                }
                Ok(data) => out.patch.values.push(ValueInput {
                    attribute: v.attribute.code.clone(),
                    channel: v.channel.clone(),
                    locale: v.locale.clone(),
                    data,
                }),
                Err(reason) => out.errors.push(v.field.error(&text, &reason)),
            }
        }
        for ((attribute, channel, locale), list) in prices {
            out.patch.values.push(ValueInput {
                attribute,
                channel,
                locale,
                data: Value::Array(list),
            });
        }
        out
    }

    fn text<'r>(&self, f: &Field, row: &'r StringRecord) -> Cow<'r, str> {
        let raw: Cow<'r, str> = match &f.from {
            From::Column(i) => Cow::Borrowed(row.get(*i).unwrap_or("")),
            From::Constant(v) => Cow::Owned(v.clone()),
            From::Template(pieces) => {
                let mut s = String::new();
                for p in pieces {
                    match p {
                        Piece::Text(t) => s.push_str(t),
                        Piece::Column(i) => s.push_str(row.get(*i).unwrap_or("").trim()),
                    }
                }
                Cow::Owned(s.trim().to_string())
            }
        };
        f.transforms.iter().fold(raw, |text, t| t.apply(text))
    }

    fn value(
        &self,
        v: &ValueField,
        text: &str,
        row: &StringRecord,
        new_options: &mut Vec<NewOption>,
    ) -> Result<Value, String> {
        let a = &v.attribute;
        Ok(match a.kind {
            AttributeType::Identifier => {
                return Err("the identifier is the SKU: map it as the profile's sku".into());
            }
            AttributeType::Text | AttributeType::Textarea | AttributeType::RichText => {
                Value::String(v.field.translate(text).into_owned())
            }
            AttributeType::Number => Value::String(
                transform::number(text, self.decimal_comma)?
                    .normalize()
                    .to_string(),
            ),
            AttributeType::Boolean => Value::Bool(transform::boolean(&v.field.translate(text))?),
            AttributeType::Date => Value::String(transform::date(text, v.date_format.as_deref())?),
            AttributeType::SimpleSelect => {
                Value::String(self.option(v, text.trim(), new_options)?)
            }
            AttributeType::MultiSelect => {
                let mut codes = Vec::new();
                for item in split(text, &v.separator) {
                    codes.push(self.option(v, item, new_options)?);
                }
                json!(codes)
            }
            AttributeType::ProductReferenceList => {
                json!(split(text, &v.separator).collect::<Vec<_>>())
            }
            AttributeType::Metric => self.metric(v, text, row)?,
            AttributeType::PriceCollection => {
                let amount = transform::number(text, self.decimal_comma)?;
                json!({"amount": amount.normalize().to_string(), "currency": v.currency})
            }
            AttributeType::Image | AttributeType::File => {
                let name = v.field.translate(text.trim());
                if is_asset_hash(&name) {
                    Value::String(name.into_owned())
                } else {
                    let base = name.rsplit(['/', '\\']).next().unwrap_or(&name);
                    let hash = self
                        .assets
                        .get(name.as_ref())
                        .or_else(|| self.assets.get(base))
                        .ok_or_else(|| {
                            format!(
                                "{MISSING_FILE}: {name:?} is not among the files sent with the feed"
                            )
                        })?;
                    Value::String(hash.clone())
                }
            }
        })
    }

    /// An option code for a supplier's word: the dictionary, then our codes, then our labels
    /// in any locale, ignoring case; unknown words are refused or become new options.
    fn option(
        &self,
        v: &ValueField,
        word: &str,
        new_options: &mut Vec<NewOption>,
    ) -> Result<String, String> {
        let translated = v.field.translate(word);
        let attribute = &v.attribute.code;
        if let Some(code) = self.structure.option_by_word(attribute, &translated) {
            return Ok(code.to_string());
        }
        match self.unknown_options {
            UnknownOptions::Create => {
                let code = option_code_from(&translated)
                    .ok_or_else(|| format!("{word:?} cannot be made into an option code"))?;
                new_options.push(NewOption {
                    attribute: attribute.clone(),
                    code: code.clone(),
                    label: translated.into_owned(),
                });
                Ok(code)
            }
            UnknownOptions::Reject => Err(format!(
                "{word:?} is not an option of {attribute} (add it to the profile's dictionary, \
                 or set unknown_options to create)"
            )),
        }
    }

    fn metric(&self, v: &ValueField, text: &str, row: &StringRecord) -> Result<Value, String> {
        let family_code = v.attribute.metric_family.as_deref().unwrap_or_default();
        let family = measure::family(family_code)
            .ok_or_else(|| format!("unknown measurement family {family_code}"))?;
        // `12,5 kg` carries its unit; otherwise the unit column, the mapping, the attribute.
        let (amount_text, unit_in_cell) = split_unit(text);
        let unit_word = match (unit_in_cell, &v.unit_column) {
            (Some(u), _) => Some(u.to_string()),
            (None, Some((i, _))) => row
                .get(*i)
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(str::to_string),
            (None, None) => None,
        };
        let unit = match unit_word {
            Some(word) => family
                .unit_by_word(&word)
                .ok_or_else(|| format!("unit {word:?} is not a unit of {family_code}"))?
                .code
                .to_string(),
            None => v
                .unit
                .clone()
                .or_else(|| v.attribute.default_unit.clone())
                .ok_or("the unit is missing")?,
        };
        let mut amount = transform::number(amount_text, self.decimal_comma)?;
        let mut unit = unit;
        if let Some(target) = &v.convert_to {
            amount = measure::convert(family, amount, &unit, target).map_err(|e| e.to_string())?;
            unit = target.clone();
        }
        Ok(json!({"amount": amount.normalize().to_string(), "unit": unit}))
    }
}

impl ValueField {
    fn path(&self) -> String {
        value_path(
            &self.attribute.code,
            self.channel.as_deref().unwrap_or(ALL_CHANNELS),
            self.locale.as_deref().unwrap_or(ALL_LOCALES),
        )
    }
}

impl Field {
    fn error(&self, value: &str, reason: &str) -> CellError {
        CellError {
            column: self.label.clone(),
            value: value.to_string(),
            reason: reason.to_string(),
        }
    }

    /// The dictionary's word for `text`, exactly or ignoring case; `text` itself otherwise.
    fn translate<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.dictionary.is_empty() {
            return Cow::Borrowed(text);
        }
        if let Some(ours) = self.dictionary.get(text) {
            return Cow::Owned(ours.clone());
        }
        match self.dictionary_folded.get(&text.to_lowercase()) {
            Some(ours) => Cow::Owned(ours.clone()),
            None => Cow::Borrowed(text),
        }
    }
}

const MISSING_FILE: &str = "missing file";

fn is_asset_hash(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn structure_category_codes(structure: &Structure) -> HashMap<String, String> {
    structure
        .categories
        .keys()
        .map(|code| (code.to_lowercase(), code.clone()))
        .collect()
}

fn trailing_empty(row: &StringRecord, from: usize) -> bool {
    row.iter().skip(from).all(|c| c.trim().is_empty())
}

fn nullable(text: Cow<'_, str>) -> Patch<String> {
    let t = text.trim();
    if t.is_empty() {
        Patch::Keep
    } else {
        Patch::Set(t.to_string())
    }
}

fn split<'t>(text: &'t str, separator: &'t str) -> impl Iterator<Item = &'t str> {
    text.split(separator)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// `12,5 kg` → (`12,5`, `kg`); `12.5` → (`12.5`, none).
fn split_unit(text: &str) -> (&str, Option<&str>) {
    let t = text.trim();
    match t.find(|c: char| c.is_alphabetic() || c == '°' || c == '"' || c == '\'') {
        Some(i) if i > 0 && !t[..i].contains(['e', 'E']) => (t[..i].trim(), Some(t[i..].trim())),
        _ => (t, None),
    }
}

fn field(
    source: &Source,
    position: &HashMap<&str, usize>,
    header: &[String],
) -> Result<Field, String> {
    let from = match (&source.column, &source.template, &source.value) {
        (Some(column), None, None) => From::Column(column_index(column, position, header)?),
        (None, Some(template), None) => {
            let mut pieces = Vec::new();
            let mut rest = template.as_str();
            for name in template_columns(template) {
                let marker = format!("{{{name}}}");
                let at = rest.find(&marker).unwrap_or(rest.len());
                pieces.push(Piece::Text(
                    rest[..at].replace("{{", "{").replace("}}", "}"),
                ));
                pieces.push(Piece::Column(column_index(name, position, header)?));
                rest = &rest[(at + marker.len()).min(rest.len())..];
            }
            pieces.push(Piece::Text(rest.replace("{{", "{").replace("}}", "}")));
            From::Template(pieces)
        }
        (None, None, Some(value)) => From::Constant(value.clone()),
        (None, None, None) => return Err("give one of column, template or value".into()),
        _ => return Err("give only one of column, template or value".into()),
    };
    let transforms = source
        .transforms
        .iter()
        .map(|t| t.compile())
        .collect::<Result<Vec<_>, _>>()?;
    let label = match &from {
        From::Column(i) => header[*i].clone(),
        From::Template(_) => source.template.clone().unwrap_or_default(),
        From::Constant(_) => "constant".to_string(),
    };
    Ok(Field {
        label,
        from,
        transforms,
        dictionary: source
            .dictionary
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        dictionary_folded: source
            .dictionary
            .iter()
            .map(|(k, v)| (k.to_lowercase(), v.clone()))
            .collect(),
    })
}

fn column_index(
    name: &str,
    position: &HashMap<&str, usize>,
    header: &[String],
) -> Result<usize, String> {
    position.get(name).copied().ok_or_else(|| {
        let shown: Vec<&str> = header.iter().take(30).map(String::as_str).collect();
        format!(
            "column {name:?} is not in the file's header ({}{})",
            shown.join(", "),
            if header.len() > 30 { ", …" } else { "" }
        )
    })
}

fn value_field(
    mapping: &ValueMapping,
    structure: &Structure,
    position: &HashMap<&str, usize>,
    header: &[String],
    profile: &Profile,
) -> Result<ValueField, String> {
    let attribute = structure
        .attributes
        .get(&mapping.attribute)
        .ok_or_else(|| format!("unknown attribute {:?}", mapping.attribute))?
        .clone();
    let field = field(&mapping.source(), position, header)?;
    if let Some(locale) = &mapping.locale {
        if !attribute.localizable {
            return Err(format!(
                "attribute {} is not localizable; remove locale {locale}",
                attribute.code
            ));
        }
        if !structure.locales.contains_key(locale) {
            return Err(format!("unknown locale {locale:?}"));
        }
    } else if attribute.localizable {
        return Err(format!(
            "attribute {} is localizable: give the column's locale",
            attribute.code
        ));
    }
    if let Some(scope) = &mapping.scope {
        if !attribute.scopable {
            return Err(format!(
                "attribute {} is not scopable; remove scope {scope}",
                attribute.code
            ));
        }
        if !structure.channels.contains_key(scope) {
            return Err(format!("unknown channel {scope:?}"));
        }
    } else if attribute.scopable {
        return Err(format!(
            "attribute {} is scopable: give the column's scope (a channel)",
            attribute.code
        ));
    }
    match attribute.kind {
        AttributeType::PriceCollection => match &mapping.currency {
            Some(c) if structure.currencies.contains_key(c) => {}
            Some(c) => return Err(format!("unknown currency {c:?}")),
            None => {
                return Err(format!(
                    "price attribute {} needs the column's currency",
                    attribute.code
                ));
            }
        },
        AttributeType::Metric => {
            let family = measure::family(attribute.metric_family.as_deref().unwrap_or_default())
                .ok_or_else(|| format!("attribute {} has no measurement family", attribute.code))?;
            for unit in [&mapping.unit, &mapping.convert_to].into_iter().flatten() {
                if family.unit(unit).is_none() {
                    return Err(format!(
                        "unit {unit:?} is not in measurement family {}",
                        family.code
                    ));
                }
            }
        }
        _ => {}
    }
    let unit_column = match &mapping.unit_column {
        Some(name) => Some((column_index(name, position, header)?, name.clone())),
        None => None,
    };
    Ok(ValueField {
        field,
        channel: mapping.scope.clone(),
        locale: mapping.locale.clone(),
        currency: mapping.currency.clone(),
        unit: mapping.unit.clone(),
        unit_column,
        convert_to: mapping.convert_to.clone(),
        separator: mapping
            .separator
            .clone()
            .unwrap_or_else(|| profile.list_separator.clone()),
        date_format: mapping.date_format.clone(),
        attribute,
    })
}
