//! The aggregation module's reports: sources with their snapshots, and one indicator by one
//! breakdown over a source's snapshots (suppressed and protected as every export is).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::guard;
use super::{ApiError, FactSheetView, UploadOutcome};
#[cfg(feature = "ssr")]
use super::{FactRow, FactSource};
#[cfg(feature = "ssr")]
use crate::backend::{
    audit,
    entities::{response, round},
    institutions,
    source_upload::{self, Stage},
    sources::{self, ReportError, SourceError},
    submitted,
};
#[cfg(feature = "ssr")]
use crate::domain::{
    aggregate::{
        labels,
        mapping::{recode_text, unknown_values},
        Figure,
    },
    response::ResponseStatus,
    InstitutionKind, Role,
};

/// A source with its snapshots, newest year first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceView {
    pub id: i32,
    pub name: String,
    pub kind: String,
    pub snapshots: Vec<SnapshotView>,
}

impl SourceView {
    /// The snapshots the figures come from.
    pub fn in_use(&self) -> impl Iterator<Item = &SnapshotView> {
        self.snapshots
            .iter()
            .filter(|s| s.status == crate::domain::aggregate::snapshot::SnapshotStatus::InUse)
    }
}

/// A snapshot as the source page lists it: who imported it, and who last changed its status,
/// when and why (e-mail addresses; `cli` for the command line).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotView {
    pub id: i32,
    pub year: i32,
    pub rows: i32,
    pub file_name: String,
    pub imported: (String, String),
    pub status: crate::domain::aggregate::snapshot::SnapshotStatus,
    /// (who, when), since the snapshot was imported.
    pub changed: Option<(String, String)>,
    pub reason: Option<String>,
}

/// One cell of a report: a group in a year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    /// The indicator shown (the first of the source's kind when another was asked for).
    #[serde(default)]
    pub indicator: String,
    pub year: i64,
    pub group: String,
    /// Respondents, or (for incidents) the number of incidents; `None` when suppressed.
    pub n: Option<u64>,
    /// Weighted share with its 95% interval; `None` when suppressed or for incidents.
    pub share: Option<(f64, f64, f64)>,
    /// Incidents per 1,000 students; `None` when suppressed or for shares.
    #[serde(default)]
    pub rate: Option<f64>,
    /// Share minus the share of the rest of the country, and whether that difference is
    /// significant at 95% ([`crate::domain::aggregate::Versus`]).
    pub versus_rest: Option<(f64, bool)>,
}

/// Every data source. Researchers and admins.
#[server(prefix = "/api", endpoint = "list_sources")]
pub async fn list_sources() -> Result<Vec<SourceView>, ApiError> {
    let state = guard::state()?;
    guard::require(Role::RESEARCH)?;
    let list = sources::list(&state.db).await?;
    let ids: Vec<i32> = list
        .iter()
        .flat_map(|(_, s)| s.iter().flat_map(|x| [x.imported_by, x.status_by]))
        .flatten()
        .collect();
    let emails = crate::backend::users::emails(&state.db, &ids).await?;
    let who = |id: Option<i32>| {
        id.and_then(|i| emails.get(&i).cloned())
            .unwrap_or_else(|| "cli".to_owned())
    };
    let when = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%d %H:%M").to_string();
    Ok(list
        .into_iter()
        .map(|(s, snapshots)| SourceView {
            id: s.id,
            name: s.name,
            kind: s.kind,
            snapshots: snapshots
                .into_iter()
                .map(|x| SnapshotView {
                    id: x.id,
                    year: x.year,
                    rows: x.rows,
                    imported: (who(x.imported_by), when(x.imported_at)),
                    changed: x
                        .status_at
                        .filter(|at| x.status_reason.is_some() && *at != x.imported_at)
                        .map(|at| (who(x.status_by), when(at))),
                    file_name: x.file_name,
                    status: x.status,
                    reason: x.status_reason,
                })
                .collect(),
        })
        .collect())
}

/// Withdraws the snapshot in use of a source's year, with a reason. Researchers and admins.
#[server(prefix = "/api", endpoint = "withdraw_snapshot")]
pub async fn withdraw_snapshot(source: i32, year: i32, reason: String) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    let actor = audit::Actor::user(&user, guard::client_ip());
    sources::withdraw(&state.db, &actor, source, year, &reason)
        .await
        .map(|_| ())
        .map_err(ApiError::from)
}

