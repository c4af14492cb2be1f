//! Questionnaires, their versions with the whole definition, and the difference between two
//! versions.

use app::backend::questionnaires as store;
use app::domain::questionnaire::{diff as changes, VersionStatus};
use app::domain::Role;
use app::i18n::Lang;
use axum::extract::{Path, Query};
use axum::{Extension, Json};
use serde::Deserialize;
use utoipa::IntoParams;

use super::types::{Change, Diff, Questionnaire, Version, VersionSummary};
use super::{Caller, Problem};
use app::backend::AppState;
use axum::extract::State;

/// The serialised name of a unit enum (`published`, `breaking`, …).
pub fn name_of(value: impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

const READERS: [Role; 2] = [Role::Admin, Role::Researcher];

/// Every questionnaire with its versions.
#[utoipa::path(get, path = "/api/v1/questionnaires", tag = "questionnaires",
    responses((status = 200, body = Vec<Questionnaire>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<Questionnaire>>, Problem> {
    caller.require(&READERS)?;
    let versions = store::list(&state.db).await.map_err(Problem::internal)?;
    let mut out: Vec<Questionnaire> = Vec::new();
    for v in versions.into_iter().rev() {
        let summary = VersionSummary {
            id: v.id,
            number: v.number,
            status: name_of(v.status),
            published_at: v.published_at.clone(),
            changelog: v.changelog.clone(),
        };
        match out.iter_mut().find(|q| q.key == v.key) {
            Some(q) => q.versions.push(summary),
            None => out.push(Questionnaire {
                key: v.key.clone(),
                title_nl: v.definition.title.nl.clone(),
                title_en: v.definition.title.en.clone(),
                versions: vec![summary],
            }),
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(Json(out))
}

async fn find(state: &AppState, id: i32) -> Result<store::StoredVersion, Problem> {
    store::find(&state.db, id)
        .await
        .map_err(Problem::internal)?
        .ok_or_else(Problem::not_found)
}

/// One version with its definition.
#[utoipa::path(get, path = "/api/v1/versions/{id}", tag = "questionnaires",
    params(("id" = i32, Path, description = "The version's id", example = 1)),
    responses((status = 200, body = Version), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn version(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i32>,
) -> Result<Json<Version>, Problem> {
    caller.require(&READERS)?;
    let v = find(&state, id).await?;
    Ok(Json(Version {
        id: v.id,
        key: v.key,
        number: v.number,
        status: name_of(v.status),
        published_at: v.published_at,
        changelog: v.changelog,
        definition: serde_json::to_value(&v.definition).map_err(Problem::internal)?,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// The older version to compare with; by default the newest published version of the same
    /// questionnaire before this one.
    against: Option<i32>,
}

/// What changed from an older version to this one, with each change's effect on comparisons.
#[utoipa::path(get, path = "/api/v1/versions/{id}/diff", tag = "questionnaires",
    params(("id" = i32, Path, description = "The newer version's id", example = 1), DiffQuery),
    responses((status = 200, body = Diff), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn diff(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i32>,
    Query(query): Query<DiffQuery>,
) -> Result<Json<Diff>, Problem> {
    caller.require(&READERS)?;
    let new = find(&state, id).await?;
    let old = match query.against {
        Some(other) => find(&state, other).await?,
        None => store::list(&state.db)
            .await
            .map_err(Problem::internal)?
            .into_iter()
            .filter(|v| {
                v.key == new.key && v.number < new.number && v.status != VersionStatus::Draft
            })
            .max_by_key(|v| v.number)
            .ok_or_else(Problem::not_found)?,
    };
    let list = changes(
        &old.definition,
        &new.definition,
        &new.definition.concordance,
    );
    Ok(Json(Diff {
        from: old.id,
        to: new.id,
        changes: list
            .iter()
            .map(|c| Change {
                key: c.key.clone(),
                change: serde_json::to_value(&c.kind)
                    .ok()
                    .and_then(|v| v.get("change").and_then(|c| c.as_str()).map(str::to_owned))
                    .unwrap_or_default(),
                severity: name_of(c.severity),
                description_nl: c.describe(Lang::Nl),
                description_en: c.describe(Lang::En),
            })
            .collect(),
    }))
}
