//! One section of the survey as a plain form: its questions with last year's answers to
//! confirm, the navigation between sections (each link a submit button, so nothing typed is lost)
//! and the configuration the `survey` module reads.

use leptos::prelude::*;

use super::{base, carried, json_in_script, section_href, Heading, Progress};
use crate::api::survey::{page, SurveyView};
use crate::api::{ApiError, SurveyNotice};
use crate::domain::questionnaire::{Item, ItemKind, Section};
use crate::domain::response::{answer_keys, display, evaluate, fill, Answers, Evaluation};
use crate::i18n::{use_lang, Lang};
use crate::ui::layout::{set_page_status, Problem};
use crate::ui::questionnaires::fields::{grouped, label_text, ItemControls};

#[component]
pub fn SectionForm(s: SurveyView, section: String, notice: Option<SurveyNotice>) -> impl IntoView {
    let lang = use_lang();
    let id = s.response_id;
    let def = &s.definition;
    let Some(index) = def.sections.iter().position(|x| x.key == section) else {
        set_page_status(404);
        return view! { <Problem error=ApiError::NotFound /> }.into_any();
    };
    let mut raw = s.raw();
    if let Some(n) = &notice {
        raw.extend(n.values.clone());
    }
    let evaluation = evaluate(def, &raw, s.today);
    let sec = def.sections[index].clone();
    let shown = |k: &str| evaluation.applicable.contains(k);
    let has_questions = |x: &&Section| shows_something(&evaluation, x);
    let prev = def.sections[..index].iter().rev().find(has_questions);
    let next = def.sections[index + 1..].iter().find(has_questions);
    let after = next.map_or_else(
        || format!("{}/controle", base(id)),
        |n| section_href(id, &n.key),
    );
    let editable = s.editable;
    let carried_here = carried(&s, &evaluation, Some(&sec));
    let answers = RwSignal::new(raw.clone());
    let nav = def
        .sections
        .iter()
        .filter(has_questions)
        .map(|x| nav_entry(id, &x.key, x.title.get(lang), x.key == section, editable))
        .collect_view();
    let config = page_config(&s, &section, lang);
    let missing_shown = notice.is_some();
    let items = sec
        .items
        .iter()
        .filter(|item| !matches!(item.kind, ItemKind::Calculated { .. }))
        .map(|item| {
            view! {
                <SurveyItem s=s.clone() item=item.clone() evaluation=evaluation.clone() answers
                    missing_shown shown=shown(&item.key) />
            }
        })
        .collect_view();
    let messages = notice.map(|n| n.messages).unwrap_or_default();
    view! {
        <h1>{sec.title.get(lang).to_owned()}</h1>
        <Heading s=s.clone() />
        <Progress evaluation=evaluation.clone() />
        <nav class="section-nav" aria-label=lang.pick("Onderdelen van de vragenlijst", "Sections of the questionnaire")>
            <ol>{nav}</ol>
        </nav>
        {(!messages.is_empty()).then(|| view! {
            <div class="error" role="alert">{messages.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}</div>
        })}
        {(!editable).then(|| view! {
            <p class="notice">{lang.pick("Alleen lezen: de ronde is gesloten of de antwoorden zijn ingediend.", "Read only: the round is closed or the answers have been submitted.")}</p>
        })}
        <form id="survey-form" class="survey stack" method="post" action=section_href(id, &section) novalidate>
            {sec.intro.map(|t| view! { <p>{t.get(lang).to_owned()}</p> })}
            <p class="hint">{lang.pick("Vragen met * zijn verplicht. Uw antwoorden worden bewaard zodra u ze geeft.", "Questions marked * are required. Your answers are kept as soon as you give them.")}</p>
            {items}
            <p class="save-status" role="status" aria-live="polite" data-save-status="">
                {editable.then(|| lang.pick("Antwoorden worden opgeslagen als u op een knop hieronder drukt.", "Answers are saved when you press a button below."))}
            </p>
            {(editable && carried_here > 0).then(|| confirm_all(carried_here, lang))}
            {editable.then(|| view! {
                <div class="actions">
                    {prev.map(|p| view! { <button type="submit" name="go" value=section_href(id, &p.key) class="secondary">{lang.pick("Vorige", "Previous")}</button> })}
                    <button type="submit" name="go" value=after>{lang.pick("Opslaan en verder", "Save and continue")}</button>
                </div>
            })}
        </form>
        <script type="application/json" id=page::CONFIG_ID inner_html=config></script>
    }
    .into_any()
}

/// The survey module's configuration for this page, as the text of its JSON script element.
fn page_config(s: &SurveyView, section: &str, lang: Lang) -> String {
    let saved = s.raw();
    let config = serde_json::to_value(page::SurveyConfig {
        response: s.response_id,
        section: section.to_owned(),
        today: s.today,
        editable: s.editable,
        lang: lang.code().to_owned(),
        definition: &s.definition,
        answers: &saved,
    })
    .unwrap_or_default();
    json_in_script(&config)
}