/// Brings a superseded or withdrawn snapshot back into use, with a reason; the snapshot in use
/// of its year is superseded. Researchers and admins.
#[server(prefix = "/api", endpoint = "restore_snapshot")]
pub async fn restore_snapshot(source: i32, snapshot: i32, reason: String) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    let actor = audit::Actor::user(&user, guard::client_ip());
    sources::restore(&state.db, &actor, source, snapshot, &reason)
        .await
        .map(|_| ())
        .map_err(ApiError::from)
}

/// The questionnaire items whose submitted answers can group institutions in a report:
/// (breakdown name `q:<key>`, question). Researchers and admins.
#[server(prefix = "/api", endpoint = "report_questions")]
pub async fn report_questions() -> Result<Vec<(String, String)>, ApiError> {
    let state = guard::state()?;
    guard::require(Role::RESEARCH)?;
    let lang = crate::i18n::detect_lang();
    let data = submitted::dataset(&state.db, None).await?;
    Ok(data
        .map(|d| {
            d.grouping_items(lang)
                .into_iter()
                .map(|(k, label)| (format!("{}{k}", submitted::QUESTION_PREFIX), label))
                .collect()
        })
        .unwrap_or_default())
}

/// `indicator` by `breakdown` (crossed with the row breakdown `cross` unless it is empty) over
/// every snapshot of `source`, per year; cells below the configured smallest n and their
/// complements are suppressed. A breakdown `q:<key>` groups the institutions by their
/// coordinators' submitted answer in that year's round. Researchers and admins.
#[server(prefix = "/api", endpoint = "report")]
pub async fn report(
    source: i32,
    indicator: String,
    breakdown: String,
    cross: String,
) -> Result<Vec<ReportRow>, ApiError> {
    let state = guard::state()?;
    guard::require(Role::RESEARCH)?;
    let report = sources::report(
        &state.db,
        source,
        state.settings.thresholds,
        Some(&breakdown),
        Some(&cross),
        state.settings.figures,
    )
    .await;
    let report = match report {
        Ok(report) => report,
        Err(ReportError::NotFound | ReportError::NoSnapshots) => return Err(ApiError::NotFound),
        Err(ReportError::NotCrossable) => {
            return Err(ApiError::invalid(
                "kruising",
                "Kruisen kan alleen met kenmerken van de student, de medewerker of de \
                 opleiding (zoals instelling, sector, niveau, geslacht, leeftijd), niet met \
                 kenmerken van de instelling of bij incidenten.",
                "Only characteristics of the student, staff member or programme (such as \
                 institution, sector, level, gender, age) can be crossed, not those of the \
                 institution, nor incidents.",
            ))
        }
        Err(ReportError::Other(error)) => return Err(ApiError::internal(error)),
    };
    // An indicator of another kind of source (a link, a switched source): its first.
    let offered = report.kind.report_indicators();
    let indicator = if offered.contains(&indicator) {
        indicator
    } else {
        offered.into_iter().next().unwrap_or_default()
    };
    Ok(report
        .figures
        .into_iter()
        .filter(|f| f.indicator == indicator)
        .map(|f| ReportRow {
            share: f.value.zip(f.interval).map(|(s, (l, h))| (s, l, h)),
            rate: f.interval.is_none().then_some(f.value).flatten(),
            versus_rest: f.versus.map(|v| (v.difference, v.differs)),
            indicator: f.indicator,
            year: f.year,
            group: f.group,
            n: f.n,
        })
        .collect())
}

/// Below which n figures are not shown (configuration). Researchers and admins.
#[server(prefix = "/api", endpoint = "report_thresholds")]
pub async fn report_thresholds() -> Result<crate::domain::aggregate::Thresholds, ApiError> {
    let state = guard::state()?;
    guard::require(Role::RESEARCH)?;
    Ok(state.settings.thresholds)
}

