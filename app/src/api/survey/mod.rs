//! The coordinator's survey: reading a response, saving answers as they are given, submitting, and
//! the comparison with other institutions once submitted.

mod comparison;
mod mine;
pub mod page;
mod save;
mod submit;

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::guard;
use super::{ApiError, SurveyNotice};
#[cfg(feature = "ssr")]
use crate::backend::responses;
use crate::domain::questionnaire::Definition;
use crate::domain::response::ResponseStatus;

pub use comparison::{get_comparison, ComparedItem, ComparisonView, GetComparison, Shares};
pub use mine::{my_responses, MyResponse, MyResponses, NextStep};
pub use save::{save_answers, AnswerChange, SaveAnswers, SaveResult};
pub use submit::{submit_response, SubmitResponse};

/// One stored answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerView {
    pub key: String,
    pub value: String,
    pub revision: i32,
    /// Carried forward from last year and not yet confirmed or changed.
    pub prefilled: bool,
    /// Last year's answer, where one was carried forward.
    pub previous: Option<String>,
    pub by: Option<String>,
    pub at: String,
}

/// A response with its questionnaire, for the survey pages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurveyView {
    pub response_id: i32,
    pub round_name: String,
    pub institution_code: String,
    pub institution_name: String,
    pub status: ResponseStatus,
    /// Whether the viewer can change answers now (round open, not submitted, a coordinator).
    pub editable: bool,
    pub round_open: bool,
    pub closes_at: String,
    pub submitted_at: Option<String>,
    pub last_section: Option<String>,
    pub definition: Definition,
    pub answers: Vec<AnswerView>,
    pub today: NaiveDate,
}

impl SurveyView {
    pub fn raw(&self) -> crate::domain::response::Answers {
        self.answers
            .iter()
            .filter(|a| !a.value.is_empty())
            .map(|a| (a.key.clone(), a.value.clone()))
            .collect()
    }

    pub fn answer(&self, key: &str) -> Option<&AnswerView> {
        self.answers.iter().find(|a| a.key == key)
    }
}

/// The notice `id` left by this session's last form post of a survey page.
#[server(prefix = "/api", endpoint = "get_survey_notice")]
pub async fn get_survey_notice(id: u64) -> Result<Option<SurveyNotice>, ApiError> {
    let state = guard::state()?;
    let user = guard::require_login()?;
    Ok(state.flash.survey(user.session_id, id))
}

/// A response and its questionnaire. Its coordinators (and admins, read-only).
#[server(prefix = "/api", endpoint = "get_survey")]
pub async fn get_survey(id: i32) -> Result<SurveyView, ApiError> {
    let state = guard::state()?;
    let user = guard::require_login()?;
    let ctx = responses::open(&state, &user, id, false).await?;
    let rows = responses::answers(&state.db, id).await?;
    let names = responses::editor_names(&state.db, &rows).await?;
    let now = chrono::Utc::now();
    let editable = ctx.editable(now) && responses::may_access(&user, &ctx, true);
    let fmt = crate::domain::time::format_local;
    Ok(SurveyView {
        response_id: id,
        round_name: ctx.round.name.clone(),
        institution_code: ctx.institution.code.clone(),
        institution_name: ctx.institution.name.clone(),
        status: ctx.status(),
        editable,
        round_open: ctx.round_open(now),
        closes_at: fmt(ctx.round.closes_at),
        submitted_at: ctx.response.submitted_at.map(fmt),
        last_section: ctx.response.last_section.clone(),
        definition: (*ctx.definition).clone(),
        answers: rows
            .into_iter()
            .map(|a| AnswerView {
                by: a.updated_by.and_then(|id| names.get(&id).cloned()),
                at: fmt(a.updated_at),
                key: a.item_key,
                value: a.value,
                revision: a.revision,
                prefilled: a.prefilled,
                previous: a.previous,
            })
            .collect(),
        today: crate::domain::time::today(now),
    })
}
