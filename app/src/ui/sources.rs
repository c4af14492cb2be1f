//! `/analyse/bronnen`: the data sources of the aggregation module. Register a source, upload a
//! file into it, check the column mapping against the file, and follow the import's progress.
//! Every form is a plain form: it works before WASM has loaded.

use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_params_map;

use crate::api::analysis::{
    list_sources, upload_status, CreateSource, SourceView, UploadOutcome, UploadView,
};
use crate::api::ApiError;
use crate::domain::aggregate::kinds::SourceKind;
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
                    let years = s.snapshots.iter().map(|(y, n, _)| format!("{y} ({})", lang.count(i64::from(*n)))).collect::<Vec<_>>().join(", ");
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

/// One source: its snapshots and the upload of a new file.
#[component]
pub fn SourcePage() -> impl IntoView {
    let lang = use_lang();
    let id = use_params_map()
        .with_untracked(|p| p.get("id").and_then(|v| v.parse::<i32>().ok()))
        .unwrap_or(0);
    let sources = Resource::new(|| (), |_| list_sources());
    view! {
        <Guarded allow=staff>
            <Suspense fallback=|| ()>
                {move || sources.get().map(|r| match r.and_then(|list| list.into_iter().find(|s| s.id == id).ok_or(ApiError::NotFound)) {
                    Ok(source) => view! {
                        <h1>{source.name.clone()}</h1>
                        <p><a href="/analyse/bronnen">{lang.pick("Alle bronnen", "All sources")}</a>" · "
                           <a href=format!("/analyse?bron={id}")>{lang.pick("Cijfers van deze bron", "Figures of this source")}</a></p>
                        <h2>{lang.pick("Momentopnamen", "Snapshots")}</h2>
                        {if source.snapshots.is_empty() {
                            view! { <p>{lang.pick("Nog niets geïmporteerd.", "Nothing imported yet.")}</p> }.into_any()
                        } else {
                            view! {
                                <table>
                                    <thead><tr>
                                        <th scope="col">{lang.pick("Jaar", "Year")}</th>
                                        <th scope="col">{lang.pick("Rijen", "Rows")}</th>
                                        <th scope="col">{lang.pick("Bestand", "File")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {source.snapshots.iter().map(|(y, n, f)| view! {
                                            <tr><td>{*y}</td><td>{lang.count(i64::from(*n))}</td><td>{f.clone()}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                        <UploadPanel
                            title=lang.pick("Bestand importeren", "Import a file")
                            explanation=lang.pick(
                                "CSV (puntkomma, komma of tab; UTF-8 of Windows-1252, zoals Excel het opslaat) of XLSX, met een kopregel. Daarna controleert u de koppeling van kolommen aan variabelen. Er wordt pas iets opgeslagen als het hele bestand klopt; per jaar in het bestand ontstaat één momentopname.",
                                "CSV (semicolon, comma or tab; UTF-8 or Windows-1252, as Excel saves it) or XLSX, with a header row. You then check how columns map to variables. Nothing is stored until the whole file is correct; each year in the file becomes one snapshot.")
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
                    (Lang::Nl, false) => format!("{year}: {} rijen, dit bestand was al geïmporteerd", lang.count(i64::from(rows))),
                    (Lang::En, true) => format!("{year}: {} rows, new snapshot", lang.count(i64::from(rows))),
                    (Lang::En, false) => format!("{year}: {} rows, this file had been imported before", lang.count(i64::from(rows))),
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
