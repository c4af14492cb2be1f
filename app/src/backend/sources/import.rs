//! Importing a file into a source as snapshots, one per year: whole or not at all, every problem
//! by line and column; a year with a snapshot in use is replaced only with a reason.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use sha2::{Digest, Sha256};

use super::snapshots::{info_of, reason, set_status, snapshot_in_use, SnapshotInfo};
use super::{find, kind_of, proposed_mapping, SourceError};
use crate::backend::audit::{self, Actor};
use crate::backend::entities::{data_source, source_snapshot as snapshot};
use crate::backend::register_import::{self, Dialect};
use crate::domain::aggregate::mapping::{self, Mapping};
use crate::domain::aggregate::snapshot::{self as life, SnapshotStatus, YearChange};
use crate::domain::import::{ImportProblem, Table};

use crate::domain::aggregate::kinds::SourceKind;

/// What an import did: per year in the file, its snapshot and whether it is new (a year whose
/// snapshot in use holds the same rows keeps it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    pub snapshots: Vec<(SnapshotInfo, bool)>,
}

/// Imports a file (CSV with `;`, `,` or tab, UTF-8 or Windows-1252, or XLSX) into a source: one
/// snapshot per year in it, in canonical form, all in one transaction; or nothing, with every
/// problem. Either way the attempt is kept as an import run. A year that has a snapshot in use
/// with other rows is only replaced with a reason (`replace`); without one, nothing is stored and
/// the changes are returned ([`SourceError::NeedsConfirmation`]).
pub async fn import(
    db: &DatabaseConnection,
    actor: &Actor,
    source_id: i32,
    file_name: &str,
    bytes: &[u8],
    replace: Option<&str>,
) -> Result<Imported, SourceError> {
    let source = find(db, source_id).await?;
    let sha256 = hex::encode(Sha256::digest(bytes));
    let read = register_import::read_off_thread(file_name, bytes, Dialect::Source)
        .await
        .map_err(SourceError::from)?;
    let (checked, mapping) = match read {
        Ok(table) => {
            let mapping = proposed_mapping(&source, &table)?;
            (check(&source, &table, &mapping, &mut |_| {}), mapping)
        }
        Err(problems) => (Err(problems), Mapping::default()),
    };
    store(
        db, actor, &source, file_name, &sha256, checked, &mapping, replace,
    )
    .await
}

/// Checks every cell of `table` through `mapping`, telling `progress` the rows done.
pub fn check(
    source: &data_source::Model,
    table: &Table,
    mapping: &Mapping,
    progress: &mut dyn FnMut(usize),
) -> Result<mapping::Canonical, Vec<ImportProblem>> {
    let variables = SourceKind::parse(&source.kind).map_or(&[][..], SourceKind::variables);
    mapping::apply_with(table, variables, mapping, progress)
}

/// Stores a checked file as snapshots, one per year, and keeps `mapping` with the source; a
/// refused one as a rejected import run only. A year whose snapshot in use holds the same rows
/// keeps it; a year with another snapshot in use is replaced only with a reason (`replace`),
/// the earlier snapshot then stays as superseded; a year without one gets the new snapshot.
#[allow(clippy::too_many_arguments)]
pub async fn store(
    db: &DatabaseConnection,
    actor: &Actor,
    source: &data_source::Model,
    file_name: &str,
    sha256: &str,
    checked: Result<mapping::Canonical, Vec<ImportProblem>>,
    mapping: &Mapping,
    replace: Option<&str>,
) -> Result<Imported, SourceError> {
    let replace = reason(replace)?;
    let kind = kind_of(source)?;
    let txn = crate::backend::db::begin(db)
        .await
        .context("begin import")?;
    let kind_label = format!("source:{}", source.id);
    let canonical = match checked {
        Ok(c) => c,
        Err(problems) => {
            register_import::record_run(
                &txn,
                actor,
                &kind_label,
                file_name,
                "rejected",
                (0, 0),
                &problems,
            )
            .await?;
            txn.commit().await.context("commit import")?;
            return Err(SourceError::Invalid(problems));
        }
    };
    let years = canonical.by_year();
    let (mut out, corrections) = against_in_use(&txn, kind, source.id, &years).await?;
    if !corrections.is_empty() && replace.is_none() {
        return Err(SourceError::NeedsConfirmation(corrections));
    }
    let unchanged: BTreeSet<i32> = out.iter().map(|(i, _)| i.year).collect();
    for (year, part) in years.into_iter().filter(|(y, _)| !unchanged.contains(y)) {
        let file = NewSnapshot {
            source_id: source.id,
            year,
            file_name,
            sha256,
            content: part.to_csv().into_bytes(),
            rows: part.rows.len(),
        };
        let replaced = corrections.iter().find(|c| c.year == year);
        let id = store_year(&txn, actor, file, replaced, replace.as_deref()).await?;
        out.push((info_of(&txn, id).await?, true));
    }
    out.sort_by_key(|(i, _)| i.year);
    let created = out.iter().filter(|(_, new)| *new).count();
    register_import::record_run(
        &txn,
        actor,
        &kind_label,
        file_name,
        "applied",
        (i32::try_from(created).unwrap_or(i32::MAX), 0),
        &[],
    )
    .await?;
    data_source::ActiveModel {
        id: Set(source.id),
        mapping: Set(serde_json::to_string(mapping).context("mapping as JSON")?),
        ..Default::default()
    }
    .update(&txn)
    .await
    .context("keep mapping")?;
    txn.commit().await.context("commit import")?;
    Ok(Imported { snapshots: out })
}

