//! `/analyse`: one indicator by one breakdown over a source's snapshots, as a table per year and a
//! bar chart (server-rendered SVG) of the newest year with its 95% intervals.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::analysis::{
    answer_exports, list_sources, report, report_questions, report_thresholds, ReportRow,
    SourceView,
};
use crate::domain::aggregate::kinds::SourceKind;
use crate::domain::aggregate::labels;
use crate::domain::aggregate::Thresholds;
use crate::domain::Role;
use crate::i18n::{use_lang, Lang};
use crate::ui::layout::{Guarded, Problem};

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

/// What a report's values are: shares (0–1), rates per 1,000 or counts, up to a highest value.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Scale {
    Share,
    Rate(f64),
    Count(f64),
}

impl Scale {
    fn of(rows: &[ReportRow]) -> Scale {
        let highest = rows.iter().filter_map(|r| r.rate).fold(0.0, f64::max);
        let top = if highest > 0.0 { highest * 1.15 } else { 1.0 };
        if rows.iter().any(|r| r.indicator.starts_with("register:")) {
            Scale::Count(top)
        } else if rows.iter().any(|r| r.rate.is_some()) {
            Scale::Rate(top)
        } else {
            Scale::Share
        }
    }

    /// Where `v` lies between 0 and the top of the scale.
    fn fraction(self, v: f64) -> f64 {
        match self {
            Scale::Share => v.clamp(0.0, 1.0),
            Scale::Rate(top) | Scale::Count(top) => (v / top).clamp(0.0, 1.0),
        }
    }

    fn format(self, v: f64) -> String {
        match self {
            Scale::Share => percent(v),
            Scale::Rate(_) => format!("{v:.1}"),
            Scale::Count(_) => format!("{v:.0}"),
        }
    }

    /// The value at fraction `t` of the scale.
    fn at(self, t: f64) -> f64 {
        match self {
            Scale::Share => t,
            Scale::Rate(top) | Scale::Count(top) => t * top,
        }
    }
}

/// A published value with its interval (shares have one).
type Point = (f64, Option<(f64, f64)>);

