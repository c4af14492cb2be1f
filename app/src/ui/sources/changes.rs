//! What a new file changes against the stored year, and the confirmation to store it.

use leptos::prelude::*;

use crate::domain::aggregate::kinds::SourceKind;
use crate::domain::aggregate::snapshot::{measure_label, YearChange};
use crate::i18n::Lang;
use crate::ui::layout::Head;

/// What a corrected file changes, per year: rows and the measure (respondents, incidents or
/// students) in all and per institution whose measure differs.
#[component]
pub(super) fn ChangeTable(changes: Vec<YearChange>, kind: SourceKind, lang: Lang) -> impl IntoView {
    let measure = measure_label(kind, lang);
    let number =
        move |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| lang.count(v.round() as i64));
    view! {
        <p class="warning" role="alert">{lang.pick(
            "Dit bestand corrigeert jaren die al een momentopname in gebruik hebben. Er is nog niets opgeslagen. Bekijk wat er verandert en bevestig de vervanging met een reden.",
            "This file corrects years that have a snapshot in use. Nothing has been stored yet. Check what changes and confirm the replacement with a reason.",
        )}</p>
        {changes.into_iter().map(|c| {
            let caption = match (lang, c.replaces) {
                (Lang::Nl, Some(id)) => format!("{}: vervangt momentopname #{id}", c.year),
                (Lang::En, Some(id)) => format!("{}: replaces snapshot #{id}", c.year),
                (Lang::Nl, None) => format!("{}: nieuw jaar", c.year),
                (Lang::En, None) => format!("{}: new year", c.year),
            };
            view! {
                <table>
                    <caption>{caption}</caption>
                    <Head columns={&[
                        ("Wat", "What"),
                        ("Nu", "Now"),
                        ("Na vervanging", "After replacement"),
                    ]} />
                    <tbody>
                        <tr><th scope="row">{lang.pick("Rijen", "Rows")}</th><td>{lang.count(c.rows_before as i64)}</td><td>{lang.count(c.rows_after as i64)}</td></tr>
                        <tr><th scope="row">{format!("{} {}", lang.pick("Totaal", "Total"), measure)}</th><td>{number(Some(c.total_before))}</td><td>{number(Some(c.total_after))}</td></tr>
                        {c.institutions.into_iter().map(|i| view! {
                            <tr><th scope="row">{format!("{} ({measure})", i.code)}</th><td>{number(i.before)}</td><td>{number(i.after)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
        }).collect_view()}
    }
}

/// Confirms a correction: the import runs again and replaces the snapshots in use.
#[component]
pub(super) fn ConfirmForm(lang: Lang) -> impl IntoView {
    let action = format!(
        "/import/bron/upload/{}",
        leptos_router::hooks::use_params_map()
            .with_untracked(|p| p.get("token"))
            .unwrap_or_default()
    );
    view! {
        <form method="post" action=action class="stack">
            <label for="reden">{lang.pick("Reden van de vervanging (bijvoorbeeld: gecorrigeerde levering van 3 maart)", "Reason for the replacement (for example: corrected delivery of 3 March)")}</label>
            <input id="reden" name="reden" required maxlength="500" />
            <button type="submit">{lang.pick("Vervangen", "Replace")}</button>
        </form>
    }
}
