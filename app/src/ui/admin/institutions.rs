//! The institution register: list with search and filters, import (admins), detail and edit.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::institutions::{
    get_import_run, get_institution, list_institutions, list_provinces, UpdateInstitution,
};
use crate::api::{ImportRunView, InstitutionRow};
use crate::domain::{InstitutionKind, Role};
use crate::i18n::use_lang;
use crate::ui::layout::{use_is_admin, Guarded, Outcome, Problem, ProblemTable, UploadPanel};

fn reads_register(me: &crate::api::Me) -> bool {
    me.is(Role::Admin) || me.is(Role::Researcher)
}

type Rows = Resource<Result<Vec<InstitutionRow>, crate::api::ApiError>>;
type Provinces = Resource<Result<Vec<String>, crate::api::ApiError>>;

#[component]
pub fn InstitutionList() -> impl IntoView {
    let lang = use_lang();
    // Resources live outside the guard, whose `Suspense` may render its children more than once.
    let query = use_query_map();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let rows: Rows = Resource::new(
        move || (get("zoek"), get("soort"), get("provincie")),
        |(s, k, p)| list_institutions(s, k, p),
    );
    let provinces: Provinces = Resource::new(|| (), |_| list_provinces());
    view! {
        <h1>{lang.pick("Instellingenregister", "Institution register")}</h1>
        <Guarded allow=reads_register>
            <ImportForm />
            <RegisterTable rows provinces />
        </Guarded>
    }
}

/// Upload of a DUO CSV or XLSX file: a plain multipart form, handled by `/import/instellingen`.
#[component]
fn ImportForm() -> impl IntoView {
    let lang = use_lang();
    let is_admin = use_is_admin();
    view! {
        <Show when=is_admin>
            <UploadPanel
                title=lang.pick("Register importeren", "Import register")
                explanation=lang.pick(
                    "DUO-bestand als CSV (puntkomma, UTF-8) of XLSX met INSTELLINGSCODE, INSTELLINGSNAAM, GEMEENTE, PROVINCIE, BOLVT, BOLDT en BBL. Bestaande instellingen worden bijgewerkt; bij een fout wordt niets opgeslagen.",
                    "DUO file as CSV (semicolon, UTF-8) or XLSX with INSTELLINGSCODE, INSTELLINGSNAAM, GEMEENTE, PROVINCIE, BOLVT, BOLDT and BBL. Known institutions are updated; on any error nothing is saved.")
                action="/import/instellingen"
                file_label=lang.pick("Bestand (.csv of .xlsx)", "File (.csv or .xlsx)")
                accept=".csv,.xlsx"
                button=lang.pick("Importeren", "Import") />
        </Show>
    }
}

