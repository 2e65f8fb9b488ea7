//! Converts the structure files of an Akeneo flat-CSV export (locales, currencies, categories,
//! channels, attribute groups, attributes, options, association types, families, family variants)
//! into pim structure entities, ready for `Catalog::save_entities`. Nothing is written here.
//!
//! Broken input is an error naming file, line and column. Where Akeneo data has no pim equivalent
//! (reference data attributes, two-way associations, ...) or pim needs something the files lack,
//! the conversion decides as an Akeneo user would expect and says so in a warning. docs/akeneo.md
//! lists every column and rule.

mod attributes;
mod families;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use super::flat_csv::{FlatFile, Row};
use crate::catalog::codes::{check_code, check_currency_code, check_locale_code};
use crate::catalog::structure::Entity;
use crate::catalog::{
    AssociationType, Attribute, AttributeGroup, AttributeOption, Category, Channel, Currency,
    Family, FamilyVariant, Locale,
};
use crate::error::{Error, FieldError, Result};

/// What an Akeneo export's structure files convert to.
#[derive(Debug, Clone, Default)]
pub struct StructureImport {
    /// In `EntityKind::ALL` dependency order, categories parents first.
    pub entities: Vec<Entity>,
    /// Decisions taken and data left out, one sentence each.
    pub warnings: Vec<String>,
    /// The structure files read, in the order they were converted.
    pub files: Vec<String>,
}

/// The structure files, in the order they are converted: each needs only those before it, except
/// that locales and currencies follow the channels that activate them.
const FILES: [&str; 10] = [
    "categories.csv",
    "channels.csv",
    "locales.csv",
    "currencies.csv",
    "attribute_groups.csv",
    "attributes.csv",
    "attribute_options.csv",
    "association_types.csv",
    "families.csv",
    "family_variants.csv",
];

/// Files of an Akeneo export this conversion leaves out, and why.
const SKIPPED_FILES: [(&str, &str); 3] = [
    ("groups.csv", "pim has no product groups"),
    ("group_types.csv", "pim has no product groups"),
    ("jobs.yml", "Akeneo job definitions have no pim equivalent"),
];

