//! The mapping of a file's columns to the source's variables.

use leptos::prelude::*;

use crate::api::analysis::UploadView;
use crate::i18n::Lang;
use crate::ui::layout::Head;

/// Per variable: the column it is read from and the recoding of its values, with what the file
/// holds; posting it starts the import.
#[component]
pub(super) fn MappingForm(upload: UploadView, lang: Lang) -> impl IntoView {
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
                <Head columns={&[
                    ("Variabele", "Variable"),
                    ("Waarden", "Values"),
                    ("Kolom in het bestand", "Column in the file"),
                    ("Eerste waarden", "First values"),
                    ("Hercodering", "Recoding"),
                ]} />
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
