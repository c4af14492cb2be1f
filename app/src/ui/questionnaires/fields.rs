//! The form controls of one questionnaire item, shared by the researcher's live preview and the
//! coordinator's survey. Values come from (and, where the page is hydrated, go to) a signal of raw
//! answers; every control is a plain named form field, so a page without WASM posts them as is.

use leptos::prelude::*;

use crate::domain::questionnaire::{Appearance, Choice, Item, ItemKind, Required};
use crate::domain::response::{likert_options, yes_no_options, Answers};
use crate::i18n::{use_lang, Lang};
use crate::ui::layout::Head;

/// The raw answers on a page.
pub type AnswerSignal = RwSignal<Answers>;

fn set(answers: AnswerSignal, key: &str, value: String) {
    let key = key.to_owned();
    answers.update(|m| {
        if value.trim().is_empty() {
            m.remove(&key);
        } else {
            m.insert(key, value);
        }
    });
}

fn get(answers: AnswerSignal, key: &str) -> String {
    answers.with(|m| m.get(key).cloned().unwrap_or_default())
}

/// The label with a star for required items.
pub fn label_text(item: &Item, lang: Lang) -> String {
    let star = if matches!(item.required, Required::Always(true) | Required::When(_)) {
        " *"
    } else {
        ""
    };
    format!("{}{star}", item.label.get(lang))
}

/// Whether an item is shown as a group of controls (fieldset with legend); a drop-down list
/// is one control with a label.
pub fn grouped(item: &Item) -> bool {
    let dropdown = item.appearance == Some(Appearance::Minimal)
        && matches!(item.kind, ItemKind::SingleChoice { .. });
    !dropdown
        && !matches!(
            item.kind,
            ItemKind::Integer { .. }
                | ItemKind::Decimal { .. }
                | ItemKind::ShortText
                | ItemKind::LongText
                | ItemKind::Date
                | ItemKind::Time
                | ItemKind::DateTime
                | ItemKind::Note
        )
}

