//! The snapshots of a source: listing them, which are in use, withdrawing and restoring one.

use anyhow::Context;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, QueryFilter, QuerySelect, Set,
};

use super::{find, SourceError};
use crate::backend::audit::{self, Actor};
use crate::backend::entities::source_snapshot as snapshot;
use crate::domain::aggregate::snapshot::SnapshotStatus;

/// A snapshot without its content: what it holds and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotInfo {
    pub id: i32,
    pub year: i32,
    pub file_name: String,
    pub sha256: String,
    pub rows: i32,
    pub imported_by: Option<i32>,
    pub imported_at: chrono::DateTime<Utc>,
    pub status: SnapshotStatus,
    pub status_by: Option<i32>,
    pub status_at: Option<chrono::DateTime<Utc>>,
    pub status_reason: Option<String>,
}

#[derive(FromQueryResult)]
struct SnapshotRow {
    id: i32,
    year: i32,
    file_name: String,
    sha256: String,
    rows: i32,
    imported_by: Option<i32>,
    imported_at: chrono::DateTime<Utc>,
    status: String,
    status_by: Option<i32>,
    status_at: Option<chrono::DateTime<Utc>>,
    status_reason: Option<String>,
}

impl SnapshotRow {
    fn info(self) -> anyhow::Result<SnapshotInfo> {
        Ok(SnapshotInfo {
            status: SnapshotStatus::parse(&self.status)
                .with_context(|| format!("snapshot {}: status {}", self.id, self.status))?,
            id: self.id,
            year: self.year,
            file_name: self.file_name,
            sha256: self.sha256,
            rows: self.rows,
            imported_by: self.imported_by,
            imported_at: self.imported_at,
            status_by: self.status_by,
            status_at: self.status_at,
            status_reason: self.status_reason,
        })
    }
}

/// Sets a snapshot's status with who, when and why.
pub(super) async fn set_status(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i32,
    status: SnapshotStatus,
    why: &str,
) -> anyhow::Result<()> {
    snapshot::ActiveModel {
        id: Set(id),
        status: Set(status.as_str().into()),
        status_by: Set(actor.user_id),
        status_at: Set(Some(Utc::now())),
        status_reason: Set(Some(why.to_owned())),
        ..Default::default()
    }
    .update(db)
    .await
    .with_context(|| format!("snapshot {id} becomes {}", status.as_str()))?;
    Ok(())
}

pub(super) async fn info_of(db: &impl ConnectionTrait, id: i32) -> anyhow::Result<SnapshotInfo> {
    info_query()
        .filter(snapshot::Column::Id.eq(id))
        .into_model::<SnapshotRow>()
        .one(db)
        .await
        .context("read snapshot")?
        .with_context(|| format!("snapshot {id} is gone"))?
        .info()
}

/// Withdraws the snapshot in use of a source's year: that year has no figures of this source
/// until a snapshot is restored or a file imported. Audited with the reason.
pub async fn withdraw(
    db: &DatabaseConnection,
    actor: &Actor,
    source_id: i32,
    year: i32,
    why: &str,
) -> Result<SnapshotInfo, SourceError> {
    let why = reason(Some(why))?.unwrap_or_default();
    find(db, source_id).await?;
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let current = snapshot_in_use(&txn, source_id, year)
        .await?
        .ok_or(SourceError::NotFound)?;
    set_status(&txn, actor, current.id, SnapshotStatus::Withdrawn, &why).await?;
    audit::record(
        &txn,
        actor,
        "source.snapshot_withdraw",
        &format!("source:{source_id}"),
        serde_json::json!({ "year": year, "snapshot": current.id, "reason": why }),
    )
    .await?;
    let info = info_of(&txn, current.id).await?;
    txn.commit().await.context("commit")?;
    Ok(info)
}