#[component]
fn RegisterTable(rows: Rows, provinces: Provinces) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    view! {
        <Form method="GET" action="" attr:class="filters">
            <label for="zoek">{lang.pick("Zoek op naam, gemeente of code", "Search by name, municipality or code")}</label>
            <input id="zoek" name="zoek" type="search" value=move || get("zoek") />
            <label for="soort">{lang.pick("Soort", "Type")}</label>
            <select id="soort" name="soort">
                <option value="">{lang.pick("Alle", "All")}</option>
                {InstitutionKind::ALL.into_iter().map(|k| view! {
                    <option value=k.as_str() selected=move || get("soort") == k.as_str()>{k.label(lang)}</option>
                }).collect_view()}
            </select>
            <label for="provincie">{lang.pick("Provincie", "Province")}</label>
            <select id="provincie" name="provincie">
                <option value="">{lang.pick("Alle", "All")}</option>
                <Suspense fallback=|| ()>
                    {move || provinces.get().and_then(Result::ok).map(|ps| ps.into_iter().map(|p| {
                        let selected = get("provincie") == p;
                        view! { <option value=p.clone() selected=selected>{p.clone()}</option> }
                    }).collect_view())}
                </Suspense>
            </select>
            <button type="submit">{lang.pick("Filteren", "Filter")}</button>
        </Form>
        <Suspense fallback=|| ()>
            {move || rows.get().map(|r| match r {
                Ok(rows) if rows.is_empty() => view! { <p>{lang.pick("Geen instellingen gevonden.", "No institutions found.")}</p> }.into_any(),
                Ok(rows) => view! { <Table rows /> }.into_any(),
                Err(error) => view! { <Problem error /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Table(rows: Vec<InstitutionRow>) -> impl IntoView {
    let lang = use_lang();
    let count = rows.len();
    view! {
        <p role="status">{count} " " {lang.pick("instellingen", "institutions")}</p>
        <table>
            <thead><tr>
                <th scope="col">{lang.pick("Code", "Code")}</th>
                <th scope="col">{lang.pick("Naam", "Name")}</th>
                <th scope="col">{lang.pick("Soort", "Type")}</th>
                <th scope="col">{lang.pick("Gemeente", "Municipality")}</th>
                <th scope="col">{lang.pick("Provincie", "Province")}</th>
                <th scope="col" class="num">{lang.pick("Studenten", "Students")}</th>
                <th scope="col">{lang.pick("Grootte", "Size")}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|i| view! {
                    <tr>
                        <td><a href=format!("/instellingen/{}", i.code)>{i.code.clone()}</a></td>
                        <td>{i.name}</td>
                        <td>{i.kind.label(lang)}</td>
                        <td>{i.municipality}</td>
                        <td>{i.province}</td>
                        <td class="num">{lang.count(i.total)}</td>
                        <td>{i.size_band.label(lang)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn InstitutionDetail() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let update = ServerAction::<UpdateInstitution>::new();
    let row = Resource::new(
        move || (code(), update.version().get()),
        |(c, _)| get_institution(c),
    );
    view! {
        <Guarded allow=|_| true>
            <Suspense fallback=|| ()>
                {move || row.get().map(|r| match r {
                    Ok(i) => view! { <Detail i update /> }.into_any(),
                    Err(error) => {
                        crate::ui::layout::set_page_status(error.status());
                        view! { <h1>{lang.pick("Instelling", "Institution")}</h1><Problem error /> }.into_any()
                    }
                })}
            </Suspense>
        </Guarded>
    }
}

#[component]
fn Detail(i: InstitutionRow, update: ServerAction<UpdateInstitution>) -> impl IntoView {
    let lang = use_lang();
    let is_admin = use_is_admin();
    let me = crate::ui::layout::use_me();
    let is_coordinator = move || {
        me.get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|m| m.is(crate::domain::Role::Coordinator))
    };
    let edit = StoredValue::new(i.clone());
    let field = move |f: fn(&InstitutionRow) -> String| edit.with_value(f);
    view! {
        <h1>{i.name.clone()} " (" {i.code.clone()} ")"</h1>
        <p><a href=format!("/instellingen/{}/feitenblad", i.code)>{lang.pick("Feitenblad: eigen cijfers naast soortgelijke instellingen en landelijk", "Fact sheet: own figures beside similar institutions and national")}</a></p>
        <dl class="facts">
            <dt>{lang.pick("Soort", "Type")}</dt><dd>{i.kind.label(lang)}</dd>
            <dt>{lang.pick("Gemeente", "Municipality")}</dt><dd>{i.municipality.clone()}</dd>
            <dt>{lang.pick("Provincie", "Province")}</dt><dd>{i.province.clone()}</dd>
            <dt>{lang.pick("Regio", "Region")}</dt><dd>{i.region.label(lang)}</dd>
            <dt>"BOL voltijd"</dt><dd>{lang.count(i.bolvt.into())}</dd>
            <dt>"BOL deeltijd"</dt><dd>{lang.count(i.boldt.into())}</dd>
            <dt>"BBL"</dt><dd>{lang.count(i.bbl.into())}</dd>
            <dt>{lang.pick("Grootte", "Size")}</dt><dd>{i.size_band.label(lang)}</dd>
        </dl>
        <Show when=is_coordinator>
            <super::colleagues::Colleagues code=i.code.clone() />
        </Show>
        <Show when=is_admin>
            <h2>{lang.pick("Bewerken", "Edit")}</h2>
            <ActionForm action=update attr:class="stack">
                <input type="hidden" name="code" value=field(|e| e.code.clone()) />
                <label for="name">{lang.pick("Naam", "Name")}</label>
                <input id="name" name="name" value=field(|e| e.name.clone()) required />
                <label for="municipality">{lang.pick("Gemeente", "Municipality")}</label>
                <input id="municipality" name="municipality" value=field(|e| e.municipality.clone()) required />
                <label for="province">{lang.pick("Provincie", "Province")}</label>
                <input id="province" name="province" value=field(|e| e.province.clone()) required />
                <label for="kind">{lang.pick("Soort", "Type")}</label>
                <select id="kind" name="kind">
                    {InstitutionKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=edit.with_value(|e| e.kind == k)>{k.label(lang)}</option>
                    }).collect_view()}
                </select>
                <button type="submit">{lang.pick("Opslaan", "Save")}</button>
            </ActionForm>
            <Outcome action=update success=lang.pick("Opgeslagen.", "Saved.") />
        </Show>
    }
}

#[component]
pub fn ImportResult() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let run = Resource::new(id, get_import_run);
    view! {
        <h1>{lang.pick("Resultaat van de import", "Import result")}</h1>
        <Guarded allow=reads_register>
            <Suspense fallback=|| ()>
                {move || run.get().map(|r| match r {
                    Ok(run) => view! { <RunView run /> }.into_any(),
                    Err(error) => view! { <Problem error /> }.into_any(),
                })}
            </Suspense>
        </Guarded>
        <Suspense fallback=|| ()>
            {move || run.get().and_then(Result::ok).map(|r| if r.kind == "questionnaire" {
                view! { <p><a href="/vragenlijsten">{lang.pick("Terug naar de vragenlijsten", "Back to the questionnaires")}</a></p> }.into_any()
            } else if let Some(source) = r.kind.strip_prefix("source:") {
                view! { <p><a href=format!("/analyse/bronnen/{source}")>{lang.pick("Terug naar de bron", "Back to the source")}</a></p> }.into_any()
            } else if r.kind == "contacts" {
                view! { <p><a href="/beheer/gebruikers">{lang.pick("Terug naar gebruikers en contactpersonen", "Back to users and contacts")}</a></p> }.into_any()
            } else {
                view! { <p><a href="/instellingen">{lang.pick("Terug naar het register", "Back to the register")}</a></p> }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn RunView(run: ImportRunView) -> impl IntoView {
    let lang = use_lang();
    if run.applied {
        let (nl, en) = if run.kind == "contacts" {
            ("contactpersonen", "contacts")
        } else {
            ("instellingen", "institutions")
        };
        let text = match lang {
            crate::i18n::Lang::Nl => format!(
                "{}: {} nieuwe en {} bijgewerkte {nl}.",
                run.file_name, run.created, run.updated
            ),
            crate::i18n::Lang::En => format!(
                "{}: {} new and {} updated {en}.",
                run.file_name, run.created, run.updated
            ),
        };
        return view! { <p class="ok" role="status">{text}</p> }.into_any();
    }
    let summary = match lang {
        crate::i18n::Lang::Nl => format!("{} is geweigerd: {} problemen. Er is niets opgeslagen. Verbeter het bestand en importeer het opnieuw.", run.file_name, run.problems.len()),
        crate::i18n::Lang::En => format!("{} was rejected: {} problems. Nothing was saved. Correct the file and import it again.", run.file_name, run.problems.len()),
    };
    view! {
        <p class="error" role="alert">{summary}</p>
        <ProblemTable problems=run.problems />
    }
    .into_any()
}
