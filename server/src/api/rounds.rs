//! Who calls, the rounds and the status of their responses.

use app::backend::rounds as store;
use app::backend::AppState;
use app::domain::Role;
use axum::extract::{Path, State};
use axum::{Extension, Json};

use super::types::{ResponseStatus, Round, RoundDetail, Whoami};
use super::{Caller, Problem};

/// The caller: account, the role the call acts with, the token.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = Whoami), (status = 401, body = Problem)))]
pub async fn me(Extension(caller): Extension<Caller>) -> Json<Whoami> {
    Json(Whoami {
        id: caller.me.id,
        email: caller.me.email.clone(),
        name: caller.me.name.clone(),
        role: caller.me.role.as_str().to_owned(),
        token_id: caller.token_id,
        token_expires_at: caller.token_expires_at.map(|t| t.to_rfc3339()),
    })
}

fn summary(info: &store::RoundInfo) -> Round {
    let r = &info.round;
    let now = chrono::Utc::now();
    let state = r.phase(now).as_str();
    let count = |s: &str| info.counts.get(s).copied().unwrap_or(0);
    Round {
        id: r.id,
        name: r.name.clone(),
        year: r.year,
        version_id: r.version_id,
        questionnaire: info.version.key.clone(),
        opens_at: r.opens_at.to_rfc3339(),
        closes_at: r.closes_at.to_rfc3339(),
        state: state.into(),
        not_started: count("not_started"),
        in_progress: count("in_progress"),
        submitted: count("submitted"),
        reopened: count("reopened"),
    }
}

/// Every round, newest first, with its numbers of responses per status.
#[utoipa::path(get, path = "/api/v1/rounds", tag = "rounds",
    responses((status = 200, body = Vec<Round>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<Round>>, Problem> {
    caller.require(Role::RESEARCH)?;
    let rounds = store::list(&state.db).await.map_err(Problem::internal)?;
    Ok(Json(rounds.iter().map(summary).collect()))
}

/// One round; admins also get each institution's response status (researchers only the
/// numbers: who responded is not theirs to know).
#[utoipa::path(get, path = "/api/v1/rounds/{id}", tag = "rounds",
    params(("id" = i32, Path, description = "The round's id", example = 1)),
    responses((status = 200, body = RoundDetail), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn detail(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i32>,
) -> Result<Json<RoundDetail>, Problem> {
    caller.require(Role::RESEARCH)?;
    let info = match store::find(&state.db, id).await {
        Ok(info) => info,
        Err(store::RoundError::NotFound) => return Err(Problem::not_found()),
        Err(error) => return Err(Problem::internal(error)),
    };
    let responses = if caller.me.role == Role::Admin {
        store::participants(&state.db, id)
            .await
            .map_err(Problem::internal)?
            .into_iter()
            .map(|p| ResponseStatus {
                institution_code: p.institution.code,
                institution_name: p.institution.name,
                status: p.response.status,
                updated_at: p.response.updated_at.to_rfc3339(),
                submitted_at: p.response.submitted_at.map(|t| t.to_rfc3339()),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Json(RoundDetail {
        round: summary(&info),
        responses,
    }))
}
