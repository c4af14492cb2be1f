//! Coordinators share their institution: one invites a colleague (an account bound to the
//! institution, and a personal link by e-mail), one hands the institution over and leaves; an
//! admin changes a person's role and institutions. Everything is in the audit log.

use anyhow::Context;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

use super::audit::{self, Actor};
use super::entities::{institution, user, user_institution};
use super::mail::invitations::Site;
use super::mail::links;
use crate::domain::{Email, Role};
use crate::i18n::Lang;

/// Why a colleague cannot be invited, or an institution not left.
#[derive(Debug, thiserror::Error)]
pub enum ColleagueError {
    #[error("not a coordinator of this institution")]
    NotBound,
    #[error("the address belongs to an admin or researcher")]
    NotAContact,
    #[error("the last coordinator cannot leave")]
    LastCoordinator,
    #[error("unknown institution {0}")]
    UnknownInstitution(String),
    #[error("no such account")]
    NoSuchUser,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// A coordinator of an institution, as their colleagues see them.
#[derive(Clone, Debug)]
pub struct Colleague {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub active: bool,
}

/// The institution with `code`, when `user_id` is bound to it.
async fn bound_institution(
    db: &impl ConnectionTrait,
    user_id: i32,
    code: &str,
) -> Result<institution::Model, ColleagueError> {
    let inst = institution::Entity::find()
        .filter(institution::Column::Code.eq(code))
        .one(db)
        .await
        .context("read institution")?
        .ok_or(ColleagueError::NotBound)?;
    bindings(db, inst.id)
        .await?
        .iter()
        .any(|b| b.user_id == user_id)
        .then_some(inst)
        .ok_or(ColleagueError::NotBound)
}

async fn bindings(
    db: &impl ConnectionTrait,
    institution_id: i32,
) -> anyhow::Result<Vec<user_institution::Model>> {
    user_institution::Entity::find()
        .filter(user_institution::Column::InstitutionId.eq(institution_id))
        .all(db)
        .await
        .context("read bindings")
}

/// The coordinators of institution `code`, for one of them.
pub async fn list(
    db: &impl ConnectionTrait,
    user_id: i32,
    code: &str,
) -> Result<Vec<Colleague>, ColleagueError> {
    let inst = bound_institution(db, user_id, code).await?;
    let ids: Vec<i32> = bindings(db, inst.id)
        .await?
        .into_iter()
        .map(|b| b.user_id)
        .collect();
    let mut out: Vec<Colleague> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Role.eq(Role::Coordinator.as_str()))
        .all(db)
        .await
        .context("read colleagues")?
        .into_iter()
        .map(|u| Colleague {
            id: u.id,
            name: u.display_name,
            email: u.email,
            active: u.active,
        })
        .collect();
    out.sort_by(|a, b| a.email.cmp(&b.email));
    Ok(out)
}

