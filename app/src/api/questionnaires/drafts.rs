//! Editing a draft version: its items, sections and codes.

// The editor's server functions take one argument per form field, so plain HTML forms can post
// them. `allow`, not `expect`: the lint fires only in the client code that `#[server]` generates.
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::questionnaires;
#[cfg(feature = "ssr")]
use crate::domain::questionnaire::{Definition, VersionStatus};
#[cfg(feature = "ssr")]
use crate::domain::{
    questionnaire::{edit, Text},
    Role,
};
use leptos::prelude::*;

/// Applies one edit to a draft and stores it when the result is valid (otherwise every problem).
#[cfg(feature = "ssr")]
async fn edit_draft(
    id: i32,
    change: impl FnOnce(&mut Definition) -> Result<(), crate::domain::questionnaire::edit::EditError>,
) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    let version = questionnaires::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if version.status != VersionStatus::Draft {
        return Err(ApiError::from(
            questionnaires::QuestionnaireError::NotDraft(id),
        ));
    }
    let mut definition = version.definition;
    change(&mut definition)?;
    questionnaires::save_draft(&state.db, &guard::actor(&user), id, &definition)
        .await
        .map_err(ApiError::from)
}

#[cfg(feature = "ssr")]
fn fields(parts: [&str; 12]) -> crate::domain::questionnaire::edit::ItemFields {
    let [label_nl, label_en, hint_nl, hint_en, required, relevant, constraint, constraint_nl, constraint_en, options, privacy, calculation] =
        parts;
    crate::domain::questionnaire::edit::ItemFields {
        label: Text::new(label_nl.trim(), label_en.trim()),
        hint: Text::new(hint_nl.trim(), hint_en.trim()),
        required: required.into(),
        relevant: relevant.into(),
        constraint: constraint.into(),
        constraint_message: Text::new(constraint_nl.trim(), constraint_en.trim()),
        options: options.into(),
        privacy: privacy.into(),
        calculation: calculation.into(),
    }
}

/// Adds a question at the end of a section of a draft. Researchers and admins.
#[server(prefix = "/api", endpoint = "add_item")]
pub async fn add_item(
    id: i32,
    section: String,
    key: String,
    kind: String,
    label_nl: String,
    label_en: String,
    required: String,
    relevant: String,
    options: String,
    #[server(default)] calculation: String,
) -> Result<(), ApiError> {
    edit_draft(id, |def| {
        let item_fields = fields([
            &label_nl,
            &label_en,
            "",
            "",
            &required,
            &relevant,
            "",
            "",
            "",
            &options,
            "",
            &calculation,
        ]);
        let new_kind = edit::new_kind(&kind, &options)?;
        edit::add_item(def, &section, &key, new_kind, &item_fields)
    })
    .await
}

/// Changes a question's texts, logic, options and privacy mark in a draft. Researchers and admins.
#[server(prefix = "/api", endpoint = "update_item")]
pub async fn update_item(
    id: i32,
    key: String,
    label_nl: String,
    label_en: String,
    hint_nl: String,
    hint_en: String,
    required: String,
    relevant: String,
    constraint: String,
    constraint_nl: String,
    constraint_en: String,
    options: String,
    #[server(default)] privacy: String,
    #[server(default)] calculation: String,
) -> Result<(), ApiError> {
    edit_draft(id, |def| {
        let item_fields = fields([
            &label_nl,
            &label_en,
            &hint_nl,
            &hint_en,
            &required,
            &relevant,
            &constraint,
            &constraint_nl,
            &constraint_en,
            &options,
            &privacy,
            &calculation,
        ]);
        edit::update_item(def, &key, &item_fields)
    })
    .await
}

/// Moves a question one place up (`up=true`) or down in a draft. Researchers and admins.
#[server(prefix = "/api", endpoint = "move_item")]
pub async fn move_item(id: i32, key: String, up: bool) -> Result<(), ApiError> {
    edit_draft(id, |def| edit::move_item(def, &key, up)).await
}

/// Removes a question from a draft. Researchers and admins.
#[server(prefix = "/api", endpoint = "remove_item")]
pub async fn remove_item(id: i32, key: String) -> Result<(), ApiError> {
    edit_draft(id, |def| edit::remove_item(def, &key)).await
}

/// Adds an (empty) section to a draft. Researchers and admins.
#[server(prefix = "/api", endpoint = "add_section")]
pub async fn add_section(
    id: i32,
    key: String,
    title_nl: String,
    title_en: String,
) -> Result<(), ApiError> {
    edit_draft(id, |def| {
        edit::add_section(def, &key, Text::new(title_nl.trim(), title_en.trim()));
        Ok(())
    })
    .await
}

/// Renames a question in a draft (references and concordance follow). Researchers and admins.
#[server(prefix = "/api", endpoint = "rename_item")]
pub async fn rename_item(id: i32, key: String, new_key: String) -> Result<(), ApiError> {
    edit_draft(id, |def| edit::rename_item(def, &key, &new_key)).await
}

/// Gives an option of a question in a draft a new code (recorded in the concordance).
#[server(prefix = "/api", endpoint = "recode_option")]
pub async fn recode_option(
    id: i32,
    key: String,
    code: String,
    new_code: String,
) -> Result<(), ApiError> {
    edit_draft(id, |def| edit::recode_option(def, &key, &code, &new_code)).await
}
