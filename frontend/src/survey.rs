//! The survey module. The server renders each section as a plain form; this module adds, with the
//! same rules the server applies (`app::domain::response`):
//! - showing and hiding items and range/constraint messages as the user answers;
//! - saving every answer as it is given (`/api/save_answers`), with a visible state, retries after
//!   a failure, and the current value when a colleague changed the answer meanwhile;
//! - the progress bar.
//!
//! It keeps the form's hidden revision and saved-value fields (`app::api::survey::page`) up to
//! date, so pressing a button of the form posts only what is not saved yet.

use std::cell::RefCell;
use std::collections::BTreeSet;

use app::api::survey::{page, AnswerChange, SaveResult};
use app::api::ApiError;
use app::domain::questionnaire::Definition;
use app::domain::response::{answer_keys, evaluate, fill, Answers};
use app::i18n::Lang;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, FormData, HtmlFormElement, HtmlInputElement};

/// What the page embeds (`page::CONFIG_ID`).
type Config = page::SurveyConfig<Definition, Answers>;

struct Survey {
    config: Config,
    lang: Lang,
    /// Answer keys of this section.
    keys: Vec<String>,
    /// Keys the user touched (problems are shown only for those, and after a save).
    touched: BTreeSet<String>,
    in_flight: bool,
    retry_scheduled: bool,
    /// Bumped on every input, so a debounced save only runs for the latest one.
    generation: u32,
    /// The page is being left: requests are sent with `keepalive`.
    leaving: bool,
    /// Values the server refused (key → value): not sent again until the user changes them.
    refused: std::collections::BTreeMap<String, String>,
}

thread_local! {
    static SURVEY: RefCell<Option<Survey>> = const { RefCell::new(None) };
}

fn document() -> Option<Document> {
    web_sys::window()?.document()
}

fn by_selector(selector: &str) -> Option<Element> {
    document()?.query_selector(selector).ok().flatten()
}

fn hidden_input(prefix: &str, key: &str) -> Option<HtmlInputElement> {
    by_selector(&format!("input[type=hidden][name=\"{prefix}{key}\"]"))?
        .dyn_into()
        .ok()
}

fn form() -> Option<HtmlFormElement> {
    document()?
        .get_element_by_id("survey-form")?
        .dyn_into()
        .ok()
}

fn pick(lang: Lang, nl: &str, en: &str) -> String {
    lang.pick(nl, en).to_owned()
}

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    let Some(doc) = document() else { return };
    let mark_ready = || {
        if let Some(body) = doc.body() {
            let _ = body.set_attribute("data-ready", "true");
        }
    };
    let Some(config) = doc
        .get_element_by_id(page::CONFIG_ID)
        .and_then(|e| e.text_content())
        .and_then(|t| serde_json::from_str::<Config>(&t).ok())
    else {
        // Pages without a form (overview, review, comparison) need nothing more.
        mark_ready();
        return;
    };
    let lang = Lang::from_code(&config.lang);
    let keys = section_keys(&config.definition, &config.section);
    let editable = config.editable;
    SURVEY.with(|s| {
        *s.borrow_mut() = Some(Survey {
            config,
            lang,
            keys,
            touched: BTreeSet::new(),
            in_flight: false,
            retry_scheduled: false,
            generation: 0,
            leaving: false,
            refused: Default::default(),
        })
    });
    if editable {
        if let Some(form) = form() {
            listen(&form, "change", |event| on_edit(&event, true));
            listen(&form, "input", |event| on_edit(&event, false));
            listen(&form, "click", on_click);
        }
        if let Some(window) = web_sys::window() {
            // Leaving or reloading the page sends what the debounce still held back.
            listen(&window, "pagehide", |_| {
                with(|s| s.leaving = true);
                wasm_bindgen_futures::spawn_local(save_dirty());
            });
        }
        status(
            &with(|s| {
                pick(
                    s.lang,
                    "Uw antwoorden worden opgeslagen zodra u ze geeft.",
                    "Your answers are saved as soon as you give them.",
                )
            })
            .unwrap_or_default(),
            "",
        );
    }
    refresh();
    mark_ready();
}

fn listen(target: &web_sys::EventTarget, name: &str, f: impl FnMut(Event) + 'static) {
    let closure = Closure::<dyn FnMut(Event)>::new(f);
    let _ = target.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
    closure.forget();
}

fn with<T>(f: impl FnOnce(&mut Survey) -> T) -> Option<T> {
    SURVEY.with(|s| s.borrow_mut().as_mut().map(f))
}

