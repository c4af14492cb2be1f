//! Downloads. `GET /export/vragenlijst/{id}[?formaat=xlsx]`: a version's JSON definition, or an XLSForm
//! workbook, as a download (researchers, admins).

use anyhow::Context;
use app::backend::middleware::Viewer;
use app::backend::{questionnaires, xlsform, AppState};
use app::domain::Role;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use super::error::{allowed, RouteError};

#[derive(serde::Deserialize)]
pub struct ExportQuery {
    formaat: Option<String>,
}

pub async fn questionnaire(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, RouteError> {
    let user = allowed(viewer, Role::RESEARCH)?;
    let version = questionnaires::find(&state.db, id)
        .await
        .with_context(|| format!("read version {id}"))?
        .ok_or(RouteError::NotFound)?;
    let xlsx = query.formaat.as_deref() == Some("xlsx");
    let body = if xlsx {
        xlsform::export(&version.definition, Some(version.number)).context("write XLSForm")?
    } else {
        serde_json::to_vec_pretty(&version.definition).context("write definition")?
    };
    let (mime, ext) = if xlsx {
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        ("application/json", "json")
    };
    record(
        &state,
        &user,
        "export.questionnaire",
        &format!("version:{id}"),
        serde_json::json!({ "format": ext }),
    )
    .await?;
    let name = format!("{}-v{}.{ext}", version.key, version.number);
    Ok(download(mime, &name, body))
}

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

/// `GET /export/gebruiker/{id}/gegevens.json`: everything stored about an account, for a
/// person's request to see their data (admins); recorded as `user.export`.
pub async fn personal_data(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i32>,
) -> Result<Response, RouteError> {
    let user = allowed(viewer, Role::ADMINS)?;
    let data = app::backend::erasure::export(&state.db, id)
        .await?
        .ok_or(RouteError::NotFound)?;
    record(
        &state,
        &user,
        "user.export",
        &format!("user:{id}"),
        serde_json::json!({}),
    )
    .await?;
    let bytes = serde_json::to_vec_pretty(&data).context("write personal data")?;
    Ok(download(
        "application/json",
        &format!("gebruiker-{id}-gegevens.json"),
        bytes,
    ))
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

/// `GET /export/bron/{id}/cijfers.csv` and `…/cijfers.xlsx`: every student figure over a
/// source's snapshots (year, breakdown, group, indicator, n, share, interval, suppressed), with
/// the same suppression as the report, for researchers and admins; the workbook adds a codebook.
/// Recorded in the audit log.
pub async fn figures(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((id, file)): Path<(i32, String)>,
) -> Result<Response, RouteError> {
    use app::backend::entities::data_source;
    use app::backend::{exports, sources};
    use app::domain::aggregate::figures_csv;
    use app::domain::aggregate::snapshot::SnapshotStatus;
    use sea_orm::EntityTrait;
    let user = allowed(viewer, Role::RESEARCH)?;
    let xlsx = match file.as_str() {
        "cijfers.csv" => false,
        "cijfers.xlsx" => true,
        _ => return Err(RouteError::NotFound),
    };
    let source = data_source::Entity::find_by_id(id)
        .one(&state.db)
        .await
        .with_context(|| format!("read source {id}"))?
        .ok_or(RouteError::NotFound)?;
    let snapshots: Vec<_> = sources::snapshots(&state.db, id)
        .await?
        .into_iter()
        .filter(|s| s.status == SnapshotStatus::InUse)
        .collect();
    if snapshots.is_empty() {
        return Err(RouteError::NotFound);
    }
    let ids: Vec<i32> = snapshots.iter().map(|s| s.id).collect();
    let settings = &state.settings;
    let figures = sources::figures(
        &state.db,
        &ids,
        settings.thresholds,
        &Default::default(),
        settings.figures,
    )
    .await?;
    let (mime, body) = if xlsx {
        let bytes =
            exports::figures_workbook(&source.name, &snapshots, settings.thresholds, &figures)
                .context("write figures workbook")?;
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes,
        )
    } else {
        (
            "text/csv; charset=utf-8",
            figures_csv(&figures).into_bytes(),
        )
    };
    let details = serde_json::json!({
        "source": id, "snapshots": ids, "rows": figures.len(), "format": if xlsx { "xlsx" } else { "csv" },
    });
    record(
        &state,
        &user,
        "export.figures",
        &format!("source:{id}"),
        details,
    )
    .await?;
    Ok(download(mime, &format!("bron-{id}-{file}"), body))
}
