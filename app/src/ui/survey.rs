//! The coordinator's survey: an overview, one page per section, a review page with submit, the
//! read-only answers and the comparison. These pages are not hydrated: each is a plain form that
//! posts and re-renders on the server, and the small `survey` module (see `frontend`) adds saving
//! as the user answers, with the same rules as the server.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::layout::{set_page_status, Outcome, Problem};
use super::questionnaires::fields::{grouped, label_text, ItemControls};
use crate::api::survey::{
    get_comparison, get_survey, get_survey_notice, page, ComparisonView, Shares, SubmitResponse,
    SurveyView,
};
use crate::api::{ApiError, SurveyNotice};
use crate::domain::questionnaire::{ItemKind, Section};
use crate::domain::response::{answer_keys, display, evaluate, Evaluation, ResponseStatus};
use crate::i18n::{use_lang, Lang};

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
    section
        .items
        .iter()
        .filter(|i| !matches!(i.kind, ItemKind::Note))
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

/// How many applicable answers (of one section, or of all) were carried over from last year and
/// are not yet confirmed: they count as answered, but nobody has looked at them this year.
fn carried(s: &SurveyView, evaluation: &Evaluation, section: Option<&Section>) -> usize {
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
fn Carried(count: usize) -> impl IntoView {
    let lang = use_lang();
    (count > 0).then(|| view! {
        <p class="notice" data-carried=count.to_string()>{match lang {
            Lang::Nl => format!("{count} antwoorden zijn overgenomen van vorig jaar en nog niet bevestigd. Kijk ze na per onderdeel: wijzig wat niet meer klopt en bevestig de rest (per vraag of voor het hele onderdeel). Bij indienen gelden ze als bevestigd."),
            Lang::En => format!("{count} answers were carried over from last year and not yet confirmed. Check them section by section: change what no longer holds and confirm the rest (per question or for the whole section). Submitting confirms them."),
        }}</p>
    })
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
                    {lang.pick("Hieronder staan alle antwoorden. Druk deze pagina af (Ctrl+P of ⌘P) voor een papieren of pdf-kopie.", "All answers are below. Print this page (Ctrl+P or ⌘P) for a paper or PDF copy.")}</p>
                <p><a href=format!("{}/vergelijking", base(id))>{lang.pick("Vergelijk met andere instellingen", "Compare with other institutions")}</a></p>
            </div>
        })}
        <h2>{lang.pick("Onderdelen", "Sections")}</h2>
        <ul class="sections">{sections}</ul>
        {(submitted || !s.editable).then(|| view! { <AllAnswers s=s.clone() evaluation=evaluation.clone() /> })}
    }
}

/// Every applicable answer, by section, with who changed it last.
#[component]
fn AllAnswers(s: SurveyView, evaluation: Evaluation) -> impl IntoView {
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
                    <thead><tr>
                        <th scope="col">{lang.pick("Vraag", "Question")}</th>
                        <th scope="col">{lang.pick("Antwoord", "Answer")}</th>
                        <th scope="col">{lang.pick("Laatst gewijzigd", "Last changed")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
        }).collect_view()}
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

