//! A round's answers as one file, with or without the marked answers.

use app::backend::middleware::Viewer;
use app::backend::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;

use super::{answers, recipients, MarkedQuery, MARKED_BY_FORM};
use crate::routes::error::RouteError;

/// `GET /export/ronde/{id}/{file}`: `ontvangers.csv` (admins), or the round's submitted
/// answers as `antwoorden.csv`, `codeboek.json` or `antwoorden.sps` (researchers, admins),
/// without the marked items. Those come only by `POST` ([`round_file_marked`]): a reason in a
/// link could be chosen by another site.
pub async fn round_file(
    state: State<AppState>,
    viewer: Extension<Viewer>,
    ip: Option<Extension<app::backend::middleware::ClientIp>>,
    Path((id, file)): Path<(i32, String)>,
    Query(query): Query<MarkedQuery>,
) -> Result<Response, RouteError> {
    if query.bijzonder.is_some() || query.reden.is_some() {
        return Err(RouteError::refused(
            StatusCode::METHOD_NOT_ALLOWED,
            MARKED_BY_FORM,
        ));
    }
    match file.as_str() {
        "ontvangers.csv" => recipients(state, viewer, id).await,
        "antwoorden.csv" | "codeboek.json" | "antwoorden.sps" => {
            answers(
                state,
                viewer,
                ip.map(|Extension(ip)| ip.0),
                id,
                &file,
                query,
            )
            .await
        }
        _ => Err(RouteError::NotFound),
    }
}

/// `POST /export/ronde/{id}/antwoorden.csv` with `bijzonder=1&reden=…` (a form on the analysis
/// page): the answers with the items marked special-category or identifying, for researchers
/// with that access. A cross-site post is refused before it gets here.
pub async fn round_file_marked(
    state: State<AppState>,
    viewer: Extension<Viewer>,
    ip: Option<Extension<app::backend::middleware::ClientIp>>,
    Path((id, file)): Path<(i32, String)>,
    axum::Form(form): axum::Form<MarkedQuery>,
) -> Result<Response, RouteError> {
    match file.as_str() {
        "antwoorden.csv" | "codeboek.json" | "antwoorden.sps" => {
            answers(state, viewer, ip.map(|Extension(ip)| ip.0), id, &file, form).await
        }
        _ => Err(RouteError::NotFound),
    }
}
