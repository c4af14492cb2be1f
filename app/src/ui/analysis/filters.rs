//! The report's filters: topic, question, breakdown, years and institution type.

use leptos::prelude::*;
use leptos_router::components::Form;

use super::query_param;
use crate::api::analysis::SourceView;
use crate::domain::aggregate::kinds::SourceKind;
use crate::domain::aggregate::labels;
use crate::i18n::use_lang;

/// The report's choices: source, indicator, breakdown, crossing and year, as a GET form (the
/// address holds the report shown).
#[component]
pub(super) fn Filters(list: Vec<SourceView>, questions: Vec<(String, String)>) -> impl IntoView {
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
