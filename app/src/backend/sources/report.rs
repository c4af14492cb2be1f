//! The report of a source's figures for one year, as the analysis page and the exports show it.

use sea_orm::ConnectionTrait;

use super::figures::{figures, FigureRequest, Reuse};
use super::snapshots::in_use;
use super::{by_name, find, kind_of, SourceError};
use crate::backend::entities::data_source;
use crate::domain::aggregate::table;
use crate::domain::aggregate::{self as agg, Figure};

use crate::domain::aggregate::kinds::SourceKind;

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
        Ok(source) => kind_of(&source).map_err(anyhow::Error::from)?,
        Err(SourceError::NotFound) => return Err(ReportError::NotFound),
        Err(error) => return Err(anyhow::Error::from(error).into()),
    };
    let ids = in_use(db, source_id).await?;
    if ids.is_empty() {
        return Err(ReportError::NoSnapshots);
    }
    let mut request = FigureRequest::default();
    let mut wanted = breakdown.map(str::to_owned);
    match (breakdown, cross.filter(|c| !c.is_empty())) {
        (Some(b), _) if b.starts_with(crate::backend::submitted::QUESTION_PREFIX) => {
            request
                .questions
                .push(b[crate::backend::submitted::QUESTION_PREFIX.len()..].to_owned());
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

/// A source with the figures of its snapshots in use.
pub struct SourceFigures {
    pub source: data_source::Model,
    pub kind: SourceKind,
    pub figures: Vec<Figure>,
}

/// Every source that says something about safety (not the register, which gives context) and
/// has snapshots in use, by name, with its figures: what a fact sheet shows.
pub async fn safety_figures(
    db: &impl ConnectionTrait,
    thresholds: agg::Thresholds,
    reuse: Reuse,
) -> anyhow::Result<Vec<SourceFigures>> {
    let mut out = Vec::new();
    for source in by_name(db).await? {
        let Ok(kind) = kind_of(&source) else {
            continue;
        };
        let ids = in_use(db, source.id).await?;
        if kind == SourceKind::Register || ids.is_empty() {
            continue;
        }
        let figures = figures(db, &ids, thresholds, &FigureRequest::default(), reuse).await?;
        out.push(SourceFigures {
            source,
            kind,
            figures,
        });
    }
    Ok(out)
}
