//! Last year's answers of an institution, offered to carry over.

use anyhow::Context;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::RoundError;
use crate::backend::entities::{questionnaire_version as version, response};
use crate::backend::responses;
use crate::domain::questionnaire::{Concordance, Definition};
use crate::domain::response::{carry_forward, Answers, ResponseStatus};

/// The versions of the target's questionnaire up to the target, oldest first: (id, number,
/// concordance with the version before). Read once per round.
pub(super) async fn history(
    db: &impl ConnectionTrait,
    target_id: i32,
) -> Result<Vec<(i32, i32, Concordance)>, RoundError> {
    let target = version::Entity::find_by_id(target_id)
        .one(db)
        .await
        .context("read version")?
        .ok_or(RoundError::NotFound)?;
    let mut out = Vec::new();
    for v in version::Entity::find()
        .filter(version::Column::QuestionnaireId.eq(target.questionnaire_id))
        .filter(version::Column::Number.lte(target.number))
        .order_by_asc(version::Column::Number)
        .all(db)
        .await
        .context("read versions")?
    {
        let def: Definition = serde_json::from_str(&v.definition).context("stored definition")?;
        out.push((v.id, v.number, def.concordance));
    }
    Ok(out)
}

/// The answers of the institution's most recent submitted response to a version in `history`,
/// carried through the concordances of the versions after it.
pub(super) async fn previous_answers(
    db: &impl ConnectionTrait,
    institution_id: i32,
    history: &[(i32, i32, Concordance)],
    target: &Definition,
) -> Result<Answers, RoundError> {
    let Some(earlier) = response::Entity::find()
        .filter(response::Column::InstitutionId.eq(institution_id))
        .filter(response::Column::Status.eq(ResponseStatus::Submitted.as_str()))
        .filter(response::Column::VersionId.is_in(history.iter().map(|(id, _, _)| *id)))
        .order_by_desc(response::Column::SubmittedAt)
        .one(db)
        .await
        .context("read earlier responses")?
    else {
        return Ok(Answers::new());
    };
    let from = history
        .iter()
        .find(|(id, _, _)| *id == earlier.version_id)
        .map_or(0, |(_, number, _)| *number);
    let concordances: Vec<&Concordance> = history
        .iter()
        .filter(|(_, number, _)| *number > from)
        .map(|(_, _, c)| c)
        .collect();
    let old_answers = responses::as_answers(&responses::answers(db, earlier.id).await?);
    let mut carried = carry_forward(&old_answers, &concordances, target);
    // Calculations are worked out afresh from this year's answers and read-only items start from
    // their default: neither is offered to confirm.
    carried.retain(|key, _| target.item(key).is_none_or(|i| i.given()));
    Ok(carried)
}
