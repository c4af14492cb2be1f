//! Retention: some time after a round has closed, the personal data gathered to reach its
//! coordinators goes — their personal links and the addresses and texts of the mails sent to
//! them. The answers stay; they name the institution, not a person. Runs daily in the server and
//! as `server retention run [--dry-run]`; every purge is recorded in the audit log.

use anyhow::Context;
use chrono::{DateTime, Months, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Statement,
};

use super::audit::{self, Actor};
use super::entities::{outbox, response_link, round};

/// Default months after a round's close before its contact data goes.
pub const DEFAULT_MONTHS: u32 = 12;

/// What a purged mail's recipient reads afterwards.
pub const PURGED: &str = "(verwijderd)";

/// What goes (or went) for one round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundPurge {
    pub round_id: i32,
    pub name: String,
    pub closed_at: DateTime<Utc>,
    /// Personal links.
    pub links: u64,
    /// Mails whose address and text go.
    pub mails: u64,
}

/// Rounds closed before `now` minus `months` that still hold contact data, oldest first.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    months: u32,
) -> anyhow::Result<Vec<RoundPurge>> {
    let cutoff = now
        .checked_sub_months(Months::new(months))
        .context("retention period")?;
    let mut out = Vec::new();
    for r in round::Entity::find()
        .filter(round::Column::ClosesAt.lt(cutoff))
        .order_by_asc(round::Column::ClosesAt)
        .all(db)
        .await
        .context("read rounds")?
    {
        let links = response_link::Entity::find()
            .filter(response_link::Column::RoundId.eq(r.id))
            .count(db)
            .await
            .context("count links")?;
        let mails = outbox::Entity::find()
            .filter(outbox::Column::RoundId.eq(r.id))
            .filter(outbox::Column::Recipient.ne(PURGED))
            .count(db)
            .await
            .context("count mails")?;
        if links + mails > 0 {
            out.push(RoundPurge {
                round_id: r.id,
                name: r.name,
                closed_at: r.closes_at,
                links,
                mails,
            });
        }
    }
    Ok(out)
}

/// Purges what [`due`] finds (unless `dry_run`), one transaction and one audit entry per round;
/// returns what went (or, dry, would go). Mails not sent yet are cancelled.
pub async fn run(
    db: &DatabaseConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    months: u32,
    dry_run: bool,
) -> anyhow::Result<Vec<RoundPurge>> {
    let rounds = due(db, now, months).await?;
    if dry_run {
        return Ok(rounds);
    }
    for r in &rounds {
        let txn = super::db::begin(db).await.context("begin")?;
        response_link::Entity::delete_many()
            .filter(response_link::Column::RoundId.eq(r.round_id))
            .exec(&txn)
            .await
            .context("delete links")?;
        let backend = txn.get_database_backend();
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            "UPDATE outbox SET recipient = $1, body_text = NULL, body_html = NULL, \
             last_error = NULL, \
             status = CASE WHEN status IN ('queued', 'sending', 'failed') THEN 'cancelled' \
             ELSE status END \
             WHERE round_id = $2 AND recipient <> $1",
            [PURGED.into(), r.round_id.into()],
        ))
        .await
        .context("purge mails")?;
        audit::record(
            &txn,
            actor,
            "retention.purge",
            &format!("round:{}", r.round_id),
            serde_json::json!({ "links": r.links, "mails": r.mails, "months": months }),
        )
        .await?;
        txn.commit().await.context("commit")?;
    }
    Ok(rounds)
}
