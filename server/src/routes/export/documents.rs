//! A questionnaire version's file and a person's personal data.

use anyhow::Context;
use app::backend::middleware::Viewer;
use app::backend::{questionnaires, xlsform, AppState};
use app::domain::Role;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Extension;

use super::{download, record, ExportQuery};
use crate::routes::error::{allowed, RouteError};

pub async fn questionnaire(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, RouteError> {
    let user = allowed(viewer, Role::RESEARCH)?;
    let version = questionnaires::find(&state.db, id)
        .await
        .with_context(|| format!("read version {id}"))?
        .ok_or(RouteError::NotFound)?;
    let xlsx = query.formaat.as_deref() == Some("xlsx");
    let body = if xlsx {
        xlsform::export(&version.definition, Some(version.number)).context("write XLSForm")?
    } else {
        serde_json::to_vec_pretty(&version.definition).context("write definition")?
    };
    let (mime, ext) = if xlsx {
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        ("application/json", "json")
    };
    record(
        &state,
        &user,
        "export.questionnaire",
        &format!("version:{id}"),
        serde_json::json!({ "format": ext }),
    )
    .await?;
    let name = format!("{}-v{}.{ext}", version.key, version.number);
    Ok(download(mime, &name, body))
}

/// `GET /export/gebruiker/{id}/gegevens.json`: everything stored about an account, for a
/// person's request to see their data (admins); recorded as `user.export`.
pub async fn personal_data(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
) -> Result<Response, RouteError> {
    let user = allowed(viewer, Role::ADMINS)?;
    let data = app::backend::erasure::export(&state.db, id)
        .await?
        .ok_or(RouteError::NotFound)?;
    record(
        &state,
        &user,
        "user.export",
        &format!("user:{id}"),
        serde_json::json!({}),
    )
    .await?;
    let bytes = serde_json::to_vec_pretty(&data).context("write personal data")?;
    Ok(download(
        "application/json",
        &format!("gebruiker-{id}-gegevens.json"),
        bytes,
    ))
}
