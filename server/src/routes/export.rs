//! `GET /export/vragenlijst/{id}[?formaat=xlsx]`: a version's JSON definition, or an XLSForm
//! workbook, as a download (researchers, admins).

use app::backend::http::Viewer;
use app::backend::{questionnaires, xlsform, AppState};
use app::domain::Role;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;

#[derive(serde::Deserialize)]
pub struct ExportQuery {
    formaat: Option<String>,
}

pub async fn questionnaire(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
    Query(query): Query<ExportQuery>,
) -> Response {
    let Some(user) = viewer.0 else {
        return (StatusCode::UNAUTHORIZED, "Log eerst in / Please log in").into_response();
    };
    if !matches!(user.me.role, Role::Admin | Role::Researcher) {
        return (StatusCode::FORBIDDEN, "Geen toegang / Forbidden").into_response();
    }
    let version = match questionnaires::find(&state.db, id).await {
        Ok(Some(version)) => version,
        Ok(None) => return (StatusCode::NOT_FOUND, "Niet gevonden / Not found").into_response(),
        Err(error) => return failed(&error.to_string()),
    };
    let xlsx = query.formaat.as_deref() == Some("xlsx");
    let body = if xlsx {
        xlsform::export(&version.definition, Some(version.number)).map_err(|e| e.to_string())
    } else {
        serde_json::to_vec_pretty(&version.definition).map_err(|e| e.to_string())
    };
    let (mime, ext) = if xlsx {
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        ("application/json", "json")
    };
    match body {
        Ok(bytes) => {
            let disposition = format!(
                "attachment; filename=\"{}-v{}.{ext}\"",
                version.key, version.number
            );
            (
                [
                    (header::CONTENT_TYPE, mime.to_owned()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Err(error) => failed(&error),
    }
}

fn failed(error: &str) -> Response {
    tracing::error!(error, "questionnaire export failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}
