//! Moving a round's closing moment and reopening a submitted response.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::RoundError;
use crate::backend::audit::{self, Actor};
use crate::backend::entities::{response, round};
use crate::domain::response::ResponseStatus;

/// Moves the closing moment: now (close early) or later (extend).
pub async fn set_closing(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    closes_at: DateTime<Utc>,
) -> Result<(), RoundError> {
    let current = round::Entity::find_by_id(id)
        .one(db)
        .await
        .context("read round")?
        .ok_or(RoundError::NotFound)?;
    if closes_at <= current.opens_at {
        return Err(RoundError::ClosesBeforeOpening);
    }
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let before = current.closes_at;
    let mut active: round::ActiveModel = current.into();
    active.closes_at = Set(closes_at);
    active.update(&txn).await.context("update round")?;
    let action = if closes_at < before {
        "round.close"
    } else {
        "round.extend"
    };
    audit::record(
        &txn,
        actor,
        action,
        &format!("round:{id}"),
        serde_json::json!({ "from": before.to_rfc3339(), "to": closes_at.to_rfc3339() }),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(())
}

/// Reopens a submitted response so its coordinators can change it again.
pub async fn reopen(
    db: &DatabaseConnection,
    actor: &Actor,
    response_id: i32,
) -> Result<(), RoundError> {
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let done = response::Entity::update_many()
        .col_expr(
            response::Column::Status,
            Expr::value(ResponseStatus::Reopened.as_str()),
        )
        .col_expr(response::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(response::Column::Id.eq(response_id))
        .filter(response::Column::Status.eq(ResponseStatus::Submitted.as_str()))
        .exec(&txn)
        .await
        .context("reopen")?;
    if done.rows_affected == 0 {
        return match response::Entity::find_by_id(response_id)
            .one(&txn)
            .await
            .context("read")?
        {
            None => Err(RoundError::NotFound),
            Some(_) => Err(RoundError::NotSubmitted),
        };
    }
    audit::record(
        &txn,
        actor,
        "response.reopen",
        &format!("response:{response_id}"),
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(())
}
