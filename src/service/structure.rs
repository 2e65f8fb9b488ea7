//! The write path for catalog structure: locales, currencies, channels, categories, attributes,
//! options, association types, families and family variants.

use serde_json::Value;

use super::in_use::refuse_if_held;
use super::recompute::affects_quality;
use super::{Catalog, ItemStatus, now};
use crate::catalog::product::FieldChange;
use crate::catalog::structure::{Entity, EntityKind, Structure};
use crate::catalog::structure_rules;
use crate::error::{Error, FieldError, Result};
use crate::store::changes::{self, Event, Operation, Origin};
use crate::store::usage::ValueMatch;
use crate::store::{self, Conn};

/// What happened to one saved entity.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityResult {
    pub kind: EntityKind,
    pub key: String,
    pub status: ItemStatus,
}

impl Catalog {
    /// Creates or replaces structure entities, all in one transaction: all are stored or, if any
    /// is invalid, none; errors name the item (`items.N.`) and field.
    pub fn save_entities(
        &self,
        entities: Vec<Entity>,
        origin: &Origin,
    ) -> Result<Vec<EntityResult>> {
        let (version, structure, results) = self.db().write(|conn| {
            // Validated against the stored structure under the write lock, not this node's cache,
            // so two nodes editing structure at once cannot both pass on stale views.
            conn.lock_change_log()?;
            let mut structure = Structure::from_entities(store::structure::load_all(conn)?);
            let mut errors = Vec::new();
            let mut events = Vec::new();
            let mut results = Vec::new();
            let mut changed = Vec::new();
            for (i, entity) in entities.iter().enumerate() {
                let key = entity.key();
                let before = existing(&structure, entity.kind(), &key);
                if before.as_ref() == Some(entity) {
                    results.push(EntityResult {
                        kind: entity.kind(),
                        key,
                        status: ItemStatus::Unchanged,
                    });
                    continue;
                }
                let prefix = if entities.len() > 1 {
                    format!("items.{i}")
                } else {
                    String::new()
                };
                if let Err(found) = structure_rules::check(&structure, entity) {
                    errors.extend(found.into_iter().map(|e| {
                        if prefix.is_empty() {
                            e
                        } else {
                            e.under(&prefix)
                        }
                    }));
                    continue;
                }
                let operation = if before.is_some() {
                    Operation::Update
                } else {
                    Operation::Create
                };
                events.push(Event::new(
                    entity.kind().as_str(),
                    &key,
                    operation,
                    &diff_json(before.map(|b| b.to_json()), Some(entity.to_json())),
                ));
                structure = structure.with(entity.clone());
                changed.push(entity.clone());
                let status = if operation == Operation::Create {
                    ItemStatus::Created
                } else {
                    ItemStatus::Updated
                };
                results.push(EntityResult {
                    kind: entity.kind(),
                    key,
                    status,
                });
            }
            if !errors.is_empty() {
                return Err(Error::Invalid(errors));
            }
            let at = now();
            store::structure::upsert(conn, &changed, at)?;
            changes::append(conn, &events, origin, at)?;
            if changed.iter().any(|e| affects_quality(e.kind())) {
                schedule_recompute(conn, "structure changed")?;
            }
            let version = if changed.is_empty() {
                store::structure::version(conn)?
            } else {
                store::structure::bump_version(conn)?
            };
            Ok((version, structure, results))
        })?;
        self.install_structure(version, structure);
        Ok(results)
    }

    /// Deletes one structure entity, refusing while anything still uses it: an attribute or an
    /// option while any product or product model holds a value of it.
    pub fn delete_entity(&self, kind: EntityKind, key: &str, origin: &Origin) -> Result<()> {
        let (version, structure) = self.db().write(|conn| {
            conn.lock_change_log()?;
            let structure = Structure::from_entities(store::structure::load_all(conn)?);
            let Some(before) = existing(&structure, kind, key) else {
                return Err(Error::NotFound(format!(
                    "{} {key:?} not found",
                    kind.as_str().replace('_', " ")
                )));
            };
            structure_rules::check_removal(&structure, kind, key).map_err(Error::Invalid)?;
            check_no_products(conn, &structure, kind, key)?;
            store::structure::delete(conn, kind, key)?;
            if kind == EntityKind::Attribute {
                store::structure::delete_options_of(conn, key)?;
            }
            let event = Event::new(
                kind.as_str(),
                key,
                Operation::Delete,
                &diff_json(Some(before.to_json()), None),
            );
            changes::append(conn, &[event], origin, now())?;
            if affects_quality(kind) {
                schedule_recompute(conn, "structure entity deleted")?;
            }
            let version = store::structure::bump_version(conn)?;
            Ok((version, structure.without(kind, key)))
        })?;
        self.install_structure(version, structure);
        Ok(())
    }
}

