//! The audit log as CSV.

use app::backend::middleware::Viewer;
use app::backend::AppState;
use app::domain::Role;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;

use super::{csv_bytes, download, record};
use crate::routes::error::{allowed, RouteError};

/// `GET /export/auditlog.csv?actie=&wie=&object=&van=&tot=`: every audit entry matching the
/// filter of the audit page, oldest last, as CSV (admins); the export itself is recorded.
pub async fn audit_log(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(filter): Query<app::backend::audit::Filter>,
) -> Result<Response, RouteError> {
    use app::backend::audit::{search, SearchError};
    let user = allowed(viewer, Role::ADMINS)?;
    let rows = match search(&state.db, &filter, None).await {
        Ok(rows) => rows,
        Err(SearchError::Date(field)) => {
            return Err(RouteError::Refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{field}: geef een datum als JJJJ-MM-DD / give a date as YYYY-MM-DD")
                    .into(),
            ))
        }
        Err(error) => {
            return Err(anyhow::Error::from(error)
                .context("search the audit log")
                .into())
        }
    };
    let details = serde_json::json!({
        "rows": rows.len(), "action": filter.action, "actor": filter.actor,
        "target": filter.target, "from": filter.from, "to": filter.to,
    });
    record(&state, &user, "export.audit", "audit_log", details).await?;
    let header = ["id", "at", "actor", "action", "target", "details", "ip"].map(String::from);
    let bytes = csv_bytes(
        csv::WriterBuilder::new().from_writer(Vec::new()),
        header,
        rows.iter().map(|r| {
            [
                r.id.to_string(),
                r.at.to_rfc3339(),
                r.actor_email.clone(),
                r.action.clone(),
                r.target.clone(),
                r.details.clone(),
                r.ip.clone().unwrap_or_default(),
            ]
        }),
    )?;
    Ok(download("text/csv; charset=utf-8", "auditlog.csv", bytes))
}
