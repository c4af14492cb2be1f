//! `/analyse/bronnen`: the data sources of the aggregation module. Register a source, upload a
//! file into it, check the column mapping against the file, and follow the import's progress.
//! Every form is a plain form: it works before WASM has loaded.

mod changes;
mod mapping;
mod page;
mod snapshots;
mod upload;

use leptos::prelude::*;

use crate::api::analysis::{list_sources, CreateSource, SourceView};
use crate::domain::aggregate::kinds::SourceKind;
use crate::domain::Role;
use crate::i18n::{use_lang, Lang};
use crate::ui::layout::{Guarded, Head, Outcome, Problem};
use changes::{ChangeTable, ConfirmForm};
use mapping::MappingForm;
use snapshots::SnapshotTable;
use upload::Upload;

pub use page::{SourcePage, UploadPage};

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
            <Head columns={&[
                ("Bron", "Source"),
                ("Soort", "Kind"),
                ("Jaren (rijen)", "Years (rows)"),
            ]} />
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