/// The answer keys of a section the form sends: item keys, or `item.row` for matrices and
/// grids (not calculations or read-only questions, which are never given).
fn section_keys(def: &Definition, section: &str) -> Vec<String> {
    let Some(sec) = def.sections.iter().find(|s| s.key == section) else {
        return Vec::new();
    };
    sec.items
        .iter()
        .filter(|item| item.given())
        .flat_map(|item| answer_keys(item).into_iter().map(|(k, _)| k))
        .collect()
}

/// The section's answers as they are in the form now.
fn form_values() -> Answers {
    let mut out = Answers::new();
    let Some(data) = form().and_then(|f| FormData::new_with_form(&f).ok()) else {
        return out;
    };
    let Ok(Some(entries)) = js_sys::try_iter(&data) else {
        return out;
    };
    for entry in entries.flatten() {
        let pair: js_sys::Array = entry.unchecked_into();
        let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) else {
            continue;
        };
        if let Some(key) = name.strip_prefix(page::ANSWER) {
            if value.trim().is_empty() {
                continue;
            }
            let slot = out.entry(key.to_owned()).or_default();
            if !slot.is_empty() {
                slot.push(' ');
            }
            slot.push_str(value.trim());
        }
    }
    out
}

/// All answers: the stored ones of other sections and this section's form.
fn all_answers(s: &Survey, form: &Answers) -> Answers {
    let mut all = s.config.answers.clone();
    for k in &s.keys {
        all.remove(k);
    }
    all.extend(form.iter().map(|(k, v)| (k.clone(), v.clone())));
    all
}

/// Applies the rules to the page: which items show, problems of touched items, progress.
fn refresh() {
    let values = form_values();
    let Some((evaluation, problems, lang, all)) = with(|s| {
        let all = all_answers(s, &values);
        let e = evaluate(&s.config.definition, &all, s.config.today);
        let problems: Vec<(String, Option<String>)> = s
            .keys
            .iter()
            .map(|k| k.split('.').next().unwrap_or_default().to_owned())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|k| s.touched.contains(k))
            .map(|k| {
                let m = e.problem(&k).map(|m| m.get(s.lang).to_owned());
                (k, m)
            })
            .collect();
        (e, problems, s.lang, all)
    }) else {
        return;
    };
    refill_labels(&all, &evaluation, lang);
    if let Some(doc) = document() {
        if let Ok(items) = doc.query_selector_all("[data-item]") {
            for i in 0..items.length() {
                let Some(el) = items.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                    continue;
                };
                let key = el.get_attribute("data-item").unwrap_or_default();
                let shown = evaluation.applicable.contains(&key);
                let _ = if shown {
                    el.remove_attribute("hidden")
                } else {
                    el.set_attribute("hidden", "")
                };
            }
        }
        // Options offered only under a condition (XLSForm's choice_filter).
        if let Ok(options) = doc.query_selector_all("[data-option]") {
            for i in 0..options.length() {
                let Some(el) = options.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                    continue;
                };
                let option = el.get_attribute("data-option").unwrap_or_default();
                let (key, code) = option.split_once(' ').unwrap_or_default();
                let _ = if evaluation.offers(key, code) {
                    el.remove_attribute("hidden")
                } else {
                    el.set_attribute("hidden", "")
                };
            }
        }
    }
    for (key, message) in problems {
        show_problem(&key, message.as_deref());
    }
    let percent = evaluation.percent();
    if let Some(bar) = by_selector("[data-progress-bar]") {
        let _ = bar.set_attribute("aria-valuenow", &percent.to_string());
        if let Some(fill) = bar.first_element_child() {
            let _ = fill.set_attribute("style", &format!("width: {percent}%"));
        }
    }
    if let Some(text) = by_selector("[data-progress-text]") {
        text.set_text_content(Some(&evaluation.progress_text(lang)));
    }
}

/// Labels and notes that show answers (`${name}`): filled in again from their template.
fn refill_labels(all: &Answers, evaluation: &app::domain::response::Evaluation, lang: Lang) {
    let Some(doc) = document() else {
        return;
    };
    let Ok(labels) = doc.query_selector_all("[data-template]") else {
        return;
    };
    for i in 0..labels.length() {
        let Some(el) = labels.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let template = el.get_attribute("data-template").unwrap_or_default();
        let text = with(|s| fill(&template, &s.config.definition, all, evaluation, lang));
        el.set_text_content(text.as_deref());
    }
}

