//! The coordinator's survey: an overview, one page per section, a review page with submit, the
//! read-only answers and the comparison. These pages are not hydrated: each is a plain form that
//! posts and re-renders on the server, and the small `survey` module (see `frontend`) adds saving
//! as the user answers, with the same rules as the server.

mod answers;
mod comparison;
mod overview;
mod review;
mod section;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use section::SectionForm;

use super::layout::{set_page_status, Problem};
use crate::api::survey::{get_survey, get_survey_notice, SurveyView};
use crate::api::ApiError;
use crate::domain::questionnaire::Section;
use crate::domain::response::Evaluation;
use crate::i18n::use_lang;
use answers::{carried, AllAnswers, Carried};

pub use comparison::SurveyComparison;
pub use overview::SurveyOverview;
pub use review::SurveyReview;

fn response_id() -> i32 {
    use_params_map()
        .with_untracked(|p| p.get("id").and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// Why a survey page cannot be shown: a login prompt, or the error.
fn refused(error: ApiError) -> AnyView {
    set_page_status(error.status());
    if error == ApiError::Unauthenticated {
        let lang = use_lang();
        let next = leptos_router::hooks::use_location()
            .pathname
            .get_untracked();
        view! {
            <h1>{lang.pick("Inloggen vereist", "Login required")}</h1>
            <p><a href=format!("/inloggen?next={next}")>{lang.pick("Log in om verder te gaan.", "Log in to continue.")}</a></p>
            <p>{lang.pick("Kwam u binnen met een persoonlijke link? ", "Did you come in through a personal link? ")}
                <a href="/nieuwe-link">{lang.pick("Stuur mij een nieuwe link", "Send me a new link")}</a></p>
        }
        .into_any()
    } else {
        view! { <Problem error /> }.into_any()
    }
}

/// Loads the response and shows `page`, or why it cannot be shown. The page is not hydrated, so
/// the data is fetched in a `Suspend` (not a resource, which would also be sent to the browser).
fn with_survey<V: IntoView + 'static>(
    page: impl Fn(SurveyView) -> V + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let id = response_id();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match get_survey(id).await {
                    Ok(s) => page(s).into_any(),
                    Err(error) => refused(error),
                }
            })}
        </Suspense>
    }
}

fn base(id: i32) -> String {
    format!("/vragenlijst/{id}")
}

fn section_href(id: i32, key: &str) -> String {
    format!("/vragenlijst/{id}/deel/{key}")
}

/// The item keys of a section that ask a question.
fn questions(section: &Section) -> impl Iterator<Item = &crate::domain::questionnaire::Item> {
    section.items.iter().filter(|i| i.kind.asks())
}

#[component]
fn Progress(evaluation: Evaluation) -> impl IntoView {
    let lang = use_lang();
    let percent = evaluation.percent();
    let text = evaluation.progress_text(lang);
    view! {
        <div class="progress-wrap">
            <div class="progress" role="progressbar" aria-label=lang.pick("Voortgang", "Progress")
                aria-valuemin="0" aria-valuemax="100" aria-valuenow=percent.to_string() data-progress-bar="">
                <span style=format!("width: {percent}%")></span>
            </div>
            <p class="progress-text" data-progress-text="">{text}</p>
        </div>
    }
}

#[component]
fn Heading(s: SurveyView) -> impl IntoView {
    let lang = use_lang();
    view! {
        <p class="crumbs"><a href=base(s.response_id)>{s.definition.title.get(lang).to_owned()}</a></p>
        <p class="meta">
            {s.institution_name.clone()} " (" {s.institution_code.clone()} ") · " {s.round_name.clone()} " · "
            {s.status.label(lang)} " · " {lang.pick("sluit", "closes")} " " {s.closes_at.clone()}
        </p>
    }
}

/// `/vragenlijst/:id/deel/:section`: one section as a form.
#[component]
pub fn SurveySection() -> impl IntoView {
    let section = use_params_map().with_untracked(|p| p.get("section").unwrap_or_default());
    let section = StoredValue::new(section);
    let id = response_id();
    let notice_id = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("melding").and_then(|m| m.parse::<u64>().ok()));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match get_survey(id).await {
                    Ok(s) => {
                        let notice = match notice_id {
                            Some(n) => get_survey_notice(n).await.ok().flatten().filter(|n| n.response_id == s.response_id),
                            None => None,
                        };
                        view! { <SectionForm s section=section.get_value() notice /> }.into_any()
                    }
                    Err(error) => refused(error),
                }
            })}
        </Suspense>
    }
}

/// JSON for a `<script type="application/json">` element: every `<`, `>` and `&` is written as its
/// `\u` escape (still the same JSON), so no text in a definition or an answer (`</script>`,
/// `<!--`, `<script`) can end the element or change how the HTML parser reads it.
pub fn json_in_script(value: &serde_json::Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod script_tests {
    use super::json_in_script;

    #[test]
    fn json_in_a_script_element_cannot_end_or_bend_it() {
        let hostile = serde_json::json!({
            "label": "</script><script>alert(1)</script>",
            "hint": "<!-- <script> & </SCRIPT >",
        });
        let text = json_in_script(&hostile);
        assert!(
            !text.contains('<') && !text.contains('>') && !text.contains('&'),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(back, hostile);
    }
}

/// The PDF copies of a response: with its answers and blank, in Dutch and English.
#[component]
pub fn Copies(id: i32) -> impl IntoView {
    let lang = use_lang();
    let href = |query: &str| format!("{}/kopie.pdf?{query}", base(id));
    view! {
        <p class="copies">
            {lang.pick("Kopie als pdf: ", "Copy as PDF: ")}
            <a href=href("taal=nl") download>{lang.pick("met antwoorden (Nederlands)", "with answers (Dutch)")}</a>
            " · "
            <a href=href("taal=en") download>{lang.pick("met antwoorden (Engels)", "with answers (English)")}</a>
            " · "
            <a href=href("taal=nl&blanco=1") download>{lang.pick("blanco (Nederlands)", "blank (Dutch)")}</a>
            " · "
            <a href=href("taal=en&blanco=1") download>{lang.pick("blanco (Engels)", "blank (English)")}</a>
        </p>
    }
}
