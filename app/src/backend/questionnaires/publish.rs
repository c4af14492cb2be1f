//! Publishing a draft: checked, compared with the version before, and frozen.

use anyhow::Context;
use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{find, list, QuestionnaireError, StoredVersion};
use crate::backend::audit::{self, Actor};
use crate::backend::entities::questionnaire_version as version;
use crate::domain::questionnaire::{validate_for_publishing, weakened_marks, VersionStatus};

/// Publishes a draft with its changelog; from then on it never changes.
/// Who publishes: only an admin may take away a privacy mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Publisher {
    /// An admin (or the operator on the command line): publishing approves taking marks away,
    /// recorded in the audit log.
    Admin,
    Researcher,
}

pub async fn publish(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    changelog: &str,
    publisher: Publisher,
) -> Result<StoredVersion, QuestionnaireError> {
    let current = find(db, id)
        .await?
        .ok_or(QuestionnaireError::NotFound(id))?;
    if current.status != VersionStatus::Draft {
        return Err(QuestionnaireError::NotDraft(id));
    }
    let problems = validate_for_publishing(&current.definition);
    if !problems.is_empty() {
        return Err(QuestionnaireError::Invalid(problems));
    }
    let weakened = match previous_published(db, &current).await? {
        Some(before) => weakened_marks(
            &before.definition,
            &current.definition,
            &current.definition.concordance,
        ),
        None => Vec::new(),
    };
    if !weakened.is_empty() && publisher != Publisher::Admin {
        return Err(QuestionnaireError::PrivacyWeakened(weakened));
    }
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    if !weakened.is_empty() {
        audit::record(
            &txn,
            actor,
            "questionnaire.privacy_weakened",
            &format!("questionnaire_version:{id}"),
            serde_json::json!({"key": current.key, "number": current.number, "items": weakened}),
        )
        .await?;
    }
    let result = version::Entity::update_many()
        .col_expr(
            version::Column::Status,
            sea_orm::sea_query::Expr::value(VersionStatus::Published.as_str()),
        )
        .col_expr(
            version::Column::Changelog,
            sea_orm::sea_query::Expr::value(changelog.trim().to_owned()),
        )
        .col_expr(
            version::Column::PublishedBy,
            sea_orm::sea_query::Expr::value(actor.user_id),
        )
        .col_expr(
            version::Column::PublishedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(version::Column::Id.eq(id))
        .filter(version::Column::Status.eq(VersionStatus::Draft.as_str()))
        .exec(&txn)
        .await
        .context("publish")?;
    if result.rows_affected == 0 {
        return Err(QuestionnaireError::NotDraft(id));
    }
    audit::record(
        &txn,
        actor,
        "questionnaire.publish",
        &format!("questionnaire_version:{id}"),
        serde_json::json!({"key": current.key, "number": current.number}),
    )
    .await?;
    txn.commit().await.context("commit")?;
    find(db, id).await?.ok_or(QuestionnaireError::NotFound(id))
}

/// The newest published (or retired) version of the same questionnaire before `draft`.
async fn previous_published(
    db: &DatabaseConnection,
    draft: &StoredVersion,
) -> Result<Option<StoredVersion>, QuestionnaireError> {
    let mut best: Option<StoredVersion> = None;
    for v in list(db).await? {
        if v.key == draft.key
            && v.number < draft.number
            && v.status != VersionStatus::Draft
            && best.as_ref().is_none_or(|b| b.number < v.number)
        {
            best = Some(v);
        }
    }
    Ok(best)
}
