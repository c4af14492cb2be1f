//! Drafts: created from a published version or anew, and saved.

use anyhow::Context;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::{refusal, to_stored, QuestionnaireError, StoredVersion};
use crate::backend::audit::{self, Actor};
use crate::backend::entities::{questionnaire, questionnaire_version as version};
use crate::domain::questionnaire::{validate, Definition, VersionStatus};

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
