//! Publishing a figure with its small cells suppressed.

use anyhow::Context;
use sea_orm::{ConnectionTrait, EntityTrait};

use super::{compute, FigureRequest, Inputs};
use crate::backend::entities::figure_store;
use crate::domain::aggregate::{self as agg, Figure};

/// Disclosure control over the computed cells (see [`figures`]).
pub(super) fn publish_protected(
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
pub(super) async fn stored(
    db: &impl ConnectionTrait,
    key: &str,
) -> anyhow::Result<Option<Vec<Figure>>> {
    let row = figure_store::Entity::find_by_id(key.to_owned())
        .one(db)
        .await
        .context("read kept figures")?;
    Ok(row.and_then(|r| serde_json::from_slice(&r.figures).ok()))
}
