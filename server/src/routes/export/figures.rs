//! A source's figures as CSV or XLSX, suppressed as on the page.

use anyhow::Context;
use app::backend::middleware::Viewer;
use app::backend::AppState;
use app::domain::Role;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Extension;

use super::{download, record};
use crate::routes::error::{allowed, RouteError};

/// `GET /export/bron/{id}/cijfers.csv` and `…/cijfers.xlsx`: every student figure over a
/// source's snapshots (year, breakdown, group, indicator, n, share, interval, suppressed), with
/// the same suppression as the report, for researchers and admins; the workbook adds a codebook.
/// Recorded in the audit log.
pub async fn figures(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((id, file)): Path<(i32, String)>,
) -> Result<Response, RouteError> {
    use app::backend::entities::data_source;
    use app::backend::{exports, sources};
    use app::domain::aggregate::figures_csv;
    use app::domain::aggregate::snapshot::SnapshotStatus;
    use sea_orm::EntityTrait;
    let user = allowed(viewer, Role::RESEARCH)?;
    let xlsx = match file.as_str() {
        "cijfers.csv" => false,
        "cijfers.xlsx" => true,
        _ => return Err(RouteError::NotFound),
    };
    let source = data_source::Entity::find_by_id(id)
        .one(&state.db)
        .await
        .with_context(|| format!("read source {id}"))?
        .ok_or(RouteError::NotFound)?;
    let snapshots: Vec<_> = sources::snapshots(&state.db, id)
        .await?
        .into_iter()
        .filter(|s| s.status == SnapshotStatus::InUse)
        .collect();
    if snapshots.is_empty() {
        return Err(RouteError::NotFound);
    }
    let ids: Vec<i32> = snapshots.iter().map(|s| s.id).collect();
    let settings = &state.settings;
    let figures = sources::figures(
        &state.db,
        &ids,
        settings.thresholds,
        &Default::default(),
        settings.figures,
    )
    .await?;
    let (mime, body) = if xlsx {
        let bytes =
            exports::figures_workbook(&source.name, &snapshots, settings.thresholds, &figures)
                .context("write figures workbook")?;
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes,
        )
    } else {
        (
            "text/csv; charset=utf-8",
            figures_csv(&figures).into_bytes(),
        )
    };
    let details = serde_json::json!({
        "source": id, "snapshots": ids, "rows": figures.len(), "format": if xlsx { "xlsx" } else { "csv" },
    });
    record(
        &state,
        &user,
        "export.figures",
        &format!("source:{id}"),
        details,
    )
    .await?;
    Ok(download(mime, &format!("bron-{id}-{file}"), body))
}
