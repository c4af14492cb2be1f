//! Claiming mails to send, so two workers never send the same one.

use anyhow::Context;
use chrono::Utc;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult, QueryFilter,
    Statement,
};

use super::{QUEUED, SENDING};
use crate::backend::entities::outbox;

#[derive(Debug, FromQueryResult)]
struct Claimed {
    id: i32,
}

/// Claims up to `limit` due mails (queued, or sending with an expired lease) for `lease`.
pub(super) async fn claim(
    db: &DatabaseConnection,
    limit: u64,
    lease: chrono::Duration,
) -> anyhow::Result<Vec<outbox::Model>> {
    let now = Utc::now();
    let backend = db.get_database_backend();
    let skip_locked = if backend == DbBackend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE outbox SET status = '{SENDING}', attempts = attempts + 1, next_attempt_at = $1 \
         WHERE id IN (SELECT id FROM outbox WHERE status IN ('{QUEUED}', '{SENDING}') \
         AND next_attempt_at <= $2 ORDER BY id LIMIT $3{skip_locked}) RETURNING id"
    );
    let ids: Vec<i32> = Claimed::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [(now + lease).into(), now.into(), (limit as i64).into()],
    ))
    .all(db)
    .await
    .context("claim mails")?
    .into_iter()
    .map(|c| c.id)
    .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = outbox::Entity::find()
        .filter(outbox::Column::Id.is_in(ids))
        .all(db)
        .await
        .context("read claimed mails")?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}
