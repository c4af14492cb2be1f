//! The coordinator's survey: an overview, one page per section, a review page with submit, the
//! read-only answers and the comparison. These pages are not hydrated: each is a plain form that
//! posts and re-renders on the server, and the small `survey` module (see `frontend`) adds saving
//! as the user answers, with the same rules as the server.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

mod section;
use section::SectionForm;

use super::layout::{set_page_status, Outcome, Problem};
use crate::api::survey::{
    get_comparison, get_survey, get_survey_notice, ComparisonView, Shares, SubmitResponse,
    SurveyView,
};
use crate::api::ApiError;
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
