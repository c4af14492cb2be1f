//! PDF copies: `GET /vragenlijst/{id}/kopie.pdf[?taal=en][&blanco=1]` (the response's copy, or a
//! blank one of its version: whoever may read the response) and
//! `GET /instellingen/{code}/feitenblad.pdf[?taal=en]` (the fact sheet: whoever may see it).
//! Each download is recorded in the audit log, as every export is.

use app::backend::middleware::Viewer;
use app::backend::{responses, AppState};
use app::i18n::Lang;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;

use super::error::RouteError;

#[derive(serde::Deserialize)]
pub struct CopyQuery {
    taal: Option<String>,
    blanco: Option<String>,
}

impl CopyQuery {
    fn lang(&self, headers: &axum::http::HeaderMap) -> Lang {
        match self.taal.as_deref() {
            Some(code) => Lang::from_code(code),
            None => super::survey::lang_of(headers),
        }
    }
}

pub async fn response_copy(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
    Query(query): Query<CopyQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Response, RouteError> {
    let user = viewer.0.ok_or(RouteError::Unauthenticated)?;
    let ctx = responses::open(&state, &user, id, false).await?;
    let blank = query.blanco.is_some();
    let lang = query.lang(&headers);
    let bytes = responses::pdf_copy(&state.db, &ctx, blank, lang, None).await?;
    let details = serde_json::json!({ "blank": blank, "language": lang.code() });
    super::export::record(
        &state,
        &user,
        "export.copy",
        &format!("response:{id}"),
        details,
    )
    .await?;
    let name = format!(
        "{}-{}-{}{}.pdf",
        lang.pick("vragenlijst", "questionnaire"),
        ctx.institution.code,
        ctx.round.year,
        if blank {
            lang.pick("-blanco", "-blank")
        } else {
            ""
        }
    );
    Ok(pdf(&name, bytes))
}

pub async fn fact_sheet(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(code): Path<String>,
    Query(query): Query<CopyQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Response, RouteError> {
    let user = viewer.0.ok_or(RouteError::Unauthenticated)?;
    let lang = query.lang(&headers);
    let sheet = app::api::analysis::fact_sheet_of(&state, &user, &code, lang).await?;
    let bytes = app::backend::pdf::fact_sheet(&sheet, lang)?;
    let details = serde_json::json!({ "language": lang.code() });
    let target = format!("institution:{}", sheet.code);
    super::export::record(&state, &user, "export.fact_sheet", &target, details).await?;
    let name = format!(
        "{}-{}.pdf",
        lang.pick("feitenblad", "fact-sheet"),
        sheet.code
    );
    Ok(pdf(&name, bytes))
}

/// A PDF to download.
fn pdf(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}
