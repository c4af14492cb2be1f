//! A source's snapshots: the years it holds, withdrawn and restored.

use leptos::prelude::*;

use crate::api::analysis::{RestoreSnapshot, SnapshotView, WithdrawSnapshot};
use crate::domain::aggregate::snapshot::SnapshotStatus;
use crate::i18n::Lang;
use crate::ui::layout::Head;

/// The snapshots of a source with, per snapshot, the step it allows: withdraw the one in use,
/// bring back another; each with a reason.
#[component]
pub(super) fn SnapshotTable(
    source: i32,
    snapshots: Vec<SnapshotView>,
    withdraw: ServerAction<WithdrawSnapshot>,
    restore: ServerAction<RestoreSnapshot>,
    lang: Lang,
) -> impl IntoView {
    view! {
        <table>
            <Head columns={&[
                ("Jaar", "Year"),
                ("Status", "Status"),
                ("Rijen", "Rows"),
                ("Bestand", "File"),
                ("Geïmporteerd", "Imported"),
                ("Laatste wijziging", "Last change"),
                ("Actie", "Action"),
            ]} />
            <tbody>
                {snapshots.into_iter().map(|s| {
                    let reason_id = format!("reden-{}", s.id);
                    let changed = s.changed.clone().map(|(who, when)| format!("{when}, {who}: {}", s.reason.clone().unwrap_or_default()));
                    let in_use = s.status == SnapshotStatus::InUse;
                    let form = if in_use {
                        view! {
                            <ActionForm action=withdraw attr:class="inline">
                                <input type="hidden" name="source" value=source.to_string() />
                                <input type="hidden" name="year" value=s.year.to_string() />
                                <label for=reason_id.clone()>{lang.pick("Reden", "Reason")}</label>
                                <input id=reason_id name="reason" required maxlength="500" />
                                <button type="submit">{format!("{} {}", lang.pick("Jaar intrekken:", "Withdraw year"), s.year)}</button>
                            </ActionForm>
                        }.into_any()
                    } else {
                        view! {
                            <ActionForm action=restore attr:class="inline">
                                <input type="hidden" name="source" value=source.to_string() />
                                <input type="hidden" name="snapshot" value=s.id.to_string() />
                                <label for=reason_id.clone()>{lang.pick("Reden", "Reason")}</label>
                                <input id=reason_id name="reason" required maxlength="500" />
                                <button type="submit">{format!("{} {}", lang.pick("Terugzetten: momentopname", "Restore snapshot"), s.id)}</button>
                            </ActionForm>
                        }.into_any()
                    };
                    view! {
                        <tr>
                            <td>{s.year}</td>
                            <td>{format!("{} (#{})", s.status.label(lang), s.id)}</td>
                            <td>{lang.count(i64::from(s.rows))}</td>
                            <td>{s.file_name.clone()}</td>
                            <td>{format!("{}, {}", s.imported.1, s.imported.0)}</td>
                            <td>{changed.unwrap_or_else(|| "–".to_owned())}</td>
                            <td>{form}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
