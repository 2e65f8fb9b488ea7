//! A suggested profile for a file nobody has mapped yet: each header matched against attribute
//! codes and labels in every locale (with locale, currency and unit hints such as `Name DE`,
//! `Cena PLN`, `Gewicht kg`), checked against sample rows, so a first import needs few clicks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use csv::StringRecord;
use serde::Serialize;

use super::akeneo::flat;
use super::feed::{Feed, FileFacts, ReadOptions};
use super::profile::{Profile, Source, ValueMapping};
use super::{decode, transform};
use crate::catalog::codes::option_code_from;
use crate::catalog::{AttributeType, Structure, measure};
use crate::error::Result;
use crate::service::Catalog;

/// Rows looked at to check the data types.
pub const SAMPLE_ROWS: usize = 200;

#[derive(Debug, Clone, Serialize)]
pub struct Suggested {
    pub profile: Profile,
    pub facts: FileFacts,
    /// What the suggestion decided or could not, column by column.
    pub notes: Vec<String>,
}

const SKU_WORDS: &[&str] = &[
    "sku",
    "article number",
    "article no",
    "art nr",
    "artikelnummer",
    "artikel nr",
    "nr art",
    "numer artykulu",
    "indeks",
    "item number",
    "item no",
    "product code",
    "product id",
    "code",
    "артикул",
    "код товара",
    "код",
    "货号",
    "商品编号",
    "品番",
    "id",
];
const FAMILY_WORDS: &[&str] = &[
    "family",
    "familie",
    "rodzina",
    "семейство",
    "product type",
    "typ",
];
const CATEGORY_WORDS: &[&str] = &[
    "categories",
    "category",
    "kategorie",
    "kategorien",
    "kategoria",
    "kategorie produktu",
    "категория",
    "категории",
    "分类",
    "类别",
    "カテゴリ",
];
const ENABLED_WORDS: &[&str] = &["enabled", "active", "aktiv", "aktywny", "активен", "status"];
const PARENT_WORDS: &[&str] = &["parent", "model", "product model", "parent sku"];

pub fn for_file(catalog: &Catalog, path: &Path, encoding: Option<&str>) -> Result<Suggested> {
    let options = ReadOptions {
        encoding: decode::parse_label(encoding.unwrap_or(""))?,
        ..ReadOptions::default()
    };
    let mut feed = Feed::open(path, options)?;
    let mut sample = Vec::new();
    let mut record = StringRecord::new();
    while sample.len() < SAMPLE_ROWS && feed.next(&mut record)? {
        sample.push(std::mem::take(&mut record));
    }
    let structure = catalog.structure()?;
    let (profile, notes) = suggest(&structure, &feed.facts, &sample);
    Ok(Suggested {
        profile,
        facts: feed.facts,
        notes,
    })
}

/// Folds a header or label for comparison: lower case, accents and punctuation gone.
fn fold(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    let out = out.trim_end().to_string();
    option_code_from(&out)
        .filter(|code| code.len() * 2 >= out.len())
        .map_or(out, |c| c.replace('_', " "))
}

