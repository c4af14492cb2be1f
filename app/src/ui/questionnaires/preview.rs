//! A live preview of a definition: the same logic engine that the server uses decides, as the
//! user answers, which items are shown and whether an answer meets its constraint.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use leptos::prelude::*;

use crate::domain::expr::{self, Env, Value};
use crate::domain::questionnaire::{Choice, Definition, Item, ItemKind, Required};
use crate::i18n::{use_lang, Lang};

type Answers = RwSignal<HashMap<String, Value>>;

struct MapEnv<'a> {
    answers: &'a HashMap<String, Value>,
    current: Value,
    today: NaiveDate,
}

impl Env for MapEnv<'_> {
    fn get(&self, key: &str) -> Value {
        self.answers.get(key).cloned().unwrap_or(Value::Null)
    }
    fn current(&self) -> Value {
        self.current.clone()
    }
    fn today(&self) -> NaiveDate {
        self.today
    }
}

fn holds(source: Option<&str>, env: &MapEnv) -> bool {
    match source.map(expr::parse) {
        None => true,
        Some(Ok(node)) => expr::evaluate(&node, env).truthy(),
        Some(Err(_)) => true,
    }
}

/// The keys of items that apply with these answers. Answers of items that do not apply count as
/// unanswered for the items after them, as on the server.
pub fn applicable(
    def: &Definition,
    answers: &HashMap<String, Value>,
    today: NaiveDate,
) -> HashSet<String> {
    let mut effective = HashMap::new();
    let mut shown = HashSet::new();
    for section in &def.sections {
        let env = MapEnv {
            answers: &effective,
            current: Value::Null,
            today,
        };
        let section_on = holds(section.relevant.as_deref(), &env);
        for item in &section.items {
            let env = MapEnv {
                answers: &effective,
                current: Value::Null,
                today,
            };
            if section_on && holds(item.relevant.as_deref(), &env) {
                shown.insert(item.key.clone());
                if let Some(v) = answers.get(&item.key) {
                    effective.insert(item.key.clone(), v.clone());
                }
            }
        }
    }
    shown
}

#[component]
pub fn Preview(definition: Definition, today: NaiveDate) -> impl IntoView {
    let lang = use_lang();
    let answers: Answers = RwSignal::new(HashMap::new());
    let def = StoredValue::new(definition.clone());
    let shown = Memo::new(move |_| def.with_value(|d| applicable(d, &answers.read(), today)));
    view! {
        <form class="preview" aria-label=lang.pick("Voorbeeld van de vragenlijst", "Questionnaire preview")>
            {definition.sections.into_iter().map(|section| view! {
                <section class="q-section">
                    <h3>{section.title.get(lang).to_owned()}</h3>
                    {section.intro.map(|t| view! { <p>{t.get(lang).to_owned()}</p> })}
                    {section.items.into_iter().map(|item| {
                        let key = item.key.clone();
                        view! {
                            <div class="q-item" hidden=move || !shown.get().contains(&key)>
                                <ItemView item answers today />
                            </div>
                        }
                    }).collect_view()}
                </section>
            }).collect_view()}
        </form>
    }
}

fn label_text(item: &Item, lang: Lang) -> String {
    let star = if matches!(item.required, Required::Always(true) | Required::When(_)) {
        " *"
    } else {
        ""
    };
    format!("{}{star}", item.label.get(lang))
}

