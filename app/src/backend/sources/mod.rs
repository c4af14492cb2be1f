//! Data sources of the aggregation module: register a source, import its files as snapshots
//! (whole or not at all, every problem by line and column), and compute figures from snapshots
//! with the same engine as `server aggregate`.

mod figures;
mod import;
mod register;
mod report;
mod snapshots;

pub use figures::{cells, figures, FigureRequest, Reuse};
pub use import::{check, import, store, Imported};
pub use register::{register_facts, RegisterFacts};
pub use report::{report, safety_figures, Report, ReportError, SourceFigures};
pub use snapshots::{in_use, restore, snapshots, withdraw, SnapshotInfo};

use anyhow::Context;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

use super::audit::{self, Actor};
use super::entities::data_source;
use crate::domain::aggregate::mapping::Mapping;
use crate::domain::aggregate::snapshot::{SnapshotStatus, YearChange};
use crate::domain::import::{ImportProblem, Table};

pub use crate::domain::aggregate::kinds::SourceKind;

/// Why a source could not be made or a file not imported.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("unknown kind of source: {0}")]
    UnknownKind(String),
    #[error("a source with this name exists")]
    NameTaken,
    #[error("no such source")]
    NotFound,
    #[error("the file has problems")]
    Invalid(Vec<ImportProblem>),
    /// The file corrects a year that has a snapshot in use: nothing was stored; import it again
    /// with a reason to replace that snapshot.
    #[error("the file changes years that have a snapshot in use")]
    NeedsConfirmation(Vec<YearChange>),
    /// Replacing, withdrawing or restoring a snapshot needs a reason (1 to 500 characters).
    #[error("a reason is needed")]
    ReasonMissing,
    /// The snapshot is not in a status that allows the step (withdraw what is in use, restore
    /// what is superseded or withdrawn).
    #[error("the snapshot is {0:?}")]
    WrongStatus(SnapshotStatus),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Registers a source. Without `mapping`, the first import maps every column named like a
/// variable and keeps that mapping.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    kind: &str,
    name: &str,
    mapping: Option<&Mapping>,
) -> Result<i32, SourceError> {
    let kind = SourceKind::parse(kind).ok_or_else(|| SourceError::UnknownKind(kind.into()))?;
    let name = name.trim();
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let taken = data_source::Entity::find()
        .filter(data_source::Column::Name.eq(name))
        .one(&txn)
        .await
        .context("read sources")?;
    if taken.is_some() {
        return Err(SourceError::NameTaken);
    }
    let row = data_source::ActiveModel {
        kind: Set(kind.as_str().into()),
        name: Set(name.into()),
        mapping: Set(serde_json::to_string(&mapping.cloned().unwrap_or_default())
            .context("mapping as JSON")?),
        created_by: Set(actor.user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("insert source")?;
    audit::record(
        &txn,
        actor,
        "source.create",
        &format!("source:{}", row.id),
        serde_json::json!({ "kind": kind.as_str(), "name": name }),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(row.id)
}

/// A source by name.
pub async fn find_by_name(
    db: &impl ConnectionTrait,
    name: &str,
) -> anyhow::Result<Option<data_source::Model>> {
    data_source::Entity::find()
        .filter(data_source::Column::Name.eq(name.trim()))
        .one(db)
        .await
        .context("read source")
}

/// A source by id.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<data_source::Model, SourceError> {
    data_source::Entity::find_by_id(id)
        .one(db)
        .await
        .context("read source")?
        .ok_or(SourceError::NotFound)
}

/// The kind of a stored source.
pub fn kind_of(source: &data_source::Model) -> Result<SourceKind, SourceError> {
    SourceKind::parse(&source.kind).ok_or_else(|| SourceError::UnknownKind(source.kind.clone()))
}

/// The mapping a file is read with: the source's saved one, or (before its first import) every
/// column named like a variable.
pub fn proposed_mapping(
    source: &data_source::Model,
    table: &Table,
) -> Result<Mapping, SourceError> {
    let stored: Mapping = serde_json::from_str(&source.mapping).context("stored mapping")?;
    Ok(if stored.columns.is_empty() {
        Mapping::by_name(&table.header, kind_of(source)?.variables())
    } else {
        stored
    })
}

/// Every source by name, each with its snapshots (newest year first).
pub async fn list(
    db: &impl ConnectionTrait,
) -> anyhow::Result<Vec<(data_source::Model, Vec<SnapshotInfo>)>> {
    let mut out = Vec::new();
    for source in by_name(db).await? {
        let found = snapshots(db, source.id).await?;
        out.push((source, found));
    }
    Ok(out)
}

/// Every source, by name.
pub(super) async fn by_name(db: &impl ConnectionTrait) -> anyhow::Result<Vec<data_source::Model>> {
    use sea_orm::QueryOrder;
    data_source::Entity::find()
        .order_by_asc(data_source::Column::Name)
        .all(db)
        .await
        .context("read sources")
}
