//! The review before submitting: what is missing, what is unusual, and the submit button.

use leptos::prelude::*;

use super::{base, carried, section_href, with_survey, Carried, Heading, Progress};
use crate::api::survey::{SubmitResponse, SurveyView};
use crate::domain::response::{display, evaluate};
use crate::i18n::use_lang;
use crate::ui::layout::{Head, Outcome};

/// `/vragenlijst/:id/controle`: what is open or invalid, what changed since last year, and submit.
#[component]
pub fn SurveyReview() -> impl IntoView {
    let submit = ServerAction::<SubmitResponse>::new();
    with_survey(move |s| view! { <Review s submit /> })
}

#[component]
pub(super) fn Review(s: SurveyView, submit: ServerAction<SubmitResponse>) -> impl IntoView {
    let lang = use_lang();
    let id = s.response_id;
    let def = s.definition.clone();
    let evaluation = evaluate(&def, &s.raw(), s.today);
    let place = |key: &str| {
        let sec = def
            .sections
            .iter()
            .find(|x| x.items.iter().any(|i| i.key == key));
        let label = def
            .item(key)
            .map(|i| i.label.get(lang).to_owned())
            .unwrap_or_default();
        let href = sec
            .map(|x| format!("{}#q-{key}", section_href(id, &x.key)))
            .unwrap_or_default();
        (href, label)
    };
    let missing = evaluation
        .missing
        .iter()
        .map(|k| {
            let (href, label) = place(k);
            view! { <li><a href=href>{label}</a></li> }
        })
        .collect_view();
    let invalid = evaluation
        .invalid
        .iter()
        .map(|(k, m)| {
            let (href, label) = place(k);
            view! { <li><a href=href>{label}</a> ": " {m.get(lang).to_owned()}</li> }
        })
        .collect_view();
    let changes: Vec<_> = s
        .answers
        .iter()
        .filter(|a| a.previous.as_ref().is_some_and(|p| *p != a.value))
        .filter(|a| evaluation.applicable.contains(a.key.split('.').next().unwrap_or("")))
        .map(|a| {
            let (href, label) = place(a.key.split('.').next().unwrap_or(""));
            let before = a.previous.as_deref().map(|p| display(&def, &a.key, p, lang)).unwrap_or_default();
            let now = if a.value.is_empty() { "—".to_owned() } else { display(&def, &a.key, &a.value, lang) };
            view! { <tr><th scope="row"><a href=href>{label}</a></th><td>{before}</td><td>{now}</td></tr> }
        })
        .collect();
    let unconfirmed = carried(&s, &evaluation, None);
    let complete = evaluation.complete();
    view! {
        <h1>{lang.pick("Controleren en indienen", "Review and submit")}</h1>
        <Heading s=s.clone() />
        <Progress evaluation=evaluation.clone() />
        {(!evaluation.missing.is_empty()).then(|| view! {
            <h2>{lang.pick("Verplichte vragen zonder antwoord", "Required questions without an answer")}</h2>
            <ul>{missing}</ul>
        })}
        {(!evaluation.invalid.is_empty()).then(|| view! {
            <h2>{lang.pick("Ongeldige antwoorden", "Invalid answers")}</h2>
            <ul>{invalid}</ul>
        })}
        <Carried count=unconfirmed />
        <h2>{lang.pick("Gewijzigd ten opzichte van vorig jaar", "Changed compared to last year")}</h2>
        {if changes.is_empty() {
            view! { <p>{lang.pick("Geen wijzigingen ten opzichte van vorig jaar (of geen antwoorden van vorig jaar).", "No changes compared to last year (or no answers from last year).")}</p> }.into_any()
        } else {
            view! {
                <table class="answers">
                    <Head columns={&[
                        ("Vraag", "Question"),
                        ("Vorig jaar", "Last year"),
                        ("Nu", "Now"),
                    ]} />
                    <tbody>{changes}</tbody>
                </table>
            }.into_any()
        }}
        <SubmitPart editable=s.editable complete id submit />
    }
}

/// The submit button once the answers are complete, or why it is not there.
#[component]
fn SubmitPart(
    editable: bool,
    complete: bool,
    id: i32,
    submit: ServerAction<SubmitResponse>,
) -> impl IntoView {
    let lang = use_lang();
    match (editable, complete) {
        (true, true) => view! {
            <h2>{lang.pick("Indienen", "Submit")}</h2>
            <p>{lang.pick("Na indienen kunt u de antwoorden niet meer wijzigen. De beheerder kan de vragenlijst zo nodig heropenen.", "After submitting you can no longer change the answers. The administrator can reopen the questionnaire if needed.")}</p>
            <ActionForm action=submit>
                <input type="hidden" name="id" value=id.to_string() />
                <button type="submit">{lang.pick("Vragenlijst indienen", "Submit questionnaire")}</button>
            </ActionForm>
            <Outcome action=submit success=lang.pick("Ingediend.", "Submitted.") />
        }.into_any(),
        (true, false) => view! {
            <p class="notice">{lang.pick("Indienen kan zodra alle verplichte vragen zijn beantwoord en alle antwoorden geldig zijn.", "You can submit once every required question is answered and every answer is valid.")}</p>
        }.into_any(),
        (false, _) => view! { <p><a href=base(id)>{lang.pick("Naar het overzicht", "To the overview")}</a></p> }.into_any(),
    }
}
