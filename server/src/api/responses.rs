//! A round's raw submitted answers for researchers: one row per institution under its
//! pseudonym, with the codebook; marked items only with that access and a reason.

use app::backend::raw_answers::{self, RawError};
use app::backend::AppState;
use app::domain::Role;
use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use serde::Deserialize;
use utoipa::IntoParams;

use super::types::{RawResponses, RawRow};
use super::{Caller, Problem};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RawQuery {
    /// Include items marked special-category or identifying (needs that access).
    include_marked: Option<bool>,
    /// Why (at least 10 characters); recorded in the audit log.
    #[param(max_length = 500)]
    reason: Option<String>,
}

/// The round's submitted answers (applicable answers only, in the keys of the newest published
/// version), pseudonymised per institution, with the codebook. Researchers only.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/responses", tag = "rounds",
    params(("id" = i32, Path, description = "The round's id", example = 1), RawQuery),
    responses((status = 200, body = RawResponses), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn raw(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i32>,
    Query(query): Query<RawQuery>,
) -> Result<Json<RawResponses>, Problem> {
    caller.require(&[Role::Researcher])?;
    let reason: Option<String> = query.reason.map(|r| r.chars().take(500).collect());
    let request = raw_answers::Request {
        marked_reason: query
            .include_marked
            .unwrap_or(false)
            .then(|| reason.unwrap_or_default()),
        format: "api".into(),
    };
    let data = match raw_answers::export(&state.db, &caller.actor(), caller.me.id, id, &request)
        .await
    {
        Ok(data) => data,
        Err(RawError::NotFound) => return Err(Problem::not_found()),
        Err(RawError::NoAccess) => return Err(Problem::forbidden()),
        Err(RawError::Reason) => {
            return Err(Problem::invalid(
                "Geef een reden (reason) van minstens 10 tekens voor bijzondere of identificerende vragen.",
                "Give a reason of at least 10 characters for special-category or identifying items.",
            ))
        }
        Err(RawError::Other(error)) => return Err(Problem::internal(format!("{error:#}"))),
    };
    let names: Vec<String> = data.columns.iter().map(|c| c.name.clone()).collect();
    let rows = data
        .rows
        .iter()
        .map(|r| RawRow {
            year: r.year,
            pseudonym: r.pseudonym.clone(),
            kind: r.kind.clone(),
            answers: names
                .iter()
                .cloned()
                .zip(
                    r.values
                        .iter()
                        .map(|v| serde_json::Value::String(v.clone())),
                )
                .collect(),
        })
        .collect();
    Ok(Json(RawResponses {
        round: id,
        codebook: data.codebook(),
        rows,
    }))
}