pub fn suggest(
    structure: &Structure,
    facts: &FileFacts,
    sample: &[StringRecord],
) -> (Profile, Vec<String>) {
    let header = &facts.header;
    if let Ok((profile, mut notes)) = flat::profile_for(header, structure) {
        if !profile.values.is_empty() {
            notes.insert(
                0,
                "the header is in Akeneo's flat format: columns read as attribute-locale-channel"
                    .into(),
            );
            return (profile, notes);
        }
    }
    let mut notes = Vec::new();
    let mut profile = Profile {
        decimal_comma: facts.decimal_comma.then_some(true),
        ..Profile::default()
    };
    let names = NameIndex::new(structure);
    let mut used: BTreeSet<usize> = BTreeSet::new();
    let column_values = |i: usize| {
        sample
            .iter()
            .filter_map(move |r| r.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };

    // Identity first: SKU, family, categories, enabled, parent.
    let special = |words: &[&str], used: &mut BTreeSet<usize>| -> Option<String> {
        let i = header
            .iter()
            .enumerate()
            .find(|(i, h)| !used.contains(i) && words.contains(&fold(h).as_str()))?
            .0;
        used.insert(i);
        Some(header[i].clone())
    };
    let identifier = structure
        .attributes
        .values()
        .find(|a| a.kind == AttributeType::Identifier);
    let identifier_words: Vec<String> = identifier
        .map(|a| {
            std::iter::once(a.code.clone())
                .chain(a.labels.values().map(|l| fold(l)))
                .collect()
        })
        .unwrap_or_default();
    let sku_words: Vec<&str> = identifier_words
        .iter()
        .map(String::as_str)
        .chain(SKU_WORDS.iter().copied())
        .collect();
    match special(&sku_words, &mut used) {
        Some(column) => profile.sku = Source::column(&column),
        None => {
            profile.sku = Source::column(&header[0]);
            used.insert(0);
            notes.push(format!(
                "no column looks like the SKU; the first column, {:?}, is used: check it",
                header[0]
            ));
        }
    }
    profile.family = special(FAMILY_WORDS, &mut used).map(|c| Source::column(&c));
    profile.categories = special(CATEGORY_WORDS, &mut used).map(|c| Source::column(&c));
    profile.enabled = special(ENABLED_WORDS, &mut used).map(|c| Source::column(&c));
    profile.parent = special(PARENT_WORDS, &mut used).map(|c| Source::column(&c));

    for (i, column) in header.iter().enumerate() {
        if used.contains(&i) {
            continue;
        }
        let Some(mut mapping) = names.mapping_for(column, structure) else {
            profile.ignore.push(column.clone());
            notes.push(format!(
                "column {column:?}: no attribute matches its name; ignored"
            ));
            continue;
        };
        let attribute = &structure.attributes[&mapping.attribute];
        if attribute.scopable && mapping.scope.is_none() {
            if let Some(channel) = structure.channels.keys().next() {
                mapping.scope = Some(channel.clone());
                notes.push(format!(
                    "column {column:?}: {} is channel-specific; channel {channel} assumed",
                    attribute.code
                ));
            }
        }
        if attribute.localizable && mapping.locale.is_none() {
            let locale = structure
                .locales
                .keys()
                .find(|l| l.as_str() == "en_US")
                .or_else(|| structure.locales.keys().next());
            if let Some(locale) = locale {
                mapping.locale = Some(locale.clone());
                notes.push(format!(
                    "column {column:?}: no locale in the name; {locale} assumed"
                ));
            }
        }
        check_sample(
            attribute.kind,
            &mapping,
            column,
            column_values(i),
            facts.decimal_comma,
            structure,
            &mut notes,
        );
        used.insert(i);
        profile.values.push(mapping);
    }
    // A unit column beside a metric: `weight` + `weight unit` / `Einheit`.
    for mapping in &mut profile.values {
        let attribute = &structure.attributes[&mapping.attribute];
        if attribute.kind != AttributeType::Metric || mapping.unit.is_some() {
            continue;
        }
        let unit_column = profile.ignore.iter().find(|c| {
            let f = fold(c);
            f == format!("{} unit", fold(&mapping.attribute))
                || ["unit", "einheit", "jednostka", "единица"].contains(&f.as_str())
        });
        if let Some(c) = unit_column.cloned() {
            profile.ignore.retain(|x| *x != c);
            notes.retain(|n| !n.starts_with(&format!("column {c:?}")));
            mapping.unit_column = Some(c);
        }
    }
    (profile, notes)
}

/// Attribute codes and labels, folded.
struct NameIndex {
    names: BTreeMap<String, String>,
}

impl NameIndex {
    fn new(structure: &Structure) -> NameIndex {
        let mut names = BTreeMap::new();
        for a in structure.attributes.values() {
            if a.kind == AttributeType::Identifier {
                continue;
            }
            for label in a.labels.values() {
                names.entry(fold(label)).or_insert_with(|| a.code.clone());
            }
            names.insert(fold(&a.code), a.code.clone());
        }
        NameIndex { names }
    }

    /// `Name DE` → name/de_DE; `Cena PLN` → price/PLN; `Gewicht (kg)` → weight in KILOGRAM.
    fn mapping_for(&self, column: &str, structure: &Structure) -> Option<ValueMapping> {
        let folded = fold(column);
        let words: Vec<&str> = folded.split(' ').collect();
        // The longest run of leading words naming an attribute; the rest are hints.
        for take in (1..=words.len()).rev() {
            let name = words[..take].join(" ");
            let Some(code) = self.names.get(&name) else {
                continue;
            };
            let attribute = &structure.attributes[code];
            let mut mapping = ValueMapping {
                attribute: code.clone(),
                column: Some(column.to_string()),
                ..ValueMapping::default()
            };
            for hint in &words[take..] {
                if !self.hint(hint, attribute, structure, &mut mapping) {
                    return None;
                }
            }
            if attribute.kind == AttributeType::PriceCollection && mapping.currency.is_none() {
                mapping.currency = structure.currencies.keys().next().cloned();
            }
            return Some(mapping);
        }
        None
    }

    fn hint(
        &self,
        hint: &str,
        attribute: &crate::catalog::Attribute,
        structure: &Structure,
        m: &mut ValueMapping,
    ) -> bool {
        let upper = hint.to_uppercase();
        if attribute.localizable {
            let locale = structure.locales.keys().find(|l| {
                l.to_lowercase().replace('_', " ") == hint
                    || l.to_lowercase() == hint
                    || l.split('_').next() == Some(hint)
            });
            if let Some(l) = locale {
                m.locale = Some(l.clone());
                return true;
            }
        }
        if attribute.scopable {
            if let Some(c) = structure.channels.keys().find(|c| c.as_str() == hint) {
                m.scope = Some(c.clone());
                return true;
            }
        }
        if attribute.kind == AttributeType::PriceCollection
            && structure.currencies.contains_key(&upper)
        {
            m.currency = Some(upper);
            return true;
        }
        if attribute.kind == AttributeType::Metric {
            let family = measure::family(attribute.metric_family.as_deref().unwrap_or_default());
            if let Some(unit) = family.and_then(|f| f.unit_by_word(hint)) {
                m.unit = Some(unit.code.to_string());
                return true;
            }
        }
        false
    }
}

/// Notes where sample values would not import as the attribute's type.
fn check_sample<'a>(
    kind: AttributeType,
    mapping: &ValueMapping,
    column: &str,
    values: impl Iterator<Item = &'a str>,
    decimal_comma: bool,
    structure: &Structure,
    notes: &mut Vec<String>,
) {
    let mut bad: BTreeSet<&str> = BTreeSet::new();
    for v in values {
        let ok = match kind {
            AttributeType::Number | AttributeType::PriceCollection => {
                transform::number(v, decimal_comma).is_ok()
            }
            AttributeType::Boolean => transform::boolean(v).is_ok(),
            AttributeType::Date => transform::date(v, None).is_ok(),
            AttributeType::SimpleSelect => {
                structure.option_by_word(&mapping.attribute, v).is_some()
            }
            AttributeType::MultiSelect => v.split(',').all(|w| {
                structure
                    .option_by_word(&mapping.attribute, w.trim())
                    .is_some()
            }),
            _ => true,
        };
        if !ok {
            bad.insert(v);
        }
    }
    if bad.is_empty() {
        return;
    }
    let shown: Vec<&str> = bad.iter().take(5).copied().collect();
    let what = match kind {
        AttributeType::SimpleSelect | AttributeType::MultiSelect => {
            "match no option: add them to the dictionary or set unknown_options to create"
        }
        AttributeType::Date => "are not dates as YYYY-MM-DD or DD.MM.YYYY: set date_format",
        _ => "do not read as the attribute's type",
    };
    notes.push(format!(
        "column {column:?} → {}: {} sample values ({}) {what}",
        mapping.attribute,
        bad.len(),
        shown.join(", ")
    ));
}
