//! Passwords (argon2id), random tokens stored as SHA-256, and login sessions.

mod lookup;
mod passwords;
mod sessions;

use anyhow::Context;
use rand::RngCore;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use super::entities::session;
use crate::types::Me;

pub use lookup::lookup_session;
pub use passwords::{hash_password, is_busy, prepare, verify_password, Busy};
pub use sessions::{create_scoped_session, create_session, end_link_sessions, LinkSessions};

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
    use super::passwords::DUMMY_HASH;
    use super::*;
    use argon2::password_hash::PasswordHash;

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