/// Stores one year's snapshot; where it corrects the one in use, that one becomes superseded and
/// the replacement is audited with its reason and the counts before and after.
async fn store_year(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    file: NewSnapshot<'_>,
    replaced: Option<&YearChange>,
    replace: Option<&str>,
) -> Result<i32, SourceError> {
    let (source_id, year) = (file.source_id, file.year);
    if let Some(old) = replaced.and_then(|c| c.replaces) {
        set_status(
            txn,
            actor,
            old,
            SnapshotStatus::Superseded,
            replace.unwrap_or_default(),
        )
        .await?;
    }
    let id = keep_snapshot(txn, actor, file, replace).await?;
    if let Some(change) = replaced {
        let details = serde_json::json!({
            "year": year,
            "replaced": change.replaces,
            "snapshot": id,
            "reason": replace,
            "rows_before": change.rows_before,
            "rows_after": change.rows_after,
            "total_before": change.total_before,
            "total_after": change.total_after,
        });
        let target = format!("source:{source_id}");
        audit::record(txn, actor, "source.snapshot_replace", &target, details).await?;
    }
    Ok(id)
}

/// The years of a file compared with the snapshots in use: those that hold the same rows (kept,
/// as they are), and the corrections of those that differ.
async fn against_in_use(
    db: &impl ConnectionTrait,
    kind: SourceKind,
    source_id: i32,
    years: &BTreeMap<i32, mapping::Canonical>,
) -> anyhow::Result<(Vec<(SnapshotInfo, bool)>, Vec<YearChange>)> {
    let mut same = Vec::new();
    let mut corrections = Vec::new();
    for (year, part) in years {
        let content = part.to_csv().into_bytes();
        match snapshot_in_use(db, source_id, *year).await? {
            Some(c) if c.content == content => same.push((info_of(db, c.id).await?, false)),
            Some(c) => corrections.push(life::year_change(
                kind,
                *year,
                Some((c.id, &c.content)),
                &content,
            )),
            None => {}
        }
    }
    Ok((same, corrections))
}

/// One year of an imported file.
struct NewSnapshot<'a> {
    source_id: i32,
    year: i32,
    file_name: &'a str,
    sha256: &'a str,
    content: Vec<u8>,
    rows: usize,
}

/// Puts a year of a file in use: the snapshot of the same file imported before for this year
/// (superseded or withdrawn since) is brought back rather than stored twice; otherwise a new one.
async fn keep_snapshot(
    db: &impl ConnectionTrait,
    actor: &Actor,
    file: NewSnapshot<'_>,
    reason: Option<&str>,
) -> anyhow::Result<i32> {
    let earlier = snapshot::Entity::find()
        .filter(snapshot::Column::SourceId.eq(file.source_id))
        .filter(snapshot::Column::Year.eq(file.year))
        .filter(snapshot::Column::Sha256.eq(file.sha256))
        .one(db)
        .await
        .context("read snapshots")?;
    if let Some(e) = earlier {
        let reason = reason.unwrap_or("opnieuw geïmporteerd / imported again");
        set_status(db, actor, e.id, SnapshotStatus::InUse, reason).await?;
        return Ok(e.id);
    }
    let now = Utc::now();
    let row = snapshot::ActiveModel {
        source_id: Set(file.source_id),
        year: Set(file.year),
        file_name: Set(file.file_name.into()),
        sha256: Set(file.sha256.to_owned()),
        rows: Set(i32::try_from(file.rows).context("rows")?),
        content: Set(file.content),
        imported_by: Set(actor.user_id),
        imported_at: Set(now),
        status: Set(SnapshotStatus::InUse.as_str().into()),
        status_by: Set(actor.user_id),
        status_at: Set(Some(now)),
        status_reason: Set(reason.map(str::to_owned)),
        ..Default::default()
    }
    .insert(db)
    .await
    .with_context(|| {
        format!(
            "insert snapshot of source {} for {}",
            file.source_id, file.year
        )
    })?;
    Ok(row.id)
}
