//! Rounds for admins: open one, close early, extend, reopen a submitted response, and issue or
//! revoke coordinators' personal links.

mod create;
mod participants;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::guard;
use super::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::{responses, rounds};
use crate::domain::response::ResponseStatus;
#[cfg(feature = "ssr")]
use crate::domain::{
    time::{self, format_local, input_value},
    Role,
};

pub use create::{
    create_round, round_options, CreateRound, NewRoundChoices, RoundOptions, VersionChoice,
};
pub use participants::{
    issue_link, reopen_response, revoke_links, IssueLink, ReopenResponse, RevokeLinks,
};

/// A round in lists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoundSummary {
    pub id: i32,
    pub name: String,
    pub year: i32,
    pub version_id: i32,
    pub questionnaire: String,
    pub version_number: i32,
    pub opens_at: String,
    pub closes_at: String,
    /// `datetime-local` value of the closing moment, for the extend form.
    pub closes_input: String,
    pub open: bool,
    pub upcoming: bool,
    /// Responses per status, in the order of [`ResponseStatus::ALL`].
    pub counts: Vec<(ResponseStatus, usize)>,
}

/// A participating institution with its response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParticipantRow {
    pub response_id: i32,
    pub code: String,
    pub name: String,
    pub status: ResponseStatus,
    pub updated_at: String,
    pub submitted_at: Option<String>,
    pub coordinators: Vec<(i32, String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoundDetail {
    pub summary: RoundSummary,
    pub participants: Vec<ParticipantRow>,
}

#[cfg(feature = "ssr")]
fn summary(info: &crate::backend::rounds::RoundInfo) -> RoundSummary {
    let now = chrono::Utc::now();
    let r = &info.round;
    RoundSummary {
        id: r.id,
        name: r.name.clone(),
        year: r.year,
        version_id: r.version_id,
        questionnaire: info.version.definition.title.nl.clone(),
        version_number: info.version.number,
        opens_at: format_local(r.opens_at),
        closes_at: format_local(r.closes_at),
        closes_input: input_value(r.closes_at),
        open: r.phase(now) == crate::domain::round::RoundPhase::Open,
        upcoming: r.phase(now) == crate::domain::round::RoundPhase::Planned,
        counts: ResponseStatus::ALL
            .iter()
            .map(|s| (*s, info.counts.get(s.as_str()).copied().unwrap_or(0)))
            .collect(),
    }
}

/// Every round. Admins.
#[server(prefix = "/api", endpoint = "list_rounds")]
pub async fn list_rounds() -> Result<Vec<RoundSummary>, ApiError> {
    let state = guard::state()?;
    guard::require(Role::ADMINS)?;
    Ok(rounds::list(&state.db).await?.iter().map(summary).collect())
}

/// A round with its participants. Admins.
#[server(prefix = "/api", endpoint = "get_round")]
pub async fn get_round(id: i32) -> Result<RoundDetail, ApiError> {
    let state = guard::state()?;
    guard::require(Role::ADMINS)?;
    let info = rounds::find(&state.db, id).await?;
    let participants = rounds::participants(&state.db, id)
        .await?
        .into_iter()
        .map(|p| {
            Ok(ParticipantRow {
                response_id: p.response.id,
                status: responses::status_of(&p.response)?,
                code: p.institution.code,
                name: p.institution.name,
                updated_at: format_local(p.response.updated_at),
                submitted_at: p.response.submitted_at.map(format_local),
                coordinators: p
                    .coordinators
                    .into_iter()
                    .filter(|c| c.role == Role::Coordinator.as_str())
                    .map(|c| (c.id, c.display_name, c.email))
                    .collect(),
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(RoundDetail {
        summary: summary(&info),
        participants,
    })
}

/// Closes a round now. Admins.
#[server(prefix = "/api", endpoint = "close_round")]
pub async fn close_round(id: i32) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::ADMINS)?;
    rounds::set_closing(&state.db, &guard::actor(&user), id, chrono::Utc::now()).await?;
    state.contexts.clear();
    Ok(())
}

/// Moves the closing moment of a round (to extend it, or reopen a closed one). Admins.
#[server(prefix = "/api", endpoint = "extend_round")]
pub async fn extend_round(id: i32, closes_at: String) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::ADMINS)?;
    let closes = time::parse_local(&closes_at).ok_or_else(|| {
        ApiError::invalid(
            "closes_at",
            "Vul datum en tijd in als dd-mm-jjjj uu:mm.",
            "Enter date and time as dd-mm-yyyy hh:mm.",
        )
    })?;
    if closes <= chrono::Utc::now() {
        return Err(ApiError::invalid(
            "closes_at",
            "Kies een sluitingsmoment in de toekomst.",
            "Choose a closing moment in the future.",
        ));
    }
    rounds::set_closing(&state.db, &guard::actor(&user), id, closes).await?;
    state.contexts.clear();
    Ok(())
}
