//! Storing questionnaire versions. Drafts change; a published version never does: updates go
//! through [`save_draft`], whose `WHERE status = 'draft'` refuses anything else, and a database
//! trigger refuses what might get past that.

use anyhow::Context;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use super::audit::{self, Actor};
use super::entities::{questionnaire, questionnaire_version as version};
use crate::domain::questionnaire::{
    validate, weakened_marks, Definition, DefinitionProblem, VersionStatus,
};

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

/// A stored version with its parsed definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredVersion {
    pub id: i32,
    pub key: String,
    pub number: i32,
    pub status: VersionStatus,
    pub changelog: String,
    pub published_at: Option<String>,
    pub definition: Definition,
}

/// A stored status, read strictly: a name this version does not know is an error, not a draft.
fn status_of(row: &version::Model) -> anyhow::Result<VersionStatus> {
    VersionStatus::parse(&row.status)
        .with_context(|| format!("version {} has an unknown status {:?}", row.id, row.status))
}

fn to_stored(key: &str, row: version::Model) -> Result<StoredVersion, QuestionnaireError> {
    let definition =
        serde_json::from_str(&row.definition).context("stored definition is unreadable")?;
    Ok(StoredVersion {
        id: row.id,
        key: key.to_owned(),
        number: row.number,
        status: status_of(&row)?,
        changelog: row.changelog,
        published_at: row
            .published_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
        definition,
    })
}

/// Stores a valid definition as a new draft of its questionnaire (created when new); returns it.
pub async fn create_draft(
    db: &DatabaseConnection,
    actor: &Actor,
    definition: &Definition,
    based_on: Option<i32>,
) -> Result<StoredVersion, QuestionnaireError> {
    let problems = validate(definition);
    if !problems.is_empty() {
        return Err(QuestionnaireError::Invalid(problems));
    }
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let parent = match questionnaire::Entity::find()
        .filter(questionnaire::Column::Key.eq(&definition.key))
        .one(&txn)
        .await
        .context("read questionnaire")?
    {
        Some(q) => q,
        None => questionnaire::ActiveModel {
            key: Set(definition.key.clone()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .context("create questionnaire")?,
    };
    let last = version::Entity::find()
        .filter(version::Column::QuestionnaireId.eq(parent.id))
        .order_by_desc(version::Column::Number)
        .one(&txn)
        .await
        .context("read versions")?;
    let row = version::ActiveModel {
        questionnaire_id: Set(parent.id),
        number: Set(last.map(|v| v.number + 1).unwrap_or(1)),
        status: Set(VersionStatus::Draft.as_str().into()),
        definition: Set(serde_json::to_string(definition).context("encode definition")?),
        changelog: Set(String::new()),
        based_on: Set(based_on),
        created_by: Set(actor.user_id),
        created_at: Set(Utc::now()),
        published_by: Set(None),
        published_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("store draft")?;
    audit::record(
        &txn,
        actor,
        "questionnaire.draft",
        &format!("questionnaire_version:{}", row.id),
        serde_json::json!({"key": definition.key, "number": row.number}),
    )
    .await?;
    txn.commit().await.context("commit")?;
    to_stored(&parent.key, row)
}

/// Replaces the definition of a draft. Refused for any version that is not a draft.
pub async fn save_draft(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    definition: &Definition,
) -> Result<(), QuestionnaireError> {
    let problems = validate(definition);
    if !problems.is_empty() {
        return Err(QuestionnaireError::Invalid(problems));
    }
    let encoded = serde_json::to_string(definition).context("encode definition")?;
    let result = version::Entity::update_many()
        .col_expr(
            version::Column::Definition,
            sea_orm::sea_query::Expr::value(encoded),
        )
        .filter(version::Column::Id.eq(id))
        .filter(version::Column::Status.eq(VersionStatus::Draft.as_str()))
        .exec(db)
        .await
        .context("save draft")?;
    if result.rows_affected == 0 {
        return Err(refusal(db, id, QuestionnaireError::NotDraft(id)).await);
    }
    audit::record(
        db,
        actor,
        "questionnaire.save",
        &format!("questionnaire_version:{id}"),
        serde_json::json!({}),
    )
    .await?;
    Ok(())
}

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
    let problems = validate(&current.definition);
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

pub async fn find(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<StoredVersion>, QuestionnaireError> {
    let Some(row) = version::Entity::find_by_id(id)
        .one(db)
        .await
        .context("read version")?
    else {
        return Ok(None);
    };
    let parent = questionnaire::Entity::find_by_id(row.questionnaire_id)
        .one(db)
        .await
        .context("read questionnaire")?
        .context("version without questionnaire")?;
    to_stored(&parent.key, row).map(Some)
}

/// Every version, newest questionnaire versions first within each key.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<StoredVersion>, QuestionnaireError> {
    let parents = questionnaire::Entity::find()
        .order_by_asc(questionnaire::Column::Key)
        .all(db)
        .await
        .context("read questionnaires")?;
    let mut out = Vec::new();
    for parent in parents {
        let rows = version::Entity::find()
            .filter(version::Column::QuestionnaireId.eq(parent.id))
            .order_by_desc(version::Column::Number)
            .all(db)
            .await
            .context("read versions")?;
        for row in rows {
            out.push(to_stored(&parent.key, row)?);
        }
    }
    Ok(out)
}
