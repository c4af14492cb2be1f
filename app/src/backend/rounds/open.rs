//! A participant's response: found or begun when its coordinator opens the round.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::RoundError;
use crate::backend::entities::{institution, response, round};
use crate::backend::responses;
use crate::domain::response::{Answers, ResponseStatus};

/// The institutions a new round invites: those with `codes`, or every one in the register.
pub(super) async fn invited(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<institution::Model>, RoundError> {
    let mut query = institution::Entity::find();
    if !codes.is_empty() {
        query = query.filter(institution::Column::Code.is_in(codes.to_vec()));
    }
    let known = query.all(db).await.context("read institutions")?;
    let unknown: Vec<String> = codes
        .iter()
        .filter(|c| !known.iter().any(|k| k.code == **c))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(RoundError::UnknownInstitutions(unknown));
    }
    if known.is_empty() {
        return Err(RoundError::NoInstitutions);
    }
    Ok(known)
}

/// An institution's response in a new round, with last year's answers (`carried`) prefilled and
/// the definition's `defaults` where those leave a question open.
pub(super) async fn open_response(
    db: &impl ConnectionTrait,
    round: &round::Model,
    institution_id: i32,
    carried: Answers,
    defaults: &Answers,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    // A response without answers keeps answers version 0 (its first save then knows that there
    // is nothing to read).
    let row = response::ActiveModel {
        round_id: Set(round.id),
        institution_id: Set(institution_id),
        version_id: Set(round.version_id),
        status: Set(ResponseStatus::NotStarted.as_str().into()),
        updated_at: Set(now),
        answers_version: Set(i32::from(!carried.is_empty() || !defaults.is_empty())),
        ..Default::default()
    }
    .insert(db)
    .await
    .with_context(|| format!("insert response of institution {institution_id}"))?;
    if carried.is_empty() && defaults.is_empty() {
        return Ok(());
    }
    // Defaults fill what last year's answers leave open; they are not offered to confirm.
    let starting: Vec<(String, String, bool)> = defaults
        .iter()
        .filter(|(key, _)| !carried.contains_key(*key))
        .map(|(key, value)| (key.clone(), value.clone(), false))
        .collect();
    let mut answers: Vec<responses::StoredAnswer> = carried
        .into_iter()
        .map(|(key, value)| (key, value, true))
        .chain(starting)
        .map(|(key, value, prefilled)| responses::StoredAnswer {
            item_key: key,
            previous: prefilled.then(|| value.clone()),
            value,
            revision: 1,
            prefilled,
            updated_by: None,
            updated_at: now,
        })
        .collect();
    answers.sort_by(|a, b| a.item_key.cmp(&b.item_key));
    responses::store_answers(db, row.id, &answers).await
}