/// A row's published value; `None` when suppressed.
fn point(r: &ReportRow) -> Option<Point> {
    r.share
        .map(|(s, l, h)| (s, Some((l, h))))
        .or(r.rate.map(|v| (v, None)))
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

/// The report's choices: source, indicator, breakdown, crossing and year, as a GET form (the
/// address holds the report shown).
#[component]
fn Filters(list: Vec<SourceView>, questions: Vec<(String, String)>) -> impl IntoView {
    let lang = use_lang();
    let param = query_param();
    let chosen = param("bron", "");
    let indicator = param("indicator", "feels_safe");
    let breakdown = param("indeling", "type");
    let cross = param("kruising", "");
    let year = param("jaar", "");
    let current = list
        .iter()
        .find(|s| s.id.to_string() == chosen)
        .or(list.first());
    let kind = current
        .and_then(|s| SourceKind::parse(&s.kind))
        .unwrap_or(SourceKind::Students);
    let years: Vec<i32> = current
        .map(|s| {
            let mut y: Vec<i32> = s.in_use().map(|x| x.year).collect();
            y.dedup();
            y
        })
        .unwrap_or_default();
    let breakdowns: Vec<&labels::Label> = kind
        .report_breakdowns()
        .into_iter()
        .filter_map(|k| labels::BREAKDOWNS.iter().find(|l| l.key == k))
        .collect();
    view! {
        <Form method="GET" action="" attr:class="filters">
            <label for="bron">{lang.pick("Bron", "Source")}</label>
            <select id="bron" name="bron">
                {list.iter().map(|s| {
                    let years: Vec<String> = s.in_use().map(|x| x.year.to_string()).collect();
                    let label = format!("{} ({})", s.name, years.join(", "));
                    view! { <option value=s.id.to_string() selected=chosen == s.id.to_string()>{label}</option> }
                }).collect_view()}
            </select>
            <label for="indicator">{lang.pick("Indicator", "Indicator")}</label>
            <select id="indicator" name="indicator">
                {kind.report_indicators().into_iter().map(|k| {
                    let label = labels::of(labels::INDICATORS, &k, lang);
                    view! { <option value=k.clone() selected=indicator == k>{label}</option> }
                }).collect_view()}
            </select>
            <label for="indeling">{lang.pick("Uitgesplitst naar", "Broken down by")}</label>
            <select id="indeling" name="indeling">
                {breakdowns.iter().map(|l| view! {
                    <option value=l.key selected=breakdown == l.key>{l.get(lang)}</option>
                }).collect_view()}
                {(!questions.is_empty()).then(|| view! {
                    <optgroup label=lang.pick("Antwoord van de instelling in de vragenlijst", "The institution's answer in the questionnaire")>
                        {questions.iter().map(|(k, q)| view! {
                            <option value=k.clone() selected=breakdown == *k>{q.clone()}</option>
                        }).collect_view()}
                    </optgroup>
                })}
            </select>
            <label for="kruising">{lang.pick("Gekruist met", "Crossed with")}</label>
            <select id="kruising" name="kruising">
                <option value="" selected=cross.is_empty()>{lang.pick("— niet kruisen —", "— no crossing —")}</option>
                {breakdowns.iter().filter(|l| kind.crossable(l.key)).map(|l| view! {
                    <option value=l.key selected=cross == l.key>{l.get(lang)}</option>
                }).collect_view()}
            </select>
            <label for="jaar">{lang.pick("Jaar", "Year")}</label>
            <select id="jaar" name="jaar">
                <option value="" selected=year.is_empty()>{lang.pick("alle jaren", "all years")}</option>
                {years.iter().map(|y| view! {
                    <option value=y.to_string() selected=year == y.to_string()>{y.to_string()}</option>
                }).collect_view()}
            </select>
            <button type="submit">{lang.pick("Tonen", "Show")}</button>
        </Form>
    }
}

/// The answers with the items marked special-category or identifying: a plain form that posts
/// the reason (never a link, which another site could make), for researchers who hold that access.
#[component]
fn MarkedExport(base: String, round: i32) -> impl IntoView {
    let lang = use_lang();
    let id = format!("reason-{round}");
    view! {
        <details>
            <summary>{lang.pick("Met bijzondere en identificerende vragen", "With special-category and identifying items")}</summary>
            <form method="post" action=format!("{base}/antwoorden.csv") class="stack">
                <input type="hidden" name="bijzonder" value="1" />
                <label for=id.clone()>{lang.pick("Reden (wordt vastgelegd in de auditlog)", "Reason (recorded in the audit log)")}</label>
                <input id=id name="reden" required minlength="10" maxlength="500" />
                <button type="submit" class="small">{lang.pick("Download antwoorden (CSV)", "Download answers (CSV)")}</button>
            </form>
        </details>
    }
}

/// Downloads of the coordinators' submitted answers per round, for analysis elsewhere.
#[component]
fn AnswerExports() -> impl IntoView {
    let lang = use_lang();
    let rounds = Resource::new(|| (), |_| answer_exports());
    view! {
        <section class="panel" aria-labelledby="answer-exports">
            <h2 id="answer-exports">{lang.pick("Antwoorden van de coördinatoren", "The coordinators' answers")}</h2>
            <p>{lang.pick(
                "Per ronde de ingediende antwoorden (alleen vragen die van toepassing waren, instellingen onder een vast pseudoniem), met een codeboek en SPSS-syntaxis met variabele- en waardelabels. Vragen die als bijzonder of identificerend zijn gemarkeerd blijven weg, tenzij u die toegang heeft en een reden geeft. Elke download wordt vastgelegd in de auditlog.",
                "Per round the submitted answers (only questions that applied, institutions under a fixed pseudonym), with a codebook and SPSS syntax with variable and value labels. Questions marked special-category or identifying are left out, unless you hold that access and give a reason. Every download is recorded in the audit log.",
            )}</p>
            <Suspense fallback=|| ()>
                {move || rounds.get().map(|r| match r {
                    Ok(e) if e.rounds.is_empty() => view! { <p>{lang.pick("Er is nog geen ronde.", "There is no round yet.")}</p> }.into_any(),
                    Ok(e) => view! {
                        <ul>
                            {e.rounds.into_iter().map(|r| {
                                let base = format!("/export/ronde/{}", r.id);
                                let what = format!("{} ({}, {} {})", r.name, r.year, r.submitted, lang.pick("ingediend", "submitted"));
                                view! {
                                    <li>{what}": "
                                        <a href=format!("{base}/antwoorden.csv") download>{lang.pick("antwoorden (CSV)", "answers (CSV)")}</a>" · "
                                        <a href=format!("{base}/codeboek.json") download>{lang.pick("codeboek (JSON)", "codebook (JSON)")}</a>" · "
                                        <a href=format!("{base}/antwoorden.sps") download>{lang.pick("SPSS-syntaxis", "SPSS syntax")}</a>
                                        {e.special_access.then(|| view! { <MarkedExport base=base.clone() round=r.id /> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <Problem error /> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Report(
    rows: Vec<ReportRow>,
    year: Option<i64>,
    thresholds: Thresholds,
    lang: Lang,
) -> impl IntoView {
    if rows.is_empty() {
        return view! {
            <p>{lang.pick("Voor deze keuze zijn er geen cijfers.", "There are no figures for this choice.")}</p>
        }
        .into_any();
    }
    let shown = year.or_else(|| rows.iter().map(|r| r.year).max());
    let chart_rows: Vec<ReportRow> = rows
        .iter()
        .filter(|r| Some(r.year) == shown)
        .cloned()
        .collect();
    let trend_rows = rows.clone();
    let scale = Scale::of(&rows);
    let rows: Vec<ReportRow> = rows
        .into_iter()
        .filter(|r| year.is_none_or(|y| r.year == y))
        .collect();
    let (shares, counts) = (thresholds.shares, thresholds.counts.saturating_sub(1));
    let (caption, n_head, value_head) = match scale {
        Scale::Share => (
            match lang {
                Lang::Nl => format!("Gewogen aandeel met zijn 95%-betrouwbaarheidsinterval (Wilson, rond het gewogen aandeel, met het effectieve aantal respondenten volgens Kish: (Σw)²/Σw²). Cellen met minder dan {shares} respondenten, en cellen waaruit die te herleiden zijn, worden niet getoond. ‘t.o.v. de rest van het land’: het aandeel van de groep min dat van iedereen buiten de groep (zelfde jaar); ‘verschilt’: dat verschil is met 95% zekerheid niet aan toeval toe te schrijven (toets op het verschil van twee gewogen aandelen, elk met zijn effectieve aantal)."),
                Lang::En => format!("Weighted share with its 95% confidence interval (Wilson, around the weighted share, with Kish's effective number of respondents (Σw)²/Σw²). Cells with fewer than {shares} respondents, and cells they could be derived from, are not shown. ‘vs the rest of the country’: the group's share minus that of everyone outside the group (same year); ‘differs’: that difference is significant at 95% (a test of the difference of two weighted shares, each with its effective number)."),
            },
            "n",
            lang.pick("Aandeel", "Share"),
        ),
        Scale::Rate(_) => (
            match lang {
                Lang::Nl => format!("Geregistreerde incidenten per 1.000 studenten (volgens het register van dat jaar). Aantallen van 1 tot en met {counts}, en cellen waaruit die te herleiden zijn, worden niet getoond."),
                Lang::En => format!("Registered incidents per 1,000 students (as in that year's register). Counts from 1 to {counts}, and cells they could be derived from, are not shown."),
            },
            lang.pick("Incidenten", "Incidents"),
            lang.pick("Per 1.000 studenten", "Per 1,000 students"),
        ),
        Scale::Count(_) => (
            lang.pick(
                "Aantal studenten (BOL en BBL) volgens het register van dat jaar.",
                "Number of students (BOL and BBL) in that year's register.",
            )
            .to_owned(),
            "n",
            lang.pick("Studenten", "Students"),
        ),
    };
    view! {
        {shown.map(|year| view! { <Chart rows=chart_rows year scale lang /> })}
        <Trend rows=trend_rows scale lang />
        <table>
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">{lang.pick("Jaar", "Year")}</th>
                <th scope="col">{lang.pick("Groep", "Group")}</th>
                <th scope="col">{n_head}</th>
                <th scope="col">{value_head}</th>
                <th scope="col">{lang.pick("95%-interval", "95% interval")}</th>
                <th scope="col">{lang.pick("t.o.v. de rest van het land", "vs the rest of the country")}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    let (share, interval) = match point(&r) {
                        Some((v, Some((l, h)))) => (scale.format(v), format!("{} – {}", scale.format(l), scale.format(h))),
                        Some((v, None)) => (scale.format(v), String::new()),
                        None => (lang.pick("niet getoond", "not shown").to_owned(), String::new()),
                    };
                    let versus = r.versus_rest.map(|(d, differs)| {
                        let mark = if differs { lang.pick(" (verschilt)", " (differs)") } else { "" };
                        format!("{:+.1} {}{mark}", d * 100.0, lang.pick("procentpunt", "points"))
                    }).unwrap_or_default();
                    let n = r.n.filter(|_| point(&r).is_some()).map_or_else(|| lang.pick("verborgen", "hidden").to_owned(), |n| n.to_string());
                    view! {
                        <tr><td>{r.year}</td><td>{group_label(&r.group, lang)}</td><td>{n}</td><td>{share}</td><td>{interval}</td><td>{versus}</td></tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The line colours of a trend chart (distinguishable, 3:1 against white).
const LINE_COLOURS: [&str; 8] = [
    "#1d5fa8", "#b3261e", "#1e7b34", "#7a4fa3", "#a15c00", "#006f80", "#8a3b62", "#4d4d4d",
];

/// Lines of the shares of each group over the years, with the interval as a band of whiskers;
/// suppressed years leave a gap. Shown when there are two years or more and at most eight groups.
#[component]
fn Trend(rows: Vec<ReportRow>, scale: Scale, lang: Lang) -> impl IntoView {
    const LEFT: f64 = 60.0;
    const TOP: f64 = 20.0;
    const WIDTH: f64 = 460.0;
    const HEIGHT: f64 = 220.0;
    let mut years: Vec<i64> = rows.iter().map(|r| r.year).collect();
    years.sort_unstable();
    years.dedup();
    let mut groups: Vec<String> = rows.iter().map(|r| r.group.clone()).collect();
    groups.sort();
    groups.dedup();
    if years.len() < 2 || groups.len() > LINE_COLOURS.len() {
        return ().into_any();
    }
    let x = |year: i64| {
        let i = years.iter().position(|y| *y == year).unwrap_or_default() as f64;
        LEFT + i * WIDTH / (years.len() - 1) as f64
    };
    let y = |v: f64| TOP + (1.0 - scale.fraction(v)) * HEIGHT;
    let title = lang.pick(
        "Verloop over de jaren per groep",
        "Trend over the years by group",
    );
    let legend_top = TOP + HEIGHT + 40.0;
    let height = legend_top + 20.0 * groups.len() as f64;
    view! {
        <figure class="chart">
            <svg role="img" aria-labelledby="trend-title" viewBox=format!("0 0 640 {height}") width="640" height=height.to_string()>
                <title id="trend-title">{title}</title>
                {[0.0, 0.25, 0.5, 0.75, 1.0].map(|t| {
                    let v = scale.at(t);
                    view! {
                        <g>
                            <line x1=LEFT.to_string() x2=(LEFT + WIDTH).to_string() y1=y(v).to_string() y2=y(v).to_string() stroke="#ccc"></line>
                            <text x=(LEFT - 8.0).to_string() y=(y(v) + 4.0).to_string() text-anchor="end">{scale.format(v)}</text>
                        </g>
                    }
                }).collect_view()}
                {years.iter().map(|yr| view! {
                    <text x=x(*yr).to_string() y=(TOP + HEIGHT + 20.0).to_string() text-anchor="middle">{yr.to_string()}</text>
                }).collect_view()}
                {groups.iter().enumerate().map(|(g, group)| {
                    let colour = LINE_COLOURS[g];
                    let points: Vec<(i64, Point)> = years
                        .iter()
                        .filter_map(|yr| rows.iter().find(|r| r.year == *yr && r.group == *group).and_then(point).map(|p| (*yr, p)))
                        .collect();
                    let path = points
                        .iter()
                        .enumerate()
                        .map(|(i, (yr, (v, _)))| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { " L" }, x(*yr), y(*v)))
                        .collect::<String>();
                    let legend_y = legend_top + 20.0 * g as f64;
                    view! {
                        <g>
                            <path d=path fill="none" stroke=colour stroke-width="2"></path>
                            {points.iter().map(|(yr, (v, interval))| view! {
                                <g>
                                    <circle cx=x(*yr).to_string() cy=y(*v).to_string() r="4" fill=colour></circle>
                                    {interval.map(|(l, h)| view! {
                                        <line x1=x(*yr).to_string() x2=x(*yr).to_string() y1=y(l).to_string() y2=y(h).to_string() stroke=colour></line>
                                    })}
                                </g>
                            }).collect_view()}
                            <rect x=LEFT.to_string() y=(legend_y - 10.0).to_string() width="14" height="4" fill=colour></rect>
                            <text x=(LEFT + 22.0).to_string() y=legend_y.to_string()>{group_label(group, lang)}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption>{title}</figcaption>
        </figure>
    }
    .into_any()
}

/// Horizontal bars of the values of one year with their interval as whiskers.
#[component]
fn Chart(rows: Vec<ReportRow>, year: i64, scale: Scale, lang: Lang) -> impl IntoView {
    const LEFT: f64 = 190.0;
    const WIDTH: f64 = 420.0;
    const BAR: f64 = 22.0;
    let height = 30.0 + BAR * 1.4 * rows.len() as f64;
    let x = |v: f64| LEFT + scale.fraction(v) * WIDTH;
    let title = format!(
        "{} {year}",
        match scale {
            Scale::Share => lang.pick("Aandeel per groep,", "Share by group,"),
            Scale::Rate(_) => lang.pick(
                "Per 1.000 studenten per groep,",
                "Per 1,000 students by group,"
            ),
            Scale::Count(_) => lang.pick("Studenten per groep,", "Students by group,"),
        }
    );
    view! {
        <figure class="chart">
            <svg role="img" aria-labelledby="chart-title" viewBox=format!("0 0 640 {height}") width="640" height=height.to_string()>
                <title id="chart-title">{title.clone()}</title>
                {rows.into_iter().enumerate().map(|(i, r)| {
                    let y = 10.0 + i as f64 * BAR * 1.4;
                    let label = group_label(&r.group, lang);
                    match point(&r) {
                        Some((v, interval)) => {
                            let end = interval.map_or(v, |(_, h)| h);
                            view! {
                                <g>
                                    <text x=(LEFT - 8.0).to_string() y=(y + BAR * 0.7).to_string() text-anchor="end">{label}</text>
                                    <rect x=LEFT.to_string() y=y.to_string() width=(x(v) - LEFT).to_string() height=BAR.to_string() fill="#1d5fa8"></rect>
                                    {interval.map(|(l, h)| view! {
                                        <line x1=x(l).to_string() x2=x(h).to_string() y1=(y + BAR / 2.0).to_string() y2=(y + BAR / 2.0).to_string() stroke="#111" stroke-width="2"></line>
                                    })}
                                    <text x=(x(end) + 6.0).to_string() y=(y + BAR * 0.7).to_string()>{scale.format(v)}</text>
                                </g>
                            }.into_any()
                        }
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
