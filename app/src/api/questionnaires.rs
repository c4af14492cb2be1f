//! Questionnaires and versions for researchers and admins.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::questionnaire::{Change, Definition, VersionStatus};

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

#[cfg(feature = "ssr")]
fn refusal(error: crate::backend::questionnaires::QuestionnaireError) -> ApiError {
    use crate::backend::questionnaires::QuestionnaireError as E;
    match error {
        E::NotFound(_) => ApiError::NotFound,
        E::NotDraft(_) => ApiError::invalid(
            "version",
            "Deze versie is gepubliceerd en verandert nooit meer. Maak een nieuwe conceptversie.",
            "This version is published and never changes. Make a new draft.",
        ),
        E::Invalid(problems) => ApiError::Invalid(
            problems
                .iter()
                .map(|p| super::error::FieldError {
                    field: p.location.clone(),
                    message_nl: p.message(crate::i18n::Lang::Nl),
                    message_en: p.message(crate::i18n::Lang::En),
                })
                .collect(),
        ),
        E::Other(e) => crate::backend::guard::internal(e),
    }
}

/// Every version of every questionnaire. Researchers and admins.
#[server(prefix = "/api", endpoint = "list_questionnaires")]
pub async fn list_questionnaires() -> Result<Vec<VersionSummary>, ApiError> {
    use crate::backend::{guard, questionnaires};
    use crate::domain::Role;
    guard::respond(
        async move {
            let state = guard::state()?;
            guard::require(&[Role::Admin, Role::Researcher])?;
            let all = questionnaires::list(&state.db).await.map_err(refusal)?;
            Ok(all.iter().map(summary).collect())
        }
        .await,
    )
}

/// One version with its definition. Researchers and admins.
#[server(prefix = "/api", endpoint = "get_version")]
pub async fn get_version(id: i32) -> Result<VersionView, ApiError> {
    use crate::backend::{guard, questionnaires};
    use crate::domain::Role;
    guard::respond(
        async move {
            let state = guard::state()?;
            guard::require(&[Role::Admin, Role::Researcher])?;
            let version = questionnaires::find(&state.db, id)
                .await
                .map_err(refusal)?
                .ok_or(ApiError::NotFound)?;
            let siblings = questionnaires::list(&state.db)
                .await
                .map_err(refusal)?
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
        .await,
    )
}

/// What changed from version `a` to version `b`. Researchers and admins.
#[server(prefix = "/api", endpoint = "diff_versions")]
pub async fn diff_versions(a: i32, b: i32) -> Result<Vec<Change>, ApiError> {
    use crate::backend::{guard, questionnaires};
    use crate::domain::questionnaire::{diff, Concordance};
    use crate::domain::Role;
    guard::respond(
        async move {
            let state = guard::state()?;
            guard::require(&[Role::Admin, Role::Researcher])?;
            let old = questionnaires::find(&state.db, a)
                .await
                .map_err(refusal)?
                .ok_or(ApiError::NotFound)?;
            let new = questionnaires::find(&state.db, b)
                .await
                .map_err(refusal)?
                .ok_or(ApiError::NotFound)?;
            Ok(diff(
                &old.definition,
                &new.definition,
                &Concordance::default(),
            ))
        }
        .await,
    )
}

/// Publishes a draft with a changelog. Researchers and admins.
#[server(prefix = "/api", endpoint = "publish_version")]
pub async fn publish_version(id: i32, changelog: String) -> Result<(), ApiError> {
    use crate::backend::{guard, questionnaires};
    use crate::domain::Role;
    guard::respond(
        async move {
            let state = guard::state()?;
            let user = guard::require(&[Role::Admin, Role::Researcher])?;
            if changelog.trim().is_empty() {
                return Err(ApiError::invalid(
                    "changelog",
                    "Beschrijf wat er in deze versie veranderd is.",
                    "Describe what changed in this version.",
                ));
            }
            questionnaires::publish(&state.db, &guard::actor(&user), id, &changelog)
                .await
                .map_err(refusal)?;
            Ok(())
        }
        .await,
    )
}

/// Starts a new draft from an existing version and goes to it. Researchers and admins.
#[server(prefix = "/api", endpoint = "new_draft")]
pub async fn new_draft(from: i32) -> Result<(), ApiError> {
    use crate::backend::{guard, questionnaires};
    use crate::domain::Role;
    guard::respond(
        async move {
            let state = guard::state()?;
            let user = guard::require(&[Role::Admin, Role::Researcher])?;
            let source = questionnaires::find(&state.db, from)
                .await
                .map_err(refusal)?
                .ok_or(ApiError::NotFound)?;
            let draft = questionnaires::create_draft(
                &state.db,
                &guard::actor(&user),
                &source.definition,
                Some(from),
            )
            .await
            .map_err(refusal)?;
            leptos_axum::redirect(&format!("/vragenlijsten/versie/{}", draft.id));
            Ok(())
        }
        .await,
    )
}
