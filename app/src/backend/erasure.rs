//! A person's data on request: everything stored about an account, as JSON, and erasure. Erasing
//! keeps the account's row (answers and submissions refer to it) but empties it — address, name,
//! password — and deletes its sessions, links, password and API tokens and institution bindings; the
//! addresses and texts of mails to it go. Answers stay. The audit log is append-only and keeps
//! what the person did (under their address at the time).

use anyhow::Context;
use chrono::Utc;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Statement,
};

use super::audit::{self, Actor};
use super::entities::{
    api_token, audit_log, institution, outbox, password_token, response_link, session, user,
    user_institution,
};

/// Why an account could not be erased.
#[derive(Debug, thiserror::Error)]
pub enum EraseError {
    #[error("no such account")]
    NotFound,
    #[error("one cannot erase one's own account")]
    Own,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Everything stored about account `user_id`, or `None` when there is no such account.
pub async fn export(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> anyhow::Result<Option<serde_json::Value>> {
    let Some(u) = user::Entity::find_by_id(user_id)
        .one(db)
        .await
        .context("read account")?
    else {
        return Ok(None);
    };
    let institutions = institution_codes(db, user_id).await?;
    let links: Vec<serde_json::Value> = response_link::Entity::find()
        .filter(response_link::Column::UserId.eq(user_id))
        .all(db)
        .await
        .context("read links")?
        .into_iter()
        .map(|l| {
            serde_json::json!({
                "round": l.round_id, "created_at": l.created_at, "first_used_at": l.first_used_at,
                "last_used_at": l.last_used_at, "revoked_at": l.revoked_at,
            })
        })
        .collect();
    let mails = mails_of(db, user_id, &u.email).await?;
    let tokens: Vec<serde_json::Value> = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_asc(api_token::Column::Id)
        .all(db)
        .await
        .context("read API tokens")?
        .into_iter()
        .map(|t| {
            serde_json::json!({
                "name": t.name, "role": t.role, "created_at": t.created_at,
                "expires_at": t.expires_at, "last_used_at": t.last_used_at, "revoked_at": t.revoked_at,
            })
        })
        .collect();
    let actions: Vec<serde_json::Value> = audit_log::Entity::find()
        .filter(audit_log::Column::ActorUserId.eq(user_id))
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await
        .context("read audit")?
        .into_iter()
        .map(|a| serde_json::json!({ "at": a.at, "action": a.action, "target": a.target, "ip": a.ip }))
        .collect();
    Ok(Some(serde_json::json!({
        "account": {
            "id": u.id, "email": u.email, "name": u.display_name, "role": u.role,
            "active": u.active, "language": u.language, "created_at": u.created_at,
            "has_password": u.password_hash.is_some(), "special_access": u.special_access,
        },
        "institutions": institutions,
        "personal_links": links,
        "api_tokens": tokens,
        "mails": mails,
        "actions": actions,
    })))
}

/// The codes of the institutions account `user_id` is bound to.
async fn institution_codes(db: &impl ConnectionTrait, user_id: i32) -> anyhow::Result<Vec<String>> {
    let bound: Vec<i32> = user_institution::Entity::find()
        .filter(user_institution::Column::UserId.eq(user_id))
        .all(db)
        .await
        .context("read bindings")?
        .into_iter()
        .map(|b| b.institution_id)
        .collect();
    Ok(institution::Entity::find()
        .filter(institution::Column::Id.is_in(bound))
        .all(db)
        .await
        .context("read institutions")?
        .into_iter()
        .map(|i| i.code)
        .collect())
}

/// The mails to account `user_id` or its address, without their bodies.
async fn mails_of(
    db: &impl ConnectionTrait,
    user_id: i32,
    email: &str,
) -> anyhow::Result<Vec<serde_json::Value>> {
    Ok(outbox::Entity::find()
        .filter(
            outbox::Column::UserId
                .eq(user_id)
                .or(outbox::Column::Recipient.eq(email)),
        )
        .order_by_asc(outbox::Column::Id)
        .all(db)
        .await
        .context("read mails")?
        .into_iter()
        .map(|m| {
            serde_json::json!({
                "round": m.round_id, "kind": m.kind, "recipient": m.recipient,
                "subject": m.subject, "status": m.status, "created_at": m.created_at,
                "sent_at": m.sent_at,
            })
        })
        .collect())
}

/// Erases account `user_id` (see the module), recorded in the audit log without the address.
pub async fn erase(db: &DatabaseConnection, actor: &Actor, user_id: i32) -> Result<(), EraseError> {
    if actor.user_id == Some(user_id) {
        return Err(EraseError::Own);
    }
    let txn = super::db::begin(db).await.context("begin")?;
    let u = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await
        .context("read account")?
        .ok_or(EraseError::NotFound)?;
    let backend = txn.get_database_backend();
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        "UPDATE outbox SET recipient = $1, body_text = NULL, body_html = NULL, last_error = NULL, \
         status = CASE WHEN status IN ('queued', 'sending', 'failed') THEN 'cancelled' \
         ELSE status END \
         WHERE user_id = $2 OR recipient = $3",
        [
            super::retention::PURGED.into(),
            user_id.into(),
            u.email.clone().into(),
        ],
    ))
    .await
    .context("purge mails")?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(&txn)
        .await
        .context("delete sessions")?;
    password_token::Entity::delete_many()
        .filter(password_token::Column::UserId.eq(user_id))
        .exec(&txn)
        .await
        .context("delete password tokens")?;
    api_token::Entity::delete_many()
        .filter(api_token::Column::UserId.eq(user_id))
        .exec(&txn)
        .await
        .context("delete API tokens")?;
    response_link::Entity::delete_many()
        .filter(response_link::Column::UserId.eq(user_id))
        .exec(&txn)
        .await
        .context("delete links")?;
    user_institution::Entity::delete_many()
        .filter(user_institution::Column::UserId.eq(user_id))
        .exec(&txn)
        .await
        .context("delete bindings")?;
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        "UPDATE users SET email = $1, display_name = $2, password_hash = NULL, active = $3 \
         WHERE id = $4",
        [
            format!("verwijderd-{user_id}@invalid").into(),
            "(verwijderd)".into(),
            false.into(),
            user_id.into(),
        ],
    ))
    .await
    .context("empty account")?;
    audit::record(
        &txn,
        actor,
        "user.erase",
        &format!("user:{user_id}"),
        serde_json::json!({ "role": u.role, "at": Utc::now() }),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(())
}
