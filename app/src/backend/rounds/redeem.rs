//! Redeeming a personal link for a session.

use anyhow::Context;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::backend::auth::token_hash;
use crate::backend::entities::{response, response_link, round, user, user_institution};
use crate::domain::response::ResponseStatus;

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
