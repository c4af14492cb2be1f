//! A live preview of a definition: the same rules that the server applies decide, as the user
//! answers, which items are shown and whether an answer meets its range or constraint.

use chrono::NaiveDate;
use leptos::prelude::*;

use super::fields::{grouped, label_text, AnswerSignal, ItemControls};
use crate::domain::questionnaire::{Definition, ItemKind};
use crate::domain::response::{defaults, evaluate, fill, Evaluation};
use crate::i18n::use_lang;

#[component]
pub fn Preview(definition: Definition, today: NaiveDate) -> impl IntoView {
    let lang = use_lang();
    let answers: AnswerSignal = RwSignal::new(defaults(&definition));
    let def = StoredValue::new(definition.clone());
    let state = Memo::new(move |_| def.with_value(|d| evaluate(d, &*answers.read(), today)));
    view! {
        <form class="preview" aria-label=lang.pick("Voorbeeld van de vragenlijst", "Questionnaire preview")>
            {definition.sections.into_iter().map(|section| view! {
                <section class="q-section">
                    <h3>{section.title.get(lang).to_owned()}</h3>
                    {section.intro.map(|t| view! { <p>{t.get(lang).to_owned()}</p> })}
                    {section.items.into_iter().map(|item| {
                        if matches!(item.kind, ItemKind::Calculated { .. }) {
                            return calculated(item.key, item.label.get(lang).to_owned(), state).into_any();
                        }
                        let (shown_key, problem_key) = (item.key.clone(), item.key.clone());
                        let template = label_text(&item, lang);
                        let label = if template.contains("${") {
                            let fill_in = move || answers.with(|a| state.with(|e| def.with_value(|d| fill(&template, d, a, e, lang))));
                            view! { <span>{fill_in}</span> }.into_any()
                        } else {
                            template.into_any()
                        };
                        let hint = item.hint.as_ref().map(|h| h.get(lang).to_owned());
                        let is_grouped = grouped(&item);
                        let is_note = matches!(item.kind, ItemKind::Note);
                        let key = item.key.clone();
                        let options_key = item.key.clone();
                        let read_only = item.read_only;
                        let problem = move || state.with(|s| s.problem(&problem_key).map(|m| m.get(lang).to_owned()));
                        let body = view! {
                            {hint.map(|h| view! { <p class="hint">{h}</p> })}
                            <ItemControls item answers disabled=read_only withheld=Signal::derive(move || state.with(|s| s.withheld_options.get(&options_key).cloned().unwrap_or_default())) />
                            {move || problem().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                        };
                        let inner = if is_grouped {
                            view! { <fieldset><legend>{label}</legend>{body}</fieldset> }.into_any()
                        } else if is_note {
                            view! { <p class="note">{label}</p>{body} }.into_any()
                        } else {
                            view! { <label for=key>{label}</label>{body} }.into_any()
                        };
                        view! { <div class="q-item" hidden=move || !state.with(|s| s.applicable.contains(&shown_key))>{inner}</div> }.into_any()
                    }).collect_view()}
                </section>
            }).collect_view()}
        </form>
    }
}

/// A calculation in the preview: not asked, but its value shown as the answers change, so the
/// researcher sees what will be stored.
fn calculated(key: String, label: String, state: Memo<Evaluation>) -> impl IntoView {
    let lang = use_lang();
    let (shown_key, value_key, data) = (key.clone(), key.clone(), key.clone());
    view! {
        <p class="q-item calculated" data-calculated=data hidden=move || !state.with(|s| s.applicable.contains(&shown_key))>
            {lang.pick("Berekend", "Calculated")} " " <code>{key}</code> " (" {label} "): "
            <output>{move || state.with(|s| s.calculated.get(&value_key).cloned().unwrap_or_else(|| "—".into()))}</output>
        </p>
    }
}
