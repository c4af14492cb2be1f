//! The editor of a draft: add, reorder, change and remove questions, add sections. Every change is
//! validated on the server as a whole; a refused change shows every problem and stores nothing.

use leptos::prelude::*;

use super::logic_field::LogicField;
use crate::api::questionnaires::{
    AddItem, AddSection, MoveItem, RecodeOption, RemoveItem, RenameItem, UpdateItem,
};
use crate::domain::expr::Scope;
use crate::domain::questionnaire::edit::{format_options, options_of};
use crate::domain::questionnaire::{scope_for, Definition, Item, ItemKind, Privacy, Required};
use crate::i18n::use_lang;
use crate::ui::layout::Problem;

/// The editor's actions, created once per page so the version reloads after each.
#[derive(Clone, Copy)]
pub struct EditorActions {
    pub add: ServerAction<AddItem>,
    pub update: ServerAction<UpdateItem>,
    pub moved: ServerAction<MoveItem>,
    pub remove: ServerAction<RemoveItem>,
    pub section: ServerAction<AddSection>,
    pub rename: ServerAction<RenameItem>,
    pub recode: ServerAction<RecodeOption>,
}

impl EditorActions {
    pub fn new() -> Self {
        EditorActions {
            add: ServerAction::new(),
            update: ServerAction::new(),
            moved: ServerAction::new(),
            remove: ServerAction::new(),
            section: ServerAction::new(),
            rename: ServerAction::new(),
            recode: ServerAction::new(),
        }
    }

    /// Changes whenever any edit completes.
    pub fn version(&self) -> [usize; 7] {
        versions!(
            self.add,
            self.update,
            self.moved,
            self.remove,
            self.section,
            self.rename,
            self.recode
        )
    }
}

const TYPES: [(&str, &str, &str); 14] = [
    (
        "yes_no_dont_know",
        "Ja / nee / weet niet",
        "Yes / no / don't know",
    ),
    ("single_choice", "Eén keuze", "Single choice"),
    ("multiple_choice", "Meerdere keuzes", "Multiple choice"),
    ("likert", "Schaal (1–5)", "Scale (1–5)"),
    ("integer", "Geheel getal", "Whole number"),
    ("decimal", "Decimaal getal", "Decimal number"),
    ("short_text", "Korte tekst", "Short text"),
    ("long_text", "Lange tekst", "Long text"),
    ("date", "Datum", "Date"),
    ("time", "Tijd", "Time"),
    ("date_time", "Datum en tijd", "Date and time"),
    (
        "incident_grid",
        "Incidenten per categorie",
        "Incidents per category",
    ),
    ("note", "Toelichting (geen vraag)", "Note (no question)"),
    (
        "calculated",
        "Berekening (geen vraag; opgeslagen bij de antwoorden)",
        "Calculation (no question; stored with the answers)",
    ),
];

fn errors(actions: EditorActions) -> impl IntoView {
    move || {
        let all = [
            actions.add.value().get().and_then(Result::err),
            actions.update.value().get().and_then(Result::err),
            actions.moved.value().get().and_then(Result::err),
            actions.remove.value().get().and_then(Result::err),
            actions.section.value().get().and_then(Result::err),
            actions.rename.value().get().and_then(Result::err),
            actions.recode.value().get().and_then(Result::err),
        ];
        all.into_iter()
            .flatten()
            .map(|error| view! { <Problem error /> })
            .collect_view()
    }
}

