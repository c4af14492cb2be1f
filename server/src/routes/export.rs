//! `GET /export/vragenlijst/{id}`: a version's JSON definition as a download (researchers, admins).

use app::backend::http::Viewer;
use app::backend::{questionnaires, AppState};
use app::domain::Role;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;

pub async fn questionnaire(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
) -> Response {
    let Some(user) = viewer.0 else {
        return (StatusCode::UNAUTHORIZED, "Log eerst in / Please log in").into_response();
    };
    if !matches!(user.me.role, Role::Admin | Role::Researcher) {
        return (StatusCode::FORBIDDEN, "Geen toegang / Forbidden").into_response();
    }
    match questionnaires::find(&state.db, id).await {
        Ok(Some(version)) => match serde_json::to_string_pretty(&version.definition) {
            Ok(json) => {
                let disposition = format!(
                    "attachment; filename=\"{}-v{}.json\"",
                    version.key, version.number
                );
                (
                    [
                        (header::CONTENT_TYPE, "application/json".to_owned()),
                        (header::CONTENT_DISPOSITION, disposition),
                    ],
                    json,
                )
                    .into_response()
            }
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        Ok(None) => (StatusCode::NOT_FOUND, "Niet gevonden / Not found").into_response(),
        Err(error) => {
            tracing::error!(error = %error, "export failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
