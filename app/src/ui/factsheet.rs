//! `/instellingen/:code/feitenblad`: an institution's own figures beside those of institutions
//! of the same type and the country, per source, for its coordinators (and researchers and
//! admins). Printable.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::analysis::fact_sheet;
use crate::api::{fact_cell as cell, fact_value, FactSheetView, FactSource};
use crate::i18n::{use_lang, Lang};
use crate::ui::layout::{Guarded, Problem};

#[component]
pub fn FactSheetPage() -> impl IntoView {
    let lang = use_lang();
    let code = use_params_map()
        .with_untracked(|p| p.get("code"))
        .unwrap_or_default();
    let sheet = Resource::new(move || code.clone(), fact_sheet);
    view! {
        <Guarded allow=|_| true>
            <Suspense fallback=|| ()>
                {move || sheet.get().map(|r| match r {
                    Ok(sheet) => view! { <Sheet sheet lang /> }.into_any(),
                    Err(error) => {
                        crate::ui::layout::set_page_status(error.status());
                        view! { <h1>{lang.pick("Feitenblad", "Fact sheet")}</h1><Problem error /> }.into_any()
                    }
                })}
            </Suspense>
        </Guarded>
    }
}

#[component]
fn Sheet(sheet: FactSheetView, lang: Lang) -> impl IntoView {
    let title = format!(
        "{} {} ({})",
        lang.pick("Feitenblad", "Fact sheet"),
        sheet.name,
        sheet.code
    );
    let kind = sheet.kind.clone();
    view! {
        <h1>{title}</h1>
        <p>{match lang {
            Lang::Nl => format!("Uw eigen cijfers naast die van instellingen van dezelfde soort en het landelijke beeld, uit de nieuwste meting van elke bron. Cijfers over minder dan {} respondenten (of 1 tot {} incidenten), en cijfers waaruit die te herleiden zijn, worden niet getoond. ‘Verschilt van de rest van het land’: uw aandeel verschilt van dat van alle andere studenten of medewerkers samen, met 95% zekerheid (toets op twee gewogen aandelen).", sheet.thresholds.shares, sheet.thresholds.counts.saturating_sub(1)),
            Lang::En => format!("Your own figures beside those of institutions of the same type and the national picture, from the newest measurement of each source. Figures about fewer than {} respondents (or 1 to {} incidents), and figures they could be derived from, are not shown. ‘Differs from the rest of the country’: your share differs from that of all other students or staff together, at 95% confidence (a test of two weighted shares).", sheet.thresholds.shares, sheet.thresholds.counts.saturating_sub(1)),
        }}</p>
        {sheet.sources.is_empty().then(|| view! {
            <p>{lang.pick("Er zijn nog geen cijfers over deze instelling.", "There are no figures about this institution yet.")}</p>
        })}
        {sheet.sources.into_iter().map(|source| view! { <SourceFacts source kind=kind.clone() lang /> }).collect_view()}
        <p class="no-print"><a href=format!("/instellingen/{}", sheet.code)>{lang.pick("Naar de instelling", "To the institution")}</a>
            " · " <a href=format!("/instellingen/{}/feitenblad.pdf?taal={}", sheet.code, lang.code()) download>{lang.pick("Feitenblad als pdf", "Fact sheet as PDF")}</a></p>
    }
}

#[component]
fn SourceFacts(source: FactSource, kind: String, lang: Lang) -> impl IntoView {
    let k = source.kind.clone();
    let heading = format!("{} — {}", source.name, source.year);
    let chart = source.clone();
    view! {
        <section class="panel">
            <h2>{heading.clone()}</h2>
            <table>
                <caption class="visually-hidden">{heading}</caption>
                <thead><tr>
                    <th scope="col">{lang.pick("Indicator", "Indicator")}</th>
                    <th scope="col">{lang.pick("Uw instelling", "Your institution")}</th>
                    <th scope="col">{lang.pick("Vorige meting", "Previous measurement")}</th>
                    <th scope="col">{format!("{} ({kind})", lang.pick("Zelfde soort", "Same type"))}</th>
                    <th scope="col">{lang.pick("Landelijk", "National")}</th>
                </tr></thead>
                <tbody>
                    {source.rows.into_iter().map(|r| {
                        let mark = if r.differs { lang.pick(" — verschilt van de rest van het land", " — differs from the rest of the country") } else { "" };
                        view! {
                            <tr>
                                <th scope="row">{r.label}</th>
                                <td>{cell(&k, r.own, lang)}{mark}</td>
                                <td>{r.own_before.map(|v| fact_value(&k, v)).unwrap_or_else(|| "–".into())}</td>
                                <td>{cell(&k, r.same_type, lang)}</td>
                                <td>{cell(&k, r.national, lang)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <FactChart source=chart />
        </section>
    }
}

/// Bars for own, same type and national per indicator, under the table that holds the figures
/// (the chart repeats them for the eye and is hidden from screen readers). What is not shown has
/// no bar.
#[component]
pub fn FactChart(source: FactSource) -> impl IntoView {
    let lang = use_lang();
    let scale = source.bar_scale();
    let width = move |v: f64| format!("width: {:.1}%", scale(v) * 100.0);
    let kind = source.kind.clone();
    view! {
        <div class="fact-chart" aria-hidden="true">
            {source.rows.into_iter().map(|r| view! {
                <div class="fact-bars">
                    <p>{r.label}</p>
                    {[(lang.pick("Eigen", "Own"), r.own, "own"), (lang.pick("Soort", "Type"), r.same_type, "type"), (lang.pick("Land", "National"), r.national, "national")]
                        .into_iter()
                        .map(|(who, shown, class)| view! {
                            <div class="fact-bar">
                                <span class="who">{who}</span>
                                <span class=format!("bar {class}") style=shown.map(|(v, _, _)| width(v)).unwrap_or_else(|| "width: 0".into())></span>
                                <span class="value">{shown.map(|(v, _, _)| fact_value(&kind, v)).unwrap_or_else(|| "–".into())}</span>
                            </div>
                        })
                        .collect_view()}
                </div>
            }).collect_view()}
        </div>
    }
}
