//! The bar chart of a report's shares with their intervals.

use leptos::prelude::*;

use super::{group_label, point, Scale};
use crate::api::analysis::ReportRow;
use crate::i18n::Lang;

/// Horizontal bars of the values of one year with their interval as whiskers.
#[component]
pub(super) fn Chart(rows: Vec<ReportRow>, year: i64, scale: Scale, lang: Lang) -> impl IntoView {
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
