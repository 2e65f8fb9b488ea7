//! Structure entities (locales, channels, attributes, families, …) as rows of kind, code and JSON
//! definition, and the version counter that tells every node when its cached snapshot is stale.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::db::Conn;
use super::schema::{counters, structure_entities};
use crate::catalog::structure::{Entity, EntityKind};
use crate::error::{Error, Result};
use crate::on;

const VERSION_COUNTER: &str = "structure_version";

/// Every stored entity, in dependency order.
pub fn load_all(conn: &mut Conn<'_>) -> Result<Vec<Entity>> {
    let rows: Vec<(String, String, String)> = on!(conn, |c| structure_entities::table
        .select((
            structure_entities::kind,
            structure_entities::code,
            structure_entities::definition
        ))
        .load(c))?;
    let mut entities = Vec::with_capacity(rows.len());
    for (kind, code, definition) in rows {
        let kind = EntityKind::parse(&kind).ok_or_else(|| {
            Error::Internal(format!(
                "stored structure entity {code} has unknown kind {kind}"
            ))
        })?;
        let value: serde_json::Value = serde_json::from_str(&definition)?;
        let entity = Entity::from_json(kind, value).map_err(|e| {
            Error::Internal(format!(
                "stored {} {code} does not parse: {e}",
                kind.as_str()
            ))
        })?;
        entities.push(entity);
    }
    entities.sort_by_key(|e| EntityKind::ALL.iter().position(|k| *k == e.kind()));
    Ok(entities)
}

/// One entity's stored definition, if any.
pub fn find(conn: &mut Conn<'_>, kind: EntityKind, key: &str) -> Result<Option<Entity>> {
    let definition: Option<String> = on!(conn, |c| structure_entities::table
        .filter(structure_entities::kind.eq(kind.as_str()))
        .filter(structure_entities::code.eq(key))
        .select(structure_entities::definition)
        .first(c)
        .optional())?;
    definition
        .map(|d| Ok(Entity::from_json(kind, serde_json::from_str(&d)?)?))
        .transpose()
}

/// Creates or replaces entities, in the caller's transaction.
pub fn upsert(conn: &mut Conn<'_>, entities: &[Entity], now: NaiveDateTime) -> Result<()> {
    for entity in entities {
        let kind = entity.kind().as_str();
        let code = entity.key();
        let definition = entity.to_json().to_string();
        on!(conn, |c| diesel::insert_into(structure_entities::table)
            .values((
                structure_entities::kind.eq(kind),
                structure_entities::code.eq(&code),
                structure_entities::definition.eq(&definition),
                structure_entities::updated.eq(now),
            ))
            .on_conflict((structure_entities::kind, structure_entities::code))
            .do_update()
            .set((
                structure_entities::definition.eq(&definition),
                structure_entities::updated.eq(now),
            ))
            .execute(c))?;
    }
    Ok(())
}

pub fn delete(conn: &mut Conn<'_>, kind: EntityKind, key: &str) -> Result<bool> {
    let n = on!(conn, |c| diesel::delete(
        structure_entities::table
            .filter(structure_entities::kind.eq(kind.as_str()))
            .filter(structure_entities::code.eq(key))
    )
    .execute(c))?;
    Ok(n > 0)
}

/// Removes every option of an attribute, when the attribute itself goes.
pub fn delete_options_of(conn: &mut Conn<'_>, attribute: &str) -> Result<()> {
    let prefix = format!("{attribute}/%");
    on!(conn, |c| diesel::delete(
        structure_entities::table
            .filter(structure_entities::kind.eq(EntityKind::AttributeOption.as_str()))
            .filter(structure_entities::code.like(&prefix))
    )
    .execute(c))?;
    Ok(())
}

/// Increments the structure version; every node reloads its snapshot when it sees a new one.
pub fn bump_version(conn: &mut Conn<'_>) -> Result<i64> {
    on!(conn, |c| diesel::update(
        counters::table.filter(counters::name.eq(VERSION_COUNTER))
    )
    .set(counters::value.eq(counters::value + 1))
    .execute(c))?;
    version(conn)
}

pub fn version(conn: &mut Conn<'_>) -> Result<i64> {
    let v = on!(conn, |c| counters::table
        .filter(counters::name.eq(VERSION_COUNTER))
        .select(counters::value)
        .first(c))?;
    Ok(v)
}
