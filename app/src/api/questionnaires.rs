//! Questionnaires and versions for researchers and admins.

// The editor's server functions take one argument per form field, so plain HTML forms can post
// them. `allow`, not `expect`: the lint fires only in the client code that `#[server]` generates.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::guard;
use super::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::questionnaires;
use crate::domain::questionnaire::{Change, Definition, VersionStatus};
#[cfg(feature = "ssr")]
use crate::domain::{
    questionnaire::{diff, edit, Text},
    Role,
};

/// A version in lists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionSummary {
    pub id: i32,
    pub key: String,
    pub title_nl: String,
    pub title_en: String,
    pub number: i32,
    pub status: VersionStatus,
    pub changelog: String,
    pub published_at: Option<String>,
}

/// A version with its definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionView {
    pub summary: VersionSummary,
    pub definition: Definition,
    /// The other versions of the same questionnaire, to compare with.
    pub siblings: Vec<VersionSummary>,
    /// The server's date (`today()` in the preview), so browser and server agree.
    pub today: chrono::NaiveDate,
}

#[cfg(feature = "ssr")]
fn summary(v: &crate::backend::questionnaires::StoredVersion) -> VersionSummary {
    VersionSummary {
        id: v.id,
        key: v.key.clone(),
        title_nl: v.definition.title.nl.clone(),
        title_en: v.definition.title.en.clone(),
        number: v.number,
        status: v.status,
        changelog: v.changelog.clone(),
        published_at: v.published_at.clone(),
    }
}

/// Every version of every questionnaire. Researchers and admins.
#[server(prefix = "/api", endpoint = "list_questionnaires")]
pub async fn list_questionnaires() -> Result<Vec<VersionSummary>, ApiError> {
    let state = guard::state()?;
    guard::require(Role::RESEARCH)?;
    let all = questionnaires::list(&state.db).await?;
    Ok(all.iter().map(summary).collect())
}

/// One version with its definition. Researchers and admins.
#[server(prefix = "/api", endpoint = "get_version")]
pub async fn get_version(id: i32) -> Result<VersionView, ApiError> {
    let state = guard::state()?;
    guard::require(Role::RESEARCH)?;
    let version = questionnaires::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let siblings = questionnaires::list(&state.db)
        .await?
        .iter()
        .filter(|v| v.key == version.key && v.id != version.id)
        .map(summary)
        .collect();
    Ok(VersionView {
        summary: summary(&version),
        definition: version.definition,
        siblings,
        today: chrono::Utc::now().date_naive(),
    })
}

/// What changed from version `a` to version `b`. Researchers and admins.
#[server(prefix = "/api", endpoint = "diff_versions")]
pub async fn diff_versions(a: i32, b: i32) -> Result<Vec<Change>, ApiError> {
    let state = guard::state()?;
    guard::require(Role::RESEARCH)?;
    let old = questionnaires::find(&state.db, a)
        .await?
        .ok_or(ApiError::NotFound)?;
    let new = questionnaires::find(&state.db, b)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(diff(
        &old.definition,
        &new.definition,
        &new.definition.concordance,
    ))
}

/// Publishes a draft with a changelog. Researchers and admins.
#[server(prefix = "/api", endpoint = "publish_version")]
pub async fn publish_version(id: i32, changelog: String) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    if changelog.trim().is_empty() {
        return Err(ApiError::invalid(
            "changelog",
            "Beschrijf wat er in deze versie veranderd is.",
            "Describe what changed in this version.",
        ));
    }
    let publisher = if user.me.role == Role::Admin {
        questionnaires::Publisher::Admin
    } else {
        questionnaires::Publisher::Researcher
    };
    questionnaires::publish(&state.db, &guard::actor(&user), id, &changelog, publisher).await?;
    Ok(())
}

/// Starts a new draft from an existing version and goes to it. Researchers and admins.
#[server(prefix = "/api", endpoint = "new_draft")]
pub async fn new_draft(from: i32) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    let source = questionnaires::find(&state.db, from)
        .await?
        .ok_or(ApiError::NotFound)?;
    let draft = questionnaires::create_draft(
        &state.db,
        &guard::actor(&user),
        &source.definition,
        Some(from),
    )
    .await?;
    leptos_axum::redirect(&format!("/vragenlijsten/versie/{}", draft.id));
    Ok(())
}

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
fn fields(parts: [&str; 11]) -> crate::domain::questionnaire::edit::ItemFields {
    let [label_nl, label_en, hint_nl, hint_en, required, relevant, constraint, constraint_nl, constraint_en, options, privacy] =
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
) -> Result<(), ApiError> {
    edit_draft(id, |def| {
        let item_fields = fields([
            &label_nl, &label_en, "", "", &required, &relevant, "", "", "", &options, "",
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

/// Retires a published version (its content never changes). Researchers and admins.
#[server(prefix = "/api", endpoint = "retire_version")]
pub async fn retire_version(id: i32) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    questionnaires::retire(&state.db, &guard::actor(&user), id)
        .await
        .map_err(ApiError::from)
}
