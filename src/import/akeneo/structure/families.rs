//! families.csv and family_variants.csv: attribute lists, requirements per channel, label and
//! image attributes, and variant levels completed the way Akeneo completes them (axes, the
//! identifier and unique attributes on the variant product level).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Build, code};
use crate::catalog::{AttributeType, Family, FamilyVariant, VariantLevel};
use crate::error::Result;
use crate::import::akeneo::flat_csv::{FlatFile, Row, error_at};

impl Build {
    pub(super) fn families(&mut self, file: &FlatFile) -> Result<()> {
        file.require_column("code")?;
        self.unknown_columns(
            file,
            &[
                "code",
                "attributes",
                "attribute_as_label",
                "attribute_as_image",
            ],
            &["label-", "requirements-"],
        );
        let mut seen = HashMap::new();
        for row in file.rows() {
            let code = code(&row, "code")?;
            if let Some(first) = seen.insert(code.clone(), row.line) {
                return Err(row.error("code", format!("family {code} is also on line {first}")));
            }
            let family = self.family_row(&row, code)?;
            self.families.push(family);
        }
        Ok(())
    }

    fn identifier(&self) -> Option<String> {
        self.attributes
            .iter()
            .find(|a| a.kind == AttributeType::Identifier)
            .map(|a| a.code.clone())
    }