/// Reads every Akeneo structure file present in `dir` (missing files are fine);
/// entities come in EntityKind::ALL dependency order, categories parents first.
pub fn read_structure(dir: &Path) -> Result<StructureImport> {
    if !dir.is_dir() {
        return Err(Error::BadRequest(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    let mut files = BTreeMap::new();
    for name in FILES {
        let path = dir.join(name);
        if path.is_file() {
            files.insert(name, FlatFile::read(&path)?);
        }
    }
    let mut import = convert(files)?;
    for (name, why) in SKIPPED_FILES {
        if dir.join(name).exists() {
            import.warnings.push(format!("{name} skipped: {why}"));
        }
    }
    Ok(import)
}

/// Converts the files present, by name.
fn convert(files: BTreeMap<&str, FlatFile>) -> Result<StructureImport> {
    let file = |name: &str| files.get(name);
    let mut b = Build {
        categories_known: file("categories.csv").is_some(),
        channels_known: file("channels.csv").is_some(),
        attributes_known: file("attributes.csv").is_some(),
        families_known: file("families.csv").is_some(),
        ..Build::default()
    };
    if let Some(f) = file("categories.csv") {
        b.categories(f)?;
    }
    if let Some(f) = file("channels.csv") {
        b.channels(f)?;
    }
    if let Some(f) = file("locales.csv") {
        b.locales(f)?;
    }
    if let Some(f) = file("currencies.csv") {
        b.currencies(f)?;
    }
    let groups_file = file("attribute_groups.csv");
    if let Some(f) = groups_file {
        b.attribute_groups(f)?;
    }
    if let Some(f) = file("attributes.csv") {
        b.attributes(f, groups_file.is_some())?;
    }
    if let Some(f) = file("attribute_options.csv") {
        b.options(f)?;
    }
    if let Some(f) = file("association_types.csv") {
        b.association_types(f)?;
    }
    if let Some(f) = file("families.csv") {
        b.families(f)?;
    }
    if let Some(f) = file("family_variants.csv") {
        b.family_variants(f)?;
    }
    let read = FILES
        .iter()
        .filter(|n| files.contains_key(**n))
        .map(|n| n.to_string())
        .collect();
    Ok(b.finish(read))
}

/// The entities converted so far and what later files need to know of them.
#[derive(Default)]
struct Build {
    warnings: Vec<String>,
    locales: Vec<Locale>,
    currencies: Vec<Currency>,
    /// Parents first.
    categories: Vec<Category>,
    channels: Vec<Channel>,
    attribute_groups: Vec<AttributeGroup>,
    attributes: Vec<Attribute>,
    options: Vec<AttributeOption>,
    association_types: Vec<AssociationType>,
    families: Vec<Family>,
    family_variants: Vec<FamilyVariant>,
    /// Attributes left out, with the reason; families and variants drop them.
    skipped_attributes: BTreeMap<String, String>,
    attribute_index: HashMap<String, usize>,
    /// Which files were present: references into an absent file are left for the catalog to resolve.
    categories_known: bool,
    channels_known: bool,
    attributes_known: bool,
    families_known: bool,
}

impl Build {
    fn warn(&mut self, warning: String) {
        self.warnings.push(warning);
    }

    fn attribute(&self, code: &str) -> Option<&Attribute> {
        self.attribute_index.get(code).map(|i| &self.attributes[*i])
    }

    fn finish(self, files: Vec<String>) -> StructureImport {
        let mut entities = Vec::new();
        entities.extend(self.locales.into_iter().map(Entity::Locale));
        entities.extend(self.currencies.into_iter().map(Entity::Currency));
        entities.extend(self.categories.into_iter().map(Entity::Category));
        entities.extend(self.channels.into_iter().map(Entity::Channel));
        entities.extend(
            self.attribute_groups
                .into_iter()
                .map(Entity::AttributeGroup),
        );
        entities.extend(self.attributes.into_iter().map(Entity::Attribute));
        entities.extend(self.options.into_iter().map(Entity::AttributeOption));
        entities.extend(
            self.association_types
                .into_iter()
                .map(Entity::AssociationType),
        );
        entities.extend(self.families.into_iter().map(Entity::Family));
        entities.extend(self.family_variants.into_iter().map(Entity::FamilyVariant));
        StructureImport {
            entities,
            warnings: self.warnings,
            files,
        }
    }

    /// One warning listing the columns of a file nothing reads.
    fn unknown_columns(&mut self, file: &FlatFile, known: &[&str], prefixes: &[&str]) {
        let unknown: Vec<&str> = file
            .headers()
            .filter(|h| !known.contains(h) && !prefixes.iter().any(|p| h.starts_with(p)))
            .collect();
        if !unknown.is_empty() {
            self.warn(format!(
                "{}: columns not imported, pim has no such field: {}",
                file.name,
                unknown.join(", ")
            ));
        }
    }

    fn categories(&mut self, file: &FlatFile) -> Result<()> {
        file.require_column("code")?;
        self.unknown_columns(file, &["code", "parent", "updated"], &["label-"]);
        let mut rows: Vec<(Row<'_>, Category)> = Vec::new();
        let mut lines: HashMap<String, u64> = HashMap::new();
        for row in file.rows() {
            let code = code(&row, "code")?;
            if let Some(first) = lines.insert(code.clone(), row.line) {
                return Err(row.error("code", format!("category {code} is also on line {first}")));
            }
            let category = Category {
                code,
                parent: row.opt("parent").map(String::from),
                sort_order: 0,
                labels: row.labels(),
            };
            rows.push((row, category));
        }
        let mut children: HashMap<Option<&str>, Vec<usize>> = HashMap::new();
        for (i, (row, category)) in rows.iter().enumerate() {
            if let Some(parent) = &category.parent {
                if !lines.contains_key(parent) {
                    return Err(row.error("parent", format!("unknown category {parent}")));
                }
            }
            children
                .entry(category.parent.as_deref())
                .or_default()
                .push(i);
        }
        // Depth first from the roots, siblings in file order: each category follows its parent,
        // and its place among its siblings becomes its sort order.
        let mut placed = vec![false; rows.len()];
        let mut stack: Vec<(usize, i32)> = Vec::new();
        let push_children = |stack: &mut Vec<(usize, i32)>, parent: Option<&str>| {
            if let Some(list) = children.get(&parent) {
                for (n, i) in list.iter().enumerate().rev() {
                    stack.push((*i, n as i32));
                }
            }
        };
        push_children(&mut stack, None);
        while let Some((i, sort_order)) = stack.pop() {
            placed[i] = true;
            let mut category = rows[i].1.clone();
            category.sort_order = sort_order;
            self.categories.push(category);
            push_children(&mut stack, Some(rows[i].1.code.as_str()));
        }
        if let Some(i) = placed.iter().position(|p| !p) {
            let (row, category) = &rows[i];
            return Err(row.error(
                "parent",
                format!("category {} is its own ancestor", category.code),
            ));
        }
        Ok(())
    }

    fn channels(&mut self, file: &FlatFile) -> Result<()> {
        file.require_column("code")?;
        file.require_column("locales")?;
        self.unknown_columns(
            file,
            &[
                "code",
                "locales",
                "currencies",
                "tree",
                "category_tree",
                "conversion_units",
            ],
            &["label-"],
        );
        let mut seen = HashMap::new();
        for row in file.rows() {
            let code = code(&row, "code")?;
            if let Some(first) = seen.insert(code.clone(), row.line) {
                return Err(row.error("code", format!("channel {code} is also on line {first}")));
            }
            let locales = row.list("locales");
            if locales.is_empty() {
                return Err(row.error("locales", "a channel needs at least one locale"));
            }
            for locale in &locales {
                check_locale_code("locales", locale).map_err(|e| at(&row, "locales", e))?;
            }
            let currencies = row.list("currencies");
            for currency in &currencies {
                check_currency_code("currencies", currency)
                    .map_err(|e| at(&row, "currencies", e))?;
            }
            let tree_column = if file.has_column("tree") {
                "tree"
            } else {
                "category_tree"
            };
            let category_tree = self.channel_tree(&row, &code, tree_column)?;
            if let Some(units) = row.opt("conversion_units") {
                self.warn(format!(
                    "{} line {}: conversion units of channel {code} not imported ({units}): pim channels have none, values keep the unit they were entered in",
                    file.name, row.line
                ));
            }
            self.channels.push(Channel {
                code,
                labels: row.labels(),
                locales,
                currencies,
                category_tree,
            });
        }
        Ok(())
    }

    /// The channel's category tree; pim requires one, so a missing tree is decided here.
    fn channel_tree(&mut self, row: &Row<'_>, channel: &str, column: &str) -> Result<String> {
        let place = format!("{} line {}", row.file_name(), row.line);
        let Some(tree) = row.opt(column) else {
            if let Some(root) = self.categories.iter().find(|c| c.parent.is_none()) {
                let root = root.code.clone();
                self.warn(format!(
                    "{place}: channel {channel} has no category tree; it gets the first tree of categories.csv, {root}"
                ));
                return Ok(root);
            }
            let master = "master".to_string();
            if !self.categories_known {
                self.warn(format!(
                    "{place}: channel {channel} has no category tree; it gets master, Akeneo's default tree, which the catalog must hold"
                ));
                return Ok(master);
            }
            if !self.categories.iter().any(|c| c.code == master) {
                self.categories.push(root_category(&master));
            }
            self.warn(format!(
                "{place}: channel {channel} has no category tree; it gets a new empty tree, master, as in a fresh Akeneo"
            ));
            return Ok(master);
        };
        match self.categories.iter().find(|c| c.code == tree) {
            Some(c) if c.parent.is_some() => {
                Err(row.error(column, format!("category {tree} is not the root of a tree")))
            }
            Some(_) => Ok(tree.to_string()),
            None if self.categories_known => {
                self.categories.push(root_category(tree));
                self.warn(format!(
                    "{place}: category tree {tree} of channel {channel} is not in categories.csv; it is created as an empty tree"
                ));
                Ok(tree.to_string())
            }
            None => Ok(tree.to_string()),
        }
    }

    /// Locales the export marks activated, and every locale a channel uses: Akeneo activates a
    /// locale exactly when a channel uses it. The rest of Akeneo's built-in list is left out.
    fn locales(&mut self, file: &FlatFile) -> Result<()> {
        let used = self
            .channels
            .iter()
            .flat_map(|c| c.locales.iter().cloned())
            .collect();
        let kept = self.activated(file, "locale", "locales", used, check_locale_code)?;
        self.locales
            .extend(kept.into_iter().map(|(code, label)| Locale { code, label }));
        Ok(())
    }

    /// Activated currencies and every currency a channel uses, as for locales.
    fn currencies(&mut self, file: &FlatFile) -> Result<()> {
        let used = self
            .channels
            .iter()
            .flat_map(|c| c.currencies.iter().cloned())
            .collect();
        let kept = self.activated(file, "currency", "currencies", used, check_currency_code)?;
        self.currencies.extend(
            kept.into_iter()
                .map(|(code, label)| Currency { code, label }),
        );
        Ok(())
    }

    /// The `(code, label)` of each row marked activated (`is_activated` or `activated`; all rows
    /// when the column is missing and no channels say what is used) or used by a channel, then
    /// each code a channel uses that the file does not list, created with a warning.
    fn activated(
        &mut self,
        file: &FlatFile,
        what: &str,
        plural: &str,
        used: BTreeSet<String>,
        check: fn(&str, &str) -> std::result::Result<(), FieldError>,
    ) -> Result<Vec<(String, String)>> {
        file.require_column("code")?;
        self.unknown_columns(file, &["code", "is_activated", "activated", "label"], &[]);
        let activation = ["is_activated", "activated"]
            .into_iter()
            .find(|c| file.has_column(c));
        let mut seen = BTreeSet::new();
        let mut kept = Vec::new();
        let mut left_out = 0;
        for row in file.rows() {
            let code = row.required("code")?.to_string();
            check("code", &code).map_err(|e| at(&row, "code", e))?;
            let activated = match activation {
                Some(column) => row.flag(column)?,
                // Without channels nothing says which are in use: keep them all.
                None => !self.channels_known,
            };
            if !seen.insert(code.clone()) {
                return Err(row.error("code", format!("{what} {code} is listed twice")));
            }
            if activated || used.contains(&code) {
                kept.push((code, row.get("label").to_string()));
            } else {
                left_out += 1;
            }
        }
        if left_out > 0 {
            self.warn(format!(
                "{}: {left_out} {plural} not imported: not activated in Akeneo (no channel uses them)",
                file.name
            ));
        }
        for code in used.difference(&seen) {
            kept.push((code.clone(), String::new()));
            self.warn(format!(
                "{}: {what} {code} is used by a channel but not listed; it is created",
                file.name
            ));
        }
        Ok(kept)
    }

    fn attribute_groups(&mut self, file: &FlatFile) -> Result<()> {
        file.require_column("code")?;
        // `attributes` repeats what each attribute's `group` says.
        self.unknown_columns(file, &["code", "sort_order", "attributes"], &["label-"]);
        let mut seen = HashMap::new();
        for row in file.rows() {
            let code = code(&row, "code")?;
            if let Some(first) = seen.insert(code.clone(), row.line) {
                return Err(row.error(
                    "code",
                    format!("attribute group {code} is also on line {first}"),
                ));
            }
            self.attribute_groups.push(AttributeGroup {
                code,
                sort_order: sort_order(&row)?,
                labels: row.labels(),
            });
        }
        Ok(())
    }

    fn association_types(&mut self, file: &FlatFile) -> Result<()> {
        file.require_column("code")?;
        self.unknown_columns(file, &["code", "is_two_way", "is_quantified"], &["label-"]);
        let mut seen = HashMap::new();
        for row in file.rows() {
            let code = code(&row, "code")?;
            if let Some(first) = seen.insert(code.clone(), row.line) {
                return Err(row.error(
                    "code",
                    format!("association type {code} is also on line {first}"),
                ));
            }
            let place = format!("{} line {}", file.name, row.line);
            if row.flag("is_two_way")? {
                self.warn(format!(
                    "{place}: association type {code} is two-way in Akeneo; pim associations are one-way, so the reverse links are not kept in step"
                ));
            }
            if row.flag("is_quantified")? {
                self.warn(format!(
                    "{place}: association type {code} is quantified in Akeneo; pim associations carry no quantities"
                ));
            }
            self.association_types.push(AssociationType {
                code,
                labels: row.labels(),
            });
        }
        Ok(())
    }
}

fn root_category(code: &str) -> Category {
    Category {
        code: code.to_string(),
        parent: None,
        sort_order: 0,
        labels: Default::default(),
    }
}

/// A required, well-formed entity code.
fn code(row: &Row<'_>, column: &str) -> Result<String> {
    let code = row.required(column)?;
    check_code(column, code).map_err(|e| at(row, column, e))?;
    Ok(code.to_string())
}

fn sort_order(row: &Row<'_>) -> Result<i32> {
    let value = row.int("sort_order")?.unwrap_or(0);
    i32::try_from(value).map_err(|_| row.error("sort_order", "the sort order is out of range"))
}

/// A domain check's complaint, placed in the file.
fn at(row: &Row<'_>, column: &str, error: FieldError) -> Error {
    row.error(column, error.message)
}

#[cfg(test)]
mod tests;
