//! The audit log, newest first, filtered by action, actor, object and days; downloadable as CSV
//! with the same filter.

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
    let filter = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        (
            get("actie"),
            get("wie"),
            get("object"),
            get("van"),
            get("tot"),
        )
    };
    // Created outside the guard, whose `Suspense` may render its children more than once.
    let rows = Resource::new(filter, |(action, actor, target, from, to)| {
        list_audit(action, actor, target, from, to)
    });
    view! {
        <h1>{lang.pick("Auditlog", "Audit log")}</h1>
        <Guarded allow=|me| me.is(Role::Admin)>
            <AuditBody rows />
        </Guarded>
    }
}

/// A query-string value with the characters that would break it escaped.
fn urlencode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
fn AuditBody(
    rows: Resource<Result<Vec<crate::api::AuditRow>, crate::api::ApiError>>,
) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let get = move |k: &'static str| move || query.read().get(k).unwrap_or_default();
    let csv = move || {
        let q = query.read();
        let pairs: Vec<String> = ["actie", "wie", "object", "van", "tot"]
            .iter()
            .filter_map(|k| {
                q.get(k)
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("{k}={}", urlencode(&v)))
            })
            .collect();
        format!("/export/auditlog.csv?{}", pairs.join("&"))
    };
    view! {
        <Form method="GET" action="" attr:class="filters">
            <label for="actie">{lang.pick("Actie begint met", "Action starts with")}</label>
            <input id="actie" name="actie" value=get("actie") placeholder="export." />
            <label for="wie">{lang.pick("Wie (e-mailadres bevat)", "Who (e-mail address contains)")}</label>
            <input id="wie" name="wie" value=get("wie") />
            <label for="object">{lang.pick("Object begint met", "Object starts with")}</label>
            <input id="object" name="object" value=get("object") placeholder="round:" />
            <label for="van">{lang.pick("Van (dag, UTC)", "From (day, UTC)")}</label>
            <input id="van" name="van" type="date" value=get("van") />
            <label for="tot">{lang.pick("Tot en met", "Up to and including")}</label>
            <input id="tot" name="tot" type="date" value=get("tot") />
            <button type="submit">{lang.pick("Filteren", "Filter")}</button>
        </Form>
        <p><a href=csv download>{lang.pick("Deze selectie als CSV (alle regels, niet alleen de nieuwste 500)", "This selection as CSV (every entry, not only the newest 500)")}</a></p>
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
