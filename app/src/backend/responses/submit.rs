//! Submitting a response, and the names of those who changed its answers.

use std::collections::HashMap;

use anyhow::Context;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::document::{answers, as_answers, store_answers, StoredAnswer};
use super::{ResponseContext, ResponseError};
use crate::backend::entities::{response, user};
use crate::domain::response::{evaluate, ResponseStatus};
use crate::domain::time;

/// Submits a complete response; it is then read-only until an admin reopens it.
/// `receipt`, when given, is queued in the same transaction as the submission.
pub async fn submit(
    db: &DatabaseConnection,
    ctx: &ResponseContext,
    user_id: Option<i32>,
    receipt: Option<(crate::backend::mail::outbox::NewMail, &str)>,
) -> Result<(), ResponseError> {
    let now = Utc::now();
    if !ctx.round_open(now) {
        return Err(ResponseError::RoundClosed);
    }
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let done = response::Entity::update_many()
        .col_expr(
            response::Column::Status,
            Expr::value(ResponseStatus::Submitted.as_str()),
        )
        .col_expr(response::Column::SubmittedAt, Expr::value(Some(now)))
        .col_expr(response::Column::SubmittedBy, Expr::value(user_id))
        .col_expr(response::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            response::Column::AnswersVersion,
            Expr::col(response::Column::AnswersVersion).add(1),
        )
        .filter(response::Column::Id.eq(ctx.response.id))
        .filter(response::Column::Status.ne(ResponseStatus::Submitted.as_str()))
        .exec(&txn)
        .await
        .context("submit")?;
    if done.rows_affected == 0 {
        return Err(ResponseError::Submitted);
    }
    let stored = answers(&txn, ctx.response.id).await?;
    let evaluation = evaluate(&ctx.definition, &as_answers(&stored), time::today(now));
    if !evaluation.complete() {
        return Err(ResponseError::Incomplete(Box::new(evaluation)));
    }
    crate::backend::mail::outbox::cancel_reminders(&txn, ctx.round.id, ctx.institution.id).await?;
    if let Some((mail, domain)) = receipt {
        crate::backend::mail::outbox::enqueue(&txn, None, vec![mail], domain).await?;
    }
    // Submitting confirms the answers carried over from last year.
    if stored.iter().any(|a| a.prefilled) {
        let confirmed: Vec<StoredAnswer> = stored
            .into_iter()
            .map(|a| StoredAnswer {
                prefilled: false,
                ..a
            })
            .collect();
        store_answers(&txn, ctx.response.id, &confirmed).await?;
    }
    crate::backend::audit::record(
        &txn,
        &crate::backend::audit::Actor {
            user_id,
            email: String::new(),
            ip: None,
        },
        "response.submit",
        &format!("response:{}", ctx.response.id),
        serde_json::json!({ "institution": ctx.institution.code, "round": ctx.round.id }),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(())
}

/// Names of the users who changed answers, by id.
pub async fn editor_names(
    db: &impl ConnectionTrait,
    rows: &[StoredAnswer],
) -> anyhow::Result<HashMap<i32, String>> {
    let mut ids: Vec<i32> = rows.iter().filter_map(|a| a.updated_by).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await
        .context("read users")?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}
