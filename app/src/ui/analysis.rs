//! `/analyse`: one indicator by one breakdown over a source's snapshots, as a table per year and a
//! bar chart (server-rendered SVG) of the newest year with its 95% intervals.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::analysis::{list_sources, student_report, ReportRow};
use crate::domain::Role;
use crate::i18n::{use_lang, Lang};
use crate::ui::layout::{Guarded, Problem};

const INDICATORS: [(&str, &str, &str); 4] = [
    ("feels_safe", "Voelt zich veilig", "Feels safe"),
    ("bullied", "Gepest", "Bullied"),
    ("discriminated", "Gediscrimineerd", "Discriminated"),
    (
        "sexual_harassment",
        "Seksueel lastiggevallen",
        "Sexually harassed",
    ),
];

const BREAKDOWNS: [(&str, &str, &str); 11] = [
    ("national", "Landelijk", "National"),
    ("type", "Soort instelling", "Type of institution"),
    ("size_band", "Grootte", "Size"),
    ("region", "Regio", "Region"),
    ("brin", "Instelling", "Institution"),
    ("sector", "Sector", "Sector"),
    ("level", "Niveau", "Level"),
    ("path", "Leerweg", "Learning path"),
    ("gender", "Geslacht", "Gender"),
    ("age_band", "Leeftijd", "Age"),
    ("migration", "Migratieachtergrond", "Migration background"),
];

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

#[component]
pub fn Analysis() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let param = move |k: &str, default: &str| {
        query
            .read()
            .get(k)
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| default.to_owned())
    };
    let sources = Resource::new(|| (), |_| list_sources());
    let report = Resource::new(
        move || {
            (
                param("bron", ""),
                param("indicator", "feels_safe"),
                param("indeling", "type"),
            )
        },
        |(source, indicator, breakdown)| async move {
            match source.parse::<i32>() {
                Ok(id) => student_report(id, indicator, breakdown).await.map(Some),
                Err(_) => Ok(None),
            }
        },
    );
    view! {
        <h1>{lang.pick("Analyse", "Analysis")}</h1>
        <Guarded allow=|me| me.is(Role::Researcher) || me.is(Role::Admin)>
            <Suspense fallback=|| ()>
                {move || sources.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! {
                        <p>{lang.pick(
                            "Er is nog geen bron. Importeer er een met ‘server sources import’.",
                            "There is no source yet. Import one with ‘server sources import’.",
                        )}</p>
                    }.into_any(),
                    Ok(list) => {
                        let chosen = param("bron", "");
                        let indicator = param("indicator", "feels_safe");
                        let breakdown = param("indeling", "type");
                        view! {
                            <Form method="GET" action="" attr:class="filters">
                                <label for="bron">{lang.pick("Bron", "Source")}</label>
                                <select id="bron" name="bron">
                                    {list.iter().map(|s| {
                                        let years: Vec<String> = s.snapshots.iter().map(|(y, _, _)| y.to_string()).collect();
                                        let label = format!("{} ({})", s.name, years.join(", "));
                                        view! { <option value=s.id.to_string() selected=chosen == s.id.to_string()>{label}</option> }
                                    }).collect_view()}
                                </select>
                                <label for="indicator">{lang.pick("Indicator", "Indicator")}</label>
                                <select id="indicator" name="indicator">
                                    {INDICATORS.iter().map(|(k, nl, en)| view! {
                                        <option value=*k selected=indicator == *k>{lang.pick(nl, en)}</option>
                                    }).collect_view()}
                                </select>
                                <label for="indeling">{lang.pick("Uitgesplitst naar", "Broken down by")}</label>
                                <select id="indeling" name="indeling">
                                    {BREAKDOWNS.iter().map(|(k, nl, en)| view! {
                                        <option value=*k selected=breakdown == *k>{lang.pick(nl, en)}</option>
                                    }).collect_view()}
                                </select>
                                <button type="submit">{lang.pick("Tonen", "Show")}</button>
                            </Form>
                        }.into_any()
                    }
                    Err(error) => view! { <Problem error /> }.into_any(),
                })}
            </Suspense>
            <Suspense fallback=|| ()>
                {move || report.get().map(|r| match r {
                    Ok(Some(rows)) => {
                        let csv = format!("/export/bron/{}/cijfers.csv", param("bron", ""));
                        view! {
                            <p><a href=csv download>{lang.pick(
                                "Alle cijfers van deze bron als CSV (met dezelfde onderdrukking)",
                                "All figures of this source as CSV (with the same suppression)",
                            )}</a></p>
                            <Report rows lang />
                        }.into_any()
                    }
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <Problem error /> }.into_any(),
                })}
            </Suspense>
        </Guarded>
    }
}

