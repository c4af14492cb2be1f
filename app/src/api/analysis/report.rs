//! The researcher's report: a table of shares by breakdown.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::sources::{self, ReportError};
#[cfg(feature = "ssr")]
use crate::domain::Role;

/// One cell of a report: a group in a year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    /// The indicator shown (the first of the source's kind when another was asked for).
    #[serde(default)]
    pub indicator: String,
    pub year: i64,
    pub group: String,
    /// Respondents, or (for incidents) the number of incidents; `None` when suppressed.
    pub n: Option<u64>,
    /// Weighted share with its 95% interval; `None` when suppressed or for incidents.
    pub share: Option<(f64, f64, f64)>,
    /// Incidents per 1,000 students; `None` when suppressed or for shares.
    #[serde(default)]
    pub rate: Option<f64>,
    /// Share minus the share of the rest of the country, and whether that difference is
    /// significant at 95% ([`crate::domain::aggregate::Versus`]).
    pub versus_rest: Option<(f64, bool)>,
}

/// `indicator` by `breakdown` (crossed with the row breakdown `cross` unless it is empty) over
/// every snapshot of `source`, per year; cells below the configured smallest n and their
/// complements are suppressed. A breakdown `q:<key>` groups the institutions by their
/// coordinators' submitted answer in that year's round. Researchers and admins.
#[server(prefix = "/api", endpoint = "report")]
pub async fn report(
    source: i32,
    indicator: String,
    breakdown: String,
    cross: String,
) -> Result<Vec<ReportRow>, ApiError> {
    let state = guard::state()?;
    guard::require(Role::RESEARCH)?;
    let report = sources::report(
        &state.db,
        source,
        state.settings.thresholds,
        Some(&breakdown),
        Some(&cross),
        state.settings.figures,
    )
    .await;
    let report = match report {
        Ok(report) => report,
        Err(ReportError::NotFound | ReportError::NoSnapshots) => return Err(ApiError::NotFound),
        Err(ReportError::NotCrossable) => {
            return Err(ApiError::invalid(
                "kruising",
                "Kruisen kan alleen met kenmerken van de student, de medewerker of de \
                 opleiding (zoals instelling, sector, niveau, geslacht, leeftijd), niet met \
                 kenmerken van de instelling of bij incidenten.",
                "Only characteristics of the student, staff member or programme (such as \
                 institution, sector, level, gender, age) can be crossed, not those of the \
                 institution, nor incidents.",
            ))
        }
        Err(ReportError::Other(error)) => return Err(ApiError::internal(error)),
    };
    // An indicator of another kind of source (a link, a switched source): its first.
    let offered = report.kind.report_indicators();
    let indicator = if offered.contains(&indicator) {
        indicator
    } else {
        offered.into_iter().next().unwrap_or_default()
    };
    Ok(report
        .figures
        .into_iter()
        .filter(|f| f.indicator == indicator)
        .map(|f| ReportRow {
            share: f.value.zip(f.interval).map(|(s, (l, h))| (s, l, h)),
            rate: f.interval.is_none().then_some(f.value).flatten(),
            versus_rest: f.versus.map(|v| (v.difference, v.differs)),
            indicator: f.indicator,
            year: f.year,
            group: f.group,
            n: f.n,
        })
        .collect())
}