/// A colleague for institution `code`, invited by `actor` (bound to it): a coordinator's account
/// (made without a password when the address is new) bound to the institution, and a personal
/// link to its newest round by e-mail. Returns the number of mails queued (none before the
/// institution's first round).
pub async fn invite(
    db: &DatabaseConnection,
    site: &Site,
    actor: &Actor,
    code: &str,
    name: &str,
    email: &Email,
    lang: Lang,
) -> Result<usize, ColleagueError> {
    let inviter = actor.user_id.ok_or(ColleagueError::NotBound)?;
    let inst = bound_institution(db, inviter, code).await?;
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await
        .context("read account")?;
    let txn = super::db::begin(db).await.context("begin")?;
    let id = match existing {
        Some(u) if u.role != Role::Coordinator.as_str() => return Err(ColleagueError::NotAContact),
        Some(u) => u.id,
        None => {
            user::ActiveModel {
                email: Set(email.as_str().to_owned()),
                display_name: Set(name.to_owned()),
                role: Set(Role::Coordinator.as_str().into()),
                password_hash: Set(None),
                active: Set(true),
                created_at: Set(Utc::now()),
                language: Set(lang.code().into()),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .context("create colleague")?
            .id
        }
    };
    if !bindings(&txn, inst.id)
        .await?
        .iter()
        .any(|b| b.user_id == id)
    {
        user_institution::ActiveModel {
            user_id: Set(id),
            institution_id: Set(inst.id),
        }
        .insert(&txn)
        .await
        .context("bind colleague")?;
    }
    let details = serde_json::json!({ "institution": code, "colleague": email.as_str() });
    audit::record(
        &txn,
        actor,
        "colleague.invite",
        &format!("user:{id}"),
        details,
    )
    .await?;
    txn.commit().await.context("commit")?;
    let mails = links::send(db, site, email.as_str(), actor.ip.clone()).await?;
    Ok(mails)
}

/// `actor` hands institution `code` over and leaves it: refused while no other active
/// coordinator is bound to it.
pub async fn leave(
    db: &DatabaseConnection,
    actor: &Actor,
    code: &str,
) -> Result<(), ColleagueError> {
    let user_id = actor.user_id.ok_or(ColleagueError::NotBound)?;
    let inst = bound_institution(db, user_id, code).await?;
    let others: Vec<i32> = bindings(db, inst.id)
        .await?
        .into_iter()
        .map(|b| b.user_id)
        .filter(|id| *id != user_id)
        .collect();
    let successors = user::Entity::find()
        .filter(user::Column::Id.is_in(others))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Role.eq(Role::Coordinator.as_str()))
        .all(db)
        .await
        .context("read colleagues")?;
    if successors.is_empty() {
        return Err(ColleagueError::LastCoordinator);
    }
    let txn = super::db::begin(db).await.context("begin")?;
    user_institution::Entity::delete_many()
        .filter(user_institution::Column::UserId.eq(user_id))
        .filter(user_institution::Column::InstitutionId.eq(inst.id))
        .exec(&txn)
        .await
        .context("unbind")?;
    let details = serde_json::json!({ "institution": code });
    audit::record(
        &txn,
        actor,
        "colleague.leave",
        &format!("user:{user_id}"),
        details,
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(())
}

/// An admin sets a person's role and institutions (only a coordinator has institutions).
pub async fn set_role(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: i32,
    role: Role,
    codes: &[String],
) -> Result<(), ColleagueError> {
    let before = user::Entity::find_by_id(user_id)
        .one(db)
        .await
        .context("read account")?
        .ok_or(ColleagueError::NoSuchUser)?;
    let codes: &[String] = if role == Role::Coordinator {
        codes
    } else {
        &[]
    };
    let found = institution::Entity::find()
        .filter(institution::Column::Code.is_in(codes.to_vec()))
        .all(db)
        .await
        .context("read institutions")?;
    if let Some(unknown) = codes.iter().find(|c| !found.iter().any(|i| &i.code == *c)) {
        return Err(ColleagueError::UnknownInstitution(unknown.clone()));
    }
    let txn = super::db::begin(db).await.context("begin")?;
    user::ActiveModel {
        id: Set(user_id),
        role: Set(role.as_str().into()),
        ..Default::default()
    }
    .update(&txn)
    .await
    .context("set role")?;
    user_institution::Entity::delete_many()
        .filter(user_institution::Column::UserId.eq(user_id))
        .exec(&txn)
        .await
        .context("unbind")?;
    for inst in &found {
        user_institution::ActiveModel {
            user_id: Set(user_id),
            institution_id: Set(inst.id),
        }
        .insert(&txn)
        .await
        .context("bind")?;
    }
    let details = serde_json::json!({
        "role": [before.role, role.as_str()], "institutions": codes,
    });
    audit::record(
        &txn,
        actor,
        "user.role",
        &format!("user:{user_id}"),
        details,
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(())
}
