//! The researcher's exports: answers per round and the marked-answers file.

use leptos::prelude::*;

use crate::api::analysis::answer_exports;
use crate::i18n::use_lang;
use crate::ui::layout::Problem;

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
pub(super) fn AnswerExports() -> impl IntoView {
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
