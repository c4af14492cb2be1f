//! `/analyse/bronnen`: the data sources of the aggregation module. Register a source, upload a
//! file into it, check the column mapping against the file, and follow the import's progress.
//! Every form is a plain form: it works before WASM has loaded.

use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_params_map;

use crate::api::analysis::{
    list_sources, upload_status, CreateSource, RestoreSnapshot, SnapshotView, SourceView,
    UploadView, WithdrawSnapshot,
};
use crate::api::{ApiError, UploadOutcome};
use crate::domain::aggregate::kinds::SourceKind;
use crate::domain::aggregate::snapshot::{measure_label, SnapshotStatus, YearChange};
use crate::domain::Role;
use crate::i18n::{use_lang, Lang};
use crate::ui::layout::{Guarded, Outcome, Problem, ProblemTable, UploadPanel};

fn staff(me: &crate::api::Me) -> bool {
    me.is(Role::Researcher) || me.is(Role::Admin)
}

#[component]
pub fn SourceList() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateSource>::new();
    let sources = Resource::new(move || create.version().get(), |_| list_sources());
    view! {
        <h1>{lang.pick("Bronnen", "Sources")}</h1>
        <Guarded allow=staff>
            <p><a href="/analyse">{lang.pick("Naar de analyse", "To the analysis")}</a></p>
            <Suspense fallback=|| ()>
                {move || sources.get().map(|r| match r {
                    Ok(list) => view! { <SourceTable list lang /> }.into_any(),
                    Err(error) => view! { <Problem error /> }.into_any(),
                })}
            </Suspense>
            <section class="panel" aria-labelledby="new-source">
                <h2 id="new-source">{lang.pick("Nieuwe bron", "New source")}</h2>
                <ActionForm action=create attr:class="stack">
                    <label for="source-name">{lang.pick("Naam", "Name")}</label>
                    <input id="source-name" name="name" required maxlength="100" />
                    <label for="source-kind">{lang.pick("Soort", "Kind")}</label>
                    <select id="source-kind" name="kind">
                        {SourceKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label(lang)}</option> }).collect_view()}
                    </select>
                    <button type="submit">{lang.pick("Bron aanmaken", "Create source")}</button>
                </ActionForm>
                <Outcome action=create success=lang.pick("De bron is aangemaakt. Importeer er nu een bestand in.", "The source was created. Now import a file into it.") />
            </section>
        </Guarded>
    }
}

