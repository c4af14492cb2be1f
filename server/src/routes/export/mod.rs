//! Downloads. `GET /export/vragenlijst/{id}[?formaat=xlsx]`: a version's JSON definition, or an XLSForm
//! workbook, as a download (researchers, admins).

mod answers;
mod audit;
mod documents;
mod figures;
mod recipients;
mod round_file;

use anyhow::Context;
use app::backend::AppState;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use answers::answers;
use recipients::recipients;

pub use answers::{MarkedQuery, MARKED_BY_FORM, MARKED_REASON, NO_MARKED_ACCESS};
pub use audit::audit_log;
pub use documents::{personal_data, questionnaire};
pub use figures::figures;
pub use round_file::{round_file, round_file_marked};

#[derive(serde::Deserialize)]
pub struct ExportQuery {
    formaat: Option<String>,
}

/// Records an export in the audit log: when that fails, nothing is downloaded.
pub(super) async fn record(
    state: &AppState,
    user: &app::backend::auth::CurrentUser,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> anyhow::Result<()> {
    let actor = app::backend::audit::Actor::user(user, None);
    app::backend::audit::record(&state.db, &actor, action, target, details)
        .await
        .with_context(|| format!("record {action} of {target} by user {}", user.me.id))
}

/// A file to download: its type, its name, its bytes.
fn download(mime: &str, name: &str, body: impl Into<axum::body::Body>) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body.into(),
    )
        .into_response()
}

/// A CSV file: the header, then the rows, each field as a spreadsheet must show it (no field is
/// read as a formula, see [`app::domain::csv::spreadsheet_text`]).
fn csv_bytes<R: IntoIterator<Item = String>>(
    mut out: csv::Writer<Vec<u8>>,
    header: impl IntoIterator<Item = String>,
    rows: impl IntoIterator<Item = R>,
) -> anyhow::Result<Vec<u8>> {
    let as_text = |fields: R| {
        fields
            .into_iter()
            .map(|field| app::domain::csv::spreadsheet_text(&field).into_owned())
            .collect::<Vec<_>>()
    };
    out.write_record(header).context("write CSV")?;
    for row in rows {
        out.write_record(as_text(row)).context("write CSV")?;
    }
    out.into_inner().context("finish CSV")
}