/// Brings a superseded or withdrawn snapshot back into use; the snapshot in use of its year (if
/// any) becomes superseded. Audited with the reason.
pub async fn restore(
    db: &DatabaseConnection,
    actor: &Actor,
    source_id: i32,
    snapshot_id: i32,
    why: &str,
) -> Result<SnapshotInfo, SourceError> {
    let why = reason(Some(why))?.unwrap_or_default();
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let target = info_query()
        .filter(snapshot::Column::Id.eq(snapshot_id))
        .filter(snapshot::Column::SourceId.eq(source_id))
        .into_model::<SnapshotRow>()
        .one(&txn)
        .await
        .context("read snapshot")?
        .ok_or(SourceError::NotFound)?
        .info()?;
    if target.status == SnapshotStatus::InUse {
        return Err(SourceError::WrongStatus(target.status));
    }
    let current = snapshot_in_use(&txn, source_id, target.year).await?;
    if let Some(c) = &current {
        set_status(&txn, actor, c.id, SnapshotStatus::Superseded, &why).await?;
    }
    set_status(&txn, actor, target.id, SnapshotStatus::InUse, &why).await?;
    audit::record(
        &txn,
        actor,
        "source.snapshot_restore",
        &format!("source:{source_id}"),
        serde_json::json!({
            "year": target.year,
            "snapshot": target.id,
            "was": target.status.as_str(),
            "superseded": current.map(|c| c.id),
            "reason": why,
        }),
    )
    .await?;
    let info = info_of(&txn, target.id).await?;
    txn.commit().await.context("commit")?;
    Ok(info)
}

fn info_query() -> sea_orm::Select<snapshot::Entity> {
    snapshot::Entity::find().select_only().columns([
        snapshot::Column::Id,
        snapshot::Column::Year,
        snapshot::Column::FileName,
        snapshot::Column::Sha256,
        snapshot::Column::Rows,
        snapshot::Column::ImportedBy,
        snapshot::Column::ImportedAt,
        snapshot::Column::Status,
        snapshot::Column::StatusBy,
        snapshot::Column::StatusAt,
        snapshot::Column::StatusReason,
    ])
}

/// Every snapshot of a source, in use or not, newest year first (without their content).
pub async fn snapshots(
    db: &impl ConnectionTrait,
    source_id: i32,
) -> anyhow::Result<Vec<SnapshotInfo>> {
    use sea_orm::QueryOrder;
    info_query()
        .filter(snapshot::Column::SourceId.eq(source_id))
        .order_by_desc(snapshot::Column::Year)
        .order_by_desc(snapshot::Column::Id)
        .into_model::<SnapshotRow>()
        .all(db)
        .await
        .context("read snapshots")?
        .into_iter()
        .map(SnapshotRow::info)
        .collect()
}

/// The ids of a source's snapshots in use (one per year at most): what its figures come from.
pub async fn in_use(db: &impl ConnectionTrait, source_id: i32) -> anyhow::Result<Vec<i32>> {
    Ok(snapshots(db, source_id)
        .await?
        .into_iter()
        .filter(|s| s.status == SnapshotStatus::InUse)
        .map(|s| s.id)
        .collect())
}

/// A reason as given: trimmed, 1 to 500 characters.
pub(super) fn reason(text: Option<&str>) -> Result<Option<String>, SourceError> {
    match text.map(str::trim) {
        None => Ok(None),
        Some(r) if r.is_empty() || r.chars().count() > 500 => Err(SourceError::ReasonMissing),
        Some(r) => Ok(Some(r.to_owned())),
    }
}

/// The snapshot in use of a source's year, if any.
pub(super) async fn snapshot_in_use(
    db: &impl ConnectionTrait,
    source_id: i32,
    year: i32,
) -> anyhow::Result<Option<snapshot::Model>> {
    snapshot::Entity::find()
        .filter(snapshot::Column::SourceId.eq(source_id))
        .filter(snapshot::Column::Year.eq(year))
        .filter(snapshot::Column::Status.eq(SnapshotStatus::InUse.as_str()))
        .one(db)
        .await
        .context("read snapshot in use")
}
