//! Personal links: issued by an admin and revoked.

use anyhow::Context;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::{participants, RoundError};
use crate::backend::audit::{self, Actor};
use crate::backend::auth::new_token;
use crate::backend::entities::response_link;

/// Issues a personal link for a coordinator of an institution in the round; earlier links of that
/// coordinator for the round stop working. Returns the token (shown once, stored as a hash).
pub async fn issue_link(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: i32,
    user_id: i32,
) -> Result<String, RoundError> {
    let participants = participants(db, round_id).await?;
    let Some(p) = participants.iter().find(|p| {
        p.coordinators
            .iter()
            .any(|c| c.id == user_id && c.role == "coordinator")
    }) else {
        return Err(RoundError::NotACoordinator);
    };
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let now = Utc::now();
    response_link::Entity::update_many()
        .col_expr(response_link::Column::RevokedAt, Expr::value(Some(now)))
        .filter(response_link::Column::UserId.eq(user_id))
        .filter(response_link::Column::RoundId.eq(round_id))
        .filter(response_link::Column::RevokedAt.is_null())
        .exec(&txn)
        .await
        .context("revoke earlier links")?;
    crate::backend::auth::end_link_sessions(&txn, user_id, round_id).await?;
    let (token, hash) = new_token();
    response_link::ActiveModel {
        token_hash: Set(hash),
        user_id: Set(user_id),
        round_id: Set(round_id),
        institution_id: Set(p.institution.id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("insert link")?;
    audit::record(
        &txn,
        actor,
        "link.issue",
        &format!("user:{user_id}"),
        serde_json::json!({ "round": round_id, "institution": p.institution.code }),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(token)
}

/// Revokes every link of a coordinator for a round.
pub async fn revoke_links(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: i32,
    user_id: i32,
) -> Result<u64, RoundError> {
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let done = response_link::Entity::update_many()
        .col_expr(
            response_link::Column::RevokedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(response_link::Column::UserId.eq(user_id))
        .filter(response_link::Column::RoundId.eq(round_id))
        .filter(response_link::Column::RevokedAt.is_null())
        .exec(&txn)
        .await
        .context("revoke links")?;
    crate::backend::auth::end_link_sessions(&txn, user_id, round_id).await?;
    audit::record(
        &txn,
        actor,
        "link.revoke",
        &format!("user:{user_id}"),
        serde_json::json!({ "round": round_id }),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(done.rows_affected)
}
