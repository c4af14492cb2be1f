//! `/vragenlijsten/verschil?a=&b=`: what changed from version a to version b.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::designs;
use crate::api::questionnaires::diff_versions;
use crate::domain::questionnaire::Severity;
use crate::i18n::{use_lang, Lang};
use crate::ui::layout::{Guarded, Problem};

pub(crate) fn severity_label(severity: Severity, lang: Lang) -> &'static str {
    match severity {
        Severity::Cosmetic => lang.pick("Cosmetisch", "Cosmetic"),
        Severity::Check => lang.pick("Vergelijkbaarheid nagaan", "Check comparability"),
        Severity::Compatible => lang.pick("Inhoudelijk", "Substantive"),
        Severity::Breaking => lang.pick("Breekt vergelijking", "Breaks comparison"),
    }
}

#[component]
pub fn VersionDiff() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let id = move |k: &str| {
        query
            .read()
            .get(k)
            .and_then(|v| v.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let changes = Resource::new(move || (id("a"), id("b")), |(a, b)| diff_versions(a, b));
    view! {
        <h1>{lang.pick("Verschillen tussen versies", "Differences between versions")}</h1>
        <Guarded allow=designs>
            <p>
                <a href=move || format!("/vragenlijsten/versie/{}", id("a"))>{lang.pick("Oude versie", "Old version")}</a>
                " → "
                <a href=move || format!("/vragenlijsten/versie/{}", id("b"))>{lang.pick("Nieuwe versie", "New version")}</a>
            </p>
            <Suspense fallback=|| ()>
                {move || changes.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! { <p role="status">{lang.pick("Geen verschillen.", "No differences.")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="changes">
                            {list.into_iter().map(|c| {
                                let class = format!("severity {:?}", c.severity).to_lowercase();
                                view! { <li><span class=class>{severity_label(c.severity, lang)}</span> " " {c.describe(lang)}</li> }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <Problem error /> }.into_any(),
                })}
            </Suspense>
        </Guarded>
    }
}