/// The controls of `item`. Field names are `prefix` + answer key; `disabled` renders a read-only
/// form. `described` is the id of the element that explains the item's problem, if any.
#[component]
pub fn ItemControls(
    item: Item,
    answers: AnswerSignal,
    #[prop(default = "")] prefix: &'static str,
    #[prop(default = false)] disabled: bool,
    #[prop(optional)] described: Option<String>,
    /// The option codes not offered now (under the item's option conditions).
    #[prop(optional, into)]
    withheld: Signal<Vec<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let key = item.key.clone();
    let name = format!("{prefix}{key}");
    let choices = Choices {
        key: key.clone(),
        name: name.clone(),
        answers,
        disabled,
        lang,
        withheld,
    };
    match item.kind {
        ItemKind::Note | ItemKind::Calculated { .. } => ().into_any(),
        ItemKind::YesNoDontKnow => choices.radios(yes_no_options(), false).into_any(),
        ItemKind::SingleChoice { options } if item.appearance == Some(Appearance::Minimal) => {
            choices.select(options, described).into_any()
        }
        ItemKind::SingleChoice { options } => choices
            .radios(options, item.appearance == Some(Appearance::Horizontal))
            .into_any(),
        ItemKind::Likert { points, anchors } => choices
            .radios(likert_options(points, &anchors, lang), false)
            .into_any(),
        ItemKind::MultipleChoice { options } => choices
            .checkboxes(options, item.appearance == Some(Appearance::Horizontal))
            .into_any(),
        ItemKind::Integer { ref unit, .. } | ItemKind::Decimal { ref unit, .. } => {
            let step = if matches!(item.kind, ItemKind::Integer { .. }) { "1" } else { "any" };
            let unit = unit.as_ref().map(|u| u.get(lang).to_owned());
            let k = key.clone();
            let value = get(answers, &key);
            view! {
                <input id=key.clone() name=name type="number" step=step inputmode="decimal" value=value disabled=disabled
                    aria-describedby=described
                    on:input=move |ev| set(answers, &k, event_target_value(&ev)) />
                {unit.map(|u| view! { <span class="unit">" " {u}</span> })}
            }
            .into_any()
        }
        ItemKind::ShortText | ItemKind::Date | ItemKind::Time | ItemKind::DateTime => {
            let kind = match item.kind {
                ItemKind::Date => "date",
                ItemKind::Time => "time",
                ItemKind::DateTime => "datetime-local",
                _ => "text",
            };
            let k = key.clone();
            let value = get(answers, &key);
            view! {
                <input id=key.clone() name=name type=kind value=value disabled=disabled aria-describedby=described
                    on:input=move |ev| set(answers, &k, event_target_value(&ev)) />
            }
            .into_any()
        }
        ItemKind::LongText => {
            let k = key.clone();
            let value = get(answers, &key);
            view! {
                <textarea id=key.clone() name=name rows="4" disabled=disabled aria-describedby=described
                    on:input=move |ev| set(answers, &k, event_target_value(&ev))>{value}</textarea>
            }
            .into_any()
        }
        ItemKind::IncidentGrid { categories } => view! {
            <table class="grid">
                <Head columns={&[("Soort incident", "Kind of incident"), ("Aantal", "Number")]} />
                <tbody>
                    {categories.into_iter().map(|c| {
                        let id = format!("{key}.{}", c.code);
                        let k = id.clone();
                        let value = get(answers, &id);
                        view! {
                            <tr>
                                <td><label for=id.clone()>{c.label.get(lang).to_owned()}</label></td>
                                <td><input id=id.clone() name=format!("{prefix}{id}") type="number" min="0" step="1" inputmode="numeric" value=value disabled=disabled
                                    on:input=move |ev| set(answers, &k, event_target_value(&ev)) /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
        ItemKind::Matrix { rows, scale } => view! {
            <table class="grid">
                <thead><tr><td></td>{scale.iter().map(|s| view! { <th scope="col">{s.label.get(lang).to_owned()}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let sub = format!("{key}.{}", r.code);
                        let row_label = r.label.get(lang).to_owned();
                        view! {
                            <tr>
                                <th scope="row">{row_label.clone()}</th>
                                {scale.iter().map(|s| {
                                    let (k, code) = (sub.clone(), s.code.clone());
                                    let checked = get(answers, &sub) == s.code;
                                    view! {
                                        <td><input type="radio" name=format!("{prefix}{sub}") value=s.code.clone() checked=checked disabled=disabled
                                            aria-label=format!("{row_label}: {}", s.label.get(lang))
                                            on:change=move |_| set(answers, &k, code.clone()) /></td>
                                    }
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    }
}

/// The controls of a choice question's options; each option carries `data-option` ("key code")
/// and is hidden while it is not offered.
struct Choices {
    key: String,
    name: String,
    answers: AnswerSignal,
    disabled: bool,
    lang: Lang,
    withheld: Signal<Vec<String>>,
}

impl Choices {
    fn hidden(&self, code: &str) -> impl Fn() -> bool + Send + Sync + 'static {
        let (withheld, code) = (self.withheld, code.to_owned());
        move || withheld.with(|w| w.contains(&code))
    }

    /// The options in a row when `horizontal`, else one under the other.
    fn wrap(horizontal: bool, options: impl IntoView) -> impl IntoView {
        view! { <div class="options" class:horizontal=horizontal>{options}</div> }
    }

    /// One option: its control and label, marked for showing and hiding.
    fn option(&self, o: &Choice, input: impl IntoView) -> impl IntoView {
        let id = format!("{}-{}", self.key, o.code);
        view! {
            <div class="option" data-option=format!("{} {}", self.key, o.code) hidden=self.hidden(&o.code)>
                {input}
                <label for=id>{o.label.get(self.lang).to_owned()}</label>
            </div>
        }
    }

    fn radios(&self, options: Vec<Choice>, horizontal: bool) -> impl IntoView {
        let (key, answers, disabled) = (&self.key, self.answers, self.disabled);
        let list = options
            .iter()
            .map(|o| {
                let (k, code) = (key.clone(), o.code.clone());
                let checked = get(answers, key) == o.code;
                let input = view! {
                    <input type="radio" id=format!("{key}-{}", o.code) name=self.name.clone() value=o.code.clone() checked=checked disabled=disabled
                        on:change=move |_| set(answers, &k, code.clone()) />
                };
                self.option(o, input)
            })
            .collect_view();
        Self::wrap(horizontal, list)
    }

    fn checkboxes(&self, options: Vec<Choice>, horizontal: bool) -> impl IntoView {
        let (key, answers, disabled) = (&self.key, self.answers, self.disabled);
        let list = options
            .iter()
            .map(|o| {
                let (k, code) = (key.clone(), o.code.clone());
                let checked = {
                    let (k, code) = (k.clone(), code.clone());
                    move || get(answers, &k).split_whitespace().any(|c| c == code)
                };
                let input = view! {
                    <input type="checkbox" id=format!("{key}-{}", o.code) name=self.name.clone() value=o.code.clone() checked=checked disabled=disabled
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let mut codes: Vec<String> = get(answers, &k).split_whitespace().filter(|c| *c != code).map(str::to_owned).collect();
                            if on { codes.push(code.clone()); }
                            set(answers, &k, codes.join(" "));
                        } />
                };
                self.option(o, input)
            })
            .collect_view();
        Self::wrap(horizontal, list)
    }

    /// A drop-down list (XLSForm's `minimal`), with an empty first entry.
    fn select(&self, options: Vec<Choice>, described: Option<String>) -> impl IntoView {
        let (key, answers, lang) = (self.key.clone(), self.answers, self.lang);
        let current = get(answers, &key);
        let k = key.clone();
        view! {
            <select id=key.clone() name=self.name.clone() disabled=self.disabled aria-describedby=described
                on:change=move |ev| set(answers, &k, event_target_value(&ev))>
                <option value="">{lang.pick("— kies —", "— choose —")}</option>
                {options.into_iter().map(|o| view! {
                    <option value=o.code.clone() selected=current == o.code data-option=format!("{key} {}", o.code) hidden=self.hidden(&o.code)>
                        {o.label.get(lang).to_owned()}
                    </option>
                }).collect_view()}
            </select>
        }
    }
}
