//! Opening a round for a published version and a set of institutions.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

use super::{history, invited, open_response, previous_answers, RoundError};
use crate::backend::audit::{self, Actor};
use crate::backend::entities::round;
use crate::backend::questionnaires;
use crate::domain::questionnaire::VersionStatus;

/// What an admin fills in to open a round.
#[derive(Clone, Debug)]
pub struct NewRound {
    pub name: String,
    pub year: i32,
    pub version_id: i32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// Institution codes; empty means every institution in the register.
    pub institutions: Vec<String>,
}

/// Opens a round: the round, one response per institution, last year's answers carried forward.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    new: &NewRound,
) -> Result<i32, RoundError> {
    if new.name.trim().is_empty() {
        return Err(RoundError::EmptyName);
    }
    if new.closes_at <= new.opens_at {
        return Err(RoundError::ClosesBeforeOpening);
    }
    let target = questionnaires::find(db, new.version_id)
        .await
        .with_context(|| format!("read version {}", new.version_id))?
        .ok_or(RoundError::NotFound)?;
    if target.status != VersionStatus::Published {
        return Err(RoundError::VersionNotPublished);
    }
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let now = Utc::now();
    let round = round::ActiveModel {
        name: Set(new.name.trim().to_owned()),
        year: Set(new.year),
        version_id: Set(new.version_id),
        opens_at: Set(new.opens_at),
        closes_at: Set(new.closes_at),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("insert round")?;
    let known = invited(&txn, &new.institutions).await?;
    let history = history(&txn, target.id).await?;
    let mut prefilled = 0;
    let defaults = crate::domain::response::defaults(&target.definition);
    for inst in &known {
        let carried = previous_answers(&txn, inst.id, &history, &target.definition).await?;
        prefilled += i32::from(!carried.is_empty());
        open_response(&txn, &round, inst.id, carried, &defaults, now).await?;
    }
    audit::record(
        &txn,
        actor,
        "round.create",
        &format!("round:{}", round.id),
        serde_json::json!({
            "name": round.name, "year": round.year, "version": new.version_id,
            "institutions": known.len(), "prefilled": prefilled,
        }),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(round.id)
}
