//! Downloads. `GET /export/vragenlijst/{id}[?formaat=xlsx]`: a version's JSON definition, or an XLSForm
//! workbook, as a download (researchers, admins).

use app::backend::middleware::Viewer;
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
    let user = match allowed(viewer, Role::RESEARCH) {
        Ok(user) => user,
        Err(refused) => return refused.into_response(),
    };
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
    let logged = record(
        &state,
        &user,
        "export.questionnaire",
        &format!("version:{id}"),
        serde_json::json!({ "format": ext }),
    )
    .await;
    if let Err(response) = logged {
        return response;
    }
    match body {
        Ok(bytes) => {
            let name = format!("{}-v{}.{ext}", version.key, version.number);
            download(mime, &name, bytes)
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

/// `GET /export/auditlog.csv?actie=&wie=&object=&van=&tot=`: every audit entry matching the
/// filter of the audit page, oldest last, as CSV (admins); the export itself is recorded.
pub async fn audit_log(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(filter): Query<app::backend::audit::Filter>,
) -> Response {
    use app::backend::audit::{search, SearchError};
    let user = match allowed(viewer, Role::ADMINS) {
        Ok(user) => user,
        Err(refused) => return refused.into_response(),
    };
    let rows = match search(&state.db, &filter, None).await {
        Ok(rows) => rows,
        Err(SearchError::Date(field)) => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{field}: geef een datum als JJJJ-MM-DD / give a date as YYYY-MM-DD"),
            )
                .into_response()
        }
        Err(error) => return failed(&format!("{error:#}")),
    };
    let details = serde_json::json!({
        "rows": rows.len(), "action": filter.action, "actor": filter.actor,
        "target": filter.target, "from": filter.from, "to": filter.to,
    });
    if let Err(response) = record(&state, &user, "export.audit", "audit_log", details).await {
        return response;
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut result = out.write_record(["id", "at", "actor", "action", "target", "details", "ip"]);
    for r in &rows {
        if result.is_err() {
            break;
        }
        result = out.write_record(as_text([
            r.id.to_string(),
            r.at.to_rfc3339(),
            r.actor_email.clone(),
            r.action.clone(),
            r.target.clone(),
            r.details.clone(),
            r.ip.clone().unwrap_or_default(),
        ]));
    }
    match result
        .map_err(|e| e.to_string())
        .and_then(|_| out.into_inner().map_err(|e| e.to_string()))
    {
        Ok(bytes) => download("text/csv; charset=utf-8", "auditlog.csv", bytes),
        Err(error) => failed(&error),
    }
}

/// `GET /export/gebruiker/{id}/gegevens.json`: everything stored about an account, for a
/// person's request to see their data (admins); recorded as `user.export`.
pub async fn personal_data(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
) -> Response {
    let user = match allowed(viewer, Role::ADMINS) {
        Ok(user) => user,
        Err(refused) => return refused.into_response(),
    };
    let data = match app::backend::erasure::export(&state.db, id).await {
        Ok(Some(data)) => data,
        Ok(None) => return (StatusCode::NOT_FOUND, "Niet gevonden / Not found").into_response(),
        Err(error) => return failed(&format!("{error:#}")),
    };
    let logged = record(
        &state,
        &user,
        "user.export",
        &format!("user:{id}"),
        serde_json::json!({}),
    )
    .await;
    if let Err(response) = logged {
        return response;
    }
    match serde_json::to_vec_pretty(&data) {
        Ok(bytes) => download(
            "application/json",
            &format!("gebruiker-{id}-gegevens.json"),
            bytes,
        ),
        Err(error) => failed(&error.to_string()),
    }
}

/// Records an export in the audit log; the failure response when that fails (no record, no
/// download).
async fn record(
    state: &AppState,
    user: &app::backend::auth::CurrentUser,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> Result<(), Response> {
    let actor = app::backend::audit::Actor::user(user, None);
    app::backend::audit::record(&state.db, &actor, action, target, details)
        .await
        .map_err(|error| failed(&format!("{error:#}")))
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

fn failed(error: &str) -> Response {
    tracing::error!(error, "export failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

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
) -> Response {
    if query.bijzonder.is_some() || query.reden.is_some() {
        return (StatusCode::METHOD_NOT_ALLOWED, MARKED_BY_FORM).into_response();
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
        _ => (StatusCode::NOT_FOUND, "Niet gevonden / Not found").into_response(),
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
) -> Response {
    match file.as_str() {
        "antwoorden.csv" | "codeboek.json" | "antwoorden.sps" => {
            answers(state, viewer, ip.map(|Extension(ip)| ip.0), id, &file, form).await
        }
        _ => (StatusCode::NOT_FOUND, "Niet gevonden / Not found").into_response(),
    }
}

/// A round's submitted answers for analysis: only applicable answers, in the keys of the
/// questionnaire's newest published version (through the concordance), one row per institution
/// under its pseudonym; with its codebook and SPSS syntax. Items marked special-category or
/// identifying only with `?bijzonder=1&reden=…` and that access. Recorded in the audit log.
async fn answers(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    ip: Option<String>,
    id: i32,
    file: &str,
    query: MarkedQuery,
) -> Response {
    use app::backend::raw_answers::{self, RawError};
    use app::domain::response::codebook;
    let user = match allowed(viewer, Role::RESEARCH) {
        Ok(user) => user,
        Err(refused) => return refused.into_response(),
    };
    let actor = app::backend::audit::Actor::user(&user, ip);
    let request = raw_answers::Request {
        marked_reason: query.marked_reason(),
        format: file.to_owned(),
    };
    let data = match raw_answers::export(&state.db, &actor, user.me.id, id, &request).await {
        Ok(data) => data,
        Err(RawError::NotFound) => {
            return (StatusCode::NOT_FOUND, "Niet gevonden / Not found").into_response()
        }
        Err(RawError::NoAccess) => {
            return (StatusCode::FORBIDDEN, NO_MARKED_ACCESS).into_response()
        }
        Err(RawError::Reason) => {
            return (StatusCode::UNPROCESSABLE_ENTITY, MARKED_REASON).into_response()
        }
        Err(RawError::Other(error)) => return failed(&format!("{error:#}")),
    };
    let (mime, body) = match file {
        "antwoorden.csv" => {
            let mut out = csv::Writer::from_writer(Vec::new());
            let mut result = out.write_record(data.header());
            for row in &data.rows {
                if result.is_err() {
                    break;
                }
                let values = [
                    row.year.to_string(),
                    row.pseudonym.clone(),
                    row.kind.clone(),
                ]
                .into_iter()
                .chain(row.values.iter().cloned());
                result = out.write_record(as_text(values));
            }
            match result
                .map_err(|e| e.to_string())
                .and_then(|_| out.into_inner().map_err(|e| e.to_string()))
            {
                Ok(bytes) => ("text/csv; charset=utf-8", bytes),
                Err(error) => return failed(&error),
            }
        }
        "codeboek.json" => match serde_json::to_vec_pretty(&data.codebook()) {
            Ok(bytes) => ("application/json", bytes),
            Err(error) => return failed(&error.to_string()),
        },
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
    download(mime, &format!("ronde-{id}-{file}"), body)
}

/// Refusals of an export with marked items (Dutch first: they show in the browser).
pub const NO_MARKED_ACCESS: &str = "Bijzondere en identificerende vragen mag alleen een onderzoeker met die toegang exporteren; vraag een beheerder. / Only a researcher with that access may export special-category and identifying items.";
pub const MARKED_REASON: &str = "Geef een reden van minstens 10 tekens voor een export met bijzondere of identificerende vragen. / Give a reason of at least 10 characters for an export with special-category or identifying items.";

pub const MARKED_BY_FORM: &str = "Een export met bijzondere of identificerende vragen gaat via het formulier op de analysepagina. / An export with special-category or identifying items is made through the form on the analysis page.";

/// `bijzonder=1&reden=…` (posted): include the marked items, for this reason.
#[derive(serde::Deserialize, Default)]
pub struct MarkedQuery {
    bijzonder: Option<String>,
    reden: Option<String>,
}

impl MarkedQuery {
    fn marked_reason(&self) -> Option<String> {
        matches!(self.bijzonder.as_deref(), Some("1" | "ja" | "true" | "on"))
            .then(|| self.reden.clone().unwrap_or_default())
    }
}

/// A round's recipients with what happened to each, as a Dutch CSV (semicolons, UTF-8 with
/// BOM) for admins.
async fn recipients(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    id: i32,
) -> Response {
    let user = match allowed(viewer, Role::ADMINS) {
        Ok(user) => user,
        Err(refused) => return refused.into_response(),
    };
    let rows = match app::backend::mail::invitations::statuses(&state.db, id).await {
        Ok(rows) => app::api::mail::recipient_views(rows),
        Err(error) => return failed(&format!("{error:#}")),
    };
    let details = serde_json::json!({ "rows": rows.len() });
    if let Err(response) = record(
        &state,
        &user,
        "export.recipients",
        &format!("round:{id}"),
        details,
    )
    .await
    {
        return response;
    }
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
        result = out.write_record(as_text([
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
        ]));
    }
    match result
        .map_err(|e| e.to_string())
        .and_then(|_| out.into_inner().map_err(|e| e.to_string()))
    {
        Ok(bytes) => download(
            "text/csv; charset=utf-8",
            &format!("ronde-{id}-ontvangers.csv"),
            bytes,
        ),
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
    use app::backend::{exports, sources};
    use app::domain::aggregate::figures_csv;
    use sea_orm::EntityTrait;
    let user = match allowed(viewer, Role::RESEARCH) {
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
    let in_use = sources::snapshots(&state.db, id).await.map(|list| {
        list.into_iter()
            .filter(|s| s.status == app::domain::aggregate::snapshot::SnapshotStatus::InUse)
            .collect::<Vec<_>>()
    });
    let snapshots = match in_use {
        Ok(list) if !list.is_empty() => list,
        Ok(_) => return (StatusCode::NOT_FOUND, "Niet gevonden / Not found").into_response(),
        Err(error) => return failed(&format!("{error:#}")),
    };
    let ids: Vec<i32> = snapshots.iter().map(|s| s.id).collect();
    let figures = match sources::figures(
        &state.db,
        &ids,
        state.settings.thresholds,
        &Default::default(),
        state.settings.figures,
    )
    .await
    {
        Ok(figures) => figures,
        Err(error) => return failed(&format!("{error:#}")),
    };
    let (mime, body) = if xlsx {
        match exports::figures_workbook(
            &source.name,
            &snapshots,
            state.settings.thresholds,
            &figures,
        ) {
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
    let details = serde_json::json!({
        "source": id, "snapshots": ids, "rows": figures.len(), "format": if xlsx { "xlsx" } else { "csv" },
    });
    if let Err(response) = record(
        &state,
        &user,
        "export.figures",
        &format!("source:{id}"),
        details,
    )
    .await
    {
        return response;
    }
    download(mime, &format!("bron-{id}-{file}"), body)
}

/// A CSV row as a spreadsheet must show it: no field is read as a formula (see
/// [`app::domain::csv::spreadsheet_text`]).
fn as_text(fields: impl IntoIterator<Item = String>) -> impl Iterator<Item = String> {
    fields
        .into_iter()
        .map(|field| app::domain::csv::spreadsheet_text(&field).into_owned())
}
