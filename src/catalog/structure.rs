//! The catalog structure as one immutable snapshot: every locale, channel, attribute, family and
//! category, with the indexes the write path needs. Small enough to hold in memory; replaced on change.

use std::collections::{BTreeMap, HashMap};

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::quality::rules::{Condition, QualityRule};

use super::{
    AssociationType, Attribute, AttributeGroup, AttributeOption, AttributeType, Category, Channel,
    Currency, Family, FamilyVariant, Locale,
};

/// The kinds of structure entity, as stored and as named in the change log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Locale,
    Currency,
    Category,
    Channel,
    AttributeGroup,
    Attribute,
    AttributeOption,
    AssociationType,
    Family,
    FamilyVariant,
    QualityRule,
}

impl EntityKind {
    /// In dependency order: an entity only refers to kinds before it.
    pub const ALL: [EntityKind; 11] = [
        EntityKind::Locale,
        EntityKind::Currency,
        EntityKind::Category,
        EntityKind::Channel,
        EntityKind::AttributeGroup,
        EntityKind::Attribute,
        EntityKind::AttributeOption,
        EntityKind::AssociationType,
        EntityKind::Family,
        EntityKind::FamilyVariant,
        EntityKind::QualityRule,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Locale => "locale",
            EntityKind::Currency => "currency",
            EntityKind::Category => "category",
            EntityKind::Channel => "channel",
            EntityKind::AttributeGroup => "attribute_group",
            EntityKind::Attribute => "attribute",
            EntityKind::AttributeOption => "attribute_option",
            EntityKind::AssociationType => "association_type",
            EntityKind::Family => "family",
            EntityKind::FamilyVariant => "family_variant",
            EntityKind::QualityRule => "quality_rule",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One structure entity of any kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "definition", rename_all = "snake_case")]
pub enum Entity {
    Locale(Locale),
    Currency(Currency),
    Category(Category),
    Channel(Channel),
    AttributeGroup(AttributeGroup),
    Attribute(Attribute),
    AttributeOption(AttributeOption),
    AssociationType(AssociationType),
    Family(Family),
    FamilyVariant(FamilyVariant),
    QualityRule(QualityRule),
}

impl Entity {
    pub fn kind(&self) -> EntityKind {
        match self {
            Entity::Locale(_) => EntityKind::Locale,
            Entity::Currency(_) => EntityKind::Currency,
            Entity::Category(_) => EntityKind::Category,
            Entity::Channel(_) => EntityKind::Channel,
            Entity::AttributeGroup(_) => EntityKind::AttributeGroup,
            Entity::Attribute(_) => EntityKind::Attribute,
            Entity::AttributeOption(_) => EntityKind::AttributeOption,
            Entity::AssociationType(_) => EntityKind::AssociationType,
            Entity::Family(_) => EntityKind::Family,
            Entity::FamilyVariant(_) => EntityKind::FamilyVariant,
            Entity::QualityRule(_) => EntityKind::QualityRule,
        }
    }

    /// The entity's key within its kind; options are keyed `attribute/option`.
    pub fn key(&self) -> String {
        match self {
            Entity::Locale(e) => e.code.clone(),
            Entity::Currency(e) => e.code.clone(),
            Entity::Category(e) => e.code.clone(),
            Entity::Channel(e) => e.code.clone(),
            Entity::AttributeGroup(e) => e.code.clone(),
            Entity::Attribute(e) => e.code.clone(),
            Entity::AttributeOption(e) => option_key(&e.attribute, &e.code),
            Entity::AssociationType(e) => e.code.clone(),
            Entity::Family(e) => e.code.clone(),
            Entity::FamilyVariant(e) => e.code.clone(),
            Entity::QualityRule(e) => e.code.clone(),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Entity::Locale(e) => serde_json::to_value(e),
            Entity::Currency(e) => serde_json::to_value(e),
            Entity::Category(e) => serde_json::to_value(e),
            Entity::Channel(e) => serde_json::to_value(e),
            Entity::AttributeGroup(e) => serde_json::to_value(e),
            Entity::Attribute(e) => serde_json::to_value(e),
            Entity::AttributeOption(e) => serde_json::to_value(e),
            Entity::AssociationType(e) => serde_json::to_value(e),
            Entity::Family(e) => serde_json::to_value(e),
            Entity::FamilyVariant(e) => serde_json::to_value(e),
            Entity::QualityRule(e) => serde_json::to_value(e),
        }
        .expect("structure entities serialize")
    }

