//! Every answer of a response on one page, with those carried over from last year marked.

use leptos::prelude::*;

use super::questions;
use crate::api::survey::SurveyView;
use crate::domain::questionnaire::Section;
use crate::domain::response::{answer_keys, display, Evaluation};
use crate::i18n::{use_lang, Lang};
use crate::ui::layout::Head;

/// How many applicable answers (of one section, or of all) were carried over from last year and
/// are not yet confirmed: they count as answered, but nobody has looked at them this year.
pub(super) fn carried(s: &SurveyView, evaluation: &Evaluation, section: Option<&Section>) -> usize {
    s.answers
        .iter()
        .filter(|a| a.prefilled && !a.value.is_empty())
        .map(|a| a.key.split('.').next().unwrap_or(""))
        .filter(|key| evaluation.applicable.contains(*key))
        .filter(|key| section.is_none_or(|sec| sec.items.iter().any(|i| i.key == *key)))
        .count()
}

/// Says that carried-over answers still wait for a look, and what submitting does with them.
#[component]
pub(super) fn Carried(count: usize) -> impl IntoView {
    let lang = use_lang();
    (count > 0).then(|| view! {
        <p class="notice" data-carried=count.to_string()>{match lang {
            Lang::Nl => format!("{count} antwoorden zijn overgenomen van vorig jaar en nog niet bevestigd. Kijk ze na per onderdeel: wijzig wat niet meer klopt en bevestig de rest (per vraag of voor het hele onderdeel). Bij indienen gelden ze als bevestigd."),
            Lang::En => format!("{count} answers were carried over from last year and not yet confirmed. Check them section by section: change what no longer holds and confirm the rest (per question or for the whole section). Submitting confirms them."),
        }}</p>
    })
}

/// Every applicable answer, by section, with who changed it last.
#[component]
pub(super) fn AllAnswers(s: SurveyView, evaluation: Evaluation) -> impl IntoView {
    let lang = use_lang();
    let def = s.definition.clone();
    view! {
        <h2>{lang.pick("Alle antwoorden", "All answers")}</h2>
        {def.sections.iter().map(|sec| {
            let rows = questions(sec)
                .filter(|i| evaluation.applicable.contains(&i.key))
                .flat_map(|item| {
                    answer_keys(item)
                        .into_iter()
                        .map(move |(k, row)| (item, k, row.map(|r| r.label.get(lang).to_owned())))
                })
                .map(|(item, k, sub_label)| {
                    let a = s.answer(&k).filter(|a| !a.value.is_empty());
                    let value = a.map(|a| display(&def, &k, &a.value, lang)).unwrap_or_else(|| "—".into());
                    let who = a.and_then(|a| a.by.clone().map(|b| format!("{b}, {}", a.at))).unwrap_or_default();
                    let label = match sub_label {
                        Some(l) => format!("{} — {l}", item.label.get(lang)),
                        None => item.label.get(lang).to_owned(),
                    };
                    view! { <tr><th scope="row">{label}</th><td>{value}</td><td class="who">{who}</td></tr> }
                })
                .collect_view();
            view! {
                <h3>{sec.title.get(lang).to_owned()}</h3>
                <table class="answers">
                    <Head columns={&[
                        ("Vraag", "Question"),
                        ("Antwoord", "Answer"),
                        ("Laatst gewijzigd", "Last changed"),
                    ]} />
                    <tbody>{rows}</tbody>
                </table>
            }
        }).collect_view()}
    }
}
