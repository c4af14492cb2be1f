//! The aggregation module's data sources and their indicator tables, with the same thresholds
//! and complementary suppression as the reports and the downloads.

use app::backend::sources::{self, ReportError};
use app::backend::{submitted, AppState};
use app::domain::Role;
use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use serde::Deserialize;
use utoipa::IntoParams;

use super::types::{Figure, Figures, Source};
use super::{Caller, Problem};

/// Every data source with the years whose figures it gives (a snapshot in use).
#[utoipa::path(get, path = "/api/v1/sources", tag = "figures",
    responses((status = 200, body = Vec<Source>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn sources(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<Source>>, Problem> {
    caller.require(Role::RESEARCH)?;
    let list = sources::list(&state.db)
        .await
        .map_err(|e| Problem::internal(format!("{e:#}")))?;
    let out = list
        .into_iter()
        .map(|(s, snapshots)| {
            let mut years: Vec<i32> = snapshots
                .iter()
                .filter(|x| x.status == app::domain::aggregate::snapshot::SnapshotStatus::InUse)
                .map(|x| x.year)
                .collect();
            years.sort_unstable();
            years.dedup();
            Source {
                id: s.id,
                name: s.name,
                kind: s.kind,
                years,
            }
        })
        .collect();
    Ok(Json(out))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FigureQuery {
    /// Only this indicator (such as `feels_safe`).
    #[param(pattern = "^[A-Za-z0-9_]{1,64}$")]
    indicator: Option<String>,
    /// Only this breakdown (such as `level`, `national`, or `q:<question key>` to group
    /// institutions by their coordinator's answer).
    #[param(pattern = "^(q:)?[A-Za-z0-9_]{1,64}$")]
    breakdown: Option<String>,
    /// Cross `breakdown` with this one (characteristics of students, staff or programmes).
    #[param(pattern = "^[A-Za-z0-9_]{1,64}$")]
    cross: Option<String>,
    /// Only this year.
    year: Option<i64>,
}

fn name_ok(value: &Option<String>, question: bool) -> bool {
    value.as_deref().is_none_or(|v| {
        let bare = if question {
            v.strip_prefix(submitted::QUESTION_PREFIX).unwrap_or(v)
        } else {
            v
        };
        (1..=64).contains(&bare.len())
            && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The figures of a source over all its years: n, share or count, 95% interval, suppression.
#[utoipa::path(get, path = "/api/v1/sources/{id}/figures", tag = "figures",
    params(("id" = i32, Path, description = "The source's id", example = 1), FigureQuery),
    responses((status = 200, body = Figures), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn figures(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i32>,
    Query(query): Query<FigureQuery>,
) -> Result<Json<Figures>, Problem> {
    caller.require(Role::RESEARCH)?;
    if !name_ok(&query.indicator, false)
        || !name_ok(&query.breakdown, true)
        || !name_ok(&query.cross, false)
    {
        return Err(Problem::invalid(
            "Namen van indicatoren en indelingen bestaan uit letters, cijfers en _ (hoogstens 64).",
            "Names of indicators and breakdowns are letters, digits and _ (at most 64).",
        ));
    }
    let report = sources::report(
        &state.db,
        id,
        state.settings.thresholds,
        query.breakdown.as_deref(),
        query.cross.as_deref(),
        state.settings.figures,
    )
    .await;
    let all = match report {
        Ok(report) => report.figures,
        Err(ReportError::NoSnapshots) => Vec::new(),
        Err(ReportError::NotFound) => return Err(Problem::not_found()),
        Err(ReportError::NotCrossable) => {
            return Err(Problem::invalid(
                "Kruisen kan alleen een breakdown met een cross, beide kenmerken van de student, de medewerker of de opleiding.",
                "Only a breakdown with a cross can be crossed, both characteristics of the student, staff member or programme.",
            ))
        }
        Err(ReportError::Other(error)) => return Err(Problem::internal(format!("{error:#}"))),
    };
    let figures = all
        .into_iter()
        .filter(|f| query.indicator.as_ref().is_none_or(|i| &f.indicator == i))
        .filter(|f| query.year.is_none_or(|y| f.year == y))
        .map(|f| Figure {
            ci_low: f.interval.map(|(low, _)| low),
            ci_high: f.interval.map(|(_, high)| high),
            versus_rest: f.versus.map(|v| v.difference),
            differs_from_rest: f.versus.map(|v| v.differs),
            year: f.year,
            breakdown: f.breakdown,
            group: f.group,
            indicator: f.indicator,
            n: f.n,
            value: f.value,
            suppressed: f.suppressed,
        })
        .collect();
    Ok(Json(Figures {
        source: id,
        min_n_shares: state.settings.thresholds.shares,
        min_n_counts: state.settings.thresholds.counts,
        figures,
    }))
}
