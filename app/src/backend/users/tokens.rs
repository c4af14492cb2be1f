//! One-time set-password tokens: issued and redeemed.

use anyhow::Context;
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

use crate::backend::auth::{hash_password, new_token, token_hash};
use crate::backend::entities::{password_token, user};
use crate::domain::NewPassword;

/// Issues a one-time link token for `user_id`; earlier unused links of that user stop working.
pub async fn issue_password_token(
    db: &impl ConnectionTrait,
    user_id: i32,
    hours: i64,
) -> anyhow::Result<String> {
    password_token::Entity::delete_many()
        .filter(password_token::Column::UserId.eq(user_id))
        .filter(password_token::Column::UsedAt.is_null())
        .exec(db)
        .await
        .context("revoke old links")?;
    let (token, hash) = new_token();
    let now = Utc::now();
    password_token::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(hash),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(hours)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("store link")?;
    Ok(token)
}

/// Uses a one-time link: sets the password, marks the link used and ends every session of the
/// account (whoever asked for the reset may not be the one logged in). Returns the user; `None`
/// for an unknown, used or expired link, which is found out before the password is hashed.
pub async fn redeem_password_token(
    db: &DatabaseConnection,
    token: &str,
    password: &NewPassword,
) -> Result<Option<user::Model>, anyhow::Error> {
    let hash_of_token = token_hash(token);
    let valid = |now| {
        password_token::Entity::find()
            .filter(password_token::Column::TokenHash.eq(hash_of_token.clone()))
            .filter(password_token::Column::UsedAt.is_null())
            .filter(password_token::Column::ExpiresAt.gt(now))
    };
    if valid(Utc::now())
        .one(db)
        .await
        .context("read link")?
        .is_none()
    {
        return Ok(None);
    }
    let hash = hash_password(password.expose().to_owned()).await?;
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    // Read again and mark used only if still unused: the link may have been used (by a request
    // in parallel) while the password was hashed.
    let Some(link) = valid(Utc::now()).one(&txn).await.context("read link")? else {
        return Ok(None);
    };
    let marked = password_token::Entity::update_many()
        .col_expr(password_token::Column::UsedAt, Expr::value(Utc::now()))
        .filter(password_token::Column::Id.eq(link.id))
        .filter(password_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await
        .context("mark link used")?;
    if marked.rows_affected != 1 {
        return Ok(None);
    }
    let updated = user::ActiveModel {
        id: Set(link.user_id),
        password_hash: Set(Some(hash)),
        ..Default::default()
    }
    .update(&txn)
    .await
    .context("store password")?;
    crate::backend::auth::delete_other_sessions(&txn, updated.id, None)
        .await
        .context("end sessions")?;
    txn.commit().await.context("commit")?;
    Ok(Some(updated))
}