/// Queues the quality recompute in the change's own transaction, when there are products.
fn schedule_recompute(conn: &mut Conn<'_>, reason: &str) -> Result<()> {
    if store::products::any(conn)? {
        let detail = serde_json::json!({ "reason": reason }).to_string();
        store::jobs::enqueue(conn, super::recompute::KIND, &detail, now())?;
    }
    Ok(())
}

fn existing(structure: &Structure, kind: EntityKind, key: &str) -> Option<Entity> {
    Some(match kind {
        EntityKind::Locale => Entity::Locale(structure.locales.get(key)?.clone()),
        EntityKind::Currency => Entity::Currency(structure.currencies.get(key)?.clone()),
        EntityKind::Category => Entity::Category(structure.categories.get(key)?.clone()),
        EntityKind::Channel => Entity::Channel(structure.channels.get(key)?.clone()),
        EntityKind::AttributeGroup => {
            Entity::AttributeGroup(structure.attribute_groups.get(key)?.clone())
        }
        EntityKind::Attribute => Entity::Attribute(structure.attributes.get(key)?.clone()),
        EntityKind::AttributeOption => {
            let (attribute, option) = key.split_once('/')?;
            Entity::AttributeOption(structure.option(attribute, option)?.clone())
        }
        EntityKind::AssociationType => {
            Entity::AssociationType(structure.association_types.get(key)?.clone())
        }
        EntityKind::Family => Entity::Family(structure.families.get(key)?.clone()),
        EntityKind::FamilyVariant => {
            Entity::FamilyVariant(structure.family_variants.get(key)?.clone())
        }
        EntityKind::QualityRule => Entity::QualityRule(structure.quality_rules.get(key)?.clone()),
    })
}

/// Products and models referring to an entity, or holding values of it, keep it alive.
fn check_no_products(
    conn: &mut Conn<'_>,
    structure: &Structure,
    kind: EntityKind,
    key: &str,
) -> Result<()> {
    let used = match kind {
        EntityKind::Family => store::products::count_in_family(conn, key)?,
        EntityKind::Category => {
            store::products::count_in_categories(conn, &structure.category_subtree(key))?
        }
        EntityKind::FamilyVariant => store::models::count_with_family_variant(conn, key)?,
        EntityKind::Attribute => {
            let wanted = ValueMatch {
                attributes: vec![key.to_owned()],
                leaf: None,
            };
            return refuse_if_held(conn, "code", &format!("attribute {key}"), &wanted);
        }
        EntityKind::AttributeOption => {
            let (attribute, option) = key.split_once('/').unwrap_or((key, ""));
            let wanted = ValueMatch {
                attributes: vec![attribute.to_owned()],
                leaf: Some(option.to_owned()),
            };
            let subject = format!("option {option} of attribute {attribute}");
            return refuse_if_held(conn, "code", &subject, &wanted);
        }
        _ => 0,
    };
    if used > 0 {
        return Err(Error::field(FieldError::conflict(
            "code",
            format!(
                "{} {key} is still used by {used} products or product models",
                kind.as_str().replace('_', " ")
            ),
        )));
    }
    Ok(())
}

/// Top-level fields of two JSON definitions that differ.
fn diff_json(before: Option<Value>, after: Option<Value>) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let b = before.as_ref().and_then(Value::as_object).unwrap_or(&empty);
    let a = after.as_ref().and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| FieldChange {
            field: k.clone(),
            scope: None,
            locale: None,
            before: b.get(k).cloned().unwrap_or(Value::Null),
            after: a.get(k).cloned().unwrap_or(Value::Null),
        })
        .collect()
}
