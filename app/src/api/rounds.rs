//! Rounds for admins: open one, close early, extend, reopen a submitted response, and issue or
//! revoke coordinators' personal links.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::guard;
use super::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::{institutions, questionnaires, responses, rounds, users};
use crate::domain::response::ResponseStatus;
#[cfg(feature = "ssr")]
use crate::domain::{
    questionnaire::VersionStatus,
    time::{self, format_local, input_value},
    Role,
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

/// A published version to choose for a new round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionChoice {
    pub id: i32,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewRoundChoices {
    pub versions: Vec<VersionChoice>,
    pub institutions: usize,
    pub year: i32,
    pub opens_input: String,
    pub closes_input: String,
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

/// What the form for a new round offers. Admins.
#[server(prefix = "/api", endpoint = "round_options")]
pub async fn round_options() -> Result<NewRoundChoices, ApiError> {
    let state = guard::state()?;
    guard::require(Role::ADMINS)?;
    let versions = questionnaires::list(&state.db)
        .await
        .map_err(ApiError::internal)?
        .into_iter()
        .filter(|v| v.status == VersionStatus::Published)
        .map(|v| VersionChoice {
            id: v.id,
            label: format!("{} — versie {}", v.definition.title.nl, v.number),
        })
        .collect();
    let count = institutions::list(&state.db, &institutions::Filter::default())
        .await?
        .len();
    let now = chrono::Utc::now();
    Ok(NewRoundChoices {
        versions,
        institutions: count,
        year: chrono::Datelike::year(&time::today(now)),
        opens_input: time::input_value(now),
        closes_input: time::input_value(now + chrono::Duration::days(42)),
    })
}

/// Opens a round. `institutions` holds codes separated by commas or spaces; empty means every
/// institution in the register. Admins.
#[server(prefix = "/api", endpoint = "create_round")]
pub async fn create_round(
    name: String,
    year: i32,
    version_id: i32,
    opens_at: String,
    closes_at: String,
    institutions: String,
) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::ADMINS)?;
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::invalid(
            "year",
            "Vul een jaar tussen 2000 en 2100 in.",
            "Enter a year between 2000 and 2100.",
        ));
    }
    let bad_time = |field: &str| {
        ApiError::invalid(
            field,
            "Vul datum en tijd in als dd-mm-jjjj uu:mm.",
            "Enter date and time as dd-mm-yyyy hh:mm.",
        )
    };
    let opens = time::parse_local(&opens_at).ok_or_else(|| bad_time("opens_at"))?;
    let closes = time::parse_local(&closes_at).ok_or_else(|| bad_time("closes_at"))?;
    let mut wanted: Vec<String> = institutions
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_uppercase)
        .collect();
    wanted.sort();
    wanted.dedup();
    let new = rounds::NewRound {
        name,
        year,
        version_id,
        opens_at: opens,
        closes_at: closes,
        institutions: wanted,
    };
    let id = rounds::create(&state.db, &guard::actor(&user), &new).await?;
    leptos_axum::redirect(&format!("/beheer/rondes/{id}"));
    Ok(())
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

/// Reopens one institution's submitted response. Admins; recorded in the audit log.
#[server(prefix = "/api", endpoint = "reopen_response")]
pub async fn reopen_response(id: i32) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::ADMINS)?;
    rounds::reopen(&state.db, &guard::actor(&user), id).await?;
    state.contexts.clear();
    Ok(())
}

/// A new personal link for a coordinator in a round (earlier ones stop working). The link is shown
/// once, on the next page this admin loads ([`super::users::take_password_link`]). Admins.
#[server(prefix = "/api", endpoint = "issue_link")]
pub async fn issue_link(round_id: i32, user_id: i32) -> Result<(), ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    let token = rounds::issue_link(&state.db, &guard::actor(&admin), round_id, user_id).await?;
    // The earlier link's sessions ended with it: no cached copy may outlive them.
    state.sessions.clear();
    let email = users::find_by_id(&state.db, user_id)
        .await?
        .map(|u| u.email)
        .unwrap_or_default();
    let url = format!("{}/r/{token}", state.settings.base_url);
    state
        .flash
        .put_link(admin.session_id, super::PasswordLink { email, url });
    Ok(())
}

/// Revokes a coordinator's links for a round. Admins.
#[server(prefix = "/api", endpoint = "revoke_links")]
pub async fn revoke_links(round_id: i32, user_id: i32) -> Result<u64, ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::ADMINS)?;
    let revoked = rounds::revoke_links(&state.db, &guard::actor(&user), round_id, user_id).await?;
    state.sessions.clear();
    Ok(revoked)
}
