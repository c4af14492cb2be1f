//! A source's page and the page to upload a new file for it.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{staff, SnapshotTable, Upload};
use crate::api::analysis::{list_sources, upload_status, RestoreSnapshot, WithdrawSnapshot};
use crate::api::ApiError;
use crate::i18n::use_lang;
use crate::ui::layout::{Guarded, Outcome, Problem, UploadPanel};

/// One source: its snapshots (in use, superseded, withdrawn; withdraw and restore with a
/// reason) and the upload of a new file.
#[component]
pub fn SourcePage() -> impl IntoView {
    let lang = use_lang();
    let id = use_params_map()
        .with_untracked(|p| p.get("id").and_then(|v| v.parse::<i32>().ok()))
        .unwrap_or(0);
    let withdraw = ServerAction::<WithdrawSnapshot>::new();
    let restore = ServerAction::<RestoreSnapshot>::new();
    let sources = Resource::new(move || versions!(withdraw, restore), |_| list_sources());
    view! {
        <Guarded allow=staff>
            <Outcome action=withdraw success=lang.pick("Het jaar is ingetrokken: de cijfers van deze bron hebben dat jaar niet meer.", "The year was withdrawn: this source's figures no longer have that year.") />
            <Outcome action=restore success=lang.pick("De momentopname is weer in gebruik; de cijfers volgen haar.", "The snapshot is in use again; the figures follow it.") />
            <Suspense fallback=|| ()>
                {move || sources.get().map(|r| match r.and_then(|list| list.into_iter().find(|s| s.id == id).ok_or(ApiError::NotFound)) {
                    Ok(source) => view! {
                        <h1>{source.name.clone()}</h1>
                        <p><a href="/analyse/bronnen">{lang.pick("Alle bronnen", "All sources")}</a>" · "
                           <a href=format!("/analyse?bron={id}")>{lang.pick("Cijfers van deze bron", "Figures of this source")}</a></p>
                        <h2>{lang.pick("Momentopnamen", "Snapshots")}</h2>
                        <p>{lang.pick(
                            "Per jaar is één momentopname in gebruik: de cijfers, factsheets en exports komen daaruit. Een gecorrigeerd bestand vervangt haar (na bevestiging); de vorige blijft hier staan en kan terug.",
                            "Each year has one snapshot in use: figures, fact sheets and exports come from it. A corrected file replaces it (once confirmed); the earlier one stays listed here and can be brought back.",
                        )}</p>
                        {if source.snapshots.is_empty() {
                            view! { <p>{lang.pick("Nog niets geïmporteerd.", "Nothing imported yet.")}</p> }.into_any()
                        } else {
                            view! { <SnapshotTable source=id snapshots=source.snapshots.clone() withdraw restore lang /> }.into_any()
                        }}
                        <UploadPanel
                            title=lang.pick("Bestand importeren", "Import a file")
                            explanation=lang.pick(
                                "CSV (puntkomma, komma of tab; UTF-8 of Windows-1252, zoals Excel het opslaat) of XLSX, met een kopregel. Daarna controleert u de koppeling van kolommen aan variabelen. Er wordt pas iets opgeslagen als het hele bestand klopt; per jaar in het bestand ontstaat één momentopname. Heeft een jaar al een momentopname, dan ziet u eerst wat er verandert.",
                                "CSV (semicolon, comma or tab; UTF-8 or Windows-1252, as Excel saves it) or XLSX, with a header row. You then check how columns map to variables. Nothing is stored until the whole file is correct; each year in the file becomes one snapshot. Where a year has a snapshot already, you first see what changes.")
                            action=format!("/import/bron/{id}")
                            file_label=lang.pick("Bestand (.csv of .xlsx)", "File (.csv or .xlsx)")
                            accept=".csv,.txt,.xlsx"
                            button=lang.pick("Uploaden", "Upload") />
                    }.into_any(),
                    Err(error) => view! { <Problem error /> }.into_any(),
                })}
            </Suspense>
        </Guarded>
    }
}

/// An uploaded file: its mapping form, the import's progress, or its outcome.
#[component]
pub fn UploadPage() -> impl IntoView {
    let lang = use_lang();
    let token = use_params_map()
        .with_untracked(|p| p.get("token"))
        .unwrap_or_default();
    let status = Resource::new(move || token.clone(), upload_status);
    view! {
        <h1>{lang.pick("Bestand importeren", "Import a file")}</h1>
        <Guarded allow=staff>
            <Suspense fallback=|| ()>
                {move || status.get().map(|r| match r {
                    Ok(upload) => view! { <Upload upload lang /> }.into_any(),
                    Err(ApiError::NotFound) => view! {
                        <p class="error" role="alert">{lang.pick(
                            "Deze upload bestaat niet (meer): een upload wordt een uur bewaard. Upload het bestand opnieuw.",
                            "This upload does not exist (any more): an upload is kept for an hour. Upload the file again.",
                        )}</p>
                        <p><a href="/analyse/bronnen">{lang.pick("Naar de bronnen", "To the sources")}</a></p>
                    }.into_any(),
                    Err(error) => view! { <Problem error /> }.into_any(),
                })}
            </Suspense>
        </Guarded>
    }
}
