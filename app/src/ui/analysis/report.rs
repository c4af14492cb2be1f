//! The report table with n, share and interval per group, suppressed cells marked.

use leptos::prelude::*;

use super::{group_label, point, Chart, Scale, Trend};
use crate::api::analysis::ReportRow;
use crate::domain::aggregate::Thresholds;
use crate::i18n::Lang;

#[component]
pub(super) fn Report(
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
    let (caption, n_head, value_head) = headings(scale, thresholds, lang);
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

/// The table's caption (what the figures are and what is withheld) and the heads of its count and
/// value columns.
fn headings(
    scale: Scale,
    thresholds: Thresholds,
    lang: Lang,
) -> (String, &'static str, &'static str) {
    let (shares, counts) = (thresholds.shares, thresholds.counts.saturating_sub(1));
    match scale {
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
    }
}