fn show_problem(item_key: &str, message: Option<&str>) {
    if let Some(el) = by_selector(&format!("[data-problem=\"{item_key}\"]")) {
        el.set_text_content(message);
        let _ = match message {
            Some(_) => {
                let _ = el.set_attribute("role", "alert");
                el.remove_attribute("hidden")
            }
            None => el.set_attribute("hidden", ""),
        };
    }
}

fn status(text: &str, state: &str) {
    if let Some(el) = by_selector("[data-save-status]") {
        el.set_text_content(Some(text));
        let _ = el.set_attribute("data-state", state);
    }
}

fn on_edit(event: &Event, immediate: bool) {
    let name = event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|e| e.get_attribute("name"))
        .unwrap_or_default();
    let Some(key) = name.strip_prefix(page::ANSWER) else {
        return;
    };
    let item = key.split('.').next().unwrap_or_default().to_owned();
    let Some(generation) = with(|s| {
        s.touched.insert(item);
        s.generation += 1;
        s.generation
    }) else {
        return;
    };
    refresh();
    if let Some(lang) = with(|s| s.lang) {
        status(
            &pick(lang, "Nog niet opgeslagen…", "Not saved yet…"),
            "pending",
        );
    }
    if immediate {
        save_soon(0, generation);
    } else {
        save_soon(700, generation);
    }
}

/// "Klopt nog" confirms last year's answer without a round trip through the form.
fn on_click(event: Event) {
    let Some(button) = event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .filter(|e| e.get_attribute("name").as_deref() == Some("confirm"))
    else {
        return;
    };
    event.prevent_default();
    let key = button.get_attribute("value").unwrap_or_default();
    let value = form_values().get(&key).cloned().unwrap_or_default();
    let base = revision(&key);
    let change = AnswerChange {
        key: key.clone(),
        value,
        base,
    };
    wasm_bindgen_futures::spawn_local(async move {
        if send(vec![change]).await {
            if let Some(note) = by_selector(&format!("[data-prefill=\"{key}\"]")) {
                note.remove();
            }
        }
    });
}

fn revision(key: &str) -> i32 {
    hidden_input(page::REVISION, key)
        .and_then(|i| i.value().parse().ok())
        .unwrap_or(0)
}

