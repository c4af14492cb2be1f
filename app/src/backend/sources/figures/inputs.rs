//! What a figure is computed from: the snapshots' contents and the mapping's cells.

use std::collections::BTreeSet;

use anyhow::Context;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use sha2::{Digest, Sha256};

use super::{compute, Computed, FigureRequest};
use crate::backend::entities::{data_source, source_snapshot as snapshot};
use crate::backend::sources::register::{register_facts, RegisterFacts};
use crate::domain::aggregate::kinds::SourceKind;
use crate::domain::aggregate::{self as agg, Characteristics};
use crate::i18n::Lang;

/// What figures of snapshots are computed from, besides the snapshots' content: their kind and
/// what is known of the institutions.
pub(super) struct Inputs {
    pub(super) ids: Vec<i32>,
    pub(super) kind: SourceKind,
    pub(super) register: RegisterFacts,
    pub(super) characteristics: Characteristics,
}

/// Bump when the engine computes other figures from the same inputs: kept figures of an older
/// engine are then not read.
const ENGINE: &str = "figures-2026-12-06";

impl Inputs {
    /// The key of the published figures of these inputs under `thresholds` and `request`.
    pub(super) fn key(&self, thresholds: &agg::Thresholds, request: &FigureRequest) -> String {
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

pub(super) async fn inputs(
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
pub(super) async fn contents(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> anyhow::Result<Vec<(i32, Vec<u8>)>> {
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
