//! Data sources of the aggregation module: register a source, import its files as snapshots
//! (whole or not at all, every problem by line and column), and compute figures from snapshots
//! with the same engine as `server aggregate`.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, QueryFilter, QuerySelect, Set,
};
use sha2::{Digest, Sha256};

use super::audit::{self, Actor};
use super::entities::{data_source, figure_store, institution, source_snapshot as snapshot};
use super::register_import::{self, Dialect};
use crate::domain::aggregate::mapping::{self, Mapping};
use crate::domain::aggregate::snapshot::{self as life, SnapshotStatus, YearChange};
use crate::domain::aggregate::table::{self, StudentLayout, StudentSums};
use crate::domain::aggregate::{self as agg, Characteristics, Figure};
use crate::domain::import::{ImportProblem, Table};
use crate::domain::institution::{InstitutionKind, Region, SizeBand};
use crate::i18n::Lang;

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

/// A reason as given: trimmed, 1 to 500 characters.
fn reason(text: Option<&str>) -> Result<Option<String>, SourceError> {
    match text.map(str::trim) {
        None => Ok(None),
        Some(r) if r.is_empty() || r.chars().count() > 500 => Err(SourceError::ReasonMissing),
        Some(r) => Ok(Some(r.to_owned())),
    }
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
    let mut out = Vec::new();
    let mut corrections = Vec::new();
    let years = canonical.by_year();
    for (year, part) in &years {
        let content = part.to_csv().into_bytes();
        let current = snapshot_in_use(&txn, source.id, *year).await?;
        match current {
            Some(c) if c.content == content => out.push((info_of(&txn, c.id).await?, false)),
            Some(c) => corrections.push(life::year_change(
                kind,
                *year,
                Some((c.id, &c.content)),
                &content,
            )),
            None => {}
        }
    }
    if !corrections.is_empty() && replace.is_none() {
        return Err(SourceError::NeedsConfirmation(corrections));
    }
    let unchanged: BTreeSet<i32> = out.iter().map(|(i, _)| i.year).collect();
    for (year, part) in years.into_iter().filter(|(y, _)| !unchanged.contains(y)) {
        let replaced = corrections.iter().find(|c| c.year == year);
        if let Some(old) = replaced.and_then(|c| c.replaces) {
            set_status(
                &txn,
                actor,
                old,
                SnapshotStatus::Superseded,
                replace.as_deref().unwrap_or_default(),
            )
            .await?;
        }
        // The same file imported before for this year (superseded or withdrawn since) is
        // brought back rather than stored twice.
        let earlier = snapshot::Entity::find()
            .filter(snapshot::Column::SourceId.eq(source.id))
            .filter(snapshot::Column::Year.eq(year))
            .filter(snapshot::Column::Sha256.eq(sha256))
            .one(&txn)
            .await
            .context("read snapshots")?;
        let id = match earlier {
            Some(e) => {
                set_status(
                    &txn,
                    actor,
                    e.id,
                    SnapshotStatus::InUse,
                    replace
                        .as_deref()
                        .unwrap_or("opnieuw geïmporteerd / imported again"),
                )
                .await?;
                e.id
            }
            None => {
                snapshot::ActiveModel {
                    source_id: Set(source.id),
                    year: Set(year),
                    file_name: Set(file_name.into()),
                    sha256: Set(sha256.to_owned()),
                    rows: Set(i32::try_from(part.rows.len()).context("rows")?),
                    content: Set(part.to_csv().into_bytes()),
                    imported_by: Set(actor.user_id),
                    imported_at: Set(Utc::now()),
                    status: Set(SnapshotStatus::InUse.as_str().into()),
                    status_by: Set(actor.user_id),
                    status_at: Set(Some(Utc::now())),
                    status_reason: Set(replace.clone()),
                    ..Default::default()
                }
                .insert(&txn)
                .await
                .context("insert snapshot")?
                .id
            }
        };
        if let Some(change) = replaced {
            audit::record(
                &txn,
                actor,
                "source.snapshot_replace",
                &format!("source:{}", source.id),
                serde_json::json!({
                    "year": year,
                    "replaced": change.replaces,
                    "snapshot": id,
                    "reason": replace,
                    "rows_before": change.rows_before,
                    "rows_after": change.rows_after,
                    "total_before": change.total_before,
                    "total_after": change.total_after,
                }),
            )
            .await?;
        }
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

/// The snapshot in use of a source's year, if any.
async fn snapshot_in_use(
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

/// Sets a snapshot's status with who, when and why.
async fn set_status(
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

async fn info_of(db: &impl ConnectionTrait, id: i32) -> anyhow::Result<SnapshotInfo> {
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

/// Every source by name, each with its snapshots (newest year first).
pub async fn list(
    db: &impl ConnectionTrait,
) -> anyhow::Result<Vec<(data_source::Model, Vec<SnapshotInfo>)>> {
    use sea_orm::QueryOrder;
    let mut out = Vec::new();
    for source in data_source::Entity::find()
        .order_by_asc(data_source::Column::Name)
        .all(db)
        .await
        .context("read sources")?
    {
        let found = snapshots(db, source.id).await?;
        out.push((source, found));
    }
    Ok(out)
}

/// What the register says of the institutions: their characteristics (type, region, size
/// band) and students, from the institution register and, per year where a `register` source
/// has that year, from its snapshots (the year's size band and students).
#[derive(Clone, Debug, Default)]
pub struct RegisterFacts {
    pub characteristics: Characteristics,
    now: BTreeMap<String, f64>,
    yearly: BTreeMap<(String, i64), f64>,
}

impl RegisterFacts {
    /// Students of institution `code` in `year` (the register's count now where the year has
    /// none).
    pub fn students(&self, code: &str, year: i64) -> Option<f64> {
        self.yearly
            .get(&(code.to_owned(), year))
            .or_else(|| self.now.get(code))
            .copied()
    }
}

/// Students by (institution, year) in the snapshots of `register` sources: BOL full-time, BOL
/// part-time and BBL added up.
fn yearly_students(snapshots: &[(i32, Vec<u8>)]) -> anyhow::Result<BTreeMap<(String, i64), f64>> {
    let mut counts = BTreeMap::new();
    for (id, content) in snapshots {
        let text = std::str::from_utf8(content).context("register snapshot")?;
        let mut lines = text.lines();
        let head: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
        let at = |name: &str| head.iter().position(|h| *h == name);
        let (Some(year), Some(brin)) = (at("year"), at("brin")) else {
            anyhow::bail!("register snapshot {id} without year or brin");
        };
        let paths: Vec<usize> = ["bol_vt", "bol_dt", "bbl"]
            .iter()
            .filter_map(|p| at(p))
            .collect();
        for line in lines.filter(|l| !l.is_empty()) {
            let fields: Vec<&str> = line.split(',').collect();
            let get = |i: usize| fields.get(i).copied().unwrap_or_default();
            let total: f64 = paths
                .iter()
                .filter_map(|&i| get(i).parse::<f64>().ok())
                .sum();
            let y: i64 = get(year).parse().context("register year")?;
            *counts.entry((get(brin).to_owned(), y)).or_insert(0.0) += total;
        }
    }
    Ok(counts)
}

/// The register's facts (see [`RegisterFacts`]).
pub async fn register_facts(db: &impl ConnectionTrait) -> anyhow::Result<RegisterFacts> {
    let mut out = RegisterFacts::default();
    for i in institution::Entity::find()
        .all(db)
        .await
        .context("read institutions")?
    {
        let total =
            i64::from(i.students_bolvt) + i64::from(i.students_boldt) + i64::from(i.students_bbl);
        let size = SizeBand::from_students(total).label(Lang::Nl).to_owned();
        let region = Region::from_province(&i.province)
            .label(Lang::Nl)
            .to_owned();
        let kind = InstitutionKind::parse(&i.kind)
            .map_or_else(|| i.kind.clone(), |k| k.label(Lang::Nl).to_owned());
        for (name, value) in [("type", kind), ("region", region), ("size_band", size)] {
            out.characteristics.set(name, &i.code, None, &value);
        }
        out.now.insert(i.code, total as f64);
    }
    let registers: Vec<i32> = data_source::Entity::find()
        .filter(data_source::Column::Kind.eq(SourceKind::Register.as_str()))
        .all(db)
        .await
        .context("read sources")?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let snapshots = snapshot::Entity::find()
        .select_only()
        .columns([snapshot::Column::Id, snapshot::Column::Content])
        .filter(snapshot::Column::SourceId.is_in(registers))
        .filter(snapshot::Column::Status.eq(SnapshotStatus::InUse.as_str()))
        .into_tuple::<(i32, Vec<u8>)>()
        .all(db)
        .await
        .context("read register snapshots")?;
    out.yearly = yearly_students(&snapshots)?;
    for ((code, year), total) in &out.yearly {
        let band = SizeBand::from_students(*total as i64).label(Lang::Nl);
        out.characteristics
            .set("size_band", code, Some(*year), band);
    }
    Ok(out)
}

/// What a report asks for beyond the standard breakdowns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FigureRequest {
    /// Two-way crossings of row breakdowns (`gender` × `level`).
    pub crossings: Vec<(String, String)>,
    /// Items of the questionnaire whose submitted answers group the institutions (breakdown
    /// `q:<key>`, per round year).
    pub questions: Vec<String>,
}

impl FigureRequest {
    /// The names of the breakdowns this request adds to the standard ones.
    pub fn breakdowns(&self) -> Vec<String> {
        self.crossings
            .iter()
            .map(|(a, b)| table::crossing_name(a, b))
            .chain(
                self.questions
                    .iter()
                    .map(|q| format!("{}{q}", super::submitted::QUESTION_PREFIX)),
            )
            .collect()
    }
}

/// Whether published figures are kept in the database and read back (the default), or
/// computed again on every call (to compare, in the benchmark).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reuse {
    #[default]
    Stored,
    Recompute,
}

/// What figures of snapshots are computed from, besides the snapshots' content: their kind and
/// what is known of the institutions.
struct Inputs {
    ids: Vec<i32>,
    kind: SourceKind,
    register: RegisterFacts,
    characteristics: Characteristics,
}

/// Bump when the engine computes other figures from the same inputs: kept figures of an older
/// engine are then not read.
const ENGINE: &str = "figures-2026-12-06";

impl Inputs {
    /// The key of the published figures of these inputs under `thresholds` and `request`.
    fn key(&self, thresholds: &agg::Thresholds, request: &FigureRequest) -> String {
        let text = format!(
            "{ENGINE}|{}|{:?}|{:?}|{thresholds:?}|{request:?}|{:?}|{:?}|{:?}",
            env!("CARGO_PKG_VERSION"),
            self.kind,
            self.ids,
            self.characteristics,
            self.register.now,
            self.register.yearly,
        );
        hex::encode(Sha256::digest(text.as_bytes()))
    }
}

async fn inputs(
    db: &impl ConnectionTrait,
    snapshot_ids: &[i32],
    request: &FigureRequest,
) -> anyhow::Result<Inputs> {
    let ids: Vec<i32> = snapshot_ids
        .iter()
        .copied()
        .collect::<BTreeSet<i32>>()
        .into_iter()
        .collect();
    let source_ids: BTreeSet<i32> = snapshot::Entity::find()
        .select_only()
        .column(snapshot::Column::SourceId)
        .filter(snapshot::Column::Id.is_in(ids.clone()))
        .into_tuple::<i32>()
        .all(db)
        .await
        .context("read snapshots")?
        .into_iter()
        .collect();
    let kinds: BTreeSet<String> = data_source::Entity::find()
        .filter(data_source::Column::Id.is_in(source_ids))
        .all(db)
        .await
        .context("read sources")?
        .into_iter()
        .map(|s| s.kind)
        .collect();
    let kind = match kinds.len() {
        0 => SourceKind::Students,
        1 => kinds
            .first()
            .and_then(|k| SourceKind::parse(k))
            .context("unknown kind of source")?,
        _ => anyhow::bail!("snapshots of different kinds of source cannot be combined"),
    };
    let register = register_facts(db).await?;
    let mut characteristics = register.characteristics.clone();
    if !request.questions.is_empty() {
        if let Some(data) = super::submitted::dataset(db, None).await? {
            characteristics.extend(data.characteristics(&request.questions, Lang::Nl));
        }
    }
    Ok(Inputs {
        ids,
        kind,
        register,
        characteristics,
    })
}

/// The content of snapshots, by id.
async fn contents(db: &impl ConnectionTrait, ids: &[i32]) -> anyhow::Result<Vec<(i32, Vec<u8>)>> {
    snapshot::Entity::find()
        .select_only()
        .columns([snapshot::Column::Id, snapshot::Column::Content])
        .filter(snapshot::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<(i32, Vec<u8>)>()
        .all(db)
        .await
        .context("read snapshots")
}

/// The cells of a source's snapshots: shares of micro-data (students, staff) suppressed below
/// `thresholds.shares` respondents, or incident counts and rates per 1,000 students suppressed
/// below `thresholds.counts`; broken down by the register's characteristics (type, region, size
/// band) and the requested coordinator answers. Not to be published as they are: see
/// [`figures`].
pub async fn cells(
    db: &impl ConnectionTrait,
    snapshot_ids: &[i32],
    thresholds: agg::Thresholds,
    request: &FigureRequest,
) -> anyhow::Result<Computed> {
    let inputs = inputs(db, snapshot_ids, request).await?;
    let snapshots = contents(db, &inputs.ids).await?;
    compute(&inputs, &snapshots, thresholds, request)
}

/// The cells of snapshots of one kind (no I/O: run it off the async workers).
fn compute(
    inputs: &Inputs,
    snapshots: &[(i32, Vec<u8>)],
    thresholds: agg::Thresholds,
    request: &FigureRequest,
) -> anyhow::Result<Computed> {
    let (kind, register) = (inputs.kind, &inputs.register);
    let characteristics = inputs.characteristics.clone();
    let cells = if kind == SourceKind::Incidents {
        let mut counts = BTreeMap::new();
        for (id, content) in snapshots {
            table::add_incident_counts(content, &mut counts)
                .map_err(|e| anyhow::anyhow!("snapshot {id}: {e}"))?;
        }
        let students = |code: &str, year: i64| register.students(code, year);
        agg::count_figures(
            &counts,
            "incidents:",
            Some(&students),
            &characteristics,
            thresholds.counts,
        )
    } else if kind == SourceKind::Register {
        // Public counts (DUO masks small ones itself): nothing to suppress.
        let counts = yearly_students(snapshots)?
            .into_iter()
            .map(|((code, year), n)| ((year, code, "students".to_owned()), n))
            .collect();
        agg::count_figures(&counts, "register:", None, &characteristics, 0)
    } else {
        let crossings: Vec<(&str, &str)> = request
            .crossings
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let (required, optional) = kind.row_breakdowns();
        let indicators = kind.indicators();
        let mut acc = agg::Accumulated::default();
        for (id, content) in snapshots {
            let (head, body) = content.split_at(
                content
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(0, |i| i + 1),
            );
            let layout = StudentLayout::with_breakdowns(
                &table::header(head.trim_ascii_end()),
                &indicators,
                required,
                optional,
            )
            .and_then(|l| l.with_crossings(&crossings))
            .map_err(|e| anyhow::anyhow!("snapshot {id}: {e}"))?;
            let mut sums = StudentSums::new(layout);
            sums.add_lines(body, 2)
                .map_err(|e| anyhow::anyhow!("snapshot {id}: {e}"))?;
            acc.merge(sums.finish());
        }
        acc.derive(&characteristics);
        let mut cells = agg::figures(&acc, &BTreeMap::new(), thresholds.shares);
        // Incident rows of micro-data need an incident source.
        cells.retain(|f| !f.indicator.starts_with("incidents_"));
        cells
    };
    Ok(Computed {
        cells,
        characteristics,
    })
}

/// The cells of a source's snapshots before disclosure control, and what is known of the
/// institutions (the equations of its tables).
pub struct Computed {
    pub cells: Vec<agg::Cell>,
    pub characteristics: Characteristics,
}

/// The published figures of a source's snapshots (see [`cells`]), under disclosure control
/// (`agg::protect`); tables whose protection fails are hidden whole, and logged. Computed once
/// per set of inputs and kept in the database ([`Reuse::Stored`]): every later call, in any
/// server process, reads them back; while one call computes them, the others of this process
/// wait for it rather than computing too. The work itself runs off the async workers.
pub async fn figures(
    db: &impl ConnectionTrait,
    snapshot_ids: &[i32],
    thresholds: agg::Thresholds,
    request: &FigureRequest,
    reuse: Reuse,
) -> anyhow::Result<Vec<Figure>> {
    let inputs = inputs(db, snapshot_ids, request).await?;
    let key = inputs.key(&thresholds, request);
    if reuse == Reuse::Stored {
        if let Some(kept) = stored(db, &key).await? {
            return Ok(kept);
        }
    }
    // Recomputing (the benchmark's "before") works as the engine did: every call for itself.
    let lock = (reuse == Reuse::Stored).then(|| in_flight(&key));
    let _turn = match &lock {
        Some(lock) => Some(lock.lock().await),
        None => None,
    };
    if reuse == Reuse::Stored {
        if let Some(kept) = stored(db, &key).await? {
            return Ok(kept);
        }
    }
    let snapshots = contents(db, &inputs.ids).await?;
    let request = request.clone();
    let published = tokio::task::spawn_blocking(move || {
        publish_protected(&inputs, &snapshots, thresholds, &request)
    })
    .await
    .context("figures task")??;
    if reuse == Reuse::Stored {
        keep(db, &key, &published).await?;
    }
    Ok(published)
}

/// Disclosure control over the computed cells (see [`figures`]).
fn publish_protected(
    inputs: &Inputs,
    snapshots: &[(i32, Vec<u8>)],
    thresholds: agg::Thresholds,
    request: &FigureRequest,
) -> anyhow::Result<Vec<Figure>> {
    let computed = compute(inputs, snapshots, thresholds, request)?;
    // A crossing or answer groups are published beside the standard figures of the same
    // tables: those stay as they are published, only the new cells are chosen to protect. The
    // standard cells are the computed ones without the requested breakdowns.
    let added = request.breakdowns();
    let standard = if added.is_empty() {
        Vec::new()
    } else {
        let base: Vec<agg::Cell> = computed
            .cells
            .iter()
            .filter(|c| !added.contains(&c.breakdown))
            .cloned()
            .collect();
        let plan = agg::plan(&base, &computed.characteristics, &thresholds);
        agg::publish(&base, &plan)
    };
    let plan = agg::plan_beside(
        &computed.cells,
        &computed.characteristics,
        &thresholds,
        &standard,
    );
    for (year, indicator) in &plan.failed {
        tracing::warn!(
            snapshots = ?inputs.ids,
            year,
            indicator,
            "disclosure control could not be shown to hold: the table is hidden"
        );
    }
    Ok(agg::publish(&computed.cells, &plan))
}

/// The figures kept under `key`, if any (kept by an engine that wrote another format: none).
async fn stored(db: &impl ConnectionTrait, key: &str) -> anyhow::Result<Option<Vec<Figure>>> {
    let row = figure_store::Entity::find_by_id(key.to_owned())
        .one(db)
        .await
        .context("read kept figures")?;
    Ok(row.and_then(|r| serde_json::from_slice(&r.figures).ok()))
}

/// How long kept figures stay when no input of theirs is current any more.
const KEPT_DAYS: i64 = 30;

/// Keeps figures under `key` (another process may have done so already), and forgets those
/// kept long ago.
async fn keep(db: &impl ConnectionTrait, key: &str, figures: &[Figure]) -> anyhow::Result<()> {
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
fn in_flight(key: &str) -> std::sync::Arc<tokio::sync::Mutex<()>> {
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

/// Why a report of a source could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("no such source")]
    NotFound,
    #[error("the source has no imported file yet")]
    NoSnapshots,
    /// A crossing with a breakdown that is not a row characteristic (of the student, staff
    /// member or programme), or of a source without rows (incidents, the register).
    #[error("these breakdowns cannot be crossed")]
    NotCrossable,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// A report's figures: the snapshots in use of a source, of one breakdown (`q:<key>` groups the
/// institutions by their coordinators' answer) or crossed with `cross`, or of every standard
/// breakdown when `breakdown` is `None`; each share with its difference from the rest of the
/// country ([`Figure::versus`]).
pub struct Report {
    pub kind: SourceKind,
    /// The breakdown's name in the figures (a crossing's combined name); `None`: all.
    pub breakdown: Option<String>,
    pub figures: Vec<Figure>,
}

/// The figures a report page, an export or the API shows of `source_id` (see [`Report`]).
pub async fn report(
    db: &impl ConnectionTrait,
    source_id: i32,
    thresholds: agg::Thresholds,
    breakdown: Option<&str>,
    cross: Option<&str>,
    reuse: Reuse,
) -> Result<Report, ReportError> {
    let kind = match find(db, source_id).await {
        Ok(source) => kind_of(&source).map_err(|e| anyhow::anyhow!("{e}"))?,
        Err(SourceError::NotFound) => return Err(ReportError::NotFound),
        Err(error) => return Err(anyhow::anyhow!("{error}").into()),
    };
    let ids = in_use(db, source_id).await?;
    if ids.is_empty() {
        return Err(ReportError::NoSnapshots);
    }
    let mut request = FigureRequest::default();
    let mut wanted = breakdown.map(str::to_owned);
    match (breakdown, cross.filter(|c| !c.is_empty())) {
        (Some(b), _) if b.starts_with(super::submitted::QUESTION_PREFIX) => {
            request
                .questions
                .push(b[super::submitted::QUESTION_PREFIX.len()..].to_owned());
        }
        (Some(b), Some(c)) if b != c => {
            if !kind.crossable(b) || !kind.crossable(c) {
                return Err(ReportError::NotCrossable);
            }
            request.crossings.push((b.to_owned(), c.to_owned()));
            wanted = Some(table::crossing_name(b, c));
        }
        (None, Some(_)) => return Err(ReportError::NotCrossable),
        _ => {}
    }
    let all = figures(db, &ids, thresholds, &request, reuse).await?;
    let figures = all
        .into_iter()
        .filter(|f| wanted.as_ref().is_none_or(|b| &f.breakdown == b))
        .collect();
    Ok(Report {
        kind,
        breakdown: wanted,
        figures,
    })
}
