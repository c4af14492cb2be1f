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
use crate::domain::Role;
use crate::types::Me;

/// The session cookie over plain HTTP (development).
pub const SESSION_COOKIE: &str = "miv_session";
/// The session cookie over HTTPS: the `__Host-` prefix makes a browser accept it only when
/// `Secure`, for this host alone and for every path, so no subdomain can set or shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-miv_session";

/// The session cookie's name.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// Argon2 runs at once: each takes 19 MiB and a core for tens of milliseconds, so a burst of
/// logins waits for a permit instead of asking for hundreds of them.
static ARGON2_PERMITS: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        tokio::sync::Semaphore::new(2 * cores)
    });

/// How long a password check waits for a permit before the caller is told to come back.
const ARGON2_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Too many passwords are being hashed or checked at once (answered with 503).
#[derive(Debug, thiserror::Error)]
#[error("too many password checks at once")]
pub struct Busy;

/// Runs one Argon2 computation under a permit, off the async workers.
async fn with_argon2<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let permit = tokio::time::timeout(ARGON2_WAIT, ARGON2_PERMITS.acquire())
        .await
        .map_err(|_| Busy)?
        .context("argon2 permits closed")?;
    let result = tokio::task::spawn_blocking(work)
        .await
        .context("argon2 task failed")?;
    drop(permit);
    Ok(result)
}

/// Whether an error is [`Busy`] (the caller may try again), not a fault.
pub fn is_busy(error: &anyhow::Error) -> bool {
    error.downcast_ref::<Busy>().is_some()
}

/// Hashes a password with argon2id (the crate's default: m = 19 MiB, t = 2, p = 1).
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    with_argon2(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
    })
    .await?
}

/// A real hash of a random password, made once (at start-up: [`prepare`]), which unknown accounts
/// are checked against so that they take as long as known ones.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(&secret, &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
});

/// Makes the dummy hash before the first login needs it.
pub async fn prepare() {
    // The dummy's hashing blocks for tens of milliseconds.
    let _ = tokio::task::spawn_blocking(|| DUMMY_HASH.len()).await;
}

/// Checks a password against a stored hash. With no hash (an unknown or inactive account) the
/// password is checked against [`DUMMY_HASH`], so both take the same time; the answer is `false`.
pub async fn verify_password(hash: Option<String>, password: String) -> anyhow::Result<bool> {
    let known = hash.is_some();
    with_argon2(move || {
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.clone());
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
            && known
    })
    .await
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

/// Starts a session opened by a personal link (`link_id`): it reaches only `scope` (round,
/// institution), ends at `expires_at`, when the link is revoked or reissued, and after
/// [`LinkSessions::idle`] without use.
pub async fn create_scoped_session(
    db: &impl ConnectionTrait,
    user_id: i32,
    expires_at: chrono::DateTime<Utc>,
    scope: Scope,
    link_id: i32,
) -> anyhow::Result<String> {
    insert_session(db, user_id, expires_at, Some((scope, link_id))).await
}

/// How long a session opened by a personal link lasts: at most `hours`, and `idle` without use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkSessions {
    pub hours: i64,
    pub idle: Duration,
}

impl Default for LinkSessions {
    fn default() -> Self {
        LinkSessions {
            hours: 8,
            idle: Duration::minutes(60),
        }
    }
}

async fn insert_session(
    db: &impl ConnectionTrait,
    user_id: i32,
    expires_at: chrono::DateTime<Utc>,
    link: Option<(Scope, i32)>,
) -> anyhow::Result<String> {
    let (token, hash) = new_token();
    let now = Utc::now();
    session::ActiveModel {
        token_hash: Set(hash),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        scope_round_id: Set(link.map(|(s, _)| s.round_id)),
        scope_institution_id: Set(link.map(|(s, _)| s.institution_id)),
        link_id: Set(link.map(|(_, id)| id)),
        last_seen_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("cannot store session")?;
    Ok(token)
}

/// Ends every session opened by one of `user_id`'s links for `round_id` (after they were revoked
/// or reissued).
pub async fn end_link_sessions(
    db: &impl ConnectionTrait,
    user_id: i32,
    round_id: i32,
) -> anyhow::Result<u64> {
    let done = db
        .execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "DELETE FROM sessions WHERE user_id = $1 AND scope_round_id = $2",
            [user_id.into(), round_id.into()],
        ))
        .await
        .context("cannot end the link's sessions")?;
    Ok(done.rows_affected())
}