fn save_soon(delay_ms: i32, generation: u32) {
    let callback = Closure::once_into_js(move || {
        let current = with(|s| s.generation).unwrap_or(0);
        if delay_ms == 0 || current == generation {
            wasm_bindgen_futures::spawn_local(save_dirty());
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            callback.unchecked_ref(),
            delay_ms,
        );
    }
}

/// Saves every answer of the section that differs from what was saved, if it applies.
async fn save_dirty() {
    let values = form_values();
    let Some(changes) = with(|s| {
        if s.in_flight && !s.leaving {
            return None;
        }
        let all = all_answers(s, &values);
        let applicable = evaluate(&s.config.definition, &all, s.config.today).applicable;
        let changes: Vec<AnswerChange> = s
            .keys
            .iter()
            .filter(|k| applicable.contains(k.split('.').next().unwrap_or_default()))
            .filter_map(|k| {
                let now = values.get(k).cloned().unwrap_or_default();
                let saved = hidden_input(page::SAVED, k)
                    .map(|i| i.value())
                    .unwrap_or_default();
                let refused = s.refused.get(k).is_some_and(|r| r.trim() == now.trim());
                (now.trim() != saved.trim() && !refused).then(|| AnswerChange {
                    key: k.clone(),
                    value: now,
                    base: revision(k),
                })
            })
            .collect();
        if !changes.is_empty() {
            s.in_flight = true;
        }
        Some(changes)
    })
    .flatten() else {
        return;
    };
    if changes.is_empty() {
        return;
    }
    send(changes).await;
    with(|s| s.in_flight = false);
    // Answers given while this save was under way.
    save_soon(0, 0);
}

/// Posts changes; updates the hidden fields and the status. Returns whether they were stored.
async fn send(changes: Vec<AnswerChange>) -> bool {
    let Some((id, section, lang, leaving)) = with(|s| {
        (
            s.config.response,
            s.config.section.clone(),
            s.lang,
            s.leaving,
        )
    }) else {
        return false;
    };
    status(&pick(lang, "Opslaan…", "Saving…"), "saving");
    let body = serde_json::json!({ "id": id, "section": section, "changes": changes }).to_string();
    match post("/api/save_answers", &body, leaving).await {
        Ok((200, text)) => saved(lang, &changes, &text),
        Ok((status_code, text)) if (400..500).contains(&status_code) => {
            refused(lang, &changes, &text)
        }
        _ => unreachable_server(lang),
    }
}

/// A save that was stored: the page takes the new revisions and saved values.
fn saved(lang: Lang, changes: &[AnswerChange], text: &str) -> bool {
    if let Ok(result) = serde_json::from_str::<SaveResult>(text) {
        for (key, rev) in &result.revisions {
            if let Some(input) = hidden_input(page::REVISION, key) {
                input.set_value(&rev.to_string());
            }
            if let (Some(input), Some(c)) = (
                hidden_input(page::SAVED, key),
                changes.iter().find(|c| c.key == *key),
            ) {
                input.set_value(c.value.trim());
            }
        }
        with(|s| {
            for c in changes {
                s.config.answers.insert(c.key.clone(), c.value.clone());
            }
        });
    }
    let time = js_sys::Date::new_0();
    let stamp = format!("{:02}:{:02}", time.get_hours(), time.get_minutes());
    status(
        &format!("{} {stamp}", pick(lang, "Opgeslagen om", "Saved at")),
        "saved",
    );
    true
}

/// A save the server refused: a stale answer takes the stored one, anything else stays in the
/// form as refused; the status line says why.
fn refused(lang: Lang, changes: &[AnswerChange], text: &str) -> bool {
    let error = serde_json::from_str::<ApiError>(text).unwrap_or(ApiError::Internal);
    if let ApiError::Stale(current) = &error {
        for s in current {
            apply_current(&s.key, &s.value, s.revision);
        }
        refresh();
    }
    if !matches!(error, ApiError::Stale(_) | ApiError::Unauthenticated) {
        with(|s| {
            for c in changes {
                s.refused.insert(c.key.clone(), c.value.clone());
            }
        });
    }
    if matches!(error, ApiError::Unauthenticated) {
        status(&pick(lang, "Niet opgeslagen: uw sessie is verlopen. Open uw link opnieuw of log opnieuw in; wat u invulde staat nog in het formulier.", "Not saved: your session has expired. Open your link again or log in again; what you entered is still in the form."), "error");
    } else {
        status(&error.message(lang), "error");
    }
    false
}

/// A save that did not reach the server: tried again in 5 seconds (one retry pending at a time).
fn unreachable_server(lang: Lang) -> bool {
    status(
        &pick(
            lang,
            "Niet opgeslagen: de server is niet bereikbaar. Nieuwe poging over 5 seconden…",
            "Not saved: the server cannot be reached. Trying again in 5 seconds…",
        ),
        "error",
    );
    let schedule = with(|s| {
        let first = !s.retry_scheduled;
        s.retry_scheduled = true;
        first
    })
    .unwrap_or(false);
    if schedule {
        let callback = Closure::once_into_js(move || {
            with(|s| s.retry_scheduled = false);
            wasm_bindgen_futures::spawn_local(save_dirty());
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.unchecked_ref(),
                5000,
            );
        }
    }
    false
}

/// Puts the stored value of an answer into the form (after a refused stale write).
fn apply_current(key: &str, value: &str, revision: i32) {
    if let Some(input) = hidden_input(page::REVISION, key) {
        input.set_value(&revision.to_string());
    }
    if let Some(input) = hidden_input(page::SAVED, key) {
        input.set_value(value);
    }
    let Some(doc) = document() else { return };
    let Ok(controls) = doc.query_selector_all(&format!("[name=\"{}{key}\"]", page::ANSWER)) else {
        return;
    };
    let codes: Vec<&str> = value.split_whitespace().collect();
    for i in 0..controls.length() {
        let Some(el) = controls.item(i) else { continue };
        if let Ok(input) = el.clone().dyn_into::<HtmlInputElement>() {
            match input.type_().as_str() {
                "radio" | "checkbox" => input.set_checked(codes.contains(&input.value().as_str())),
                _ => input.set_value(value),
            }
        } else if let Ok(area) = el.dyn_into::<web_sys::HtmlTextAreaElement>() {
            area.set_value(value);
        }
    }
}

async fn post(url: &str, body: &str, keepalive: bool) -> Result<(u16, String), JsValue> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    js_sys::Reflect::set(
        &init,
        &JsValue::from_str("keepalive"),
        &JsValue::from_bool(keepalive),
    )?;
    init.set_body(&JsValue::from_str(body));
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let request = web_sys::Request::new_with_str_and_init(url, &init)?;
    request.headers().set("Content-Type", "application/json")?;
    request.headers().set("Accept", "application/json")?;
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let response: web_sys::Response =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_request(&request))
            .await?
            .dyn_into()?;
    let text = wasm_bindgen_futures::JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    Ok((response.status(), text))
}
