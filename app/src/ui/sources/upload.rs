//! Uploading a file: the form and the progress of its checks.

use leptos::prelude::*;
use leptos_meta::Meta;

use super::{ChangeTable, ConfirmForm, MappingForm};
use crate::api::analysis::UploadView;
use crate::api::UploadOutcome;
use crate::i18n::Lang;
use crate::ui::layout::ProblemTable;

#[component]
pub(super) fn Upload(upload: UploadView, lang: Lang) -> impl IntoView {
    let back = format!("/analyse/bronnen/{}", upload.source_id);
    let intro = format!(
        "{} → {} ({} {})",
        upload.file_name,
        upload.source_name,
        lang.count(upload.rows as i64),
        lang.pick("rijen", "rows")
    );
    if let Some((done, total, writing)) = upload.running {
        return view! { <Checking intro done total writing lang /> }.into_any();
    }
    let outcome = match upload.outcome.clone() {
        Some(UploadOutcome::Stored(years)) => {
            let source_id = upload.source_id;
            return view! { <Stored intro years source_id lang /> }.into_any();
        }
        Some(UploadOutcome::Refused(problems)) => {
            let summary = match lang {
                Lang::Nl => format!("Het bestand is geweigerd: {} problemen. Er is niets opgeslagen. Pas de koppeling hieronder aan, of verbeter het bestand en upload het opnieuw.", problems.len()),
                Lang::En => format!("The file was refused: {} problems. Nothing was stored. Change the mapping below, or correct the file and upload it again.", problems.len()),
            };
            Some(view! {
                <p class="error" role="alert">{summary}</p>
                <ProblemTable problems />
            }.into_any())
        }
        Some(UploadOutcome::Confirm(changes)) => {
            return view! {
                <p>{intro}</p>
                <ChangeTable changes kind=upload.kind lang />
                <ConfirmForm lang />
                <p><a href=back>{lang.pick("Niet vervangen: terug naar de bron", "Do not replace: back to the source")}</a></p>
            }
            .into_any();
        }
        Some(UploadOutcome::ReasonMissing) => Some(view! {
            <p class="error" role="alert">{lang.pick("Geef een reden voor de vervanging (hoogstens 500 tekens). Er is niets opgeslagen.", "Give a reason for the replacement (at most 500 characters). Nothing was stored.")}</p>
        }.into_any()),
        Some(UploadOutcome::Failed) => Some(view! {
            <p class="error" role="alert">{lang.pick("Er ging iets mis bij het importeren; er is niets opgeslagen. Probeer het opnieuw.", "Something went wrong while importing; nothing was stored. Please try again.")}</p>
        }.into_any()),
        None => None,
    };
    view! {
        <p>{intro}</p>
        {outcome}
        <MappingForm upload lang />
    }
    .into_any()
}

/// A file being checked, or its snapshots being stored: the page reloads every second.
#[component]
fn Checking(intro: String, done: usize, total: usize, writing: bool, lang: Lang) -> impl IntoView {
    let text = if writing {
        lang.pick(
            "Alle rijen zijn goed; de momentopnamen worden opgeslagen…",
            "Every row is correct; the snapshots are being stored…",
        )
        .to_owned()
    } else {
        match lang {
            Lang::Nl => format!(
                "{} van {} rijen gecontroleerd…",
                lang.count(done as i64),
                lang.count(total as i64)
            ),
            Lang::En => format!(
                "{} of {} rows checked…",
                lang.count(done as i64),
                lang.count(total as i64)
            ),
        }
    };
    view! {
        <Meta http_equiv="refresh" content="1" />
        <p>{intro}</p>
        <label for="import-progress">{lang.pick("Voortgang", "Progress")}</label>
        <progress id="import-progress" max=total.max(1).to_string() value=if writing { total } else { done }.to_string()>{text.clone()}</progress>
        <p role="status" aria-live="polite">{text}</p>
    }
}

/// A stored file: per year its rows and whether it made a new snapshot.
#[component]
fn Stored(
    intro: String,
    years: Vec<(i32, i32, bool)>,
    source_id: i32,
    lang: Lang,
) -> impl IntoView {
    let items = years
        .into_iter()
        .map(|(year, rows, new)| {
            let what = match (lang, new) {
                (Lang::Nl, true) => format!(
                    "{year}: {} rijen, nieuwe momentopname",
                    lang.count(i64::from(rows))
                ),
                (Lang::Nl, false) => format!(
                    "{year}: {} rijen, ongewijzigd (deze rijen zijn al in gebruik)",
                    lang.count(i64::from(rows))
                ),
                (Lang::En, true) => {
                    format!("{year}: {} rows, new snapshot", lang.count(i64::from(rows)))
                }
                (Lang::En, false) => format!(
                    "{year}: {} rows, unchanged (these rows are in use already)",
                    lang.count(i64::from(rows))
                ),
            };
            view! { <li>{what}</li> }
        })
        .collect_view();
    view! {
        <p>{intro}</p>
        <p class="ok" role="status">{lang.pick("Het bestand is geïmporteerd; de koppeling is bij de bron bewaard voor een volgende keer.", "The file was imported; the mapping is kept with the source for next time.")}</p>
        <ul>{items}</ul>
        <p><a href=format!("/analyse?bron={}", source_id)>{lang.pick("Cijfers bekijken", "View the figures")}</a>" · "<a href=format!("/analyse/bronnen/{source_id}")>{lang.pick("Terug naar de bron", "Back to the source")}</a></p>
    }
}
