//! Rounds for admins: the list with a form to open one, and a round's page with every institution's
//! status, closing early, extending, reopening a response and coordinators' personal links.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::rounds::{
    get_round, list_rounds, round_options, CloseRound, CreateRound, ExtendRound, IssueLink,
    NewRoundChoices, ReopenResponse, RevokeLinks, RoundDetail, RoundSummary,
};
use crate::api::users::take_password_link;
use crate::api::ApiError;
use crate::domain::response::ResponseStatus;
use crate::domain::Role;
use crate::i18n::use_lang;
use crate::ui::layout::{Guarded, Head, Outcome, Problem};

fn admin(me: &crate::api::Me) -> bool {
    me.is(Role::Admin)
}

fn state_label(r: &RoundSummary, lang: crate::i18n::Lang) -> &'static str {
    if r.open {
        lang.pick("open", "open")
    } else if r.upcoming {
        lang.pick("nog niet open", "not yet open")
    } else {
        lang.pick("gesloten", "closed")
    }
}

#[component]
pub fn RoundList() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateRound>::new();
    let rounds = Resource::new(move || create.version().get(), |_| list_rounds());
    let choices = Resource::new(|| (), |_| round_options());
    view! {
        <h1>{lang.pick("Rondes", "Rounds")}</h1>
        <Guarded allow=admin>
            <Suspense fallback=|| ()>
                {move || rounds.get().map(|r| match r {
                    Ok(rows) if rows.is_empty() => view! { <p>{lang.pick("Er zijn nog geen rondes.", "There are no rounds yet.")}</p> }.into_any(),
                    Ok(rows) => view! { <RoundTable rows /> }.into_any(),
                    Err(error) => view! { <Problem error /> }.into_any(),
                })}
            </Suspense>
            <Suspense fallback=|| ()>
                {move || choices.get().map(|r| match r {
                    Ok(choices) => view! { <NewRoundForm choices create /> }.into_any(),
                    Err(error) => view! { <Problem error /> }.into_any(),
                })}
            </Suspense>
        </Guarded>
    }
}

