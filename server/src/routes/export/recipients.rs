//! Per recipient what happened to their mail, as CSV.

use app::backend::middleware::Viewer;
use app::backend::AppState;
use app::domain::Role;
use axum::extract::State;
use axum::response::Response;
use axum::Extension;

use super::{csv_bytes, download, record};
use crate::routes::error::{allowed, RouteError};

/// A round's recipients with what happened to each, as a Dutch CSV (semicolons, UTF-8 with
/// BOM) for admins.
pub(super) async fn recipients(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    id: i32,
) -> Result<Response, RouteError> {
    let user = allowed(viewer, Role::ADMINS)?;
    let rows = app::api::mail::recipient_views(
        app::backend::mail::invitations::statuses(&state.db, id).await?,
    );
    let details = serde_json::json!({ "rows": rows.len() });
    record(
        &state,
        &user,
        "export.recipients",
        &format!("round:{id}"),
        details,
    )
    .await?;
    let out = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xef\xbb\xbf".to_vec());
    let header = [
        "instellingscode",
        "instelling",
        "naam",
        "e-mail",
        "taal",
        "stand",
        "uitgenodigd",
        "verstuurd",
        "fout",
        "herinneringen",
        "laatste herinnering",
        "link geopend",
        "ingediend",
    ]
    .map(String::from);
    let opt = |v: Option<String>| v.unwrap_or_default();
    let rows = rows.into_iter().map(|r| {
        [
            r.code,
            r.institution,
            r.name,
            r.email,
            r.language,
            r.stage,
            opt(r.invited_at),
            opt(r.sent_at),
            opt(r.error),
            r.reminders.to_string(),
            opt(r.last_reminder_at),
            opt(r.opened_at),
            opt(r.submitted_at),
        ]
    });
    Ok(download(
        "text/csv; charset=utf-8",
        &format!("ronde-{id}-ontvangers.csv"),
        csv_bytes(out, header, rows)?,
    ))
}
