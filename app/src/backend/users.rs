//! Accounts: creation, listing, institution binding and one-time password links.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set, SqlErr,
};

use super::auth::{hash_password, new_token, token_hash};
use super::entities::{institution, password_token, user, user_institution};
use crate::domain::{Email, InstitutionCode, NewPassword, Role};
use crate::types::UserRow;

/// A validated request for a new account.
pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub institutions: Vec<InstitutionCode>,
}

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("an account with this e-mail address exists")]
    DuplicateEmail,
    #[error("unknown institution {0}")]
    UnknownInstitution(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Creates an account without a password, bound to its institutions, in one transaction.
pub async fn create_user(
    db: &DatabaseConnection,
    new: &NewUser,
) -> Result<user::Model, CreateUserError> {
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let mut institution_ids = Vec::new();
    let mut codes: Vec<&str> = new.institutions.iter().map(|c| c.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    for code in codes {
        let found = institution::Entity::find()
            .filter(institution::Column::Code.eq(code))
            .one(&txn)
            .await
            .context("read institution")?;
        match found {
            Some(i) => institution_ids.push(i.id),
            None => return Err(CreateUserError::UnknownInstitution(code.to_owned())),
        }
    }
    let inserted = user::ActiveModel {
        email: Set(new.email.as_str().to_owned()),
        display_name: Set(new.name.clone()),
        role: Set(new.role.as_str().to_owned()),
        password_hash: Set(None),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let created = match inserted {
        Ok(u) => u,
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(CreateUserError::DuplicateEmail)
        }
        Err(e) => return Err(anyhow::Error::new(e).context("insert user").into()),
    };
    for institution_id in institution_ids {
        user_institution::ActiveModel {
            user_id: Set(created.id),
            institution_id: Set(institution_id),
        }
        .insert(&txn)
        .await
        .context("bind institution")?;
    }
    txn.commit().await.context("commit")?;
    Ok(created)
}

/// Sets a password directly (command line and demo data).
pub async fn set_password(
    db: &impl ConnectionTrait,
    user_id: i32,
    password: &NewPassword,
) -> anyhow::Result<()> {
    let hash = hash_password(password.expose().to_owned()).await?;
    user::ActiveModel {
        id: Set(user_id),
        password_hash: Set(Some(hash)),
        ..Default::default()
    }
    .update(db)
    .await
    .context("store password")?;
    Ok(())
}

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
    super::auth::delete_other_sessions(&txn, updated.id, None)
        .await
        .context("end sessions")?;
    txn.commit().await.context("commit")?;
    Ok(Some(updated))
}

pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &Email,
) -> anyhow::Result<Option<user::Model>> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await
        .context("read user")
}

/// Changes name, address and language; `false` when the address belongs to another account.
pub async fn update_details(
    db: &impl ConnectionTrait,
    id: i32,
    name: &str,
    email: &str,
    language: &str,
) -> anyhow::Result<bool> {
    use sea_orm::sea_query::Expr;
    let done = user::Entity::update_many()
        .col_expr(user::Column::DisplayName, Expr::value(name))
        .col_expr(user::Column::Email, Expr::value(email))
        .col_expr(user::Column::Language, Expr::value(language))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await;
    match done {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Ok(false),
        Err(e) => Err(anyhow::Error::new(e).context("update user")),
    }
}

/// Sets the language an account's mails are written in.
pub async fn set_language(
    db: &impl ConnectionTrait,
    id: i32,
    language: crate::i18n::Lang,
) -> anyhow::Result<()> {
    user::Entity::update_many()
        .col_expr(
            user::Column::Language,
            sea_orm::sea_query::Expr::value(language.code()),
        )
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await
        .context("set language")?;
    Ok(())
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i32) -> anyhow::Result<Option<user::Model>> {
    user::Entity::find_by_id(id)
        .one(db)
        .await
        .context("read user")
}

/// The e-mail addresses of the users `ids` (those that still exist).
pub async fn emails(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> anyhow::Result<HashMap<i32, String>> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
        .context("read users")?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect())
}

pub async fn admin_count(db: &impl ConnectionTrait) -> anyhow::Result<u64> {
    user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .count(db)
        .await
        .context("count admins")
}

/// The institution codes a user is bound to.
pub async fn institution_codes_of(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> anyhow::Result<Vec<String>> {
    let mut codes: Vec<String> = user_institution::Entity::find()
        .filter(user_institution::Column::UserId.eq(user_id))
        .find_also_related(institution::Entity)
        .all(db)
        .await
        .context("read bindings")?
        .into_iter()
        .filter_map(|(_, institution)| institution.map(|i| i.code))
        .collect();
    codes.sort();
    Ok(codes)
}

/// Every account with its institutions, by e-mail address.
pub async fn list(db: &impl ConnectionTrait) -> anyhow::Result<Vec<UserRow>> {
    let users = user::Entity::find()
        .order_by_asc(user::Column::Email)
        .all(db)
        .await
        .context("read users")?;
    let codes: HashMap<i32, String> = institution::Entity::find()
        .all(db)
        .await
        .context("read institutions")?
        .into_iter()
        .map(|i| (i.id, i.code))
        .collect();
    let mut bound: HashMap<i32, Vec<String>> = HashMap::new();
    for b in user_institution::Entity::find()
        .all(db)
        .await
        .context("read bindings")?
    {
        if let Some(code) = codes.get(&b.institution_id) {
            bound.entry(b.user_id).or_default().push(code.clone());
        }
    }
    users
        .into_iter()
        .map(|u| {
            Ok(UserRow {
                id: u.id,
                role: stored_role(&u.role, || format!("user {}", u.id))?,
                has_password: u.password_hash.is_some(),
                institutions: bound.remove(&u.id).unwrap_or_default(),
                email: u.email,
                name: u.display_name,
                active: u.active,
                language: u.language,
                special_access: u.special_access,
            })
        })
        .collect()
}

/// A stored role, read strictly: a name this version does not know is an error (naming `whose`
/// role it is), never a plausible role.
pub fn stored_role(name: &str, whose: impl FnOnce() -> String) -> anyhow::Result<Role> {
    Role::parse(name).with_context(|| format!("{} has an unknown role {name:?}", whose()))
}

/// Grants or withdraws the export of special-category and identifying items.
pub async fn set_special_access(
    db: &impl ConnectionTrait,
    user_id: i32,
    allowed: bool,
) -> anyhow::Result<()> {
    user::ActiveModel {
        id: Set(user_id),
        special_access: Set(allowed),
        ..Default::default()
    }
    .update(db)
    .await
    .context("update user")?;
    Ok(())
}

/// Activates or deactivates an account; deactivation ends its sessions.
pub async fn set_active(
    db: &impl ConnectionTrait,
    user_id: i32,
    active: bool,
) -> anyhow::Result<()> {
    user::ActiveModel {
        id: Set(user_id),
        active: Set(active),
        ..Default::default()
    }
    .update(db)
    .await
    .context("update user")?;
    if !active {
        super::auth::delete_other_sessions(db, user_id, None).await?;
    }
    Ok(())
}
