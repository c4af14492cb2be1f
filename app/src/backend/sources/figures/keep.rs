//! How long computed figures are kept, and the ones being computed now.

use std::collections::BTreeMap;

use anyhow::Context;
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::backend::entities::figure_store;
use crate::domain::aggregate::Figure;

/// How long kept figures stay when no input of theirs is current any more.
const KEPT_DAYS: i64 = 30;

/// Keeps figures under `key` (another process may have done so already), and forgets those
/// kept long ago.
pub(super) async fn keep(
    db: &impl ConnectionTrait,
    key: &str,
    figures: &[Figure],
) -> anyhow::Result<()> {
    use sea_orm::sea_query::OnConflict;
    figure_store::Entity::insert(figure_store::ActiveModel {
        key: Set(key.to_owned()),
        figures: Set(serde_json::to_vec(figures).context("figures as JSON")?),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(figure_store::Column::Key)
            .do_nothing()
            .to_owned(),
    )
    .try_insert()
    .exec_without_returning(db)
    .await
    .context("keep figures")?;
    figure_store::Entity::delete_many()
        .filter(figure_store::Column::CreatedAt.lt(Utc::now() - chrono::Duration::days(KEPT_DAYS)))
        .exec(db)
        .await
        .context("forget old figures")?;
    Ok(())
}

/// One lock per key being computed in this process, so that concurrent calls compute once.
pub(super) fn in_flight(key: &str) -> std::sync::Arc<tokio::sync::Mutex<()>> {
    use std::sync::{Arc, LazyLock, Mutex, Weak};
    static LOCKS: LazyLock<Mutex<BTreeMap<String, Weak<tokio::sync::Mutex<()>>>>> =
        LazyLock::new(Default::default);
    let mut locks = LOCKS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    locks.retain(|_, w| w.strong_count() > 0);
    if let Some(lock) = locks.get(key).and_then(Weak::upgrade) {
        return lock;
    }
    let lock = Arc::new(tokio::sync::Mutex::new(()));
    locks.insert(key.to_owned(), Arc::downgrade(&lock));
    lock
}
