//! A round's invitations and reminders: send them, set the reminder schedule, and see per
//! recipient what happened (filterable, exportable to CSV), with a progress bar while a batch goes
//! out.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::mail::{
    mail_overview, stage_label, MailDashboard, RecipientView, SendInvitations, SendReminders,
    SetReminders, STAGES,
};
use crate::domain::Role;
use crate::i18n::use_lang;
use crate::ui::layout::{Guarded, Head, Outcome, Problem};

#[derive(Clone, Copy)]
struct MailPageState {
    invite: ServerAction<SendInvitations>,
    remind: ServerAction<SendReminders>,
    schedule: ServerAction<SetReminders>,
    dashboard: Resource<Result<MailDashboard, crate::api::ApiError>>,
}

#[component]
pub fn MailPage() -> impl IntoView {
    let lang = use_lang();
    let id = use_params_map()
        .with_untracked(|p| p.get("id").and_then(|v| v.parse::<i32>().ok()))
        .unwrap_or(0);
    let invite = ServerAction::<SendInvitations>::new();
    let remind = ServerAction::<SendReminders>::new();
    let schedule = ServerAction::<SetReminders>::new();
    let tick = RwSignal::new(0u32);
    let changes = move || {
        (
            invite.version().get(),
            remind.version().get(),
            schedule.version().get(),
            tick.get(),
        )
    };
    let page = MailPageState {
        invite,
        remind,
        schedule,
        dashboard: Resource::new(changes, move |_| mail_overview(id)),
    };
    // While a batch is going out, look again every two seconds (in the browser only).
    Effect::new(move |_| {
        let busy = page
            .dashboard
            .get()
            .and_then(Result::ok)
            .and_then(|d| d.latest_batch)
            .is_some_and(|(_, done, total)| done < total);
        if busy {
            set_timeout(
                move || tick.update(|t| *t += 1),
                std::time::Duration::from_secs(2),
            );
        }
    });
    view! {
        <Guarded allow=|me| me.is(Role::Admin)>
            <Outcome action=invite success=lang.pick("De uitnodigingen staan in de wachtrij en worden verstuurd.", "The invitations are queued and being sent.") />
            <Outcome action=remind success=lang.pick("De herinneringen staan in de wachtrij en worden verstuurd.", "The reminders are queued and being sent.") />
            <Suspense fallback=|| ()>
                {move || page.dashboard.get().map(|r| match r {
                    Ok(d) => view! { <MailBody d page /> }.into_any(),
                    Err(error) => view! {
                        <h1>{lang.pick("Uitnodigingen", "Invitations")}</h1>
                        <Problem error />
                    }.into_any(),
                })}
            </Suspense>
        </Guarded>
    }
}

