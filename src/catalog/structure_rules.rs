//! Rules a structure entity must satisfy against the rest of the structure before it is stored:
//! references resolve, codes are well formed, no category cycle, variant axes are usable.

use std::collections::HashSet;

use regex::Regex;

use super::codes::{check_code, check_currency_code, check_locale_code};
use super::structure::{Entity, EntityKind, Structure};
use super::{Attribute, AttributeType, Category, Channel, Family, FamilyVariant};
use super::{constraints, measure};
use crate::error::FieldError;

/// Checks an entity that is about to be created or replaced.
pub fn check(structure: &Structure, entity: &Entity) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut push = |r: Result<(), FieldError>| {
        if let Err(e) = r {
            errors.push(e);
        }
    };
    match entity {
        Entity::Locale(l) => push(check_locale_code("code", &l.code)),
        Entity::Currency(c) => push(check_currency_code("code", &c.code)),
        Entity::Category(c) => check_category(structure, c, &mut errors),
        Entity::Channel(c) => check_channel(structure, c, &mut errors),
        Entity::AttributeGroup(g) => push(check_code("code", &g.code)),
        Entity::Attribute(a) => check_attribute(structure, a, &mut errors),
        Entity::AttributeOption(o) => {
            push(check_code("code", &o.code));
            match structure.attribute(&o.attribute) {
                None => push(Err(unknown("attribute", "attribute", &o.attribute))),
                Some(a) if !a.kind.has_options() => push(Err(FieldError::invalid(
                    "attribute",
                    format!(
                        "attribute {} is of type {} and has no options",
                        a.code,
                        a.kind.as_str()
                    ),
                ))),
                Some(_) => {}
            }
        }
        Entity::AssociationType(t) => push(check_code("code", &t.code)),
        Entity::Family(f) => check_family(structure, f, &mut errors),
        Entity::FamilyVariant(v) => check_family_variant(structure, v, &mut errors),
        Entity::QualityRule(r) => {
            push(check_code("code", &r.code));
            errors.extend(crate::quality::rules::check_rule(structure, r));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn unknown(field: &str, what: &str, code: &str) -> FieldError {
    FieldError::not_found(field, format!("unknown {what} {code:?}"))
}

fn check_category(structure: &Structure, category: &Category, errors: &mut Vec<FieldError>) {
    if let Err(e) = check_code("code", &category.code) {
        errors.push(e);
    }
    let Some(parent) = &category.parent else {
        return;
    };
    if !structure.categories.contains_key(parent) {
        errors.push(unknown("parent", "category", parent));
        return;
    }
    // Moving a category under itself or one of its descendants would make a cycle.
    if structure.category_subtree(&category.code).contains(parent) {
        errors.push(FieldError::invalid(
            "parent",
            format!(
                "category {} cannot move under {parent}: {parent} is the category itself or below it, which would make a cycle",
                category.code
            ),
        ));
    }
}

fn listed_twice(field: &str, what: &str, code: &str) -> FieldError {
    FieldError::invalid(field, format!("{what} {code} is listed twice"))
}

fn check_channel(structure: &Structure, channel: &Channel, errors: &mut Vec<FieldError>) {
    if let Err(e) = check_code("code", &channel.code) {
        errors.push(e);
    }
    if channel.locales.is_empty() {
        errors.push(FieldError::invalid(
            "locales",
            "a channel needs at least one locale",
        ));
    }
    for (i, locale) in channel.locales.iter().enumerate() {
        if !structure.locales.contains_key(locale) {
            errors.push(unknown(&format!("locales.{i}"), "locale", locale));
        } else if channel.locales[..i].contains(locale) {
            errors.push(listed_twice(&format!("locales.{i}"), "locale", locale));
        }
    }
    for (i, currency) in channel.currencies.iter().enumerate() {
        if !structure.currencies.contains_key(currency) {
            errors.push(unknown(&format!("currencies.{i}"), "currency", currency));
        } else if channel.currencies[..i].contains(currency) {
            errors.push(listed_twice(
                &format!("currencies.{i}"),
                "currency",
                currency,
            ));
        }
    }
    match structure.categories.get(&channel.category_tree) {
        None => errors.push(unknown("category_tree", "category", &channel.category_tree)),
        Some(c) if c.parent.is_some() => errors.push(FieldError::invalid(
            "category_tree",
            format!("category {} is not the root of a tree", c.code),
        )),
        Some(_) => {}
    }
}

fn check_attribute(structure: &Structure, attribute: &Attribute, errors: &mut Vec<FieldError>) {
    if let Err(e) = check_code("code", &attribute.code) {
        errors.push(e);
    }
    if !structure.attribute_groups.contains_key(&attribute.group) {
        errors.push(unknown("group", "attribute group", &attribute.group));
    }
    if let Some(existing) = structure.attribute(&attribute.code) {
        // Stored values were validated under the old definition; these would silently invalidate them.
        if existing.kind != attribute.kind {
            errors.push(FieldError::invalid(
                "type",
                "the type of an existing attribute cannot change",
            ));
        }
        if existing.localizable != attribute.localizable || existing.scopable != attribute.scopable
        {
            errors.push(FieldError::invalid(
                "localizable",
                "whether an existing attribute is localizable or scopable cannot change",
            ));
        }
        if existing.metric_family != attribute.metric_family {
            errors.push(FieldError::invalid(
                "metric_family",
                "the measurement family of an existing attribute cannot change",
            ));
        }
    }
    if attribute.kind == AttributeType::Identifier {
        let other = structure
            .attributes
            .values()
            .find(|a| a.kind == AttributeType::Identifier && a.code != attribute.code);
        if let Some(other) = other {
            errors.push(FieldError::invalid(
                "type",
                format!(
                    "the catalog already has an identifier attribute, {}",
                    other.code
                ),
            ));
        }
        if attribute.localizable || attribute.scopable {
            errors.push(FieldError::invalid(
                "localizable",
                "the identifier attribute cannot be localizable or scopable",
            ));
        }
    }
    if attribute.kind == AttributeType::Metric {
        match attribute
            .metric_family
            .as_deref()
            .map(|f| (f, measure::family(f)))
        {
            None => errors.push(FieldError::invalid(
                "metric_family",
                "a metric attribute needs a measurement family",
            )),
            Some((code, None)) => errors.push(unknown("metric_family", "measurement family", code)),
            Some((_, Some(family))) => {
                if let Some(unit) = &attribute.default_unit {
                    if family.unit(unit).is_none() {
                        errors.push(FieldError::invalid(
                            "default_unit",
                            format!("unit {unit:?} is not in measurement family {}", family.code),
                        ));
                    }
                }
            }
        }
    } else if attribute.metric_family.is_some() || attribute.default_unit.is_some() {
        errors.push(FieldError::invalid(
            "metric_family",
            "only metric attributes have a measurement family and unit",
        ));
    }
    if let Some(pattern) = &attribute.constraints.regex {
        if let Err(e) = Regex::new(pattern) {
            errors.push(FieldError::invalid(
                "constraints.regex",
                format!("invalid regex: {e}"),
            ));
        }
    }
    errors.extend(constraints::check_fit(attribute));
    if let (Some(min), Some(max)) = (attribute.constraints.min, attribute.constraints.max) {
        if min > max {
            errors.push(FieldError::invalid(
                "constraints.min",
                "min is greater than max",
            ));
        }
    }
    if attribute.unique
        && !matches!(
            attribute.kind,
            AttributeType::Identifier
                | AttributeType::Text
                | AttributeType::Number
                | AttributeType::Date
        )
    {
        errors.push(FieldError::invalid(
            "unique",
            "only text, number and date attributes can be unique",
        ));
    }
    if attribute.unique && (attribute.localizable || attribute.scopable) {
        errors.push(FieldError::invalid(
            "unique",
            "a unique attribute cannot be localizable or scopable",
        ));
    }
}

fn check_family(structure: &Structure, family: &Family, errors: &mut Vec<FieldError>) {
    if let Err(e) = check_code("code", &family.code) {
        errors.push(e);
    }
    let mut seen = HashSet::new();
    for (i, code) in family.attributes.iter().enumerate() {
        if !structure.attributes.contains_key(code) {
            errors.push(unknown(&format!("attributes.{i}"), "attribute", code));
        }
        if !seen.insert(code) {
            errors.push(FieldError::invalid(
                format!("attributes.{i}"),
                format!("attribute {code} is listed twice"),
            ));
        }
    }
    let identifier = structure.identifier_attribute();
    if structure.attributes.contains_key(identifier)
        && !family.attributes.iter().any(|a| a == identifier)
    {
        errors.push(FieldError::invalid(
            "attributes",
            format!("a family must contain the identifier attribute {identifier}"),
        ));
    }
    let in_family = |code: &str| family.attributes.iter().any(|a| a == code);
    if let Some(label) = &family.label_attribute {
        match structure.attribute(label) {
            Some(a)
                if in_family(label)
                    && (a.kind.is_textual() || a.kind == AttributeType::Identifier) => {}
            _ => errors.push(FieldError::invalid(
                "label_attribute",
                format!("{label} must be a text attribute of the family"),
            )),
        }
    }
    if let Some(image) = &family.image_attribute {
        match structure.attribute(image) {
            Some(a) if in_family(image) && a.kind == AttributeType::Image => {}
            _ => errors.push(FieldError::invalid(
                "image_attribute",
                format!("{image} must be an image attribute of the family"),
            )),
        }
    }
    for (channel, required) in &family.requirements {
        if !structure.channels.contains_key(channel) {
            errors.push(unknown(
                &format!("requirements.{channel}"),
                "channel",
                channel,
            ));
        }
        for code in required {
            if !in_family(code) {
                errors.push(FieldError::invalid(
                    format!("requirements.{channel}"),
                    format!("required attribute {code} is not in the family"),
                ));
            }
        }
    }
    // Family variants of this family must still fit it.
    for variant in structure
        .family_variants
        .values()
        .filter(|v| v.family == family.code)
    {
        for attribute in variant.levels.iter().flat_map(|l| &l.attributes) {
            if !in_family(attribute) {
                errors.push(FieldError::invalid(
                    "attributes",
                    format!("attribute {attribute} is used by family variant {} and cannot leave the family", variant.code),
                ));
            }
        }
    }
}

fn check_family_variant(
    structure: &Structure,
    variant: &FamilyVariant,
    errors: &mut Vec<FieldError>,
) {
    if let Err(e) = check_code("code", &variant.code) {
        errors.push(e);
    }
    let Some(family) = structure.families.get(&variant.family) else {
        errors.push(unknown("family", "family", &variant.family));
        return;
    };
    if let Some(existing) = structure.family_variants.get(&variant.code) {
        let axes = |v: &FamilyVariant| v.levels.iter().map(|l| l.axes.clone()).collect::<Vec<_>>();
        if existing.family != variant.family || axes(existing) != axes(variant) {
            errors.push(FieldError::invalid(
                "levels",
                "the family and axes of an existing family variant cannot change",
            ));
        }
    }
    if variant.levels.is_empty() || variant.levels.len() > 2 {
        errors.push(FieldError::invalid(
            "levels",
            "a family variant has one or two levels",
        ));
    }
    let identifier = structure.identifier_attribute();
    let mut placed = HashSet::new();
    for (i, level) in variant.levels.iter().enumerate() {
        let field = format!("levels.{i}");
        if level.axes.is_empty() || level.axes.len() > 5 {
            errors.push(FieldError::invalid(
                format!("{field}.axes"),
                "a level has one to five axes",
            ));
        }
        for axis in &level.axes {
            match structure.attribute(axis) {
                None => errors.push(unknown(&format!("{field}.axes"), "attribute", axis)),
                Some(a) if !a.kind.can_be_axis() => errors.push(FieldError::invalid(
                    format!("{field}.axes"),
                    format!(
                        "{axis} is of type {}; axes must be simple select, boolean or metric",
                        a.kind.as_str()
                    ),
                )),
                Some(a) if a.localizable || a.scopable => errors.push(FieldError::invalid(
                    format!("{field}.axes"),
                    format!("axis {axis} cannot be localizable or scopable"),
                )),
                Some(_) => {}
            }
            if !level.attributes.contains(axis) {
                errors.push(FieldError::invalid(
                    format!("{field}.attributes"),
                    format!("axis {axis} must be among the attributes of its level"),
                ));
            }
        }
        for attribute in &level.attributes {
            if !family.attributes.contains(attribute) {
                errors.push(FieldError::invalid(
                    format!("{field}.attributes"),
                    format!("attribute {attribute} is not in family {}", family.code),
                ));
            }
            if !placed.insert(attribute.clone()) {
                errors.push(FieldError::invalid(
                    format!("{field}.attributes"),
                    format!("attribute {attribute} is set at two levels"),
                ));
            }
        }
    }
    if let Some(last) = variant.levels.last() {
        if !last.attributes.iter().any(|a| a == identifier) {
            errors.push(FieldError::invalid(
                format!("levels.{}.attributes", variant.levels.len() - 1),
                format!("the last level must contain the identifier attribute {identifier}"),
            ));
        }
    }
    // Unique values live on variant products only: models share their values between many products.
    for attribute in variant.common_attributes(family).chain(
        variant
            .levels
            .iter()
            .rev()
            .skip(1)
            .flat_map(|l| &l.attributes),
    ) {
        if structure
            .attribute(attribute)
            .is_some_and(|a| a.unique && a.kind != AttributeType::Identifier)
        {
            errors.push(FieldError::invalid(
                "levels",
                format!("unique attribute {attribute} must be set at the variant product level"),
            ));
        }
    }
}

/// Quality rules that name an entity in their scope or condition.
fn rules_using(structure: &Structure, kind: EntityKind, key: &str) -> Vec<String> {
    structure
        .quality_rules
        .values()
        .filter(|r| {
            let s = &r.scope;
            let named = |list: &[String]| list.iter().any(|x| x == key);
            match kind {
                EntityKind::Attribute => r.condition.attributes().contains(&key),
                EntityKind::Family => named(&s.families),
                EntityKind::Category => named(&s.categories),
                EntityKind::Channel => named(&s.channels),
                EntityKind::Locale => named(&s.locales),
                _ => false,
            }
        })
        .map(|r| format!("quality rule {}", r.code))
        .collect()
}

/// Checks that removing an entity leaves no other structure entity pointing at it.
/// Products and models referring to it are checked by the store.
pub fn check_removal(
    structure: &Structure,
    kind: EntityKind,
    key: &str,
) -> Result<(), Vec<FieldError>> {
    let mut users: Vec<String> = Vec::new();
    match kind {
        EntityKind::Locale => users.extend(
            structure
                .channels
                .values()
                .filter(|c| c.locales.iter().any(|l| l == key))
                .map(|c| format!("channel {}", c.code)),
        ),
        EntityKind::Currency => users.extend(
            structure
                .channels
                .values()
                .filter(|c| c.currencies.iter().any(|l| l == key))
                .map(|c| format!("channel {}", c.code)),
        ),
        EntityKind::Category => {
            users.extend(
                structure
                    .children(key)
                    .iter()
                    .map(|c| format!("category {c}")),
            );
            users.extend(
                structure
                    .channels
                    .values()
                    .filter(|c| c.category_tree == key)
                    .map(|c| format!("channel {}", c.code)),
            );
        }
        EntityKind::Channel => users.extend(
            structure
                .families
                .values()
                .filter(|f| f.requirements.contains_key(key))
                .map(|f| format!("family {}", f.code)),
        ),
        EntityKind::AttributeGroup => users.extend(
            structure
                .attributes
                .values()
                .filter(|a| a.group == key)
                .map(|a| format!("attribute {}", a.code)),
        ),
        EntityKind::Attribute => users.extend(
            structure
                .families
                .values()
                .filter(|f| f.attributes.iter().any(|a| a == key))
                .map(|f| format!("family {}", f.code)),
        ),
        EntityKind::Family => users.extend(
            structure
                .family_variants
                .values()
                .filter(|v| v.family == key)
                .map(|v| format!("family variant {}", v.code)),
        ),
        EntityKind::AttributeOption
        | EntityKind::AssociationType
        | EntityKind::FamilyVariant
        | EntityKind::QualityRule => {}
    }
    users.extend(rules_using(structure, kind, key));
    if users.is_empty() {
        Ok(())
    } else {
        users.truncate(10);
        Err(vec![FieldError::conflict(
            "code",
            format!(
                "{} {key} is still used by {}",
                kind.as_str().replace('_', " "),
                users.join(", ")
            ),
        )])
    }
}