#[component]
fn ItemView(item: Item, answers: Answers, today: NaiveDate) -> impl IntoView {
    let lang = use_lang();
    let key = item.key.clone();
    let label = label_text(&item, lang);
    let hint = item.hint.as_ref().map(|h| h.get(lang).to_owned());
    let constraint = item.constraint.clone();
    let check_key = key.clone();
    let violated = move || {
        let c = constraint.as_ref()?;
        let current = answers
            .read()
            .get(&check_key)
            .cloned()
            .unwrap_or(Value::Null);
        if current == Value::Null || current == Value::Text(String::new()) {
            return None;
        }
        let env = MapEnv {
            answers: &answers.read(),
            current,
            today,
        };
        (!holds(Some(&c.expression), &env)).then(|| c.message.get(lang).to_owned())
    };
    let grouped = matches!(
        item.kind,
        ItemKind::YesNoDontKnow
            | ItemKind::SingleChoice { .. }
            | ItemKind::MultipleChoice { .. }
            | ItemKind::Likert { .. }
            | ItemKind::IncidentGrid { .. }
            | ItemKind::Matrix { .. }
    );
    let is_note = matches!(item.kind, ItemKind::Note);
    let set = move |k: String, v: Value| {
        answers.update(|m| {
            m.insert(k, v);
        })
    };
    let input = match item.kind {
        ItemKind::Note => ().into_any(),
        ItemKind::YesNoDontKnow => {
            let options = vec![
                Choice { code: "ja".into(), label: crate::domain::questionnaire::Text::new("Ja", "Yes") },
                Choice { code: "nee".into(), label: crate::domain::questionnaire::Text::new("Nee", "No") },
                Choice { code: "weet_niet".into(), label: crate::domain::questionnaire::Text::new("Weet niet", "Don't know") },
            ];
            radios(&key, &options, lang, set).into_any()
        }
        ItemKind::SingleChoice { options } => radios(&key, &options, lang, set).into_any(),
        ItemKind::Likert { points, anchors } => {
            let options: Vec<Choice> = (1..=points)
                .map(|p| {
                    let code = p.to_string();
                    let anchor = anchors.iter().find(|a| a.code == code).map(|a| format!("{code} – {}", a.label.get(lang)));
                    Choice { code: code.clone(), label: crate::domain::questionnaire::Text::new(&anchor.unwrap_or(code), "") }
                })
                .collect();
            radios(&key, &options, lang, set).into_any()
        }
        ItemKind::MultipleChoice { options } => checkboxes(&key, &options, lang, answers).into_any(),
        ItemKind::Integer { ref unit, .. } | ItemKind::Decimal { ref unit, .. } => {
            let k = key.clone();
            let unit = unit.as_ref().map(|u| u.get(lang).to_owned());
            view! {
                <input id=key.clone() name=key.clone() type="number" inputmode="decimal"
                    on:input=move |ev| {
                        let raw = event_target_value(&ev);
                        let v = raw.trim().replace(',', ".").parse::<f64>().map(Value::Number).unwrap_or(Value::Null);
                        set(k.clone(), v);
                    } />
                {unit.map(|u| view! { <span class="unit">" " {u}</span> })}
            }
            .into_any()
        }
        ItemKind::ShortText | ItemKind::Date => {
            let k = key.clone();
            let kind = if matches!(item.kind, ItemKind::Date) { "date" } else { "text" };
            view! {
                <input id=key.clone() name=key.clone() type=kind
                    on:input=move |ev| set(k.clone(), Value::Text(event_target_value(&ev))) />
            }
            .into_any()
        }
        ItemKind::LongText => {
            let k = key.clone();
            view! { <textarea id=key.clone() name=key.clone() rows="4" on:input=move |ev| set(k.clone(), Value::Text(event_target_value(&ev)))></textarea> }.into_any()
        }
        ItemKind::IncidentGrid { categories } => view! {
            <table class="grid">
                <tbody>
                    {categories.into_iter().map(|c| {
                        let id = format!("{key}.{}", c.code);
                        view! {
                            <tr>
                                <td><label for=id.clone()>{c.label.get(lang).to_owned()}</label></td>
                                <td><input id=id.clone() name=id type="number" min="0" inputmode="numeric" /></td>
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
                        let name = format!("{key}.{}", r.code);
                        let row_label = r.label.get(lang).to_owned();
                        view! {
                            <tr>
                                <th scope="row">{row_label.clone()}</th>
                                {scale.iter().map(|s| view! {
                                    <td><input type="radio" name=name.clone() value=s.code.clone() aria-label=format!("{row_label}: {}", s.label.get(lang)) /></td>
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    };
    let body = view! {
        {hint.map(|h| view! { <p class="hint">{h}</p> })}
        {input}
        {move || violated().map(|m| view! { <p class="error" role="alert">{m}</p> })}
    };
    if grouped {
        view! { <fieldset><legend>{label}</legend>{body}</fieldset> }.into_any()
    } else if is_note {
        view! { <p class="note">{label}</p>{body} }.into_any()
    } else {
        view! { <label for=key>{label}</label>{body} }.into_any()
    }
}

fn radios(
    key: &str,
    options: &[Choice],
    lang: Lang,
    set: impl Fn(String, Value) + Copy + 'static,
) -> impl IntoView {
    options
        .iter()
        .map(|o| {
            let id = format!("{key}-{}", o.code);
            let (k, code) = (key.to_owned(), o.code.clone());
            view! {
                <div class="option">
                    <input type="radio" id=id.clone() name=key.to_owned() value=o.code.clone()
                        on:change=move |_| set(k.clone(), Value::Text(code.clone())) />
                    <label for=id>{o.label.get(lang).to_owned()}</label>
                </div>
            }
        })
        .collect_view()
}

fn checkboxes(key: &str, options: &[Choice], lang: Lang, answers: Answers) -> impl IntoView {
    options
        .iter()
        .map(|o| {
            let id = format!("{key}-{}", o.code);
            let (k, code) = (key.to_owned(), o.code.clone());
            view! {
                <div class="option">
                    <input type="checkbox" id=id.clone() name=key.to_owned() value=o.code.clone()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            answers.update(|m| {
                                let mut codes = match m.remove(&k) { Some(Value::Multi(c)) => c, _ => Vec::new() };
                                codes.retain(|c| *c != code);
                                if on { codes.push(code.clone()); }
                                m.insert(k.clone(), if codes.is_empty() { Value::Null } else { Value::Multi(codes) });
                            });
                        } />
                    <label for=id>{o.label.get(lang).to_owned()}</label>
                </div>
            }
        })
        .collect_view()
}
