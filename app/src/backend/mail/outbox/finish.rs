//! A mail's end: sent, retried later, cancelled, its contents forgotten.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{CANCELLED, QUEUED, SENDING};
use crate::backend::entities::outbox;
use crate::domain::mail::MailKind;

/// A mail that is delivered, given up or cancelled forgets what it said: its bodies hold a
/// personal link, its attachment the answers.
fn forget_contents(
    update: sea_orm::UpdateMany<outbox::Entity>,
) -> sea_orm::UpdateMany<outbox::Entity> {
    update
        .col_expr(
            outbox::Column::BodyText,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            outbox::Column::BodyHtml,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            outbox::Column::Attachment,
            Expr::value(Option::<Vec<u8>>::None),
        )
}

pub(super) async fn finish(
    db: &DatabaseConnection,
    id: i32,
    status: &str,
    error: Option<String>,
    sent_at: Option<DateTime<Utc>>,
) -> anyhow::Result<()> {
    forget_contents(outbox::Entity::update_many())
        .col_expr(outbox::Column::Status, Expr::value(status))
        .col_expr(outbox::Column::LastError, Expr::value(error))
        .col_expr(outbox::Column::SentAt, Expr::value(sent_at))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::Status.eq(SENDING))
        .exec(db)
        .await
        .context("mark mail")?;
    Ok(())
}

pub(super) async fn retry_later(
    db: &DatabaseConnection,
    id: i32,
    at: DateTime<Utc>,
    error: String,
) -> anyhow::Result<()> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(QUEUED))
        .col_expr(outbox::Column::LastError, Expr::value(Some(error)))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(at))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::Status.eq(SENDING))
        .exec(db)
        .await
        .context("reschedule mail")?;
    Ok(())
}

/// Cancels the queued reminders of an institution in a round (it has just submitted).
pub async fn cancel_reminders(
    db: &impl ConnectionTrait,
    round_id: i32,
    institution_id: i32,
) -> anyhow::Result<u64> {
    Ok(forget_contents(outbox::Entity::update_many())
        .col_expr(outbox::Column::Status, Expr::value(CANCELLED))
        .filter(outbox::Column::RoundId.eq(round_id))
        .filter(outbox::Column::InstitutionId.eq(institution_id))
        .filter(outbox::Column::Kind.eq(MailKind::Reminder.key()))
        .filter(outbox::Column::Status.eq(QUEUED))
        .exec(db)
        .await
        .context("cancel reminders")?
        .rows_affected)
}
