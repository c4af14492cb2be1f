//! The answers export and its reasoned access to marked answers.

use anyhow::Context;
use app::backend::middleware::Viewer;
use app::backend::AppState;
use app::domain::Role;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;

use super::{csv_bytes, download};
use crate::routes::error::{allowed, RouteError};

/// A round's submitted answers for analysis: only applicable answers, in the keys of the
/// questionnaire's newest published version (through the concordance), one row per institution
/// under its pseudonym; with its codebook and SPSS syntax. Items marked special-category or
/// identifying only with `?bijzonder=1&reden=…` and that access. Recorded in the audit log.
pub(super) async fn answers(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    ip: Option<String>,
    id: i32,
    file: &str,
    query: MarkedQuery,
) -> Result<Response, RouteError> {
    use app::backend::raw_answers::{self, RawError};
    use app::domain::response::codebook;
    let user = allowed(viewer, Role::RESEARCH)?;
    let actor = app::backend::audit::Actor::user(&user, ip);
    let request = raw_answers::Request {
        marked_reason: query.marked_reason(),
        format: file.to_owned(),
    };
    let data = match raw_answers::export(&state.db, &actor, user.me.id, id, &request).await {
        Ok(data) => data,
        Err(RawError::NotFound) => return Err(RouteError::NotFound),
        Err(RawError::NoAccess) => {
            return Err(RouteError::refused(StatusCode::FORBIDDEN, NO_MARKED_ACCESS))
        }
        Err(RawError::Reason) => {
            return Err(RouteError::refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                MARKED_REASON,
            ))
        }
        Err(RawError::Other(error)) => return Err(error.into()),
    };
    let (mime, body) = match file {
        "antwoorden.csv" => {
            let rows = data.rows.iter().map(|row| {
                [
                    row.year.to_string(),
                    row.pseudonym.clone(),
                    row.kind.clone(),
                ]
                .into_iter()
                .chain(row.values.iter().cloned())
            });
            let out = csv::WriterBuilder::new().from_writer(Vec::new());
            (
                "text/csv; charset=utf-8",
                csv_bytes(out, data.header(), rows)?,
            )
        }
        "codeboek.json" => (
            "application/json",
            serde_json::to_vec_pretty(&data.codebook()).context("write codebook")?,
        ),
        _ => (
            "text/plain; charset=utf-8",
            codebook::spss_syntax(
                &format!("ronde-{id}-antwoorden.csv"),
                &raw_answers::FIXED,
                &data.columns,
            )
            .into_bytes(),
        ),
    };
    Ok(download(mime, &format!("ronde-{id}-{file}"), body))
}

/// Refusals of an export with marked items (Dutch first: they show in the browser).
pub const NO_MARKED_ACCESS: &str = "Bijzondere en identificerende vragen mag alleen een onderzoeker met die toegang exporteren; vraag een beheerder. / Only a researcher with that access may export special-category and identifying items.";

pub const MARKED_REASON: &str = "Geef een reden van minstens 10 tekens voor een export met bijzondere of identificerende vragen. / Give a reason of at least 10 characters for an export with special-category or identifying items.";

pub const MARKED_BY_FORM: &str = "Een export met bijzondere of identificerende vragen gaat via het formulier op de analysepagina. / An export with special-category or identifying items is made through the form on the analysis page.";

/// `bijzonder=1&reden=…` (posted): include the marked items, for this reason.
#[derive(serde::Deserialize, Default)]
pub struct MarkedQuery {
    pub(super) bijzonder: Option<String>,
    pub(super) reden: Option<String>,
}

impl MarkedQuery {
    pub(super) fn marked_reason(&self) -> Option<String> {
        matches!(self.bijzonder.as_deref(), Some("1" | "ja" | "true" | "on"))
            .then(|| self.reden.clone().unwrap_or_default())
    }
}
