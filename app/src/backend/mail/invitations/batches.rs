//! The progress of a round's mail batches.

use anyhow::Context;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::backend::entities::{mail_batch, outbox as outbox_row};
use crate::backend::mail::outbox;

/// Progress of a batch: (done, total), where done counts sent, failed, bounced and cancelled.
pub async fn batch_progress(
    db: &impl ConnectionTrait,
    batch_id: i32,
) -> anyhow::Result<Option<(usize, usize)>> {
    let Some(batch) = mail_batch::Entity::find_by_id(batch_id)
        .one(db)
        .await
        .context("read batch")?
    else {
        return Ok(None);
    };
    let done = outbox_row::Entity::find()
        .filter(outbox_row::Column::BatchId.eq(batch_id))
        .filter(outbox_row::Column::Status.is_not_in([outbox::QUEUED, outbox::SENDING]))
        .all(db)
        .await
        .context("read batch mails")?
        .len();
    Ok(Some((done, batch.total as usize)))
}

/// The round's latest batch: (id, done, total).
pub async fn latest_batch(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> anyhow::Result<Option<(i32, usize, usize)>> {
    use sea_orm::QueryOrder;
    let Some(batch) = mail_batch::Entity::find()
        .filter(mail_batch::Column::RoundId.eq(round_id))
        .order_by_desc(mail_batch::Column::Id)
        .one(db)
        .await
        .context("read batch")?
    else {
        return Ok(None);
    };
    Ok(batch_progress(db, batch.id)
        .await?
        .map(|(done, total)| (batch.id, done, total)))
}