    /// The attribute codes of a list column that pim has, unknown ones refused; left-out ones
    /// go to `dropped`. Duplicates are removed, as Akeneo's families are sets.
    fn attribute_list(
        &self,
        row: &Row<'_>,
        column: &str,
        dropped: &mut BTreeSet<String>,
    ) -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for code in row.list(column) {
            if self.skipped_attributes.contains_key(&code) {
                dropped.insert(code);
            } else if self.attributes_known && self.attribute(&code).is_none() {
                return Err(row.error(column, format!("unknown attribute {code}")));
            } else if !out.contains(&code) {
                out.push(code);
            }
        }
        Ok(out)
    }

    fn family_row(&mut self, row: &Row<'_>, code: String) -> Result<Family> {
        let place = format!("{} line {}", row.file_name(), row.line);
        let mut dropped = BTreeSet::new();
        let mut attributes = self.attribute_list(row, "attributes", &mut dropped)?;
        let identifier = self.identifier();
        if let Some(id) = &identifier {
            if !attributes.contains(id) {
                self.warn(format!(
                    "{place}: family {code} lacks the identifier attribute {id}; it is added, as every Akeneo family has it"
                ));
                attributes.insert(0, id.clone());
            }
        }
        let mut requirements = BTreeMap::new();
        for (channel, column) in row.file().columns_with_prefix("requirements-") {
            let mut required = self.attribute_list(row, column, &mut dropped)?;
            if self.channels_known && !self.channels.iter().any(|c| c.code == channel) {
                if required.is_empty() {
                    continue;
                }
                return Err(row.error(column, format!("unknown channel {channel}")));
            }
            for attribute in &required {
                if !attributes.contains(attribute) {
                    self.warn(format!(
                        "{place}: attribute {attribute} is required on channel {channel} but not in family {code}; it is added to the family"
                    ));
                    attributes.push(attribute.clone());
                }
            }
            // Akeneo requires the identifier on every channel.
            if let Some(id) = &identifier {
                if !required.contains(id) {
                    required.insert(0, id.clone());
                }
            }
            requirements.insert(channel.to_string(), required);
        }
        let label_attribute = self.family_pick(row, &code, Pick::Label, &attributes, &dropped);
        let image_attribute = self.family_pick(row, &code, Pick::Image, &attributes, &dropped);
        if !dropped.is_empty() {
            self.warn(format!(
                "{place}: family {code} leaves out attributes that are not imported: {}",
                dropped.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        Ok(Family {
            code,
            labels: row.labels(),
            attributes,
            label_attribute,
            image_attribute,
            requirements,
        })
    }

    /// The family's label or image attribute, dropped with a warning when pim cannot use it.
    fn family_pick(
        &mut self,
        row: &Row<'_>,
        family: &str,
        pick: Pick,
        attributes: &[String],
        dropped: &BTreeSet<String>,
    ) -> Option<String> {
        let column = pick.column();
        let code = row.opt(column)?;
        let place = format!("{} line {}", row.file_name(), row.line);
        let problem = if dropped.contains(code) || self.skipped_attributes.contains_key(code) {
            Some("it is not imported".to_string())
        } else if !self.attributes_known {
            None
        } else if !attributes.iter().any(|a| a == code) {
            Some("it is not in the family".to_string())
        } else {
            match self.attribute(code) {
                Some(a) if pick.fits(a.kind) => None,
                Some(a) => Some(format!(
                    "pim needs {}, {code} is {}",
                    pick.needs(),
                    a.kind.as_str()
                )),
                None => Some("it is unknown".to_string()),
            }
        };
        match problem {
            None => Some(code.to_string()),
            Some(problem) => {
                self.warn(format!(
                    "{place}: {column} {code} of family {family} not imported: {problem}"
                ));
                None
            }
        }
    }

    pub(super) fn family_variants(&mut self, file: &FlatFile) -> Result<()> {
        file.require_column("code")?;
        file.require_column("family")?;
        self.unknown_columns(
            file,
            &["code", "family"],
            &["label-", "variant-axes_", "variant-attributes_"],
        );
        for (suffix, column) in file
            .columns_with_prefix("variant-axes_")
            .chain(file.columns_with_prefix("variant-attributes_"))
        {
            if !matches!(suffix, "1" | "2") {
                return Err(error_at(
                    &file.name,
                    1,
                    column,
                    "a family variant has one or two levels: columns end in _1 or _2",
                ));
            }
        }
        let mut seen = HashMap::new();
        for row in file.rows() {
            let code = code(&row, "code")?;
            if let Some(first) = seen.insert(code.clone(), row.line) {
                return Err(row.error(
                    "code",
                    format!("family variant {code} is also on line {first}"),
                ));
            }
            match self.variant_row(&row, code.clone())? {
                Ok(variant) => self.family_variants.push(variant),
                Err(reason) => self.warn(format!(
                    "{} line {}: family variant {code} not imported: {reason}; its product models cannot be imported",
                    file.name, row.line
                )),
            }
        }
        Ok(())
    }

    /// The family variant, or why it cannot be imported.
    fn variant_row(
        &mut self,
        row: &Row<'_>,
        code: String,
    ) -> Result<Result<FamilyVariant, String>> {
        let place = format!("{} line {}", row.file_name(), row.line);
        let family_code = row.required("family")?.to_string();
        let family = if self.families_known {
            match self.families.iter().find(|f| f.code == family_code) {
                Some(f) => Some(f.clone()),
                None => return Err(row.error("family", format!("unknown family {family_code}"))),
            }
        } else {
            None
        };
        let mut dropped = BTreeSet::new();
        let mut levels: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        for n in ["1", "2"] {
            let axes_column = format!("variant-axes_{n}");
            let attributes_column = format!("variant-attributes_{n}");
            let mut skipped_axes = BTreeSet::new();
            let axes = self.attribute_list(row, &axes_column, &mut skipped_axes)?;
            if let Some(axis) = skipped_axes.first() {
                return Ok(Err(format!("its axis {axis} is not imported")));
            }
            let attributes = self.attribute_list(row, &attributes_column, &mut dropped)?;
            if axes.is_empty() {
                if !attributes.is_empty() {
                    return Err(row.error(&axes_column, "a level with attributes needs an axis"));
                }
                continue;
            }
            if levels.len() + 1 != n.parse::<usize>().unwrap_or(0) {
                return Err(row.error(&axes_column, "level 2 needs a level 1"));
            }
            for axis in &axes {
                if let Some(a) = self.attribute(axis) {
                    if !a.kind.can_be_axis() {
                        return Ok(Err(format!(
                            "its axis {axis} is of type {}; pim axes are simple select, boolean or metric attributes",
                            a.kind.as_str()
                        )));
                    }
                    if a.localizable || a.scopable {
                        return Ok(Err(format!("its axis {axis} is localizable or scopable")));
                    }
                }
            }
            if let Some(family) = &family {
                for (column, list) in [(&axes_column, &axes), (&attributes_column, &attributes)] {
                    if let Some(a) = list.iter().find(|a| !family.attributes.contains(a)) {
                        return Err(row.error(
                            column,
                            format!("attribute {a} is not in family {family_code}"),
                        ));
                    }
                }
            }
            levels.push((axes, attributes));
        }
        if levels.is_empty() {
            return Err(row.error("variant-axes_1", "a family variant needs at least one axis"));
        }
        let mut placed: BTreeSet<String> = BTreeSet::new();
        let mut built: Vec<VariantLevel> = Vec::new();
        for (axes, attributes) in levels {
            // Akeneo puts a level's axes among its attributes itself.
            let mut level = VariantLevel {
                axes: axes.clone(),
                attributes: Vec::new(),
            };
            for attribute in axes.into_iter().chain(attributes) {
                if level.attributes.contains(&attribute) {
                    continue;
                }
                if !placed.insert(attribute.clone()) {
                    self.warn(format!(
                        "{place}: attribute {attribute} is set at two levels of family variant {code}; it stays on the first"
                    ));
                    continue;
                }
                level.attributes.push(attribute);
            }
            built.push(level);
        }
        self.variant_product_level(&place, &code, family.as_ref(), &mut built);
        if !dropped.is_empty() {
            self.warn(format!(
                "{place}: family variant {code} leaves out attributes that are not imported: {}",
                dropped.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        Ok(Ok(FamilyVariant {
            code,
            family: family_code,
            labels: row.labels(),
            levels: built,
        }))
    }

    /// Akeneo keeps the identifier and every unique attribute of the family on the variant
    /// products: it adds them to the last level, moving them from an earlier one.
    fn variant_product_level(
        &mut self,
        place: &str,
        code: &str,
        family: Option<&Family>,
        levels: &mut [VariantLevel],
    ) {
        let mut last_level: Vec<String> = self.identifier().into_iter().collect();
        if let Some(family) = family {
            last_level.extend(
                family
                    .attributes
                    .iter()
                    .filter(|a| {
                        self.attribute(a)
                            .is_some_and(|a| a.unique && a.kind != AttributeType::Identifier)
                    })
                    .cloned(),
            );
        }
        let Some((last, earlier)) = levels.split_last_mut() else {
            return;
        };
        for attribute in last_level {
            for level in earlier.iter_mut() {
                if level.axes.contains(&attribute) {
                    continue;
                }
                if let Some(i) = level.attributes.iter().position(|a| *a == attribute) {
                    level.attributes.remove(i);
                    self.warn(format!(
                        "{place}: attribute {attribute} of family variant {code} moves to the variant product level: pim and Akeneo keep identifier and unique values on variant products"
                    ));
                }
            }
            if !last.attributes.contains(&attribute) {
                last.attributes.push(attribute);
            }
        }
    }
}

/// The two attributes a family names for display.
#[derive(Clone, Copy)]
enum Pick {
    Label,
    Image,
}

impl Pick {
    fn column(self) -> &'static str {
        match self {
            Pick::Label => "attribute_as_label",
            Pick::Image => "attribute_as_image",
        }
    }

    fn fits(self, kind: AttributeType) -> bool {
        match self {
            Pick::Label => kind.is_textual() || kind == AttributeType::Identifier,
            Pick::Image => kind == AttributeType::Image,
        }
    }

    fn needs(self) -> &'static str {
        match self {
            Pick::Label => "a text attribute",
            Pick::Image => "an image attribute",
        }
    }
}