/// A section in the navigation: a submit button while the form can be saved (so what was typed
/// is saved on the way), a link otherwise.
fn nav_entry(id: i32, key: &str, title: &str, current: bool, editable: bool) -> AnyView {
    let target = section_href(id, key);
    let title = title.to_owned();
    if editable {
        view! {
            <li><button type="submit" form="survey-form" name="go" value=target class="link"
                aria-current=current.then_some("page")>{title}</button></li>
        }
        .into_any()
    } else {
        view! { <li><a href=target aria-current=current.then_some("page")>{title}</a></li> }
            .into_any()
    }
}

/// Whether a section shows anything with these answers (a calculation alone is not shown).
fn shows_something(evaluation: &Evaluation, section: &Section) -> bool {
    section.items.iter().any(|i| {
        evaluation.applicable.contains(&i.key) && !matches!(i.kind, ItemKind::Calculated { .. })
    })
}

/// An item's label; one that shows answers (`${name}`) filled in, keeping its template for the
/// survey module to fill in again as answers change.
fn label_of(
    item: &Item,
    s: &SurveyView,
    answers: &Answers,
    evaluation: &Evaluation,
    lang: Lang,
) -> AnyView {
    let template = label_text(item, lang);
    if template.contains("${") {
        let filled = fill(&template, &s.definition, answers, evaluation, lang);
        view! { <span data-template=template>{filled}</span> }.into_any()
    } else {
        template.into_any()
    }
}

/// The offer to confirm every answer of the section that was carried over from last year.
fn confirm_all(count: usize, lang: Lang) -> impl IntoView {
    view! {
        <p class="prefill" data-carried-here=count.to_string()>
            {match lang {
                Lang::Nl => format!("{count} antwoorden in dit onderdeel zijn overgenomen van vorig jaar. Kloppen ze alle nog?"),
                Lang::En => format!("{count} answers in this section were carried over from last year. Do they all still hold?"),
            }} " "
            <button type="submit" name="confirm_all" value="1" class="small">{lang.pick("Alles in dit onderdeel klopt nog", "All of this section still holds")}</button>
        </p>
    }
}

/// One question of the section: its controls, last year's answer to confirm, its problem, and
/// the revision and saved value of each answer (a post sends only what changed).
#[component]
fn SurveyItem(
    s: SurveyView,
    item: Item,
    evaluation: Evaluation,
    answers: RwSignal<Answers>,
    /// The form was posted: a required question still open says so.
    missing_shown: bool,
    shown: bool,
) -> impl IntoView {
    let lang = use_lang();
    let editable = s.editable;
    let k = item.key.clone();
    let label = answers.with_untracked(|a| label_of(&item, &s, a, &evaluation, lang));
    let hint = item.hint.as_ref().map(|h| h.get(lang).to_owned());
    let problem = evaluation.problem(&k).map(|m| m.get(lang).to_owned());
    let missing_now = missing_shown && evaluation.missing.contains(&k);
    let problem_id = format!("p-{k}");
    let withheld = evaluation
        .withheld_options
        .get(&k)
        .cloned()
        .unwrap_or_default();
    let prefilled = s
        .answer(&k)
        .filter(|a| a.prefilled && !a.value.is_empty())
        .map(|a| display(&s.definition, &k, &a.value, lang));
    let given = if item.given() {
        answer_keys(&item)
    } else {
        Vec::new()
    };
    let hidden_inputs = given
        .into_iter()
        .map(|(ak, _)| {
            let a = s.answer(&ak);
            let rev = a.map_or(0, |a| a.revision).to_string();
            let orig = a.map(|a| a.value.clone()).unwrap_or_default();
            view! {
                <input type="hidden" name=format!("{}{ak}", page::REVISION) value=rev />
                <input type="hidden" name=format!("{}{ak}", page::SAVED) value=orig />
            }
        })
        .collect_view();
    let message = problem.unwrap_or_else(|| {
        let required = item.required_message.as_ref().map_or_else(
            || {
                lang.pick("Deze vraag is verplicht.", "This question is required.")
                    .to_owned()
            },
            |m| m.get(lang).to_owned(),
        );
        if missing_now {
            required
        } else {
            String::new()
        }
    });
    let quiet = message.is_empty();
    let controls = view! {
        {hint.map(|h| view! { <p class="hint">{h}</p> })}
        {prefilled.map(|v| view! {
            <p class="prefill" data-prefill=k.clone()>
                {lang.pick("Vorig jaar:", "Last year:")} " " <strong>{v}</strong> " — " {lang.pick("bevestig of wijzig.", "confirm or change.")} " "
                {editable.then(|| view! { <button type="submit" name="confirm" value=k.clone() class="small">{lang.pick("Klopt nog", "Still correct")}</button> })}
            </p>
        })}
        <ItemControls item=item.clone() answers prefix=page::ANSWER disabled=!editable || item.read_only described=problem_id.clone() withheld=Signal::stored(withheld) />
        <p class="error" id=problem_id data-problem=k.clone() hidden=quiet>{message}</p>
        {hidden_inputs}
    };
    let inner = if grouped(&item) {
        view! { <fieldset><legend>{label}</legend>{controls}</fieldset> }.into_any()
    } else if matches!(item.kind, ItemKind::Note) {
        view! { <p class="note">{label}</p> }.into_any()
    } else {
        view! { <label for=k.clone()>{label}</label>{controls} }.into_any()
    };
    view! { <div class="q-item" id=format!("q-{k}") data-item=k.clone() hidden=!shown>{inner}</div> }
}
