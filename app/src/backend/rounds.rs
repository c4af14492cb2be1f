//! Rounds: opening one for a published version and the institutions taking part (each gets a
//! response, prefilled from its last submitted one), closing early, extending, reopening a
//! submitted response, and coordinators' personal links.

use std::collections::{BTreeMap, HashMap};

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::audit::{self, Actor};
use super::auth::{new_token, token_hash};
use super::entities::{
    institution, questionnaire_version as version, response, response_link, round, user,
    user_institution,
};
use super::{questionnaires, responses};
use crate::domain::questionnaire::{Concordance, Definition, VersionStatus};
use crate::domain::response::{carry_forward, Answers, ResponseStatus};

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
    for inst in &known {
        let carried = previous_answers(&txn, inst.id, &history, &target.definition).await?;
        prefilled += i32::from(!carried.is_empty());
        open_response(&txn, &round, inst.id, carried, now).await?;
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

/// The institutions a new round invites: those with `codes`, or every one in the register.
async fn invited(
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

/// An institution's response in a new round, with last year's answers (`carried`) prefilled.
async fn open_response(
    db: &impl ConnectionTrait,
    round: &round::Model,
    institution_id: i32,
    carried: Answers,
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
        answers_version: Set(i32::from(!carried.is_empty())),
        ..Default::default()
    }
    .insert(db)
    .await
    .with_context(|| format!("insert response of institution {institution_id}"))?;
    if carried.is_empty() {
        return Ok(());
    }
    let answers: Vec<responses::StoredAnswer> = carried
        .into_iter()
        .map(|(key, value)| responses::StoredAnswer {
            item_key: key,
            previous: Some(value.clone()),
            value,
            revision: 1,
            prefilled: true,
            updated_by: None,
            updated_at: now,
        })
        .collect();
    responses::store_answers(db, row.id, &answers).await
}

/// The versions of the target's questionnaire up to the target, oldest first: (id, number,
/// concordance with the version before). Read once per round.
async fn history(
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
async fn previous_answers(
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
    Ok(carry_forward(&old_answers, &concordances, target))
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

/// One participating institution with its response and coordinators.
#[derive(Clone, Debug)]
pub struct Participant {
    pub response: response::Model,
    pub institution: institution::Model,
    pub coordinators: Vec<user::Model>,
}

pub async fn participants(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<Vec<Participant>, RoundError> {
    // Two queries for the whole round, however many institutions take part.
    let responses = response::Entity::find()
        .filter(response::Column::RoundId.eq(round_id))
        .find_also_related(institution::Entity)
        .all(db)
        .await
        .context("read responses")?;
    let taking_part = sea_orm::sea_query::Query::select()
        .column(response::Column::InstitutionId)
        .from(response::Entity)
        .and_where(response::Column::RoundId.eq(round_id))
        .to_owned();
    let mut coordinators: HashMap<i32, Vec<user::Model>> = HashMap::new();
    for (binding, user) in user_institution::Entity::find()
        .filter(user_institution::Column::InstitutionId.in_subquery(taking_part))
        .find_also_related(user::Entity)
        .order_by_asc(user::Column::Email)
        .all(db)
        .await
        .context("read coordinators")?
    {
        if let Some(user) = user.filter(|u| u.active) {
            coordinators
                .entry(binding.institution_id)
                .or_default()
                .push(user);
        }
    }
    let mut out = Vec::with_capacity(responses.len());
    for (response, institution) in responses {
        let institution = institution.context("response without institution")?;
        out.push(Participant {
            coordinators: coordinators.remove(&institution.id).unwrap_or_default(),
            response,
            institution,
        });
    }
    out.sort_by(|a, b| a.institution.code.cmp(&b.institution.code));
    Ok(out)
}

/// Moves the closing moment: now (close early) or later (extend).
pub async fn set_closing(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    closes_at: DateTime<Utc>,
) -> Result<(), RoundError> {
    let current = round::Entity::find_by_id(id)
        .one(db)
        .await
        .context("read round")?
        .ok_or(RoundError::NotFound)?;
    if closes_at <= current.opens_at {
        return Err(RoundError::ClosesBeforeOpening);
    }
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let before = current.closes_at;
    let mut active: round::ActiveModel = current.into();
    active.closes_at = Set(closes_at);
    active.update(&txn).await.context("update round")?;
    let action = if closes_at < before {
        "round.close"
    } else {
        "round.extend"
    };
    audit::record(
        &txn,
        actor,
        action,
        &format!("round:{id}"),
        serde_json::json!({ "from": before.to_rfc3339(), "to": closes_at.to_rfc3339() }),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(())
}

/// Reopens a submitted response so its coordinators can change it again.
pub async fn reopen(
    db: &DatabaseConnection,
    actor: &Actor,
    response_id: i32,
) -> Result<(), RoundError> {
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let done = response::Entity::update_many()
        .col_expr(
            response::Column::Status,
            Expr::value(ResponseStatus::Reopened.as_str()),
        )
        .col_expr(response::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(response::Column::Id.eq(response_id))
        .filter(response::Column::Status.eq(ResponseStatus::Submitted.as_str()))
        .exec(&txn)
        .await
        .context("reopen")?;
    if done.rows_affected == 0 {
        return match response::Entity::find_by_id(response_id)
            .one(&txn)
            .await
            .context("read")?
        {
            None => Err(RoundError::NotFound),
            Some(_) => Err(RoundError::NotSubmitted),
        };
    }
    audit::record(
        &txn,
        actor,
        "response.reopen",
        &format!("response:{response_id}"),
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(())
}

/// Issues a personal link for a coordinator of an institution in the round; earlier links of that
/// coordinator for the round stop working. Returns the token (shown once, stored as a hash).
pub async fn issue_link(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: i32,
    user_id: i32,
) -> Result<String, RoundError> {
    let participants = participants(db, round_id).await?;
    let Some(p) = participants.iter().find(|p| {
        p.coordinators
            .iter()
            .any(|c| c.id == user_id && c.role == "coordinator")
    }) else {
        return Err(RoundError::NotACoordinator);
    };
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let now = Utc::now();
    response_link::Entity::update_many()
        .col_expr(response_link::Column::RevokedAt, Expr::value(Some(now)))
        .filter(response_link::Column::UserId.eq(user_id))
        .filter(response_link::Column::RoundId.eq(round_id))
        .filter(response_link::Column::RevokedAt.is_null())
        .exec(&txn)
        .await
        .context("revoke earlier links")?;
    crate::backend::auth::end_link_sessions(&txn, user_id, round_id).await?;
    let (token, hash) = new_token();
    response_link::ActiveModel {
        token_hash: Set(hash),
        user_id: Set(user_id),
        round_id: Set(round_id),
        institution_id: Set(p.institution.id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("insert link")?;
    audit::record(
        &txn,
        actor,
        "link.issue",
        &format!("user:{user_id}"),
        serde_json::json!({ "round": round_id, "institution": p.institution.code }),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(token)
}

/// Revokes every link of a coordinator for a round.
pub async fn revoke_links(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: i32,
    user_id: i32,
) -> Result<u64, RoundError> {
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let done = response_link::Entity::update_many()
        .col_expr(
            response_link::Column::RevokedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(response_link::Column::UserId.eq(user_id))
        .filter(response_link::Column::RoundId.eq(round_id))
        .filter(response_link::Column::RevokedAt.is_null())
        .exec(&txn)
        .await
        .context("revoke links")?;
    crate::backend::auth::end_link_sessions(&txn, user_id, round_id).await?;
    audit::record(
        &txn,
        actor,
        "link.revoke",
        &format!("user:{user_id}"),
        serde_json::json!({ "round": round_id }),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(done.rows_affected)
}

/// What a valid link opens.
#[derive(Clone, Debug)]
pub struct Redeemed {
    pub user_id: i32,
    pub round_id: i32,
    pub institution_id: i32,
    pub response_id: i32,
    pub last_section: Option<String>,
    pub link_id: i32,
}

/// Checks a link: known, not revoked, its coordinator active and still bound to the institution
/// (its round may have closed: the session then reads).
pub async fn redeem_link(
    db: &impl ConnectionTrait,
    token: &str,
) -> anyhow::Result<Option<Redeemed>> {
    let Some(link) = response_link::Entity::find()
        .filter(response_link::Column::TokenHash.eq(token_hash(token)))
        .filter(response_link::Column::RevokedAt.is_null())
        .one(db)
        .await
        .context("read link")?
    else {
        return Ok(None);
    };
    let now = Utc::now();
    // A link opens after its round has closed too: the coordinator reads the answers, the
    // comparison and the fact sheet all year (a closed round takes no answers).
    let active = user::Entity::find_by_id(link.user_id)
        .filter(user::Column::Active.eq(true))
        .one(db)
        .await
        .context("read user")?
        .is_some();
    let bound = user_institution::Entity::find()
        .filter(user_institution::Column::UserId.eq(link.user_id))
        .filter(user_institution::Column::InstitutionId.eq(link.institution_id))
        .one(db)
        .await
        .context("read binding")?
        .is_some();
    let Some(resp) = response::Entity::find()
        .filter(response::Column::RoundId.eq(link.round_id))
        .filter(response::Column::InstitutionId.eq(link.institution_id))
        .one(db)
        .await
        .context("read response")?
    else {
        return Ok(None);
    };
    if !(active && bound) {
        return Ok(None);
    }
    response_link::Entity::update_many()
        .col_expr(response_link::Column::LastUsedAt, Expr::value(Some(now)))
        .col_expr(
            response_link::Column::FirstUsedAt,
            Expr::value(Some(link.first_used_at.unwrap_or(now))),
        )
        .filter(response_link::Column::Id.eq(link.id))
        .exec(db)
        .await
        .context("mark link used")?;
    // A response that can still be answered opens where its coordinators stopped; a closed
    // round's or a submitted one opens on its overview, to read.
    let round_open = round::Entity::find_by_id(link.round_id)
        .one(db)
        .await
        .context("read round")?
        .is_some_and(|r| r.phase(now) == crate::domain::round::RoundPhase::Open);
    let writable = round_open && resp.status != ResponseStatus::Submitted.as_str();
    Ok(Some(Redeemed {
        user_id: link.user_id,
        round_id: link.round_id,
        institution_id: link.institution_id,
        response_id: resp.id,
        last_section: resp.last_section.filter(|_| writable),
        link_id: link.id,
    }))
}
