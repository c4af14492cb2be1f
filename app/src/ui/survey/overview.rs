//! A response's overview: its sections, progress and what was carried over.

use leptos::prelude::*;

use super::{
    base, carried, questions, section_href, with_survey, AllAnswers, Carried, Copies, Heading,
    Progress,
};
use crate::api::survey::SurveyView;
use crate::domain::response::{evaluate, ResponseStatus};
use crate::i18n::{use_lang, Lang};

/// `/vragenlijst/:id`: where the response stands, the sections, and once submitted every answer.
#[component]
pub fn SurveyOverview() -> impl IntoView {
    with_survey(|s| view! { <Overview s /> })
}

#[component]
fn Overview(s: SurveyView) -> impl IntoView {
    let lang = use_lang();
    let id = s.response_id;
    let evaluation = evaluate(&s.definition, &s.raw(), s.today);
    let resume = s
        .last_section
        .clone()
        .filter(|k| s.definition.sections.iter().any(|x| x.key == *k))
        .or_else(|| s.definition.sections.first().map(|x| x.key.clone()))
        .unwrap_or_default();
    let submitted = s.status == ResponseStatus::Submitted;
    let sections = s
        .definition
        .sections
        .iter()
        .filter(|sec| sec.items.iter().any(|i| evaluation.applicable.contains(&i.key)))
        .map(|sec| {
            let shown: Vec<_> = questions(sec).filter(|i| evaluation.applicable.contains(&i.key)).collect();
            let open = shown.iter().filter(|i| evaluation.missing.contains(&i.key)).count();
            let mut note = match (open, lang) {
                (0, Lang::Nl) => "compleet".to_owned(),
                (0, Lang::En) => "complete".to_owned(),
                (n, Lang::Nl) => format!("{n} verplicht open"),
                (n, Lang::En) => format!("{n} required open"),
            };
            match (carried(&s, &evaluation, Some(sec)), lang) {
                (0, _) => {}
                (n, Lang::Nl) => note.push_str(&format!(", {n} van vorig jaar nog te bevestigen")),
                (n, Lang::En) => note.push_str(&format!(", {n} from last year to confirm")),
            }
            view! { <li><a href=section_href(id, &sec.key)>{sec.title.get(lang).to_owned()}</a> " — " {note}</li> }
        })
        .collect_view();
    view! {
        <h1>{s.definition.title.get(lang).to_owned()}</h1>
        <Heading s=s.clone() />
        <Progress evaluation=evaluation.clone() />
        {s.editable.then(|| view! { <Carried count=carried(&s, &evaluation, None) /> })}
        {s.editable.then(|| view! {
            <p class="actions">
                <a class="button" href=section_href(id, &resume)>{lang.pick("Verder invullen", "Continue")}</a>
                " " <a href=format!("{}/controle", base(id))>{lang.pick("Controleren en indienen", "Review and submit")}</a>
            </p>
        })}
        {(!s.editable && !submitted).then(|| view! {
            <p class="notice">{lang.pick("U kunt de antwoorden bekijken maar niet wijzigen.", "You can view the answers but not change them.")}</p>
        })}
        {submitted.then(|| view! {
            <div class="notice" role="status">
                <p>{lang.pick("Ingediend op", "Submitted on")} " " {s.submitted_at.clone().unwrap_or_default()} ". "
                    {lang.pick("Hieronder staan alle antwoorden.", "All answers are below.")}</p>
                <p><a href=format!("{}/vergelijking", base(id))>{lang.pick("Vergelijk met andere instellingen", "Compare with other institutions")}</a></p>
            </div>
        })}
        <Copies id />
        <h2>{lang.pick("Onderdelen", "Sections")}</h2>
        <ul class="sections">{sections}</ul>
        {(submitted || !s.editable).then(|| view! { <AllAnswers s=s.clone() evaluation=evaluation.clone() /> })}
    }
}