    pub fn from_json(kind: EntityKind, value: serde_json::Value) -> serde_json::Result<Self> {
        Ok(match kind {
            EntityKind::Locale => Entity::Locale(serde_json::from_value(value)?),
            EntityKind::Currency => Entity::Currency(serde_json::from_value(value)?),
            EntityKind::Category => Entity::Category(serde_json::from_value(value)?),
            EntityKind::Channel => Entity::Channel(serde_json::from_value(value)?),
            EntityKind::AttributeGroup => Entity::AttributeGroup(serde_json::from_value(value)?),
            EntityKind::Attribute => Entity::Attribute(serde_json::from_value(value)?),
            EntityKind::AttributeOption => Entity::AttributeOption(serde_json::from_value(value)?),
            EntityKind::AssociationType => Entity::AssociationType(serde_json::from_value(value)?),
            EntityKind::Family => Entity::Family(serde_json::from_value(value)?),
            EntityKind::FamilyVariant => Entity::FamilyVariant(serde_json::from_value(value)?),
            EntityKind::QualityRule => Entity::QualityRule(serde_json::from_value(value)?),
        })
    }
}

pub fn option_key(attribute: &str, option: &str) -> String {
    format!("{attribute}/{option}")
}

#[derive(Debug, Default, Clone)]
pub struct Structure {
    pub locales: BTreeMap<String, Locale>,
    pub currencies: BTreeMap<String, Currency>,
    pub categories: BTreeMap<String, Category>,
    pub channels: BTreeMap<String, Channel>,
    pub attribute_groups: BTreeMap<String, AttributeGroup>,
    pub attributes: BTreeMap<String, Attribute>,
    /// Attribute code -> option code -> option.
    pub options: HashMap<String, BTreeMap<String, AttributeOption>>,
    pub association_types: BTreeMap<String, AssociationType>,
    pub families: BTreeMap<String, Family>,
    pub family_variants: BTreeMap<String, FamilyVariant>,
    pub quality_rules: BTreeMap<String, QualityRule>,
    children: HashMap<String, Vec<String>>,
    regexes: HashMap<String, Regex>,
    /// Compiled patterns of `matches` quality rules, by pattern.
    patterns: HashMap<String, Regex>,
    /// Per attribute: option codes and labels in every locale, lower case → option code.
    option_words: HashMap<String, HashMap<String, String>>,
    /// Codes of the product reference list attributes, and of the image and file attributes.
    reference_attributes: Vec<String>,
    asset_attributes: Vec<String>,
}

impl Structure {
    pub fn from_entities(entities: impl IntoIterator<Item = Entity>) -> Self {
        let mut structure = Structure::default();
        for entity in entities {
            structure.insert(entity);
        }
        structure.reindex();
        structure
    }

    /// Checks that a channel exists and has the locale (completeness is kept per channel
    /// locale); errors name `{path}.channel` or `{path}.locale`.
    pub fn check_channel_locale(
        &self,
        channel: &str,
        locale: &str,
        path: &str,
    ) -> Result<(), FieldError> {
        match self.channels.get(channel) {
            None => Err(FieldError::not_found(
                format!("{path}.channel"),
                format!("unknown channel {channel:?}"),
            )),
            Some(c) if !c.locales.iter().any(|l| l == locale) => Err(FieldError::not_found(
                format!("{path}.locale"),
                format!("channel {channel} has no locale {locale:?}"),
            )),
            Some(_) => Ok(()),
        }
    }

    /// A copy with one entity added or replaced.
    pub fn with(&self, entity: Entity) -> Self {
        let mut next = self.clone();
        next.insert(entity);
        next.reindex();
        next
    }

    /// A copy with one entity removed.
    pub fn without(&self, kind: EntityKind, key: &str) -> Self {
        let mut next = self.clone();
        match kind {
            EntityKind::Locale => drop(next.locales.remove(key)),
            EntityKind::Currency => drop(next.currencies.remove(key)),
            EntityKind::Category => drop(next.categories.remove(key)),
            EntityKind::Channel => drop(next.channels.remove(key)),
            EntityKind::AttributeGroup => drop(next.attribute_groups.remove(key)),
            EntityKind::Attribute => {
                next.attributes.remove(key);
                next.options.remove(key);
            }
            EntityKind::AttributeOption => {
                if let Some((attribute, option)) = key.split_once('/') {
                    if let Some(options) = next.options.get_mut(attribute) {
                        options.remove(option);
                    }
                }
            }
            EntityKind::AssociationType => drop(next.association_types.remove(key)),
            EntityKind::Family => drop(next.families.remove(key)),
            EntityKind::FamilyVariant => drop(next.family_variants.remove(key)),
            EntityKind::QualityRule => drop(next.quality_rules.remove(key)),
        }
        next.reindex();
        next
    }

