//! Passwords (argon2id), random tokens stored as SHA-256, and login sessions.

use anyhow::Context;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, Utc};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Set,
    Statement,
};
use sha2::{Digest, Sha256};

use super::entities::session;
use crate::api::Me;
use crate::domain::Role;

/// The session cookie.
pub const SESSION_COOKIE: &str = "miv_session";

/// Hashes a password with argon2id (the crate's default: m = 19 MiB, t = 2, p = 1).
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
    })
    .await
    .context("hashing task failed")?
}

/// Checks a password against a stored hash. With no hash, a dummy is checked so that unknown
/// accounts take as long as known ones.
pub async fn verify_password(hash: Option<String>, password: String) -> bool {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3Jd8d0cG5hT3c0aWg3L2pGc1hYR3V0bVhlT0R5Y2c";
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY.to_owned());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
        && known
}

/// A new random token (256 bits, hex) and the hash under which it is stored.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The round and institution a session opened by a personal link is limited to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope {
    pub round_id: i32,
    pub institution_id: i32,
}

/// The user behind a request's session cookie.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub session_id: i32,
    pub me: Me,
    pub scope: Option<Scope>,
}

/// Starts a session for `user_id`; returns the cookie value.
pub async fn create_session(
    db: &impl ConnectionTrait,
    user_id: i32,
    hours: i64,
) -> anyhow::Result<String> {
    insert_session(db, user_id, Utc::now() + Duration::hours(hours), None).await
}

/// Starts a session opened by a personal link: it reaches only `scope` (round, institution) and
/// ends at `expires_at` (when the round closes).
pub async fn create_scoped_session(
    db: &impl ConnectionTrait,
    user_id: i32,
    expires_at: chrono::DateTime<Utc>,
    scope: Scope,
) -> anyhow::Result<String> {
    insert_session(db, user_id, expires_at, Some(scope)).await
}

async fn insert_session(
    db: &impl ConnectionTrait,
    user_id: i32,
    expires_at: chrono::DateTime<Utc>,
    scope: Option<Scope>,
) -> anyhow::Result<String> {
    let (token, hash) = new_token();
    session::ActiveModel {
        token_hash: Set(hash),
        user_id: Set(user_id),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        scope_round_id: Set(scope.map(|s| s.round_id)),
        scope_institution_id: Set(scope.map(|s| s.institution_id)),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot store session")?;
    Ok(token)
}

/// Resolves a cookie value to an active user, if the session exists and has not expired.
pub async fn lookup_session(
    db: &impl ConnectionTrait,
    token: &str,
) -> anyhow::Result<Option<CurrentUser>> {
    // One query for the session, its user and the user's institutions: every request without a
    // cached session starts here. One row per institution (one row without any).
    let rows = SessionRow::find_by_statement(Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT s.id AS session_id, s.scope_round_id, s.scope_institution_id, u.id AS user_id, \
         u.email, u.display_name, u.role, u.active, ui.institution_id, i.code AS institution_code \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         LEFT JOIN user_institutions ui ON ui.user_id = u.id \
         LEFT JOIN institutions i ON i.id = ui.institution_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2",
        [token_hash(token).into(), Utc::now().into()],
    ))
    .all(db)
    .await
    .context("cannot read session")?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    if !first.active {
        return Ok(None);
    }
    let Some(role) = Role::parse(&first.role) else {
        return Ok(None);
    };
    let scope = match (first.scope_round_id, first.scope_institution_id) {
        (Some(round_id), Some(institution_id)) => Some(Scope {
            round_id,
            institution_id,
        }),
        _ => None,
    };
    // A link's session reaches only the institution it was made for.
    let mut institutions: Vec<String> = rows
        .iter()
        .filter(|r| {
            scope
                .as_ref()
                .is_none_or(|s| r.institution_id == Some(s.institution_id))
        })
        .filter_map(|r| r.institution_code.clone())
        .collect();
    institutions.sort();
    Ok(Some(CurrentUser {
        session_id: first.session_id,
        scope,
        me: Me {
            id: first.user_id,
            email: first.email.clone(),
            name: first.display_name.clone(),
            role,
            institutions,
        },
    }))
}

#[derive(Debug, FromQueryResult)]
struct SessionRow {
    session_id: i32,
    scope_round_id: Option<i32>,
    scope_institution_id: Option<i32>,
    user_id: i32,
    email: String,
    display_name: String,
    role: String,
    active: bool,
    institution_id: Option<i32>,
    institution_code: Option<String>,
}

/// Ends one session.
pub async fn delete_session(db: &impl ConnectionTrait, session_id: i32) -> anyhow::Result<()> {
    session::Entity::delete_by_id(session_id)
        .exec(db)
        .await
        .context("cannot delete session")?;
    Ok(())
}

/// Ends every session of a user except `keep` (after a password change).
pub async fn delete_other_sessions(
    db: &impl ConnectionTrait,
    user_id: i32,
    keep: Option<i32>,
) -> anyhow::Result<()> {
    let mut query = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        query = query.filter(session::Column::Id.ne(keep));
    }
    query.exec(db).await.context("cannot delete sessions")?;
    Ok(())
}

/// The `Set-Cookie` value for a session (or, with `None`, one that removes it).
pub fn session_cookie(token: Option<&str>, secure: bool, hours: i64) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match token {
        Some(token) => format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            hours * 3600
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

/// Reads a cookie from a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_argon2id_hash_only() {
        let hash = hash_password("correct horse battery".into())
            .await
            .expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(Some(hash.clone()), "correct horse battery".into()).await);
        assert!(!verify_password(Some(hash), "wrong horse battery".into()).await);
        assert!(!verify_password(None, "anything".into()).await);
    }

    #[test]
    fn tokens_are_random_and_stored_as_their_hash() {
        let (a, hash_a) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a), hash_a);
        assert_ne!(a, hash_a);
    }

    #[test]
    fn session_cookies_are_http_only_and_same_site() {
        let cookie = session_cookie(Some("abc"), true, 1);
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
                && cookie.contains("Secure")
        );
        assert_eq!(
            cookie_value("x=1; miv_session=abc", SESSION_COOKIE),
            Some("abc")
        );
    }
}
