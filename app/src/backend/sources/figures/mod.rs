//! Figures computed from snapshots with the same engine as `server aggregate`, published (small
//! cells suppressed) and kept in the database per set of inputs.

mod compute;
mod inputs;
mod keep;
mod protect;

use anyhow::Context;
use sea_orm::ConnectionTrait;

use crate::domain::aggregate::table;
use crate::domain::aggregate::{self as agg, Figure};
use compute::compute;
use inputs::{contents, inputs, Inputs};
use keep::{in_flight, keep};
use protect::{publish_protected, stored};

pub use compute::Computed;
pub use inputs::cells;

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