/// Registers a source of `kind` (`students`) named `name`. Researchers and admins.
#[server(prefix = "/api", endpoint = "create_source")]
pub async fn create_source(name: String, kind: String) -> Result<i32, ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    if name.trim().is_empty() || name.trim().chars().count() > 100 {
        return Err(ApiError::invalid(
            "name",
            "Geef de bron een naam (hoogstens 100 tekens).",
            "Give the source a name (at most 100 characters).",
        ));
    }
    let actor = audit::Actor::user(&user, guard::client_ip());
    match sources::create(&state.db, &actor, &kind, &name, None).await {
        Ok(id) => Ok(id),
        Err(SourceError::NameTaken) => Err(ApiError::Conflict {
            field: "name".into(),
        }),
        Err(SourceError::UnknownKind(_)) => Err(ApiError::invalid(
            "kind",
            "Kies een soort bron.",
            "Choose a kind of source.",
        )),
        Err(error) => Err(ApiError::internal(error)),
    }
}

/// A canonical variable beside the uploaded file: the column it is read from and its recoding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VariableView {
    pub name: String,
    pub required: bool,
    /// What values it takes.
    pub takes: String,
    /// The file column it is read from; empty when none.
    pub column: String,
    /// `file value = canonical value` per line.
    pub recode: String,
    /// Values of the column that are not allowed as they are and not recoded yet.
    pub unknown: Vec<String>,
}

/// An uploaded file waiting for its mapping, being imported, or imported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UploadView {
    pub source_id: i32,
    pub source_name: String,
    pub kind: crate::domain::aggregate::kinds::SourceKind,
    pub file_name: String,
    pub rows: usize,
    pub header: Vec<String>,
    /// The first rows of the file.
    pub sample: Vec<Vec<String>>,
    pub variables: Vec<VariableView>,
    /// (rows checked, rows, writing) while the import runs.
    pub running: Option<(usize, usize, bool)>,
    pub outcome: Option<UploadOutcome>,
}

