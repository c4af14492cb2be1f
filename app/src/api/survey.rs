//! The coordinator's survey: reading a response, saving answers as they are given, submitting, and
//! the comparison with other institutions once submitted.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::guard;
use super::{ApiError, SurveyNotice};
#[cfg(feature = "ssr")]
use crate::backend::{
    mail::{outbox, templates},
    responses, users,
};
use crate::domain::questionnaire::Definition;
use crate::domain::response::ResponseStatus;
#[cfg(feature = "ssr")]
use crate::domain::{
    mail::{render, Fields, MailKind},
    response::display,
    Role,
};

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

/// The contract between a survey section's page (`ui::survey`), the survey module that runs on it
/// (`frontend`, feature `survey`) and the form's handler (`POST /vragenlijst/<id>/deel/<section>`).
pub mod page {
    use std::collections::BTreeMap;

    use chrono::NaiveDate;
    use serde::{Deserialize, Serialize};

    /// The id of the `<script type="application/json">` element that holds [`SurveyConfig`].
    pub const CONFIG_ID: &str = "miv-survey";
    /// The name of an answer's control is this prefix and the answer key (`a:<key>`).
    pub const ANSWER: &str = "a:";
    /// The hidden field with the revision the page shows (`r:<key>`).
    pub const REVISION: &str = "r:";
    /// The hidden field with the saved value (`o:<key>`): a form post sends only what differs.
    pub const SAVED: &str = "o:";

    /// A section form as posted: the answers (a multiple choice's codes joined by spaces), the
    /// revisions and saved values the page was rendered with, where to go next, and which
    /// answers from last year are confirmed unchanged (`confirm`: one item; `confirm_all`).
    #[derive(Debug, Default)]
    pub struct SectionPost {
        pub answers: BTreeMap<String, String>,
        pub revisions: BTreeMap<String, i32>,
        pub saved: BTreeMap<String, String>,
        pub go: Option<String>,
        pub confirm: Option<String>,
        pub confirm_all: bool,
    }

    impl SectionPost {
        pub fn read(fields: impl IntoIterator<Item = (String, String)>) -> SectionPost {
            let mut post = SectionPost::default();
            for (name, value) in fields {
                if let Some(k) = name.strip_prefix(ANSWER) {
                    let entry = post.answers.entry(k.to_owned()).or_default();
                    if !entry.is_empty() {
                        entry.push(' ');
                    }
                    entry.push_str(&value);
                } else if let Some(k) = name.strip_prefix(REVISION) {
                    post.revisions
                        .insert(k.to_owned(), value.parse().unwrap_or(0));
                } else if let Some(k) = name.strip_prefix(SAVED) {
                    post.saved.insert(k.to_owned(), value);
                } else if name == "go" {
                    post.go = Some(value);
                } else if name == "confirm" {
                    post.confirm = Some(value);
                } else if name == "confirm_all" {
                    post.confirm_all = true;
                }
            }
            post
        }

        /// Where to go after the post: `go` when it is a page of this response, else `here`.
        pub fn next(&self, response: i32, here: &str) -> String {
            self.go
                .clone()
                .filter(|g| {
                    g.starts_with(&format!("/vragenlijst/{response}/")) && !g.contains("//")
                })
                .unwrap_or_else(|| here.to_owned())
        }
    }

    /// What the page embeds for the survey module: the page serialises it with borrowed
    /// definition and answers, the module reads it into owned ones.
    #[derive(Serialize, Deserialize)]
    pub struct SurveyConfig<D, A> {
        pub response: i32,
        pub section: String,
        pub today: NaiveDate,
        pub editable: bool,
        pub lang: String,
        pub definition: D,
        pub answers: A,
    }
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

/// One answer to save: the value (empty clears it) and the revision it was based on (0: none).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerChange {
    pub key: String,
    pub value: String,
    pub base: i32,
}

/// What a save stored, and where the response stands now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SaveResult {
    pub revisions: Vec<(String, i32)>,
    pub answered: usize,
    pub total: usize,
    pub missing: Vec<String>,
    pub invalid: Vec<(String, String)>,
}

/// The notice `id` left by this session's last form post of a survey page.
#[server(prefix = "/api", endpoint = "get_survey_notice")]
pub async fn get_survey_notice(id: u64) -> Result<Option<SurveyNotice>, ApiError> {
    let state = guard::state()?;
    let user = guard::require_login()?;
    Ok(state.flash.survey(user.session_id, id))
}

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

/// One item of the comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparedItem {
    pub key: String,
    pub label: String,
    pub own: Option<String>,
    pub all: Option<Shares>,
    pub same_kind: Option<Shares>,
}