#[component]
fn SourceTable(list: Vec<SourceView>, lang: Lang) -> impl IntoView {
    if list.is_empty() {
        return view! { <p>{lang.pick("Er is nog geen bron.", "There is no source yet.")}</p> }
            .into_any();
    }
    view! {
        <table>
            <thead><tr>
                <th scope="col">{lang.pick("Bron", "Source")}</th>
                <th scope="col">{lang.pick("Soort", "Kind")}</th>
                <th scope="col">{lang.pick("Jaren (rijen)", "Years (rows)")}</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|s| {
                    let years = s.in_use().map(|x| format!("{} ({})", x.year, lang.count(i64::from(x.rows)))).collect::<Vec<_>>().join(", ");
                    let kind = SourceKind::parse(&s.kind).map_or(s.kind.clone(), |k| k.label(lang).to_owned());
                    view! {
                        <tr>
                            <td><a href=format!("/analyse/bronnen/{}", s.id)>{s.name}</a></td>
                            <td>{kind}</td>
                            <td>{if years.is_empty() { lang.pick("nog niets geïmporteerd", "nothing imported yet").to_owned() } else { years }}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

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
    let sources = Resource::new(
        move || (withdraw.version().get(), restore.version().get()),
        |_| list_sources(),
    );
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

/// The snapshots of a source with, per snapshot, the step it allows: withdraw the one in use,
/// bring back another; each with a reason.
#[component]
fn SnapshotTable(
    source: i32,
    snapshots: Vec<SnapshotView>,
    withdraw: ServerAction<WithdrawSnapshot>,
    restore: ServerAction<RestoreSnapshot>,
    lang: Lang,
) -> impl IntoView {
    view! {
        <table>
            <thead><tr>
                <th scope="col">{lang.pick("Jaar", "Year")}</th>
                <th scope="col">{lang.pick("Status", "Status")}</th>
                <th scope="col">{lang.pick("Rijen", "Rows")}</th>
                <th scope="col">{lang.pick("Bestand", "File")}</th>
                <th scope="col">{lang.pick("Geïmporteerd", "Imported")}</th>
                <th scope="col">{lang.pick("Laatste wijziging", "Last change")}</th>
                <th scope="col">{lang.pick("Actie", "Action")}</th>
            </tr></thead>
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

#[component]
fn Upload(upload: UploadView, lang: Lang) -> impl IntoView {
    let back = format!("/analyse/bronnen/{}", upload.source_id);
    let intro = format!(
        "{} → {} ({} {})",
        upload.file_name,
        upload.source_name,
        lang.count(upload.rows as i64),
        lang.pick("rijen", "rows")
    );
    if let Some((done, total, writing)) = upload.running {
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
        return view! {
            <Meta http_equiv="refresh" content="1" />
            <p>{intro}</p>
            <label for="import-progress">{lang.pick("Voortgang", "Progress")}</label>
            <progress id="import-progress" max=total.max(1).to_string() value=if writing { total } else { done }.to_string()>{text.clone()}</progress>
            <p role="status" aria-live="polite">{text}</p>
        }
        .into_any();
    }
    let outcome = match upload.outcome.clone() {
        Some(UploadOutcome::Stored(years)) => {
            let items = years.into_iter().map(|(year, rows, new)| {
                let what = match (lang, new) {
                    (Lang::Nl, true) => format!("{year}: {} rijen, nieuwe momentopname", lang.count(i64::from(rows))),
                    (Lang::Nl, false) => format!("{year}: {} rijen, ongewijzigd (deze rijen zijn al in gebruik)", lang.count(i64::from(rows))),
                    (Lang::En, true) => format!("{year}: {} rows, new snapshot", lang.count(i64::from(rows))),
                    (Lang::En, false) => format!("{year}: {} rows, unchanged (these rows are in use already)", lang.count(i64::from(rows))),
                };
                view! { <li>{what}</li> }
            }).collect_view();
            return view! {
                <p>{intro}</p>
                <p class="ok" role="status">{lang.pick("Het bestand is geïmporteerd; de koppeling is bij de bron bewaard voor een volgende keer.", "The file was imported; the mapping is kept with the source for next time.")}</p>
                <ul>{items}</ul>
                <p><a href=format!("/analyse?bron={}", upload.source_id)>{lang.pick("Cijfers bekijken", "View the figures")}</a>" · "<a href=back>{lang.pick("Terug naar de bron", "Back to the source")}</a></p>
            }
            .into_any();
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

/// What a corrected file changes, per year: rows and the measure (respondents, incidents or
/// students) in all and per institution whose measure differs.
#[component]
fn ChangeTable(changes: Vec<YearChange>, kind: SourceKind, lang: Lang) -> impl IntoView {
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
                    <thead><tr>
                        <th scope="col">{lang.pick("Wat", "What")}</th>
                        <th scope="col">{lang.pick("Nu", "Now")}</th>
                        <th scope="col">{lang.pick("Na vervanging", "After replacement")}</th>
                    </tr></thead>
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
fn ConfirmForm(lang: Lang) -> impl IntoView {
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

/// Per variable: the column it is read from and the recoding of its values, with what the file
/// holds; posting it starts the import.
#[component]
fn MappingForm(upload: UploadView, lang: Lang) -> impl IntoView {
    let action = format!(
        "/import/bron/upload/{}",
        leptos_router::hooks::use_params_map()
            .with_untracked(|p| p.get("token"))
            .unwrap_or_default()
    );
    let header = upload.header.clone();
    let sample = |column: &str| -> String {
        let at = header.iter().position(|h| h == column);
        at.map(|i| {
            upload
                .sample
                .iter()
                .filter_map(|r| r.get(i).cloned())
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .unwrap_or_default()
    };
    view! {
        <h2>{lang.pick("Koppeling van kolommen aan variabelen", "Mapping of columns to variables")}</h2>
        <p>{lang.pick(
            "Kies per variabele de kolom uit het bestand. Waarden die niet toegestaan zijn, hercodeert u met regels als ‘Vrouw = vrouw’.",
            "Choose the file's column for each variable. Values that are not allowed are recoded with lines such as ‘Vrouw = vrouw’.",
        )}</p>
        <form method="post" action=action>
            <table>
                <thead><tr>
                    <th scope="col">{lang.pick("Variabele", "Variable")}</th>
                    <th scope="col">{lang.pick("Waarden", "Values")}</th>
                    <th scope="col">{lang.pick("Kolom in het bestand", "Column in the file")}</th>
                    <th scope="col">{lang.pick("Eerste waarden", "First values")}</th>
                    <th scope="col">{lang.pick("Hercodering", "Recoding")}</th>
                </tr></thead>
                <tbody>
                    {upload.variables.iter().map(|v| {
                        let select_id = format!("kolom-{}", v.name);
                        let recode_id = format!("hercodering-{}", v.name);
                        let unknown_id = format!("onbekend-{}", v.name);
                        let has_unknown = !v.unknown.is_empty();
                        let categorical = v.takes.contains(", ");
                        let required = if v.required { lang.pick(" (verplicht)", " (required)") } else { "" };
                        view! {
                            <tr>
                                <th scope="row"><label for=select_id.clone()>{format!("{}{required}", v.name)}</label></th>
                                <td>{v.takes.clone()}</td>
                                <td>
                                    <select id=select_id name=format!("kolom_{}", v.name)>
                                        <option value="" selected=v.column.is_empty()>{lang.pick("— geen —", "— none —")}</option>
                                        {upload.header.iter().map(|h| view! {
                                            <option value=h.clone() selected=*h == v.column>{h.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </td>
                                <td>{sample(&v.column)}</td>
                                <td>
                                    {categorical.then(|| view! {
                                        <label for=recode_id.clone() class="visually-hidden">{format!("{} {}", lang.pick("Hercodering van", "Recoding of"), v.name)}</label>
                                        <textarea id=recode_id name=format!("hercodering_{}", v.name) rows="2" aria-describedby=has_unknown.then(|| unknown_id.clone())>{v.recode.clone()}</textarea>
                                    })}
                                    {has_unknown.then(|| view! {
                                        <p class="hint" id=unknown_id>{format!("{} {}", lang.pick("Nog te hercoderen:", "Still to recode:"), v.unknown.join(", "))}</p>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <button type="submit">{lang.pick("Importeren", "Import")}</button>
        </form>
    }
}
