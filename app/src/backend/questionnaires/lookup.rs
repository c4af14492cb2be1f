//! Versions found and listed as stored.

use anyhow::Context;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

use super::QuestionnaireError;
use crate::backend::entities::{questionnaire, questionnaire_version as version};
use crate::domain::questionnaire::{Definition, VersionStatus};

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

pub(super) fn to_stored(
    key: &str,
    row: version::Model,
) -> Result<StoredVersion, QuestionnaireError> {
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
