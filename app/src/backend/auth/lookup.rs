//! A session looked up by its cookie, with its user, scope and expiry.

use anyhow::Context;
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Statement};

use super::{token_hash, CurrentUser, Scope};
use crate::backend::entities::session;
use crate::domain::Role;
use crate::types::Me;

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
