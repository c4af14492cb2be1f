//! A coordinator's responses on the home page, each with its next step.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::responses;
use crate::domain::response::ResponseStatus;
#[cfg(feature = "ssr")]
use crate::domain::Role;

/// A response in the coordinator's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyResponse {
    pub id: i32,
    pub round_name: String,
    pub year: i32,
    pub institution: String,
    pub status: ResponseStatus,
    pub open: bool,
    pub closes_at: String,
    /// Questions answered of those that apply.
    pub answered: usize,
    pub total: usize,
    /// Required questions still open and answers that break a rule.
    pub open_items: usize,
}

/// What a coordinator does next with a response (the home page's button).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// Open and not complete.
    Continue,
    /// Open, complete, not submitted.
    Review,
    /// Submitted: the comparison with other institutions.
    Compare,
    /// Closed without being submitted: the answers, to read.
    Read,
}

impl MyResponse {
    pub fn next_step(&self) -> NextStep {
        match (self.status, self.open) {
            (ResponseStatus::Submitted, _) => NextStep::Compare,
            (_, false) => NextStep::Read,
            _ if self.open_items == 0 && self.answered > 0 => NextStep::Review,
            _ => NextStep::Continue,
        }
    }
}

impl NextStep {
    /// The button's text and where it goes.
    pub fn link(self, id: i32, lang: crate::i18n::Lang) -> (&'static str, String) {
        let base = format!("/vragenlijst/{id}");
        match self {
            NextStep::Continue => (lang.pick("Verder invullen", "Continue"), base),
            NextStep::Review => (
                lang.pick("Controleren en indienen", "Review and submit"),
                format!("{base}/controle"),
            ),
            NextStep::Compare => (
                lang.pick("Bekijk uw vergelijking", "See your comparison"),
                format!("{base}/vergelijking"),
            ),
            NextStep::Read => (lang.pick("Bekijk uw antwoorden", "See your answers"), base),
        }
    }
}

/// The responses of the caller's institutions. Coordinators.
#[server(prefix = "/api", endpoint = "my_responses")]
pub async fn my_responses() -> Result<Vec<MyResponse>, ApiError> {
    let state = guard::state()?;
    let user = guard::require(&[Role::Coordinator])?;
    let now = chrono::Utc::now();
    let mut out = Vec::new();
    for (r, round, inst) in responses::of_user(&state.db, &user).await? {
        let definition = responses::definition(&state, r.version_id).await?;
        let answers = responses::as_answers(&responses::answers(&state.db, r.id).await?);
        let progress = crate::domain::response::evaluate(
            &definition,
            &answers,
            crate::domain::time::today(now),
        );
        out.push(MyResponse {
            id: r.id,
            status: responses::status_of(&r)?,
            open: round.phase(now) == crate::domain::round::RoundPhase::Open,
            round_name: round.name,
            year: round.year,
            institution: format!("{} ({})", inst.name, inst.code),
            closes_at: crate::domain::time::format_local(round.closes_at),
            answered: progress.answered,
            total: progress.total,
            open_items: progress.missing.len() + progress.invalid.len(),
        });
    }
    Ok(out)
}
