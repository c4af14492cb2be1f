//! The aggregation module's data sources and their indicator tables, with the same thresholds
//! and complementary suppression as the reports and the downloads.

use app::backend::entities::data_source;
use app::backend::{sources, submitted, AppState};
use app::domain::aggregate::{self as agg, table};
use app::domain::Role;
use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use sea_orm::{EntityTrait, QueryOrder};
use serde::Deserialize;
use utoipa::IntoParams;

use super::types::{Figure, Figures, Source};
use super::{Caller, Problem};

/// Every data source with the years imported.
#[utoipa::path(get, path = "/api/v1/sources", tag = "figures",
    responses((status = 200, body = Vec<Source>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn sources(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<Source>>, Problem> {
    caller.require(&[Role::Admin, Role::Researcher])?;
    let list = data_source::Entity::find()
        .order_by_asc(data_source::Column::Name)
        .all(&state.db)
        .await
        .map_err(Problem::internal)?;
    let mut out = Vec::with_capacity(list.len());
    for s in list {
        let mut years: Vec<i32> = sources::snapshots(&state.db, s.id)
            .await
            .map_err(Problem::internal)?
            .iter()
            .map(|snapshot| snapshot.year)
            .collect();
        years.sort_unstable();
        years.dedup();
        out.push(Source {
            id: s.id,
            name: s.name,
            kind: s.kind,
            years,
        });
    }
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
    caller.require(&[Role::Admin, Role::Researcher])?;
    if !name_ok(&query.indicator, false)
        || !name_ok(&query.breakdown, true)
        || !name_ok(&query.cross, false)
    {
        return Err(Problem::invalid(
            "Namen van indicatoren en indelingen bestaan uit letters, cijfers en _ (hoogstens 64).",
            "Names of indicators and breakdowns are letters, digits and _ (at most 64).",
        ));
    }
    let kind = match sources::find(&state.db, id).await {
        Ok(source) => sources::kind_of(&source).map_err(Problem::internal)?,
        Err(sources::SourceError::NotFound) => return Err(Problem::not_found()),
        Err(error) => return Err(Problem::internal(error)),
    };
    let ids: Vec<i32> = sources::snapshots(&state.db, id)
        .await
        .map_err(Problem::internal)?
        .iter()
        .map(|s| s.id)
        .collect();
    let mut request = sources::FigureRequest::default();
    let mut wanted = query.breakdown.clone();
    match (&query.breakdown, &query.cross) {
        (Some(b), _) if b.starts_with(submitted::QUESTION_PREFIX) => {
            request
                .questions
                .push(b[submitted::QUESTION_PREFIX.len()..].to_owned());
        }
        (Some(b), Some(c)) if b != c => {
            if !kind.crossable(b) || !kind.crossable(c) {
                return Err(Problem::invalid(
                    "Kruisen kan alleen met kenmerken van de student, de medewerker of de opleiding.",
                    "Only characteristics of the student, staff member or programme can be crossed.",
                ));
            }
            request.crossings.push((b.clone(), c.clone()));
            wanted = Some(table::crossing_name(b, c));
        }
        (None, Some(_)) => {
            return Err(Problem::invalid(
                "Kies bij cross ook een breakdown.",
                "With cross, choose a breakdown too.",
            ))
        }
        _ => {}
    }
    let all = if ids.is_empty() {
        Vec::new()
    } else {
        sources::figures(&state.db, &ids, state.settings.thresholds, &request)
            .await
            .map_err(|e| Problem::internal(format!("{e:#}")))?
    };
    let versus = agg::versus_national(&all);
    let figures = all
        .iter()
        .zip(versus)
        .filter(|(f, _)| query.indicator.as_ref().is_none_or(|i| &f.indicator == i))
        .filter(|(f, _)| wanted.as_ref().is_none_or(|b| &f.breakdown == b))
        .filter(|(f, _)| query.year.is_none_or(|y| f.year == y))
        .map(|(f, v)| Figure {
            year: f.year,
            breakdown: f.breakdown.clone(),
            group: f.group.clone(),
            indicator: f.indicator.clone(),
            n: f.n,
            value: f.value,
            ci_low: f.interval.map(|(low, _)| low),
            ci_high: f.interval.map(|(_, high)| high),
            suppressed: f.suppressed,
            versus_national: v.map(|v| v.difference),
            differs_from_national: v.map(|v| v.differs),
        })
        .collect();
    Ok(Json(Figures {
        source: id,
        min_n_shares: state.settings.thresholds.shares,
        min_n_counts: state.settings.thresholds.counts,
        figures,
    }))
}