#[component]
fn MailBody(d: MailDashboard, page: MailPageState) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let filter = query
        .with_untracked(|q| q.get("status"))
        .unwrap_or_default();
    let round_id = d.round_id;
    let not_invited = d
        .counts
        .iter()
        .find(|(s, _)| s == "not_invited")
        .map_or(0, |(_, n)| *n);
    let shown: Vec<RecipientView> = d
        .recipients
        .iter()
        .filter(|r| filter.is_empty() || r.stage == filter)
        .cloned()
        .collect();
    let MailPageState {
        invite,
        remind,
        schedule,
        ..
    } = page;
    view! {
        <h1>{lang.pick("Uitnodigingen en herinneringen", "Invitations and reminders")}</h1>
        <p class="meta"><a href=format!("/beheer/rondes/{}", d.round_id)>{d.round_name.clone()}</a></p>
        {d.latest_batch.map(|(_, done, total)| view! {
            <div class="batch" role="status" aria-live="polite">
                <label for="batch-progress">{match lang {
                    crate::i18n::Lang::Nl => format!("Laatste verzending: {done} van {total} afgehandeld"),
                    crate::i18n::Lang::En => format!("Latest batch: {done} of {total} handled"),
                }}</label>
                <progress id="batch-progress" max=total.to_string() value=done.to_string()>{format!("{done}/{total}")}</progress>
            </div>
        })}
        <StageCounts counts=d.counts.clone() />
        {d.open.then(move || view! {
            <div class="row">
                <ActionForm action=invite attr:class="inline">
                    <input type="hidden" name="round_id" value=round_id.to_string() />
                    <button type="submit" disabled=not_invited == 0>{match lang {
                        crate::i18n::Lang::Nl => format!("Uitnodiging sturen aan wie er nog geen kreeg ({not_invited})"),
                        crate::i18n::Lang::En => format!("Invite everyone not invited yet ({not_invited})"),
                    }}</button>
                </ActionForm>
                <ActionForm action=remind attr:class="inline">
                    <input type="hidden" name="round_id" value=round_id.to_string() />
                    <button type="submit" class="secondary">{lang.pick("Herinnering nu sturen (niet-ingediende instellingen)", "Send a reminder now (institutions not submitted)")}</button>
                </ActionForm>
            </div>
        })}
        <ScheduleForm schedule round_id days=d.reminder_days.clone() max=d.max_reminders />
        <h2>{lang.pick("Ontvangers", "Recipients")}</h2>
        <form method="get" class="inline">
            <label for="status">{lang.pick("Toon", "Show")}</label>
            <select id="status" name="status">
                <option value="" selected=filter.is_empty()>{lang.pick("iedereen", "everyone")}</option>
                {STAGES.iter().map(|s| view! {
                    <option value=*s selected=filter == *s>{stage_label(s, lang)}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="small">{lang.pick("Filteren", "Filter")}</button>
        </form>
        <p><a href=format!("/export/ronde/{}/ontvangers.csv", d.round_id) download>{lang.pick("Download als CSV", "Download as CSV")}</a></p>
        <RecipientTable rows=shown round_id=d.round_id open=d.open invite />
    }
}

/// How many recipients are at each stage, each count a link to those recipients.
#[component]
fn StageCounts(counts: Vec<(String, usize)>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <h2>{lang.pick("Stand per ontvanger", "Status per recipient")}</h2>
        <table class="counts">
            <thead><tr>
                {STAGES.iter().map(|s| view! { <th scope="col">{stage_label(s, lang)}</th> }).collect_view()}
            </tr></thead>
            <tbody><tr>
                {counts.iter().map(|(s, n)| view! {
                    <td><a href=format!("?status={s}")>{n.to_string()}</a></td>
                }).collect_view()}
            </tr></tbody>
        </table>
    }
}

/// The reminder schedule: days before closing and the most reminders per contact.
#[component]
fn ScheduleForm(
    schedule: ServerAction<SetReminders>,
    round_id: i32,
    days: String,
    max: i32,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <h2>{lang.pick("Herinneringen plannen", "Schedule reminders")}</h2>
        <ActionForm action=schedule attr:class="stack">
            <input type="hidden" name="round_id" value=round_id.to_string() />
            <label for="days">{lang.pick("Dagen vóór de sluiting (bijvoorbeeld 7,2; leeg is geen)", "Days before closing (for example 7,2; empty means none)")}</label>
            <input id="days" name="days" value=days inputmode="numeric" />
            <label for="max">{lang.pick("Hoogstens zoveel herinneringen per contactpersoon", "At most this many reminders per contact")}</label>
            <input id="max" name="max" type="number" min="0" max="10" value=max.to_string() />
            <button type="submit">{lang.pick("Opslaan", "Save")}</button>
        </ActionForm>
        <Outcome action=schedule success=lang.pick("Opgeslagen. Herinneringen gaan alleen naar instellingen die nog niet hebben ingediend.", "Saved. Reminders go only to institutions that have not submitted.") />
    }
}

#[component]
fn RecipientTable(
    rows: Vec<RecipientView>,
    round_id: i32,
    open: bool,
    invite: ServerAction<SendInvitations>,
) -> impl IntoView {
    let lang = use_lang();
    let dash = |v: Option<String>| v.unwrap_or_else(|| "–".into());
    view! {
        <table>
            <Head columns={&[
                ("Instelling", "Institution"),
                ("Contactpersoon", "Contact"),
                ("Taal", "Language"),
                ("Stand", "Status"),
                ("Verstuurd", "Sent"),
                ("Herinneringen", "Reminders"),
                ("Link geopend", "Link opened"),
                ("Ingediend", "Submitted"),
                ("Acties", "Actions"),
            ]} />
            <tbody>
                {rows.into_iter().map(|r| {
                    let label = format!("{} {}", lang.pick("Nieuwe link sturen aan", "Send a new link to"), r.email);
                    view! {
                        <tr>
                            <td>{format!("{} {}", r.code, r.institution)}</td>
                            <td>{r.name.clone()}<br /><span class="meta">{r.email.clone()}</span></td>
                            <td>{r.language.clone()}</td>
                            <td>
                                <span class=format!("stage stage-{}", r.stage)>{stage_label(&r.stage, lang)}</span>
                                {r.error.clone().map(|e| view! { <br /><span class="meta">{e}</span> })}
                            </td>
                            <td>{dash(r.sent_at.clone())}</td>
                            <td>{format!("{}{}", r.reminders, r.last_reminder_at.clone().map(|t| format!(" ({t})")).unwrap_or_default())}</td>
                            <td>{dash(r.opened_at.clone())}</td>
                            <td>{dash(r.submitted_at.clone())}</td>
                            <td class="actions">
                                {open.then(|| view! {
                                    <ActionForm action=invite attr:class="inline">
                                        <input type="hidden" name="round_id" value=round_id.to_string() />
                                        <input type="hidden" name="user_id" value=r.user_id.to_string() />
                                        <button type="submit" class="small" aria-label=label>{lang.pick("Nieuwe link sturen", "Send new link")}</button>
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
