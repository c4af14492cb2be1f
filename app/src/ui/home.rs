//! The start page: what each role can do next.

use leptos::prelude::*;

use super::factsheet::FactChart;
use super::layout::{use_me, Problem};
use crate::api::analysis::fact_sheet;
use crate::api::institutions::my_institutions;
use crate::api::survey::{my_responses, MyResponse};
use crate::api::Me;
use crate::domain::response::{progress_text, ResponseStatus};
use crate::domain::Role;
use crate::i18n::use_lang;

#[component]
pub fn Home() -> impl IntoView {
    let lang = use_lang();
    let me = use_me();
    view! {
        <h1>{lang.pick("Monitor Integrale Veiligheid mbo", "Integral Safety Monitor mbo")}</h1>
        <Suspense fallback=|| ()>
            {move || me.get().map(|m| match m.ok().flatten() {
                None => view! {
                    <p>{lang.pick(
                        "Het platform voor de jaarlijkse vragenlijst aan veiligheidscoördinatoren van mbo-instellingen.",
                        "The platform for the annual questionnaire to safety coordinators of mbo institutions.")}</p>
                    <p><a class="button" href="/inloggen">{lang.pick("Inloggen", "Log in")}</a></p>
                }.into_any(),
                Some(me) => view! { <Dashboard me /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Dashboard(me: Me) -> impl IntoView {
    let lang = use_lang();
    let greeting = format!("{} {}", lang.pick("Welkom,", "Welcome,"), me.name);
    let body = match me.role {
        Role::Admin => view! {
            <ul class="cards">
                <li><a href="/beheer/rondes">{lang.pick("Rondes: openen, volgen, uitnodigen en herinneren", "Rounds: open, follow, invite and remind")}</a></li>
                <li><a href="/beheer/mail">{lang.pick("E-mailsjablonen", "Mail templates")}</a></li>
                <li><a href="/instellingen">{lang.pick("Instellingenregister: importeren en bewerken", "Institution register: import and edit")}</a></li>
                <li><a href="/beheer/gebruikers">{lang.pick("Gebruikers en rollen", "Users and roles")}</a></li>
                <li><a href="/beheer/audit">{lang.pick("Auditlog", "Audit log")}</a></li>
            </ul>
        }.into_any(),
        Role::Researcher => view! {
            <ul class="cards">
                <li><a href="/instellingen">{lang.pick("Instellingenregister", "Institution register")}</a></li>
            </ul>
        }.into_any(),
        Role::Coordinator => view! { <MyResponses /> <MyInstitutions /> }.into_any(),
    };
    view! { <p>{greeting}</p> {body} }
}

#[component]
fn MyInstitutions() -> impl IntoView {
    let lang = use_lang();
    let rows = Resource::new(|| (), |_| my_institutions());
    view! {
        <h2>{lang.pick("Mijn instellingen", "My institutions")}</h2>
        <Suspense fallback=|| ()>
            {move || rows.get().map(|r| match r {
                Ok(rows) => view! {
                    <ul>
                        {rows.into_iter().map(|i| view! {
                            <li>
                                <a href=format!("/instellingen/{}", i.code)>{i.name} " (" {i.code.clone()} ")"</a>
                                " · "
                                <a href=format!("/instellingen/{}/feitenblad", i.code)>{lang.pick("feitenblad", "fact sheet")}</a>
                                <FactSummary code=i.code.clone() />
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(error) => view! { <Problem error /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn MyResponses() -> impl IntoView {
    let lang = use_lang();
    let rows = Resource::new(|| (), |_| my_responses());
    view! {
        <h2>{lang.pick("Mijn vragenlijsten", "My questionnaires")}</h2>
        <Suspense fallback=|| ()>
            {move || rows.get().map(|r| match r {
                Ok(rows) if rows.is_empty() => view! {
                    <p>{lang.pick("Er staat nu geen vragenlijst voor u klaar.", "There is no questionnaire for you at the moment.")}</p>
                }.into_any(),
                Ok(rows) => {
                    let (open, closed): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.open);
                    view! {
                        <ul class="cards">
                            {open.into_iter().map(|r| view! { <li><ResponseCard r /></li> }).collect_view()}
                        </ul>
                        {(!closed.is_empty()).then(|| view! {
                            <h3>{lang.pick("Eerdere rondes", "Earlier rounds")}</h3>
                            <ul class="cards">
                                {closed.into_iter().map(|r| view! { <li><ResponseCard r /></li> }).collect_view()}
                            </ul>
                        })}
                    }.into_any()
                }
                Err(error) => view! { <Problem error /> }.into_any(),
            })}
        </Suspense>
    }
}

/// A round's response on the home page: its state, progress and deadline, and the next step.
#[component]
fn ResponseCard(r: MyResponse) -> impl IntoView {
    let lang = use_lang();
    let (label, href) = r.next_step().link(r.id, lang);
    let deadline = if r.open {
        format!("{} {}", lang.pick("open tot", "open until"), r.closes_at)
    } else {
        lang.pick("gesloten", "closed").to_owned()
    };
    let progress = progress_text(r.answered, r.total, lang);
    view! {
        <h3>{format!("{} — {}", r.round_name, r.institution)}</h3>
        <p class="status">{r.status.label(lang)} " · " {deadline}</p>
        {(r.status != ResponseStatus::Submitted).then(|| view! {
            <p><progress max=r.total.max(1).to_string() value=r.answered.to_string()>{progress.clone()}</progress> " " {progress.clone()}</p>
        })}
        <p><a class="button" href=href>{label}</a>
            " " <a href=format!("/vragenlijst/{}/kopie.pdf?taal={}", r.id, lang.code()) download>{lang.pick("kopie (pdf)", "copy (PDF)")}</a></p>
    }
}

/// The newest figures of an institution's first source as bars: own, same type, national (the
/// figures themselves are on the fact sheet).
#[component]
fn FactSummary(code: String) -> impl IntoView {
    let lang = use_lang();
    let sheet = Resource::new(move || code.clone(), fact_sheet);
    view! {
        <Suspense fallback=|| ()>
            {move || sheet.get().and_then(Result::ok).and_then(|s| s.sources.into_iter().next()).map(|source| view! {
                <p class="status">{format!("{} — {} ({})", source.name, source.year, lang.pick("cijfers in het feitenblad", "figures in the fact sheet"))}</p>
                <FactChart source />
            })}
        </Suspense>
    }
}