/// The upload behind `token` (only for the user who uploaded it).
#[server(prefix = "/api", endpoint = "upload_status")]
pub async fn upload_status(token: String) -> Result<UploadView, ApiError> {
    use std::sync::atomic::Ordering;
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    let upload = source_upload::find(&state, &token, user.me.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let lang = crate::i18n::detect_lang();
    let mapping = upload
        .mapping
        .lock()
        .map_err(|_| ApiError::Internal)?
        .clone();
    let kind = sources::kind_of(&upload.source).map_err(ApiError::internal)?;
    let job = upload.job.lock().map_err(|_| ApiError::Internal)?.clone();
    let (running, outcome) = match job {
        None => (None, None),
        Some(job) if job.stage() != Stage::Finished => (
            Some((
                job.done.load(Ordering::Relaxed),
                job.total.load(Ordering::Relaxed),
                job.stage() == Stage::Writing,
            )),
            None,
        ),
        Some(job) => {
            let outcome = job.outcome.lock().map_err(|_| ApiError::Internal)?.clone();
            (None, outcome)
        }
    };
    // While the import runs the page shows only its progress: the mapping form's values
    // (a pass over every row per variable) are not worked out on every refresh.
    let variables = if running.is_some() {
        Vec::new()
    } else {
        kind.variables()
            .iter()
            .map(|v| {
                let column = mapping.columns.get(v.name).cloned().unwrap_or_default();
                let recode = mapping.recode.get(v.name);
                VariableView {
                    name: v.name.to_owned(),
                    required: v.required,
                    takes: v.kind.describe(lang),
                    unknown: unknown_values(&upload.table, &column, v.kind, recode),
                    column,
                    recode: recode.map(recode_text).unwrap_or_default(),
                }
            })
            .collect()
    };
    Ok(UploadView {
        source_id: upload.source.id,
        source_name: upload.source.name.clone(),
        kind,
        file_name: upload.file_name.clone(),
        rows: upload.table.rows.len(),
        header: upload.table.header.clone(),
        sample: upload
            .table
            .rows
            .iter()
            .take(3)
            .map(|(_, cells)| cells.clone())
            .collect(),
        variables,
        running,
        outcome,
    })
}

/// The fact sheet of an institution: per source the newest year's indicators for the
/// institution, the institutions of its type and the country, with the same suppression as
/// every report. Its coordinators, researchers and admins.
#[server(prefix = "/api", endpoint = "fact_sheet")]
pub async fn fact_sheet(code: String) -> Result<FactSheetView, ApiError> {
    let state = guard::state()?;
    let user = guard::require_login()?;
    fact_sheet_of(&state, &user, &code, crate::i18n::detect_lang()).await
}

/// The fact sheet of institution `code` as `user` may see it (the page and its PDF).
#[cfg(feature = "ssr")]
pub async fn fact_sheet_of(
    state: &crate::backend::AppState,
    user: &crate::backend::auth::CurrentUser,
    code: &str,
    lang: crate::i18n::Lang,
) -> Result<FactSheetView, ApiError> {
    let code = code.trim().to_uppercase();
    if !user.me.may_see_institution(&code) {
        return Err(ApiError::Forbidden);
    }
    let institution = institutions::find(&state.db, &code)
        .await?
        .ok_or(ApiError::NotFound)?;
    // The register's label, as the figures' `type` breakdown has it.
    let kind = InstitutionKind::parse(&institution.kind).map_or_else(
        || institution.kind.clone(),
        |k| k.label(crate::i18n::Lang::Nl).to_owned(),
    );
    let settings = &state.settings;
    let sources = sources::safety_figures(&state.db, settings.thresholds, settings.figures)
        .await?
        .into_iter()
        .filter_map(|s| fact_source(s, &code, &kind, lang))
        .collect();
    Ok(FactSheetView {
        code,
        name: institution.name,
        kind,
        sources,
        thresholds: settings.thresholds,
    })
}

/// A source's rows on the fact sheet of institution `code` (of type `kind`), of the newest year
/// with figures of the institution; `None` without any.
#[cfg(feature = "ssr")]
fn fact_source(
    s: sources::SourceFigures,
    code: &str,
    kind: &str,
    lang: crate::i18n::Lang,
) -> Option<FactSource> {
    let figures = &s.figures;
    let year = figures
        .iter()
        .filter(|f| f.breakdown == "brin" && f.group == code)
        .map(|f| f.year)
        .max()?;
    let cell = |year: i64, breakdown: &str, group: &str, indicator: &str| {
        figures
            .iter()
            .find(|f| f.key() == (year, breakdown, group, indicator))
    };
    let shown =
        |f: Option<&Figure>| f.and_then(|f| f.value.zip(f.n).map(|(v, n)| (v, f.interval, n)));
    let rows = s
        .kind
        .report_indicators()
        .into_iter()
        .map(|indicator| {
            let own = cell(year, "brin", code, &indicator);
            FactRow {
                label: labels::of(labels::INDICATORS, &indicator, lang),
                differs: own.and_then(|f| f.versus).is_some_and(|v| v.differs),
                own: shown(own),
                own_before: shown(cell(year - 1, "brin", code, &indicator))
                    .or_else(|| shown(cell(year - 2, "brin", code, &indicator)))
                    .map(|(v, _, _)| v),
                same_type: shown(cell(year, "type", kind, &indicator)),
                national: shown(cell(year, "national", "all", &indicator)),
                indicator,
            }
        })
        .collect();
    Some(FactSource {
        name: s.source.name,
        kind: s.source.kind,
        year,
        rows,
    })
}

/// A round whose submitted answers can be downloaded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoundExport {
    pub id: i32,
    pub name: String,
    pub year: i32,
    pub submitted: usize,
}

/// The rounds whose answers can be downloaded, and whether the caller may include items marked
/// special-category or identifying.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportableAnswers {
    pub rounds: Vec<RoundExport>,
    pub special_access: bool,
}

/// Every round with its number of submitted responses, newest first. Researchers and admins.
#[server(prefix = "/api", endpoint = "answer_exports")]
pub async fn answer_exports() -> Result<ExportableAnswers, ApiError> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    let special_access = crate::backend::entities::user::Entity::find_by_id(user.me.id)
        .one(&state.db)
        .await
        .map_err(ApiError::internal)?
        .is_some_and(|u| u.special_access);
    let mut out = Vec::new();
    for r in round::Entity::find()
        .order_by_desc(round::Column::Year)
        .order_by_desc(round::Column::Id)
        .all(&state.db)
        .await
        .map_err(ApiError::internal)?
    {
        let submitted = response::Entity::find()
            .filter(response::Column::RoundId.eq(r.id))
            .filter(response::Column::Status.eq(ResponseStatus::Submitted.as_str()))
            .count(&state.db)
            .await
            .map_err(ApiError::internal)?;
        out.push(RoundExport {
            id: r.id,
            name: r.name,
            year: r.year,
            submitted: usize::try_from(submitted).unwrap_or(usize::MAX),
        });
    }
    Ok(ExportableAnswers {
        rounds: out,
        special_access,
    })
}
