//! Opening a round: the choices offered and the checks on what an admin enters.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::{institutions, questionnaires, rounds};
#[cfg(feature = "ssr")]
use crate::domain::{
    questionnaire::VersionStatus,
    time::{self},
    Role,
};

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