    fn insert(&mut self, entity: Entity) {
        match entity {
            Entity::Locale(e) => drop(self.locales.insert(e.code.clone(), e)),
            Entity::Currency(e) => drop(self.currencies.insert(e.code.clone(), e)),
            Entity::Category(e) => drop(self.categories.insert(e.code.clone(), e)),
            Entity::Channel(e) => drop(self.channels.insert(e.code.clone(), e)),
            Entity::AttributeGroup(e) => drop(self.attribute_groups.insert(e.code.clone(), e)),
            Entity::Attribute(e) => drop(self.attributes.insert(e.code.clone(), e)),
            Entity::AttributeOption(e) => drop(
                self.options
                    .entry(e.attribute.clone())
                    .or_default()
                    .insert(e.code.clone(), e),
            ),
            Entity::AssociationType(e) => drop(self.association_types.insert(e.code.clone(), e)),
            Entity::Family(e) => drop(self.families.insert(e.code.clone(), e)),
            Entity::FamilyVariant(e) => drop(self.family_variants.insert(e.code.clone(), e)),
            Entity::QualityRule(e) => drop(self.quality_rules.insert(e.code.clone(), e)),
        }
    }

    fn reindex(&mut self) {
        self.children.clear();
        for category in self.categories.values() {
            if let Some(parent) = &category.parent {
                self.children
                    .entry(parent.clone())
                    .or_default()
                    .push(category.code.clone());
            }
        }
        for children in self.children.values_mut() {
            children.sort();
        }
        self.regexes = self
            .attributes
            .values()
            .filter_map(|a| {
                let pattern = a.constraints.regex.as_deref()?;
                Regex::new(pattern).ok().map(|r| (a.code.clone(), r))
            })
            .collect();
        self.patterns = self
            .quality_rules
            .values()
            .filter_map(|r| match &r.condition {
                Condition::Matches { pattern, .. } => {
                    Regex::new(pattern).ok().map(|re| (pattern.clone(), re))
                }
                _ => None,
            })
            .collect();
        let codes_of = |kinds: &[AttributeType]| -> Vec<String> {
            self.attributes
                .values()
                .filter(|a| kinds.contains(&a.kind))
                .map(|a| a.code.clone())
                .collect()
        };
        self.reference_attributes = codes_of(&[AttributeType::ProductReferenceList]);
        self.asset_attributes = codes_of(&[AttributeType::Image, AttributeType::File]);
        self.option_words = self
            .options
            .iter()
            .map(|(attribute, options)| {
                let mut words = HashMap::new();
                // Labels first, so an option's own code wins over another option's label.
                for option in options.values() {
                    for label in option.labels.values() {
                        words
                            .entry(label.trim().to_lowercase())
                            .or_insert_with(|| option.code.clone());
                    }
                }
                for option in options.values() {
                    words.insert(option.code.to_lowercase(), option.code.clone());
                }
                (attribute.clone(), words)
            })
            .collect();
    }

    /// Codes of the product reference list attributes.
    pub fn reference_attributes(&self) -> &[String] {
        &self.reference_attributes
    }

    /// Codes of the image and file attributes.
    pub fn asset_attributes(&self) -> &[String] {
        &self.asset_attributes
    }

    /// The option of `attribute` a word names: its code exactly, or its code or a label in
    /// any locale ignoring case.
    pub fn option_by_word(&self, attribute: &str, word: &str) -> Option<&str> {
        if let Some(option) = self.options.get(attribute).and_then(|o| o.get(word)) {
            return Some(&option.code);
        }
        self.option_words
            .get(attribute)?
            .get(&word.trim().to_lowercase())
            .map(String::as_str)
    }

    /// A `matches` rule's compiled pattern.
    pub fn pattern(&self, pattern: &str) -> Option<&Regex> {
        self.patterns.get(pattern)
    }

