//! Downloads. `GET /export/vragenlijst/{id}[?formaat=xlsx]`: a version's JSON definition, or an XLSForm
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
    if let Err(refused) = allowed(viewer, &[Role::Admin, Role::Researcher]) {
        return refused.into_response();
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

/// The logged-in user when their role is one of `roles`; otherwise the refusal (401, 403).
fn allowed(
    viewer: Viewer,
    roles: &[Role],
) -> Result<app::backend::auth::CurrentUser, (StatusCode, &'static str)> {
    let Some(user) = viewer.0 else {
        return Err((StatusCode::UNAUTHORIZED, "Log eerst in / Please log in"));
    };
    if !roles.contains(&user.me.role) {
        return Err((StatusCode::FORBIDDEN, "Geen toegang / Forbidden"));
    }
    Ok(user)
}

fn failed(error: &str) -> Response {
    tracing::error!(error, "export failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// `GET /export/ronde/{id}/ontvangers.csv`: a round's recipients with what happened to each, as
/// a Dutch CSV (semicolons, UTF-8 with BOM) for admins.
pub async fn recipients(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
) -> Response {
    if let Err(refused) = allowed(viewer, &[Role::Admin]) {
        return refused.into_response();
    }
    let rows = match app::backend::mail::invitations::statuses(&state.db, id).await {
        Ok(rows) => app::api::mail::recipient_views(rows),
        Err(error) => return failed(&format!("{error:#}")),
    };
    let mut out = csv::WriterBuilder::new()
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
    ];
    let mut result = out.write_record(header);
    for r in rows {
        if result.is_err() {
            break;
        }
        let opt = |v: Option<String>| v.unwrap_or_default();
        result = out.write_record([
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
        ]);
    }
    match result
        .map_err(|e| e.to_string())
        .and_then(|_| out.into_inner().map_err(|e| e.to_string()))
    {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"ronde-{id}-ontvangers.csv\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => failed(&error),
    }
}

/// `GET /export/bron/{id}/cijfers.csv` and `…/cijfers.xlsx`: every student figure over a
/// source's snapshots (year, breakdown, group, indicator, n, share, interval, suppressed), with
/// the same suppression as the report, for researchers and admins; the workbook adds a codebook.
/// Recorded in the audit log.
pub async fn figures(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((id, file)): Path<(i32, String)>,
) -> Response {
    use app::backend::entities::data_source;
    use app::backend::{audit, exports, sources};
    use app::domain::aggregate::{figures_csv, MIN_N_SHARES};
    use sea_orm::EntityTrait;
    let user = match allowed(viewer, &[Role::Admin, Role::Researcher]) {
        Ok(user) => user,
        Err(refused) => return refused.into_response(),
    };
    let xlsx = match file.as_str() {
        "cijfers.csv" => false,
        "cijfers.xlsx" => true,
        _ => return (StatusCode::NOT_FOUND, "Niet gevonden / Not found").into_response(),
    };
    let source = match data_source::Entity::find_by_id(id).one(&state.db).await {
        Ok(Some(source)) => source,
        Ok(None) => return (StatusCode::NOT_FOUND, "Niet gevonden / Not found").into_response(),
        Err(error) => return failed(&format!("{error:#}")),
    };
    let snapshots = match sources::snapshots(&state.db, id).await {
        Ok(list) if !list.is_empty() => list,
        Ok(_) => return (StatusCode::NOT_FOUND, "Niet gevonden / Not found").into_response(),
        Err(error) => return failed(&format!("{error:#}")),
    };
    let ids: Vec<i32> = snapshots.iter().map(|s| s.id).collect();
    let figures = match sources::figures(&state.db, &ids, MIN_N_SHARES, &Default::default()).await {
        Ok(figures) => figures,
        Err(error) => return failed(&format!("{error:#}")),
    };
    let (mime, body) = if xlsx {
        match exports::figures_workbook(&source.name, &snapshots, MIN_N_SHARES, &figures) {
            Ok(bytes) => (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes,
            ),
            Err(error) => return failed(&error.to_string()),
        }
    } else {
        (
            "text/csv; charset=utf-8",
            figures_csv(&figures).into_bytes(),
        )
    };
    let actor = audit::Actor::user(&user, None);
    let details = serde_json::json!({
        "source": id, "snapshots": ids, "rows": figures.len(), "format": if xlsx { "xlsx" } else { "csv" },
    });
    if let Err(error) = audit::record(
        &state.db,
        &actor,
        "export.figures",
        &format!("source:{id}"),
        details,
    )
    .await
    {
        return failed(&format!("{error:#}"));
    }
    (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"bron-{id}-{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}
