//! Sessions created: for a password login or scoped to a personal link.

use anyhow::Context;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, Statement};

use super::{new_token, Scope};
use crate::backend::entities::session;

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