#[component]
fn SectionForm(s: SurveyView, section: String, notice: Option<SurveyNotice>) -> impl IntoView {
    let lang = use_lang();
    let id = s.response_id;
    let def = &s.definition;
    let Some(index) = def.sections.iter().position(|x| x.key == section) else {
        set_page_status(404);
        return view! { <Problem error=ApiError::NotFound /> }.into_any();
    };
    let mut raw = s.raw();
    if let Some(n) = &notice {
        for (k, v) in &n.values {
            raw.insert(k.clone(), v.clone());
        }
    }
    let evaluation = evaluate(def, &raw, s.today);
    let sec = def.sections[index].clone();
    let shown = |k: &str| evaluation.applicable.contains(k);
    let prev = def.sections[..index]
        .iter()
        .rev()
        .find(|x| x.items.iter().any(|i| shown(&i.key)));
    let next = def.sections[index + 1..]
        .iter()
        .find(|x| x.items.iter().any(|i| shown(&i.key)));
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
        .filter(|x| x.items.iter().any(|i| shown(&i.key)))
        .map(|x| {
            let current = x.key == section;
            let target = section_href(id, &x.key);
            let title = x.title.get(lang).to_owned();
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
        })
        .collect_view();
    let saved = s.raw();
    let config = serde_json::to_value(page::SurveyConfig {
        response: id,
        section: section.clone(),
        today: s.today,
        editable,
        lang: lang.code().to_owned(),
        definition: def,
        answers: &saved,
    })
    .unwrap_or_default();
    let config = json_in_script(&config);
    let items = sec.items.iter().map(|item| {
        let item = item.clone();
        let k = item.key.clone();
        let label = label_text(&item, lang);
        let hint = item.hint.as_ref().map(|h| h.get(lang).to_owned());
        let problem = evaluation.problem(&k).map(|m| m.get(lang).to_owned());
        let missing_now = notice.is_some() && evaluation.missing.contains(&k);
        let problem_id = format!("p-{k}");
        let prefilled = s.answer(&k).filter(|a| a.prefilled && !a.value.is_empty()).map(|a| display(def, &k, &a.value, lang));
        let hidden_inputs = answer_keys(&item)
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
        let controls = view! {
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            {prefilled.map(|v| view! {
                <p class="prefill" data-prefill=k.clone()>
                    {lang.pick("Vorig jaar:", "Last year:")} " " <strong>{v}</strong> " — " {lang.pick("bevestig of wijzig.", "confirm or change.")} " "
                    {editable.then(|| view! { <button type="submit" name="confirm" value=k.clone() class="small">{lang.pick("Klopt nog", "Still correct")}</button> })}
                </p>
            })}
            <ItemControls item=item.clone() answers prefix=page::ANSWER disabled=!editable described=problem_id.clone() />
            <p class="error" id=problem_id data-problem=k.clone() hidden=problem.is_none() && !missing_now>
                {problem.clone().unwrap_or_else(|| if missing_now { lang.pick("Deze vraag is verplicht.", "This question is required.").to_owned() } else { String::new() })}
            </p>
            {hidden_inputs}
        };
        let inner = if grouped(&item.kind) {
            view! { <fieldset><legend>{label}</legend>{controls}</fieldset> }.into_any()
        } else if matches!(item.kind, ItemKind::Note) {
            view! { <p class="note">{label}</p> }.into_any()
        } else {
            view! { <label for=k.clone()>{label}</label>{controls} }.into_any()
        };
        view! { <div class="q-item" id=format!("q-{k}") data-item=k.clone() hidden=!shown(&k)>{inner}</div> }
    }).collect_view();
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
            {(editable && carried_here > 0).then(|| view! {
                <p class="prefill" data-carried-here=carried_here.to_string()>
                    {match lang {
                        Lang::Nl => format!("{carried_here} antwoorden in dit onderdeel zijn overgenomen van vorig jaar. Kloppen ze alle nog?"),
                        Lang::En => format!("{carried_here} answers in this section were carried over from last year. Do they all still hold?"),
                    }} " "
                    <button type="submit" name="confirm_all" value="1" class="small">{lang.pick("Alles in dit onderdeel klopt nog", "All of this section still holds")}</button>
                </p>
            })}
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

/// `/vragenlijst/:id/controle`: what is open or invalid, what changed since last year, and submit.
#[component]
pub fn SurveyReview() -> impl IntoView {
    let submit = ServerAction::<SubmitResponse>::new();
    with_survey(move |s| view! { <Review s submit /> })
}

#[component]
fn Review(s: SurveyView, submit: ServerAction<SubmitResponse>) -> impl IntoView {
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
                    <thead><tr>
                        <th scope="col">{lang.pick("Vraag", "Question")}</th>
                        <th scope="col">{lang.pick("Vorig jaar", "Last year")}</th>
                        <th scope="col">{lang.pick("Nu", "Now")}</th>
                    </tr></thead>
                    <tbody>{changes}</tbody>
                </table>
            }.into_any()
        }}
        {match (s.editable, complete) {
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
        }}
    }
}

/// `/vragenlijst/:id/vergelijking`: the institution's answers beside the others of the round.
#[component]
pub fn SurveyComparison() -> impl IntoView {
    let id = response_id();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match get_comparison(id).await {
                    Ok(c) => view! { <Comparison c /> }.into_any(),
                    Err(error) => refused(error),
                }
            })}
        </Suspense>
    }
}

fn shares_view(s: Option<Shares>, k: usize, lang: Lang) -> AnyView {
    match s {
        None => view! { <span class="muted">{match lang {
            Lang::Nl => format!("minder dan {k} instellingen — niet getoond"),
            Lang::En => format!("fewer than {k} institutions — not shown"),
        }}</span> }.into_any(),
        Some(s) if s.options.is_empty() => {
            let (q1, q3) = s.quartiles.unwrap_or_default();
            view! { <span>{format!("n = {}; {} {}; {} {q1}–{q3}", s.n, lang.pick("mediaan", "median"), s.median.unwrap_or_default(), lang.pick("middelste helft", "middle half"))}</span> }.into_any()
        }
        Some(s) => view! {
            <span>"n = " {s.n}</span>
            <ul class="bars">
                {s.options.into_iter().map(|(label, n, pct)| view! {
                    <li><span class="bar" style=format!("width: {pct}%")></span> {format!("{label}: {pct}% ({n})")}</li>
                }).collect_view()}
            </ul>
        }.into_any(),
    }
}

#[component]
fn Comparison(c: ComparisonView) -> impl IntoView {
    let lang = use_lang();
    let k = c.k;
    view! {
        <h1>{lang.pick("Vergelijking met andere instellingen", "Comparison with other institutions")}</h1>
        <p class="crumbs"><a href=base(c.response_id)>{c.institution_name.clone()} " · " {c.round_name.clone()}</a></p>
        <p>{match lang {
            Lang::Nl => format!("Uw antwoorden naast de verdeling over alle instellingen die de vragenlijst van deze ronde hebben ingediend, en over de instellingen van hetzelfde type ({}). Een verdeling wordt alleen getoond als ten minste {k} instellingen de vraag beantwoordden.", c.kind),
            Lang::En => format!("Your answers beside the distribution over all institutions that submitted this round's questionnaire, and over institutions of the same type ({}). A distribution is only shown where at least {k} institutions answered the question.", c.kind),
        }}</p>
        <table class="compare">
            <thead><tr>
                <th scope="col">{lang.pick("Vraag", "Question")}</th>
                <th scope="col">{lang.pick("Uw antwoord", "Your answer")}</th>
                <th scope="col">{lang.pick("Alle instellingen", "All institutions")}</th>
                <th scope="col">{lang.pick("Zelfde type", "Same type")}</th>
            </tr></thead>
            <tbody>
                {c.items.into_iter().map(|i| view! {
                    <tr>
                        <th scope="row">{i.label}</th>
                        <td>{i.own.unwrap_or_else(|| "—".into())}</td>
                        <td>{shares_view(i.all, k, lang)}</td>
                        <td>{shares_view(i.same_kind, k, lang)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
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
