//! The audit log, newest first, filterable by action.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::audit::list_audit;
use crate::domain::Role;
use crate::i18n::use_lang;
use crate::ui::layout::{Guarded, Problem};

#[component]
pub fn AuditLog() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let action = move || query.read().get("actie").unwrap_or_default();
    // Created outside the guard, whose `Suspense` may render its children more than once.
    let rows = Resource::new(action, list_audit);
    view! {
        <h1>{lang.pick("Auditlog", "Audit log")}</h1>
        <Guarded allow=|me| me.is(Role::Admin)>
            <AuditBody rows />
        </Guarded>
    }
}

#[component]
fn AuditBody(
    rows: Resource<Result<Vec<crate::api::AuditRow>, crate::api::ApiError>>,
) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let action = move || query.read().get("actie").unwrap_or_default();
    view! {
        <Form method="GET" action="" attr:class="filters">
            <label for="actie">{lang.pick("Actie begint met", "Action starts with")}</label>
            <input id="actie" name="actie" value=action placeholder="institution." />
            <button type="submit">{lang.pick("Filteren", "Filter")}</button>
        </Form>
        <Suspense fallback=|| ()>
            {move || rows.get().map(|r| match r {
                Ok(rows) => view! {
                    <table>
                        <thead><tr>
                            <th scope="col">{lang.pick("Tijdstip", "Time")}</th>
                            <th scope="col">{lang.pick("Wie", "Who")}</th>
                            <th scope="col">{lang.pick("Actie", "Action")}</th>
                            <th scope="col">{lang.pick("Object", "Object")}</th>
                            <th scope="col">{lang.pick("Details", "Details")}</th>
                            <th scope="col">"IP"</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|a| view! {
                                <tr>
                                    <td>{a.at}</td><td>{a.actor}</td><td><code>{a.action}</code></td>
                                    <td>{a.target}</td><td><code class="details">{a.details}</code></td>
                                    <td>{a.ip.unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
                Err(error) => view! { <Problem error /> }.into_any(),
            })}
        </Suspense>
    }
}
