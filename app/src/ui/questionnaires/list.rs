//! `/vragenlijsten`: every questionnaire with its versions, and the upload of a definition.

use leptos::prelude::*;

use super::{designs, status_label};
use crate::api::questionnaires::list_questionnaires;
use crate::i18n::use_lang;
use crate::ui::layout::{Guarded, Head, Problem, UploadPanel};

#[component]
pub fn QuestionnaireList() -> impl IntoView {
    let lang = use_lang();
    let versions = Resource::new(|| (), |_| list_questionnaires());
    view! {
        <h1>{lang.pick("Vragenlijsten", "Questionnaires")}</h1>
        <Guarded allow=designs>
            <UploadPanel
                title=lang.pick("Definitie uploaden", "Upload a definition")
                explanation=lang.pick(
                    "Een JSON-definitie (zie /schema/questionnaire.json) of XLSForm wordt een nieuwe conceptversie. Bij een fout wordt niets opgeslagen en ziet u elk probleem.",
                    "A JSON definition (see /schema/questionnaire.json) or XLSForm becomes a new draft. On any error nothing is stored and every problem is listed.")
                action="/import/vragenlijst"
                file_label=lang.pick("Bestand (.json of XLSForm .xlsx/.xls)", "File (.json or XLSForm .xlsx/.xls)")
                accept=".json,.xlsx,.xls"
                button=lang.pick("Uploaden", "Upload") />
            <Suspense fallback=|| ()>
                {move || versions.get().map(|r| match r {
                    Ok(rows) if rows.is_empty() => view! { <p>{lang.pick("Nog geen vragenlijsten.", "No questionnaires yet.")}</p> }.into_any(),
                    Ok(rows) => view! {
                        <table>
                            <Head columns={&[
                                ("Vragenlijst", "Questionnaire"),
                                ("Versie", "Version"),
                                ("Status", "Status"),
                                ("Gepubliceerd", "Published"),
                                ("Wijzigingen", "Changes"),
                            ]} />
                            <tbody>
                                {rows.into_iter().map(|v| {
                                    let title = if lang == crate::i18n::Lang::En && !v.title_en.is_empty() { v.title_en.clone() } else { v.title_nl.clone() };
                                    view! {
                                        <tr>
                                            <td><a href=format!("/vragenlijsten/versie/{}", v.id)>{title}</a> " " <code>{v.key.clone()}</code></td>
                                            <td>{v.number}</td>
                                            <td>{status_label(v.status, lang)}</td>
                                            <td>{v.published_at.clone().unwrap_or_default()}</td>
                                            <td>{v.changelog.clone()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(error) => view! { <Problem error /> }.into_any(),
                })}
            </Suspense>
        </Guarded>
    }
}
