//! Figures computed from snapshots with the same engine as `server aggregate`, published (small
//! cells suppressed) and kept in the database per set of inputs.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context;
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use sha2::{Digest, Sha256};

use super::register::{register_facts, yearly_students, RegisterFacts};
use crate::backend::entities::{data_source, figure_store, source_snapshot as snapshot};
use crate::domain::aggregate::table::{self, StudentLayout, StudentSums};
use crate::domain::aggregate::{self as agg, Characteristics, Figure};
use crate::i18n::Lang;

use crate::domain::aggregate::kinds::SourceKind;

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
                    .map(|q| format!("{}{q}", crate::backend::submitted::QUESTION_PREFIX)),
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
        if let Some(data) = crate::backend::submitted::dataset(db, None).await? {
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