#[component]
fn RoundTable(rows: Vec<RoundSummary>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <table>
            <thead><tr>
                <th scope="col">{lang.pick("Ronde", "Round")}</th>
                <th scope="col">{lang.pick("Jaar", "Year")}</th>
                <th scope="col">{lang.pick("Vragenlijst", "Questionnaire")}</th>
                <th scope="col">{lang.pick("Open", "Open")}</th>
                <th scope="col">{lang.pick("Status", "Status")}</th>
                {ResponseStatus::ALL.iter().map(|s| view! { <th scope="col">{s.label(lang)}</th> }).collect_view()}
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <td><a href=format!("/beheer/rondes/{}", r.id)>{r.name.clone()}</a></td>
                        <td>{r.year}</td>
                        <td>{format!("{} (versie {})", r.questionnaire, r.version_number)}</td>
                        <td>{format!("{} – {}", r.opens_at, r.closes_at)}</td>
                        <td>{state_label(&r, lang)}</td>
                        {r.counts.iter().map(|(_, n)| view! { <td class="num">{*n}</td> }).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn NewRoundForm(choices: NewRoundChoices, create: ServerAction<CreateRound>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="panel" aria-labelledby="new-round">
            <h2 id="new-round">{lang.pick("Nieuwe ronde openen", "Open a new round")}</h2>
            {choices.versions.is_empty().then(|| view! {
                <p class="notice">{lang.pick("Publiceer eerst een versie van een vragenlijst.", "Publish a questionnaire version first.")}</p>
            })}
            <ActionForm action=create attr:class="stack">
                <label for="round-name">{lang.pick("Naam", "Name")}</label>
                <input id="round-name" name="name" required value=format!("Monitor {}", choices.year) />
                <label for="round-year">{lang.pick("Jaar", "Year")}</label>
                <input id="round-year" name="year" type="number" min="2000" max="2100" required value=choices.year.to_string() />
                <label for="round-version">{lang.pick("Vragenlijst (gepubliceerde versie)", "Questionnaire (published version)")}</label>
                <select id="round-version" name="version_id" required>
                    {choices.versions.into_iter().map(|v| view! { <option value=v.id.to_string()>{v.label}</option> }).collect_view()}
                </select>
                <label for="round-opens">{lang.pick("Opent (tijd in Nederland)", "Opens (Dutch time)")}</label>
                <input id="round-opens" name="opens_at" type="datetime-local" required value=choices.opens_input />
                <label for="round-closes">{lang.pick("Sluit (tijd in Nederland)", "Closes (Dutch time)")}</label>
                <input id="round-closes" name="closes_at" type="datetime-local" required value=choices.closes_input />
                <label for="round-institutions">{lang.pick("Deelnemende instellingen", "Participating institutions")}</label>
                <p class="hint" id="round-institutions-hint">{match lang {
                    crate::i18n::Lang::Nl => format!("Laat leeg voor alle {} instellingen in het register, of vul instellingscodes in, gescheiden door komma's (bijv. 25PX, 27GH).", choices.institutions),
                    crate::i18n::Lang::En => format!("Leave empty for all {} institutions in the register, or enter institution codes separated by commas (e.g. 25PX, 27GH).", choices.institutions),
                }}</p>
                <input id="round-institutions" name="institutions" aria-describedby="round-institutions-hint" />
                <button type="submit">{lang.pick("Ronde openen", "Open round")}</button>
            </ActionForm>
            {move || create.value().get().and_then(Result::err).map(|error| view! { <Problem error /> })}
        </section>
    }
}

/// Actions and resources of a round's page, created once outside the guard.
#[derive(Clone, Copy)]
struct RoundPageState {
    close: ServerAction<CloseRound>,
    extend: ServerAction<ExtendRound>,
    reopen: ServerAction<ReopenResponse>,
    link: ServerAction<IssueLink>,
    revoke: ServerAction<RevokeLinks>,
    round: Resource<Result<RoundDetail, ApiError>>,
    issued: Resource<Result<Option<crate::api::PasswordLink>, ApiError>>,
}

#[component]
pub fn RoundPage() -> impl IntoView {
    let lang = use_lang();
    let id = use_params_map()
        .with_untracked(|p| p.get("id").and_then(|v| v.parse::<i32>().ok()))
        .unwrap_or(0);
    let close = ServerAction::<CloseRound>::new();
    let extend = ServerAction::<ExtendRound>::new();
    let reopen = ServerAction::<ReopenResponse>::new();
    let link = ServerAction::<IssueLink>::new();
    let revoke = ServerAction::<RevokeLinks>::new();
    let changes = move || versions!(close, extend, reopen, link, revoke);
    let page = RoundPageState {
        close,
        extend,
        reopen,
        link,
        revoke,
        round: Resource::new(changes, move |_| get_round(id)),
        issued: Resource::new(changes, |_| take_password_link()),
    };
    view! {
        <Guarded allow=admin>
            <Suspense fallback=|| ()>
                {move || page.round.get().map(|r| match r {
                    Ok(detail) => view! { <RoundBody detail page /> }.into_any(),
                    Err(error) => view! { <h1>{lang.pick("Ronde", "Round")}</h1><Problem error /> }.into_any(),
                })}
            </Suspense>
        </Guarded>
    }
}

#[component]
fn RoundBody(detail: RoundDetail, page: RoundPageState) -> impl IntoView {
    let lang = use_lang();
    let r = detail.summary.clone();
    let round_id = r.id;
    let RoundPageState {
        close,
        extend,
        reopen,
        link,
        revoke,
        issued,
        ..
    } = page;
    view! {
        <h1>{r.name.clone()}</h1>
        <p class="meta">
            {format!("{} (versie {}) · {} – {} · ", r.questionnaire, r.version_number, r.opens_at, r.closes_at)}
            <strong>{state_label(&r, lang)}</strong>
        </p>
        <p><a href=format!("/beheer/rondes/{round_id}/uitnodigingen")>{lang.pick("Uitnodigingen en herinneringen per e-mail", "Invitations and reminders by e-mail")}</a></p>
        <IssuedLink issued />
        <div class="row">
            {r.open.then(|| view! {
                <ActionForm action=close attr:class="inline">
                    <input type="hidden" name="id" value=round_id.to_string() />
                    <button type="submit" class="secondary">{lang.pick("Ronde nu sluiten", "Close round now")}</button>
                </ActionForm>
            })}
            <ActionForm action=extend attr:class="inline">
                <input type="hidden" name="id" value=round_id.to_string() />
                <label for="closes">{lang.pick("Sluitingsmoment", "Closing moment")}</label>
                <input id="closes" name="closes_at" type="datetime-local" required value=r.closes_input.clone() />
                <button type="submit">{lang.pick("Wijzigen (verlengen)", "Change (extend)")}</button>
            </ActionForm>
        </div>
        <Outcome action=close success=lang.pick("De ronde is gesloten.", "The round is closed.") />
        <Outcome action=extend success=lang.pick("Het sluitingsmoment is gewijzigd.", "The closing moment has been changed.") />
        <Outcome action=reopen success=lang.pick("De vragenlijst is heropend.", "The questionnaire has been reopened.") />
        {move || link.value().get().and_then(Result::err).map(|error| view! { <Problem error /> })}
        <Outcome action=revoke success=lang.pick("De links zijn ingetrokken.", "The links have been revoked.") />
        <h2>{lang.pick("Deelnemende instellingen", "Participating institutions")}</h2>
        <table>
            <Head columns={&[
                ("Instelling", "Institution"),
                ("Status", "Status"),
                ("Laatst gewijzigd", "Last changed"),
                ("Coördinatoren en links", "Coordinators and links"),
                ("Acties", "Actions"),
            ]} />
            <tbody>
                {detail.participants.into_iter().map(|p| {
                    let submitted = p.status == ResponseStatus::Submitted;
                    view! {
                        <tr>
                            <td><a href=format!("/vragenlijst/{}", p.response_id)>{format!("{} ({})", p.name, p.code)}</a></td>
                            <td>{p.status.label(lang)}{p.submitted_at.clone().map(|t| format!(" ({t})"))}</td>
                            <td>{p.updated_at.clone()}</td>
                            <td>
                                <CoordinatorLinks coordinators=p.coordinators round_id link revoke />
                            </td>
                            <td>
                                {submitted.then(|| view! {
                                    <ActionForm action=reopen attr:class="inline">
                                        <input type="hidden" name="id" value=p.response_id.to_string() />
                                        <button type="submit" class="small" aria-label=format!("{} {}", lang.pick("Heropenen:", "Reopen:"), p.code)>{lang.pick("Heropenen", "Reopen")}</button>
                                    </ActionForm>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// A participant's coordinators, each with a button to make a new personal link and one to revoke
/// their links.
#[component]
fn CoordinatorLinks(
    coordinators: Vec<(i32, String, String)>,
    round_id: i32,
    link: ServerAction<IssueLink>,
    revoke: ServerAction<RevokeLinks>,
) -> impl IntoView {
    let lang = use_lang();
    if coordinators.is_empty() {
        view! { <span class="muted">{lang.pick("geen coördinator", "no coordinator")}</span> }
            .into_any()
    } else {
        view! { <ul class="plain">{coordinators.into_iter().map(|(uid, name, email)| {
            let label_new = format!("{} {name}", lang.pick("Nieuwe link voor", "New link for"));
            let label_revoke = format!("{} {name}", lang.pick("Links intrekken van", "Revoke links of"));
            view! {
            <li>
                {format!("{name} <{email}> ")}
                <ActionForm action=link attr:class="inline">
                    <input type="hidden" name="round_id" value=round_id.to_string() />
                    <input type="hidden" name="user_id" value=uid.to_string() />
                    <button type="submit" class="small" aria-label=label_new>{lang.pick("Link maken", "Make link")}</button>
                </ActionForm>
                <ActionForm action=revoke attr:class="inline">
                    <input type="hidden" name="round_id" value=round_id.to_string() />
                    <input type="hidden" name="user_id" value=uid.to_string() />
                    <button type="submit" class="small secondary" aria-label=label_revoke>{lang.pick("Intrekken", "Revoke")}</button>
                </ActionForm>
            </li>
        }}).collect_view()}</ul> }.into_any()
    }
}

/// The personal link just made, shown once for the admin to copy.
#[component]
fn IssuedLink(
    issued: Resource<Result<Option<crate::api::PasswordLink>, ApiError>>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Suspense fallback=|| ()>
            {move || issued.get().and_then(Result::ok).flatten().map(|l| view! {
                <div class="notice" role="status">
                    <p>{lang.pick("Persoonlijke link voor", "Personal link for")} " " <strong>{l.email}</strong> ":"</p>
                    <p><input class="copy" readonly aria-label=lang.pick("Persoonlijke link", "Personal link") value=l.url /></p>
                    <p>{lang.pick("Kopieer de link nu: hij wordt maar één keer getoond. Tot de ronde sluit opent hij de vragenlijst, daarna de antwoorden om te lezen; eerdere links van deze coördinator voor deze ronde werken niet meer.", "Copy the link now: it is shown only once. Until the round closes it opens the questionnaire, after that the answers to read; earlier links of this coordinator for this round no longer work.")}</p>
                </div>
            })}
        </Suspense>
    }
}
