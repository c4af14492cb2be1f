//! Questionnaires and versions for researchers and admins.

// The editor's server functions take one argument per form field, so plain HTML forms can post
// them. `allow`, not `expect`: the lint fires only in the client code that `#[server]` generates.
#![allow(clippy::too_many_arguments)]

mod drafts;
#[cfg(feature = "ssr")]
use super::guard;
use super::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::questionnaires;
use crate::domain::questionnaire::{Change, Definition, VersionStatus};
#[cfg(feature = "ssr")]
use crate::domain::{questionnaire::diff, Role};
pub use drafts::{
    add_item, add_section, move_item, recode_option, remove_item, rename_item, update_item,
    AddItem, AddSection, MoveItem, RecodeOption, RemoveItem, RenameItem, UpdateItem,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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

/// Retires a published version (its content never changes). Researchers and admins.
#[server(prefix = "/api", endpoint = "retire_version")]
pub async fn retire_version(id: i32) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    questionnaires::retire(&state.db, &guard::actor(&user), id)
        .await
        .map_err(ApiError::from)
}