    /// Every entity, in dependency order, as the store and the demo loader see them.
    pub fn entities(&self) -> Vec<Entity> {
        let mut all = Vec::new();
        all.extend(self.locales.values().cloned().map(Entity::Locale));
        all.extend(self.currencies.values().cloned().map(Entity::Currency));
        all.extend(
            self.categories_parents_first()
                .into_iter()
                .map(Entity::Category),
        );
        all.extend(self.channels.values().cloned().map(Entity::Channel));
        all.extend(
            self.attribute_groups
                .values()
                .cloned()
                .map(Entity::AttributeGroup),
        );
        all.extend(self.attributes.values().cloned().map(Entity::Attribute));
        for options in self.options.values() {
            all.extend(options.values().cloned().map(Entity::AttributeOption));
        }
        all.extend(
            self.association_types
                .values()
                .cloned()
                .map(Entity::AssociationType),
        );
        all.extend(self.families.values().cloned().map(Entity::Family));
        all.extend(
            self.family_variants
                .values()
                .cloned()
                .map(Entity::FamilyVariant),
        );
        all.extend(
            self.quality_rules
                .values()
                .cloned()
                .map(Entity::QualityRule),
        );
        all
    }

    fn categories_parents_first(&self) -> Vec<Category> {
        let mut out = Vec::with_capacity(self.categories.len());
        let mut stack: Vec<&str> = self
            .categories
            .values()
            .filter(|c| c.parent.is_none())
            .map(|c| c.code.as_str())
            .collect();
        while let Some(code) = stack.pop() {
            out.push(self.categories[code].clone());
            if let Some(children) = self.children.get(code) {
                stack.extend(children.iter().map(String::as_str));
            }
        }
        out
    }

    pub fn attribute(&self, code: &str) -> Option<&Attribute> {
        self.attributes.get(code)
    }

    pub fn option(&self, attribute: &str, code: &str) -> Option<&AttributeOption> {
        self.options.get(attribute)?.get(code)
    }

    pub fn regex(&self, attribute: &str) -> Option<&Regex> {
        self.regexes.get(attribute)
    }

    /// The code of the identifier attribute, `sku` unless the catalog names another.
    pub fn identifier_attribute(&self) -> &str {
        self.attributes
            .values()
            .find(|a| a.kind == AttributeType::Identifier)
            .map_or("sku", |a| a.code.as_str())
    }

    pub fn children(&self, category: &str) -> &[String] {
        self.children.get(category).map_or(&[], Vec::as_slice)
    }

    /// The category and all below it.
    pub fn category_subtree(&self, category: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![category.to_string()];
        while let Some(code) = stack.pop() {
            stack.extend(self.children(&code).iter().cloned());
            out.push(code);
        }
        out
    }

    /// The path from the root of the tree down to the category, both included.
    pub fn category_path(&self, category: &str) -> Vec<String> {
        let mut path = Vec::new();
        let mut current = Some(category.to_string());
        while let Some(code) = current {
            if path.contains(&code) {
                break;
            }
            current = self.categories.get(&code).and_then(|c| c.parent.clone());
            path.push(code);
        }
        path.reverse();
        path
    }

    pub fn category_root(&self, category: &str) -> Option<String> {
        self.category_path(category).into_iter().next()
    }

    /// The family a family variant belongs to.
    pub fn variant_family(&self, family_variant: &str) -> Option<(&FamilyVariant, &Family)> {
        let variant = self.family_variants.get(family_variant)?;
        let family = self.families.get(&variant.family)?;
        Some((variant, family))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(code: &str, parent: Option<&str>) -> Entity {
        Entity::Category(Category {
            code: code.into(),
            parent: parent.map(Into::into),
            sort_order: 0,
            labels: Default::default(),
        })
    }

    #[test]
    fn category_subtree_and_path() {
        let s = Structure::from_entities([
            category("master", None),
            category("clothing", Some("master")),
            category("shirts", Some("clothing")),
            category("shoes", Some("master")),
        ]);
        let mut subtree = s.category_subtree("clothing");
        subtree.sort();
        assert_eq!(subtree, vec!["clothing", "shirts"]);
        assert_eq!(
            s.category_path("shirts"),
            vec!["master", "clothing", "shirts"]
        );
        assert_eq!(s.category_root("shoes").as_deref(), Some("master"));
        let order: Vec<String> = s.entities().iter().map(Entity::key).collect();
        let pos = |c: &str| order.iter().position(|x| x == c).unwrap();
        assert!(pos("master") < pos("clothing") && pos("clothing") < pos("shirts"));
    }

    #[test]
    fn entity_json_round_trip() {
        let e = category("master", None);
        assert_eq!(Entity::from_json(e.kind(), e.to_json()).unwrap(), e);
    }
}
