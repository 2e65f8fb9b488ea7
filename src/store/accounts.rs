//! Users, sessions and API tokens. Only digests of session and token secrets are stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::db::Conn;
use super::schema::{api_tokens, sessions, users};
use crate::error::Result;
use crate::on;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: String,
    pub grants: String,
    pub disabled: bool,
    pub created: NaiveDateTime,
    pub updated: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUserRow<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub grants: &'a str,
    pub disabled: bool,
    pub created: NaiveDateTime,
    pub updated: NaiveDateTime,
}

/// Columns an update may change; `None` keeps the stored value.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub name: Option<String>,
    pub password_hash: Option<String>,
    pub role: Option<String>,
    pub grants: Option<String>,
    pub disabled: Option<bool>,
    pub updated: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: i64,
    pub created: NaiveDateTime,
    pub expires: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub token_hash: String,
    pub prefix: String,
    pub owner_id: i64,
    pub role: String,
    pub grants: String,
    pub expires: Option<NaiveDateTime>,
    pub last_used: Option<NaiveDateTime>,
    pub created: NaiveDateTime,
    pub revoked: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewTokenRow<'a> {
    pub name: &'a str,
    pub token_hash: &'a str,
    pub prefix: &'a str,
    pub owner_id: i64,
    pub role: &'a str,
    pub grants: &'a str,
    pub expires: Option<NaiveDateTime>,
    pub created: NaiveDateTime,
}

/// Enabled users with the admin role.
pub fn count_admins(conn: &mut Conn<'_>) -> Result<i64> {
    Ok(on!(conn, |c| users::table
        .filter(users::role.eq("admin"))
        .filter(users::disabled.eq(false))
        .count()
        .get_result(c))?)
}

pub fn insert_user(conn: &mut Conn<'_>, row: &NewUserRow<'_>) -> Result<UserRow> {
    Ok(on!(conn, |c| diesel::insert_into(users::table)
        .values(row)
        .returning(UserRow::as_returning())
        .get_result(c))?)
}

pub fn list_users(conn: &mut Conn<'_>) -> Result<Vec<UserRow>> {
    Ok(on!(conn, |c| users::table
        .order(users::id)
        .select(UserRow::as_select())
        .load(c))?)
}

pub fn find_user(conn: &mut Conn<'_>, id: i64) -> Result<Option<UserRow>> {
    Ok(on!(conn, |c| users::table
        .find(id)
        .select(UserRow::as_select())
        .first(c)
        .optional())?)
}

/// By e-mail, which is stored lowercased.
pub fn find_user_by_email(conn: &mut Conn<'_>, email: &str) -> Result<Option<UserRow>> {
    Ok(on!(conn, |c| users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(c)
        .optional())?)
}

pub fn update_user(conn: &mut Conn<'_>, id: i64, changes: &UserChanges) -> Result<usize> {
    Ok(on!(conn, |c| diesel::update(users::table.find(id))
        .set(changes)
        .execute(c))?)
}

pub fn insert_session(conn: &mut Conn<'_>, row: &SessionRow) -> Result<()> {
    on!(conn, |c| diesel::insert_into(sessions::table)
        .values(row)
        .execute(c))?;
    Ok(())
}

/// A live session and its user.
pub fn find_session(
    conn: &mut Conn<'_>,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<(SessionRow, UserRow)>> {
    Ok(on!(conn, |c| sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires.gt(now))
        .select((SessionRow::as_select(), UserRow::as_select()))
        .first(c)
        .optional())?)
}

pub fn delete_session(conn: &mut Conn<'_>, token_hash: &str) -> Result<usize> {
    Ok(on!(conn, |c| diesel::delete(
        sessions::table.filter(sessions::token_hash.eq(token_hash))
    )
    .execute(c))?)
}

/// Ends every session of a user (disabled, role or password changed).
pub fn delete_user_sessions(conn: &mut Conn<'_>, user_id: i64) -> Result<usize> {
    Ok(on!(conn, |c| diesel::delete(
        sessions::table.filter(sessions::user_id.eq(user_id))
    )
    .execute(c))?)
}

pub fn delete_expired_sessions(conn: &mut Conn<'_>, now: NaiveDateTime) -> Result<usize> {
    Ok(on!(conn, |c| diesel::delete(
        sessions::table.filter(sessions::expires.le(now))
    )
    .execute(c))?)
}

pub fn insert_token(conn: &mut Conn<'_>, row: &NewTokenRow<'_>) -> Result<TokenRow> {
    Ok(on!(conn, |c| diesel::insert_into(api_tokens::table)
        .values(row)
        .returning(TokenRow::as_returning())
        .get_result(c))?)
}

pub fn list_tokens(conn: &mut Conn<'_>) -> Result<Vec<TokenRow>> {
    Ok(on!(conn, |c| api_tokens::table
        .order(api_tokens::id)
        .select(TokenRow::as_select())
        .load(c))?)
}

pub fn find_token(conn: &mut Conn<'_>, id: i64) -> Result<Option<TokenRow>> {
    Ok(on!(conn, |c| api_tokens::table
        .find(id)
        .select(TokenRow::as_select())
        .first(c)
        .optional())?)
}

/// A token by the digest of its secret, with its owner.
pub fn find_token_by_hash(
    conn: &mut Conn<'_>,
    token_hash: &str,
) -> Result<Option<(TokenRow, UserRow)>> {
    Ok(on!(conn, |c| api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .select((TokenRow::as_select(), UserRow::as_select()))
        .first(c)
        .optional())?)
}

pub fn touch_token(conn: &mut Conn<'_>, id: i64, at: NaiveDateTime) -> Result<()> {
    on!(conn, |c| diesel::update(api_tokens::table.find(id))
        .set(api_tokens::last_used.eq(Some(at)))
        .execute(c))?;
    Ok(())
}

pub fn revoke_token(conn: &mut Conn<'_>, id: i64, at: NaiveDateTime) -> Result<usize> {
    Ok(on!(conn, |c| diesel::update(
        api_tokens::table
            .find(id)
            .filter(api_tokens::revoked.is_null())
    )
    .set(api_tokens::revoked.eq(Some(at)))
    .execute(c))?)
}
