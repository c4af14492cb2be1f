//! Storing questionnaire versions. Drafts change; a published version never does: updates go
//! through [`save_draft`], whose `WHERE status = 'draft'` refuses anything else, and a database
//! trigger refuses what might get past that.

mod drafts;
mod lookup;
mod publish;

use anyhow::Context;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::audit::{self, Actor};
use super::entities::questionnaire_version as version;
use crate::domain::questionnaire::{DefinitionProblem, VersionStatus};
use lookup::to_stored;

pub use drafts::{create_draft, save_draft};
pub use lookup::{find, list, StoredVersion};
pub use publish::{publish, Publisher};

/// Why a change to a questionnaire was refused.
#[derive(Debug, thiserror::Error)]
pub enum QuestionnaireError {
    #[error("the definition has {} problems", .0.len())]
    Invalid(Vec<DefinitionProblem>),
    #[error("version {0} is not a draft; published versions never change")]
    NotDraft(i32),
    #[error("version {0} not found")]
    NotFound(i32),
    #[error("version {0} is not published")]
    NotPublished(i32),
    /// The draft takes away the privacy mark of these items (keys): only an admin may publish it.
    #[error("the draft takes away privacy marks: {0:?}")]
    PrivacyWeakened(Vec<String>),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Retires a published version: no new rounds use it; its content stays as it is.
pub async fn retire(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
) -> Result<(), QuestionnaireError> {
    let result = version::Entity::update_many()
        .col_expr(
            version::Column::Status,
            sea_orm::sea_query::Expr::value(VersionStatus::Retired.as_str()),
        )
        .filter(version::Column::Id.eq(id))
        .filter(version::Column::Status.eq(VersionStatus::Published.as_str()))
        .exec(db)
        .await
        .context("retire")?;
    if result.rows_affected == 0 {
        return Err(refusal(db, id, QuestionnaireError::NotPublished(id)).await);
    }
    audit::record(
        db,
        actor,
        "questionnaire.retire",
        &format!("questionnaire_version:{id}"),
        serde_json::json!({}),
    )
    .await?;
    Ok(())
}

/// Why a guarded update changed no row: the version does not exist, or `in_wrong_state`.
async fn refusal(
    db: &DatabaseConnection,
    id: i32,
    in_wrong_state: QuestionnaireError,
) -> QuestionnaireError {
    match version::Entity::find_by_id(id).one(db).await {
        Ok(Some(_)) => in_wrong_state,
        Ok(None) => QuestionnaireError::NotFound(id),
        Err(e) => QuestionnaireError::Other(anyhow::Error::new(e).context("read version")),
    }
}
