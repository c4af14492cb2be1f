//! Rounds: opening one for a published version and the institutions taking part (each gets a
//! response, prefilled from its last submitted one), closing early, extending, reopening a
//! submitted response, and coordinators' personal links.

mod closing;
mod create;
mod history;
mod links;
mod open;
mod participants;
mod redeem;

use std::collections::BTreeMap;

use anyhow::Context;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entities::{response, round};
use super::questionnaires;
use crate::domain::response::ResponseStatus;
use history::{history, previous_answers};
use open::{invited, open_response};

pub use closing::{reopen, set_closing};
pub use create::{create, NewRound};
pub use links::{issue_link, revoke_links};
pub use participants::{participants, Participant};
pub use redeem::{redeem_link, Redeemed};

/// Why a round change was refused.
#[derive(Debug, thiserror::Error)]
pub enum RoundError {
    #[error("not found")]
    NotFound,
    #[error("the version is not published")]
    VersionNotPublished,
    #[error("the round must close after it opens")]
    ClosesBeforeOpening,
    #[error("no institutions chosen")]
    NoInstitutions,
    #[error("unknown institution codes {0:?}")]
    UnknownInstitutions(Vec<String>),
    #[error("the name is empty")]
    EmptyName,
    #[error("the response is not submitted")]
    NotSubmitted,
    #[error("the user is not a coordinator of an institution in this round")]
    NotACoordinator,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// A round with its numbers per status.
#[derive(Clone, Debug)]
pub struct RoundInfo {
    pub round: round::Model,
    pub version: questionnaires::StoredVersion,
    pub counts: BTreeMap<&'static str, usize>,
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<RoundInfo>, RoundError> {
    let rounds = round::Entity::find()
        .order_by_desc(round::Column::Year)
        .order_by_desc(round::Column::Id)
        .all(db)
        .await
        .context("read rounds")?;
    let mut out = Vec::new();
    for r in rounds {
        out.push(info(db, r).await?);
    }
    Ok(out)
}

async fn info(db: &impl ConnectionTrait, round: round::Model) -> Result<RoundInfo, RoundError> {
    let version = questionnaires::find(db, round.version_id)
        .await
        .map_err(anyhow::Error::from)?
        .context("round without version")?;
    let mut counts = BTreeMap::new();
    for r in response::Entity::find()
        .filter(response::Column::RoundId.eq(round.id))
        .all(db)
        .await
        .context("read responses")?
    {
        if let Some(s) = ResponseStatus::parse(&r.status) {
            *counts.entry(s.as_str()).or_insert(0) += 1;
        }
    }
    Ok(RoundInfo {
        round,
        version,
        counts,
    })
}

pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<RoundInfo, RoundError> {
    let round = round::Entity::find_by_id(id)
        .one(db)
        .await
        .context("read round")?
        .ok_or(RoundError::NotFound)?;
    info(db, round).await
}