#[component]
pub fn Editor(id: i32, definition: Definition, actions: EditorActions) -> impl IntoView {
    let lang = use_lang();
    let new_scope = scope_for(&definition, "", None);
    let calc_scope = new_scope.clone();
    let all = StoredValue::new(definition.clone());
    let sections: Vec<(String, String)> = definition
        .sections
        .iter()
        .map(|s| (s.key.clone(), s.title.get(lang).to_owned()))
        .collect();
    view! {
        <section class="panel" aria-labelledby="editor-title">
            <h2 id="editor-title">{lang.pick("Bewerken", "Edit")}</h2>
            {errors(actions)}
            {definition.sections.into_iter().map(|section| view! {
                <h3>{section.title.get(lang).to_owned()} " " <code>{section.key.clone()}</code></h3>
                <ol class="editor-items">
                    {section.items.into_iter().map(|item| {
                        let relevant_scope = all.with_value(|d| scope_for(d, &item.key, None));
                        view! { <ItemRow id item actions relevant_scope /> }
                    }).collect_view()}
                </ol>
            }).collect_view()}
            <h3>{lang.pick("Vraag toevoegen", "Add a question")}</h3>
            <ActionForm action=actions.add attr:class="stack">
                <input type="hidden" name="id" value=id.to_string() />
                <label for="add-section">{lang.pick("Onderdeel", "Section")}</label>
                <select id="add-section" name="section">
                    {sections.into_iter().map(|(k, t)| view! { <option value=k>{t}</option> }).collect_view()}
                </select>
                <label for="add-key">{lang.pick("Sleutel (blijft gelijk over de jaren)", "Key (stays the same over the years)")}</label>
                <input id="add-key" name="key" required pattern="[A-Za-z_][A-Za-z0-9_]*" />
                <label for="add-kind">{lang.pick("Vraagtype", "Question type")}</label>
                <select id="add-kind" name="kind">
                    {TYPES.into_iter().map(|(v, nl, en)| view! { <option value=v>{lang.pick(nl, en)}</option> }).collect_view()}
                </select>
                <label for="add-label-nl">{lang.pick("Vraag (Nederlands)", "Question (Dutch)")}</label>
                <input id="add-label-nl" name="label_nl" required />
                <label for="add-label-en">{lang.pick("Vraag (Engels)", "Question (English)")}</label>
                <input id="add-label-en" name="label_en" />
                <label for="add-required">{lang.pick("Verplicht (ja, nee of een voorwaarde)", "Required (ja, nee or a condition)")}</label>
                <input id="add-required" name="required" value="nee" />
                <LogicField id="add-relevant".into() name="relevant" value=String::new() scope=new_scope
                    label=lang.pick("Alleen tonen als (voorwaarde, bv. ${vraag} = 'ja')", "Show only when (condition, e.g. ${question} = 'ja')").into() />
                <label for="add-options">{lang.pick("Opties, één per regel: code | Nederlands | English", "Options, one per line: code | Nederlands | English")}</label>
                <textarea id="add-options" name="options" rows="3"></textarea>
                <LogicField id="add-calculation".into() name="calculation" value=String::new() scope=calc_scope
                    label=lang.pick("Berekening (alleen bij het type berekening, bv. ${a} + ${b})", "Calculation (only for the calculation type, e.g. ${a} + ${b})").into() />
                <button type="submit">{lang.pick("Vraag toevoegen", "Add question")}</button>
            </ActionForm>
            <h3>{lang.pick("Onderdeel toevoegen", "Add a section")}</h3>
            <ActionForm action=actions.section attr:class="stack">
                <input type="hidden" name="id" value=id.to_string() />
                <label for="section-key">{lang.pick("Sleutel", "Key")}</label>
                <input id="section-key" name="key" required pattern="[A-Za-z_][A-Za-z0-9_]*" />
                <label for="section-nl">{lang.pick("Titel (Nederlands)", "Title (Dutch)")}</label>
                <input id="section-nl" name="title_nl" required />
                <label for="section-en">{lang.pick("Titel (Engels)", "Title (English)")}</label>
                <input id="section-en" name="title_en" />
                <button type="submit">{lang.pick("Onderdeel toevoegen", "Add section")}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn ItemRow(id: i32, item: Item, actions: EditorActions, relevant_scope: Scope) -> impl IntoView {
    let constraint_scope = Scope {
        own_type: Some(item.kind.value_type()),
        ..relevant_scope.clone()
    };
    let calc_item_scope = relevant_scope.clone();
    let lang = use_lang();
    let key = item.key.clone();
    let label = item.label.get(lang).to_owned();
    let required = match &item.required {
        Required::Always(true) => "ja".to_owned(),
        Required::When(c) => c.clone(),
        _ => "nee".to_owned(),
    };
    let hint = item.hint.clone().unwrap_or_default();
    let constraint = item.constraint.clone();
    let privacy = item.privacy;
    let options = options_of(&item.kind).map(|o| format_options(o));
    let codes =
        options_of(&item.kind).map(|o| o.iter().map(|c| c.code.clone()).collect::<Vec<_>>());
    let prefix = StoredValue::new(key.clone());
    let f = move |suffix: &str| prefix.with_value(|p| format!("{p}-{suffix}"));
    let (k_update, k_summary) = (key.clone(), key.clone());
    view! {
        <li>
            <span class="item-head"><code>{key.clone()}</code> " · " {item.kind.name()} " · " {label.clone()}</span>
            <ItemMoves id key=key.clone() actions />
            <details>
                <summary>{lang.pick("Wijzig", "Change")} " " {k_summary}</summary>
                <ActionForm action=actions.update attr:class="stack">
                    <input type="hidden" name="id" value=id.to_string() />
                    <input type="hidden" name="key" value=k_update />
                    <label for=f("nl")>{lang.pick("Vraag (Nederlands)", "Question (Dutch)")}</label>
                    <input id=f("nl") name="label_nl" value=item.label.nl.clone() required />
                    <label for=f("en")>{lang.pick("Vraag (Engels)", "Question (English)")}</label>
                    <input id=f("en") name="label_en" value=item.label.en.clone() />
                    <label for=f("hint-nl")>{lang.pick("Toelichting (Nederlands)", "Hint (Dutch)")}</label>
                    <input id=f("hint-nl") name="hint_nl" value=hint.nl.clone() />
                    <label for=f("hint-en")>{lang.pick("Toelichting (Engels)", "Hint (English)")}</label>
                    <input id=f("hint-en") name="hint_en" value=hint.en.clone() />
                    <label for=f("required")>{lang.pick("Verplicht (ja, nee of een voorwaarde)", "Required (ja, nee or a condition)")}</label>
                    <input id=f("required") name="required" value=required />
                    <LogicField id=f("relevant") name="relevant" value=item.relevant.clone().unwrap_or_default()
                        scope=relevant_scope label=lang.pick("Alleen tonen als", "Show only when").into() />
                    <LogicField id=f("constraint") name="constraint" value=constraint.as_ref().map(|c| c.expression.clone()).unwrap_or_default()
                        scope=constraint_scope label=lang.pick("Controle op het antwoord (met .)", "Check on the answer (using .)").into() />
                    <label for=f("cm-nl")>{lang.pick("Melding bij fout (Nederlands)", "Message when wrong (Dutch)")}</label>
                    <input id=f("cm-nl") name="constraint_nl" value=constraint.as_ref().map(|c| c.message.nl.clone()).unwrap_or_default() />
                    <label for=f("cm-en")>{lang.pick("Melding bij fout (Engels)", "Message when wrong (English)")}</label>
                    <input id=f("cm-en") name="constraint_en" value=constraint.as_ref().map(|c| c.message.en.clone()).unwrap_or_default() />
                    <label for=f("privacy")>{lang.pick("Privacy", "Privacy")}</label>
                    <select id=f("privacy") name="privacy">
                        <option value="" selected=privacy.is_none()>{lang.pick("Gewoon antwoord", "Ordinary answer")}</option>
                        {Privacy::ALL.into_iter().map(|p| view! {
                            <option value=p.as_str() selected=privacy == Some(p)>{p.label(lang)}</option>
                        }).collect_view()}
                    </select>
                    {match &item.kind {
                        ItemKind::Calculated { expression } => view! {
                            <LogicField id=f("calculation") name="calculation" value=expression.clone()
                                scope=calc_item_scope.clone() label=lang.pick("Berekening", "Calculation").into() />
                        }.into_any(),
                        _ => view! { <input type="hidden" name="calculation" value="" /> }.into_any(),
                    }}
                    {match options {
                        Some(text) => view! {
                            <label for=f("options")>{lang.pick("Opties: code | Nederlands | English", "Options: code | Nederlands | English")}</label>
                            <textarea id=f("options") name="options" rows="4">{text}</textarea>
                        }.into_any(),
                        None => view! { <input type="hidden" name="options" value="" /> }.into_any(),
                    }}
                    <button type="submit">{lang.pick("Opslaan", "Save")}</button>
                </ActionForm>
                <KeyForms id key=key.clone() codes actions />
            </details>
        </li>
    }
}

/// An item's buttons to move it up or down and to remove it.
#[component]
fn ItemMoves(id: i32, key: String, actions: EditorActions) -> impl IntoView {
    let lang = use_lang();
    let moves = [
        (true, "↑", lang.pick("Omhoog:", "Up:")),
        (false, "↓", lang.pick("Omlaag:", "Down:")),
    ]
    .map(|(up, arrow, label)| {
        let (label, key) = (format!("{label} {key}"), key.clone());
        view! {
            <ActionForm action=actions.moved attr:class="inline">
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="key" value=key />
                <input type="hidden" name="up" value=up.to_string() />
                <button type="submit" class="small" aria-label=label>{arrow}</button>
            </ActionForm>
        }
    });
    let k_remove = key;
    view! {
        <span class="item-actions">
            {moves.into_iter().collect_view()}
            <ActionForm action=actions.remove attr:class="inline">
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="key" value=k_remove.clone() />
                <button type="submit" class="small" aria-label=format!("{} {k_remove}", lang.pick("Verwijder", "Remove"))>"✕"</button>
            </ActionForm>
        </span>
    }
}

/// The forms that rename an item's key and recode one of its options (both kept in the
/// concordance).
#[component]
fn KeyForms(
    id: i32,
    key: String,
    codes: Option<Vec<String>>,
    actions: EditorActions,
) -> impl IntoView {
    let lang = use_lang();
    let prefix = StoredValue::new(key.clone());
    let f = move |suffix: &str| prefix.with_value(|p| format!("{p}-{suffix}"));
    let (k_rename, k_recode) = (key.clone(), key);
    view! {
        <ActionForm action=actions.rename attr:class="stack">
            <input type="hidden" name="id" value=id.to_string() />
            <input type="hidden" name="key" value=k_rename />
            <label for=f("rename")>{lang.pick("Nieuwe sleutel (verwijzingen en concordantie volgen)", "New key (references and concordance follow)")}</label>
            <input id=f("rename") name="new_key" required pattern="[A-Za-z_][A-Za-z0-9_]*" />
            <button type="submit">{lang.pick("Hernoemen", "Rename")}</button>
        </ActionForm>
        {codes.map(|codes| view! {
            <ActionForm action=actions.recode attr:class="stack">
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="key" value=k_recode />
                <label for=f("code")>{lang.pick("Optiecode", "Option code")}</label>
                <select id=f("code") name="code">
                    {codes.into_iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                </select>
                <label for=f("new-code")>{lang.pick("Nieuwe code (wordt vastgelegd in de concordantie)", "New code (recorded in the concordance)")}</label>
                <input id=f("new-code") name="new_code" required />
                <button type="submit">{lang.pick("Code wijzigen", "Change code")}</button>
            </ActionForm>
        })}
    }
}
