//! `/analyse`: one indicator by one breakdown over a source's snapshots, as a table per year and a
//! bar chart (server-rendered SVG) of the newest year with its 95% intervals.

mod chart;
mod exports;
mod filters;
mod report;
mod scale;
mod trend;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::analysis::{list_sources, report, report_questions, report_thresholds};
use crate::domain::Role;
use crate::i18n::{use_lang, Lang};
use crate::ui::layout::{Guarded, Problem};
use chart::Chart;
use exports::AnswerExports;
use filters::Filters;
use report::Report;
use scale::{point, Point, Scale};
use trend::Trend;

/// A group as shown: the empty group is those without a value.
fn group_label(group: &str, lang: Lang) -> String {
    if group.is_empty() {
        lang.pick("onbekend / geen antwoord", "unknown / no answer")
            .to_owned()
    } else {
        group.to_owned()
    }
}

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A parameter of the page's address, or `default` when it is missing or empty.
fn query_param() -> impl Fn(&str, &str) -> String + Copy {
    let query = use_query_map();
    move |k: &str, default: &str| {
        query
            .read()
            .get(k)
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| default.to_owned())
    }
}

#[component]
pub fn Analysis() -> impl IntoView {
    let lang = use_lang();
    let param = query_param();
    let sources = Resource::new(
        || (),
        |_| async {
            Ok::<_, crate::api::ApiError>((list_sources().await?, report_questions().await?))
        },
    );
    let thresholds = Resource::new(|| (), |_| report_thresholds());
    let report = Resource::new(
        move || {
            (
                param("bron", ""),
                param("indicator", "feels_safe"),
                param("indeling", "type"),
                param("kruising", ""),
            )
        },
        |(source, indicator, breakdown, cross)| async move {
            match source.parse::<i32>() {
                Ok(id) => report(id, indicator, breakdown, cross).await.map(Some),
                Err(_) => Ok(None),
            }
        },
    );
    view! {
        <h1>{lang.pick("Analyse", "Analysis")}</h1>
        <Guarded allow=|me| me.is(Role::Researcher) || me.is(Role::Admin)>
            <p><a href="/analyse/bronnen">{lang.pick("Bronnen en imports", "Sources and imports")}</a></p>
            <Suspense fallback=|| ()>
                {move || sources.get().map(|r| match r {
                    Ok((list, _)) if list.is_empty() => view! {
                        <p>{lang.pick("Er is nog geen bron. ", "There is no source yet. ")}
                            <a href="/analyse/bronnen">{lang.pick("Importeer een bron", "Import a source")}</a></p>
                    }.into_any(),
                    Ok((list, questions)) => view! { <Filters list questions /> }.into_any(),
                    Err(error) => view! { <Problem error /> }.into_any(),
                })}
            </Suspense>
            <Suspense fallback=|| ()>
                {move || report.get().map(|r| match r {
                    Ok(Some(rows)) => {
                        let base = format!("/export/bron/{}/cijfers", param("bron", ""));
                        let year = param("jaar", "").parse::<i64>().ok();
                        view! {
                            <p>{lang.pick("Alle cijfers van deze bron, met dezelfde onderdrukking: ", "All figures of this source, with the same suppression: ")}
                                <a href=format!("{base}.xlsx") download>{lang.pick("Excel (met codeboek)", "Excel (with codebook)")}</a>
                                " · "
                                <a href=format!("{base}.csv") download>"CSV"</a>
                            </p>
                            <Report rows year thresholds=thresholds.get().and_then(Result::ok).unwrap_or_default() lang />
                        }.into_any()
                    }
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <Problem error /> }.into_any(),
                })}
            </Suspense>
            <AnswerExports />
        </Guarded>
    }
}
