//! Personal API tokens for the research data API. A token is shown once, at creation; only its
//! SHA-256 is stored. It acts with the role it was made for — never more than its owner's role
//! at the moment of use — until it expires or is revoked.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, Set, Statement,
};

use super::audit::{self, Actor};
use super::auth::token_hash;
use super::entities::api_token;
use crate::domain::Role;
use crate::types::Me;

/// What every token starts with, so that a leaked one is recognisable.
pub const PREFIX: &str = "miv_";
/// The longest a token may live.
pub const MAX_DAYS: u32 = 365;

/// Why a token was not made.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("a token needs a name of at most 100 characters")]
    Name,
    #[error("a token lives 1 to 365 days")]
    Days,
    #[error("this role is not yours to give")]
    Role,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// The roles a user may give a token: researchers theirs, admins admin or researcher;
/// coordinators none (the API serves research and administration).
pub fn grantable(role: Role) -> &'static [Role] {
    match role {
        Role::Admin => Role::RESEARCH,
        Role::Researcher => &[Role::Researcher],
        Role::Coordinator => &[],
    }
}

/// Makes a token for `owner`; returns the token itself (to show once) and its row.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    owner: &Me,
    name: &str,
    role: Role,
    days: u32,
) -> Result<(String, api_token::Model), TokenError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(TokenError::Name);
    }
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(TokenError::Days);
    }
    if !grantable(owner.role).contains(&role) {
        return Err(TokenError::Role);
    }
    let (secret, _) = super::auth::new_token();
    let token = format!("{PREFIX}{secret}");
    let now = Utc::now();
    let txn = super::db::begin(db).await.context("begin")?;
    let row = api_token::ActiveModel {
        user_id: Set(owner.id),
        name: Set(name.to_owned()),
        token_hash: Set(token_hash(&token)),
        role: Set(role.as_str().to_owned()),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(i64::from(days))),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("store token")?;
    audit::record(
        &txn,
        actor,
        "token.create",
        &format!("token:{}", row.id),
        serde_json::json!({ "name": name, "role": role.as_str(), "expires_at": row.expires_at }),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok((token, row))
}

/// A user's tokens, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> anyhow::Result<Vec<api_token::Model>> {
    api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await
        .context("read tokens")
}

/// Revokes every token of `user_id` (after a password change); returns how many.
pub async fn revoke_all(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: i32,
) -> anyhow::Result<u64> {
    let txn = super::db::begin(db).await.context("begin")?;
    let done = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Utc::now().into())
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await
        .context("revoke tokens")?
        .rows_affected;
    if done > 0 {
        audit::record(
            &txn,
            actor,
            "token.revoke_all",
            &format!("user:{user_id}"),
            serde_json::json!({ "tokens": done }),
        )
        .await?;
    }
    txn.commit().await.context("commit")?;
    Ok(done)
}

/// Revokes one of `user_id`'s tokens; false when they have no such (unrevoked) token.
pub async fn revoke(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: i32,
    token_id: i32,
) -> anyhow::Result<bool> {
    let txn = super::db::begin(db).await.context("begin")?;
    let done = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Utc::now().into())
        .filter(api_token::Column::Id.eq(token_id))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await
        .context("revoke token")?
        .rows_affected
        == 1;
    if done {
        audit::record(
            &txn,
            actor,
            "token.revoke",
            &format!("token:{token_id}"),
            serde_json::json!({}),
        )
        .await?;
    }
    txn.commit().await.context("commit")?;
    Ok(done)
}

/// Who a request with a valid token acts as.
#[derive(Clone, Debug)]
pub struct TokenUser {
    pub token_id: i32,
    /// The owner, with the token's role.
    pub me: Me,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, FromQueryResult)]
struct TokenRow {
    token_id: i32,
    token_role: String,
    expires_at: DateTime<Utc>,
    user_id: i32,
    email: String,
    display_name: String,
    role: String,
}

/// The user a token acts for, when it exists, has not expired or been revoked, its owner is
/// active and still holds a role that may give the token's role. Marks the token used.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<TokenUser>> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let hash = token_hash(token);
    let row = TokenRow::find_by_statement(Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT t.id AS token_id, t.role AS token_role, t.expires_at, u.id AS user_id, u.email, \
         u.display_name, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND u.active",
        [hash.into(), now.into()],
    ))
    .one(db)
    .await
    .context("read token")?;
    let Some(row) = row else {
        return Ok(None);
    };
    let (Some(owner_role), Some(role)) = (Role::parse(&row.role), Role::parse(&row.token_role))
    else {
        return Ok(None);
    };
    if !grantable(owner_role).contains(&role) {
        return Ok(None);
    }
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, now.into())
        .filter(api_token::Column::Id.eq(row.token_id))
        .exec(db)
        .await
        .context("mark token used")?;
    Ok(Some(TokenUser {
        token_id: row.token_id,
        expires_at: row.expires_at,
        me: Me {
            id: row.user_id,
            email: row.email,
            name: row.display_name,
            role,
            institutions: Vec::new(),
        },
    }))
}