/// Resolves a cookie value to an active user, if the session exists and has not expired; a
/// session opened by a personal link also needs its link unrevoked and to have been used within
/// `idle`.
pub async fn lookup_session(
    db: &impl ConnectionTrait,
    token: &str,
    idle: Duration,
) -> anyhow::Result<Option<CurrentUser>> {
    let now = Utc::now();
    // One query for the session, its user, its link and the user's institutions: every request
    // without a cached session starts here. One row per institution (one row without any).
    let rows = SessionRow::find_by_statement(Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT s.id AS session_id, s.scope_round_id, s.scope_institution_id, s.link_id, \
         s.last_seen_at, u.id AS user_id, \
         u.email, u.display_name, u.role, u.active, ui.institution_id, i.code AS institution_code \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         LEFT JOIN response_links l ON l.id = s.link_id \
         LEFT JOIN user_institutions ui ON ui.user_id = u.id \
         LEFT JOIN institutions i ON i.id = ui.institution_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 \
         AND (s.link_id IS NULL OR (l.id IS NOT NULL AND l.revoked_at IS NULL \
              AND s.last_seen_at > $3))",
        [token_hash(token).into(), now.into(), (now - idle).into()],
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
    // A link's session is kept alive by use; the moment is written at most once a minute.
    if first.link_id.is_some()
        && first
            .last_seen_at
            .is_none_or(|seen| now - seen > Duration::minutes(1))
    {
        session::Entity::update_many()
            .col_expr(
                session::Column::LastSeenAt,
                sea_orm::sea_query::Expr::value(Some(now)),
            )
            .filter(session::Column::Id.eq(first.session_id))
            .exec(db)
            .await
            .context("cannot mark the session used")?;
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
    link_id: Option<i32>,
    last_seen_at: Option<chrono::DateTime<Utc>>,
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
    let name = session_cookie_name(secure);
    let flag = if secure { "; Secure" } else { "" };
    match token {
        Some(token) => format!(
            "{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{flag}",
            hours * 3600
        ),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{flag}"),
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
        let verify = |hash, password: &str| verify_password(hash, password.to_owned());
        assert!(verify(Some(hash.clone()), "correct horse battery")
            .await
            .expect("ran"));
        assert!(!verify(Some(hash), "wrong horse battery")
            .await
            .expect("ran"));
        assert!(!verify(None, "anything").await.expect("ran"));
    }

    #[tokio::test]
    async fn an_unknown_account_is_checked_against_a_real_hash_and_takes_as_long() {
        assert!(PasswordHash::new(&DUMMY_HASH).is_ok(), "a valid PHC string");
        prepare().await;
        let known = hash_password("correct horse battery".into())
            .await
            .expect("hash");
        let time = |hash: Option<String>| async move {
            let start = std::time::Instant::now();
            let _ = verify_password(hash, "guess guess guess".into()).await;
            start.elapsed()
        };
        // The shortest of five runs of each, so that a busy machine does not decide.
        let (mut with_account, mut without) = (std::time::Duration::MAX, std::time::Duration::MAX);
        for _ in 0..5 {
            with_account = with_account.min(time(Some(known.clone())).await);
            without = without.min(time(None).await);
        }
        let ratio = without.as_secs_f64() / with_account.as_secs_f64();
        assert!(
            (0.5..2.0).contains(&ratio),
            "unknown {without:?} vs known {with_account:?}"
        );
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
        assert!(cookie.starts_with("__Host-miv_session=abc; Path=/;"));
        assert!(!cookie.contains("Domain"));
        assert!(session_cookie(Some("abc"), false, 1).starts_with("miv_session=abc;"));
        assert_eq!(
            cookie_value("x=1; miv_session=abc", SESSION_COOKIE),
            Some("abc")
        );
    }
}