/// How institutions answered: per option the number and share, or for numbers the median and the
/// first and third quartile (no lowest or highest answer: that would be one institution's).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shares {
    pub n: usize,
    pub options: Vec<(String, usize, u32)>,
    pub median: Option<f64>,
    pub quartiles: Option<(f64, f64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparisonView {
    pub response_id: i32,
    pub round_name: String,
    pub institution_name: String,
    pub kind: String,
    pub k: usize,
    pub items: Vec<ComparedItem>,
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

/// Saves answers as they are given. Coordinators of the response's institution, while the round
/// is open and the response not submitted. A stale write is refused with the current value.
#[server(prefix = "/api", endpoint = "save_answers", input = Json)]
pub async fn save_answers(
    id: i32,
    section: Option<String>,
    changes: Vec<AnswerChange>,
) -> Result<SaveResult, ApiError> {
    save(id, section, changes).await
}

#[cfg(feature = "ssr")]
async fn save(
    id: i32,
    section: Option<String>,
    changes: Vec<AnswerChange>,
) -> Result<SaveResult, ApiError> {
    let state = guard::state()?;
    let user = guard::require_login()?;
    let ctx = responses::open(&state, &user, id, true).await?;
    let changes: Vec<responses::Change> = changes
        .into_iter()
        .map(|c| responses::Change {
            key: c.key,
            value: c.value,
            base: c.base,
        })
        .collect();
    let saved = responses::save_by(&state, &ctx, user.me.id, &changes, section.as_deref()).await?;
    let e = saved.evaluation;
    let lang = crate::i18n::detect_lang();
    Ok(SaveResult {
        revisions: saved.revisions,
        answered: e.answered,
        total: e.total,
        missing: e.missing,
        invalid: e
            .invalid
            .into_iter()
            .map(|(k, m)| (k, m.get(lang).to_owned()))
            .collect(),
    })
}

/// Submits the response when it is complete. Its coordinators.
#[server(prefix = "/api", endpoint = "submit_response")]
pub async fn submit_response(id: i32) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require_login()?;
    let ctx = responses::open(&state, &user, id, true).await?;
    let receipt = receipt(&state, &user, &ctx)
        .await
        .map_err(ApiError::internal)?;
    responses::submit(
        &state.db,
        &ctx,
        Some(user.me.id),
        receipt.map(|m| (m, state.settings.mail_domain.as_str())),
    )
    .await?;
    state.contexts.clear();
    leptos_axum::redirect(&format!("/vragenlijst/{id}"));
    Ok(())
}

/// The submission receipt for the coordinator who submits, in their language.
#[cfg(feature = "ssr")]
async fn receipt(
    state: &crate::backend::AppState,
    user: &crate::backend::auth::CurrentUser,
    ctx: &crate::backend::responses::ResponseContext,
) -> anyhow::Result<Option<crate::backend::mail::outbox::NewMail>> {
    let Some(account) = users::find_by_id(&state.db, user.me.id).await? else {
        return Ok(None);
    };
    let lang = crate::i18n::Lang::from_code(&account.language);
    let template = templates::get(&state.db, MailKind::Receipt, lang).await?;
    let mut fields = Fields::new();
    fields.insert("naam", account.display_name.clone());
    fields.insert("instelling", ctx.institution.name.clone());
    fields.insert("ronde", ctx.round.name.clone());
    fields.insert(
        "link",
        format!(
            "{}/vragenlijst/{}",
            state.settings.base_url, ctx.response.id
        ),
    );
    // The copy as it is submitted, attached.
    let submission = responses::Submission {
        by: format!("{} ({})", account.display_name, account.email),
        at: chrono::Utc::now(),
    };
    let copy = responses::pdf_copy(&state.db, ctx, false, lang, Some(submission)).await?;
    let name = format!(
        "{}-{}-{}.pdf",
        lang.pick("vragenlijst", "questionnaire"),
        ctx.institution.code,
        ctx.round.year
    );
    Ok(Some(outbox::NewMail {
        kind: MailKind::Receipt,
        round_id: Some(ctx.round.id),
        institution_id: Some(ctx.institution.id),
        user_id: Some(account.id),
        recipient: account.email,
        language: lang.code().into(),
        rendered: render(&template, &fields),
        attachment: Some((name, copy)),
    }))
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

/// The institution's answers beside those of all submitted institutions of the round (and of the
/// same type), only where at least k institutions answered. Coordinators, after submitting.
#[server(prefix = "/api", endpoint = "get_comparison")]
pub async fn get_comparison(id: i32) -> Result<ComparisonView, ApiError> {
    let state = guard::state()?;
    let user = guard::require_login()?;
    let ctx = responses::open(&state, &user, id, false).await?;
    if ctx.status() != ResponseStatus::Submitted {
        return Err(ApiError::invalid(
            "status",
            "De vergelijking is te zien nadat de vragenlijst is ingediend.",
            "The comparison is shown once the questionnaire has been submitted.",
        ));
    }
    let k = state.settings.min_institutions;
    let lang = crate::i18n::detect_lang();
    let own = responses::as_answers(&responses::answers(&state.db, id).await?);
    let dists = responses::distributions(&state, &ctx, k).await?;
    let def = &ctx.definition;
    let shares = |d: &crate::domain::response::comparison::Distribution, key: &str| Shares {
        n: d.n,
        options: d
            .counts
            .iter()
            .map(|(code, n)| {
                (
                    display(def, key, code, lang),
                    *n,
                    (*n * 100 + d.n / 2).checked_div(d.n).unwrap_or(0) as u32,
                )
            })
            .collect(),
        median: d.median,
        quartiles: d.quartiles,
    };
    let items = def
        .items()
        .filter_map(|(_, item)| {
            let (all, same) = dists.get(&item.key)?;
            Some(ComparedItem {
                key: item.key.clone(),
                label: item.label.get(lang).to_owned(),
                own: own.get(&item.key).map(|v| display(def, &item.key, v, lang)),
                all: all.as_ref().map(|d| shares(d, &item.key)),
                same_kind: same.as_ref().map(|d| shares(d, &item.key)),
            })
        })
        .collect();
    let kind = crate::domain::InstitutionKind::parse(&ctx.institution.kind)
        .map(|k| k.label(lang).to_owned())
        .unwrap_or_else(|| ctx.institution.kind.clone());
    Ok(ComparisonView {
        response_id: id,
        round_name: ctx.round.name.clone(),
        institution_name: ctx.institution.name.clone(),
        kind,
        k,
        items,
    })
}
