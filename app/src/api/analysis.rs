//! The aggregation module's reports: sources with their snapshots, and one indicator by one
//! breakdown over a source's snapshots (suppressed and protected as every export is).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;

/// A source with its snapshots, newest year first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceView {
    pub id: i32,
    pub name: String,
    pub kind: String,
    /// (year, rows, file name)
    pub snapshots: Vec<(i32, i32, String)>,
}

/// One cell of a report: a group in a year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    pub year: i64,
    pub group: String,
    pub n: u64,
    /// Weighted share with its 95% interval; `None` when suppressed.
    pub share: Option<(f64, f64, f64)>,
    /// Share minus the national share, and whether the intervals do not overlap.
    pub versus_national: Option<(f64, bool)>,
}

/// Every data source. Researchers and admins.
#[server(prefix = "/api", endpoint = "list_sources")]
pub async fn list_sources() -> Result<Vec<SourceView>, ApiError> {
    use crate::backend::entities::data_source;
    use crate::backend::{guard, sources};
    use crate::domain::Role;
    use sea_orm::{EntityTrait, QueryOrder};
    guard::respond(
        async move {
            let state = guard::state()?;
            guard::require(&[Role::Researcher, Role::Admin])?;
            let mut out = Vec::new();
            for s in data_source::Entity::find()
                .order_by_asc(data_source::Column::Name)
                .all(&state.db)
                .await
                .map_err(guard::internal)?
            {
                let snapshots = sources::snapshots(&state.db, s.id)
                    .await
                    .map_err(guard::internal)?
                    .into_iter()
                    .map(|x| (x.year, x.rows, x.file_name))
                    .collect();
                out.push(SourceView {
                    id: s.id,
                    name: s.name,
                    kind: s.kind,
                    snapshots,
                });
            }
            Ok(out)
        }
        .await,
    )
}

/// `indicator` by `breakdown` over every snapshot of `source`, per year; cells below the
/// configured smallest n and their complements are suppressed. Researchers and admins.
#[server(prefix = "/api", endpoint = "student_report")]
pub async fn student_report(
    source: i32,
    indicator: String,
    breakdown: String,
) -> Result<Vec<ReportRow>, ApiError> {
    use crate::backend::{guard, sources};
    use crate::domain::aggregate::{self as agg, MIN_N_SHARES};
    use crate::domain::Role;
    guard::respond(
        async move {
            let state = guard::state()?;
            guard::require(&[Role::Researcher, Role::Admin])?;
            let ids: Vec<i32> = sources::snapshots(&state.db, source)
                .await
                .map_err(guard::internal)?
                .into_iter()
                .map(|s| s.id)
                .collect();
            if ids.is_empty() {
                return Err(ApiError::NotFound);
            }
            let figures = sources::student_figures(&state.db, &ids, MIN_N_SHARES)
                .await
                .map_err(guard::internal)?;
            let versus = agg::versus_national(&figures);
            Ok(figures
                .iter()
                .zip(versus)
                .filter(|(f, _)| f.indicator == indicator && f.breakdown == breakdown)
                .map(|(f, v)| ReportRow {
                    year: f.year,
                    group: f.group.clone(),
                    n: f.n,
                    share: f.value.zip(f.interval).map(|(s, (l, h))| (s, l, h)),
                    versus_national: v.map(|v| (v.difference, v.differs)),
                })
                .collect())
        }
        .await,
    )
}