#[component]
fn Report(rows: Vec<ReportRow>, lang: Lang) -> impl IntoView {
    let newest = rows.iter().map(|r| r.year).max();
    let chart_rows: Vec<ReportRow> = rows
        .iter()
        .filter(|r| Some(r.year) == newest)
        .cloned()
        .collect();
    view! {
        {newest.map(|year| view! { <Chart rows=chart_rows year lang /> })}
        <table>
            <caption>{lang.pick(
                "Gewogen aandeel met 95%-betrouwbaarheidsinterval (Wilson). Cellen met minder dan 10 respondenten, en cellen waaruit die te herleiden zijn, worden niet getoond.",
                "Weighted share with 95% confidence interval (Wilson). Cells with fewer than 10 respondents, and cells they could be derived from, are not shown.",
            )}</caption>
            <thead><tr>
                <th scope="col">{lang.pick("Jaar", "Year")}</th>
                <th scope="col">{lang.pick("Groep", "Group")}</th>
                <th scope="col">"n"</th>
                <th scope="col">{lang.pick("Aandeel", "Share")}</th>
                <th scope="col">{lang.pick("95%-interval", "95% interval")}</th>
                <th scope="col">{lang.pick("t.o.v. landelijk", "vs national")}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    let (share, interval) = match r.share {
                        Some((s, l, h)) => (percent(s), format!("{} – {}", percent(l), percent(h))),
                        None => (lang.pick("niet getoond", "not shown").to_owned(), String::new()),
                    };
                    let versus = r.versus_national.map(|(d, differs)| {
                        let mark = if differs { lang.pick(" (verschilt)", " (differs)") } else { "" };
                        format!("{:+.1} {}{mark}", d * 100.0, lang.pick("procentpunt", "points"))
                    }).unwrap_or_default();
                    let n = if r.share.is_some() { r.n.to_string() } else { lang.pick("klein", "small").to_owned() };
                    view! {
                        <tr><td>{r.year}</td><td>{r.group}</td><td>{n}</td><td>{share}</td><td>{interval}</td><td>{versus}</td></tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Horizontal bars of the shares of one year with their interval as whiskers.
#[component]
fn Chart(rows: Vec<ReportRow>, year: i64, lang: Lang) -> impl IntoView {
    const LEFT: f64 = 190.0;
    const WIDTH: f64 = 420.0;
    const BAR: f64 = 22.0;
    let height = 30.0 + BAR * 1.4 * rows.len() as f64;
    let x = |share: f64| LEFT + share.clamp(0.0, 1.0) * WIDTH;
    let title = format!(
        "{} {year}",
        lang.pick("Aandeel per groep,", "Share by group,")
    );
    view! {
        <figure class="chart">
            <svg role="img" aria-labelledby="chart-title" viewBox=format!("0 0 640 {height}") width="640" height=height.to_string()>
                <title id="chart-title">{title.clone()}</title>
                {rows.into_iter().enumerate().map(|(i, r)| {
                    let y = 10.0 + i as f64 * BAR * 1.4;
                    let label = r.group.clone();
                    match r.share {
                        Some((s, l, h)) => view! {
                            <g>
                                <text x=(LEFT - 8.0).to_string() y=(y + BAR * 0.7).to_string() text-anchor="end">{label}</text>
                                <rect x=LEFT.to_string() y=y.to_string() width=(x(s) - LEFT).to_string() height=BAR.to_string() fill="#1d5fa8"></rect>
                                <line x1=x(l).to_string() x2=x(h).to_string() y1=(y + BAR / 2.0).to_string() y2=(y + BAR / 2.0).to_string() stroke="#111" stroke-width="2"></line>
                                <text x=(x(h) + 6.0).to_string() y=(y + BAR * 0.7).to_string()>{percent(s)}</text>
                            </g>
                        }.into_any(),
                        None => view! {
                            <g>
                                <text x=(LEFT - 8.0).to_string() y=(y + BAR * 0.7).to_string() text-anchor="end">{label}</text>
                                <text x=LEFT.to_string() y=(y + BAR * 0.7).to_string()>{lang.pick("niet getoond", "not shown")}</text>
                            </g>
                        }.into_any(),
                    }
                }).collect_view()}
            </svg>
            <figcaption>{title}</figcaption>
        </figure>
    }
}
