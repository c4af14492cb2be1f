//! The reminder schedule and the worker step that runs it.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{remind, InviteError, Site};
use crate::backend::audit::{self, Actor};
use crate::backend::entities::{mail_batch, round};
use crate::domain::mail::MailKind;

/// Sends the scheduled reminders that are due at `now`: for each open round, each configured
/// number of days before closing, once — and only when invitations went out before that moment.
pub async fn run_schedule(
    db: &DatabaseConnection,
    site: &Site,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let rounds = round::Entity::find()
        .filter(round::Column::ClosesAt.gt(now))
        .filter(round::Column::OpensAt.lte(now))
        .filter(round::Column::ReminderDays.ne(""))
        .all(db)
        .await
        .context("read rounds")?;
    let mut queued = 0;
    for r in rounds {
        let first_invitation = mail_batch::Entity::find()
            .filter(mail_batch::Column::RoundId.eq(r.id))
            .filter(mail_batch::Column::Kind.eq(MailKind::Invitation.key()))
            .all(db)
            .await
            .context("read batches")?
            .into_iter()
            .map(|b| b.created_at)
            .min();
        let Some(first_invitation) = first_invitation else {
            continue;
        };
        for days in parse_days(&r.reminder_days) {
            let due = r.closes_at - chrono::Duration::days(i64::from(days));
            if now >= due && due > first_invitation {
                let key = format!("round:{}:reminder:{days}d", r.id);
                match remind(db, site, None, r.id, Some(key)).await {
                    Ok(q) => queued += q.mails,
                    Err(InviteError::Other(e)) => return Err(e),
                    Err(_) => {}
                }
            }
        }
    }
    Ok(queued)
}

/// `7,2` → [7, 2]; anything else is left out (the form checks it).
pub fn parse_days(text: &str) -> Vec<u32> {
    text.split([',', ' ', ';'])
        .filter_map(|d| d.trim().parse::<u32>().ok())
        .filter(|d| (1..=90).contains(d))
        .collect()
}

/// Stores a round's reminder schedule.
pub async fn set_schedule(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: i32,
    days: &str,
    max: i32,
) -> Result<(), InviteError> {
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let done = round::Entity::update_many()
        .col_expr(round::Column::ReminderDays, Expr::value(days))
        .col_expr(round::Column::MaxReminders, Expr::value(max))
        .filter(round::Column::Id.eq(round_id))
        .exec(&txn)
        .await
        .context("store schedule")?;
    if done.rows_affected == 0 {
        return Err(InviteError::NotFound);
    }
    audit::record(
        &txn,
        actor,
        "round.reminders",
        &format!("round:{round_id}"),
        serde_json::json!({ "days": days, "max": max }),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(())
}
