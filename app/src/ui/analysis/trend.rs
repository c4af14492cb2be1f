//! The trend chart: a line per group across the years.

use leptos::prelude::*;

use super::{group_label, point, Point, Scale};
use crate::api::analysis::ReportRow;
use crate::i18n::Lang;

/// The line colours of a trend chart (distinguishable, 3:1 against white).
const LINE_COLOURS: [&str; 8] = [
    "#1d5fa8", "#b3261e", "#1e7b34", "#7a4fa3", "#a15c00", "#006f80", "#8a3b62", "#4d4d4d",
];

/// Lines of the shares of each group over the years, with the interval as a band of whiskers;
/// suppressed years leave a gap. Shown when there are two years or more and at most eight groups.
#[component]
pub(super) fn Trend(rows: Vec<ReportRow>, scale: Scale, lang: Lang) -> impl IntoView {
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
