//! Accounts: creation, listing, institution binding and one-time password links.

mod create;
mod details;
mod listing;
mod tokens;

use anyhow::Context;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::auth::hash_password;
use super::entities::user;
use crate::domain::{Email, NewPassword, Role};

pub use create::{create_user, CreateUserError, NewUser};
pub use details::{set_active, set_language, set_special_access, update_details};
pub use listing::{admin_count, emails, institution_codes_of, list};
pub use tokens::{issue_password_token, redeem_password_token};

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

pub async fn find_by_id(db: &impl ConnectionTrait, id: i32) -> anyhow::Result<Option<user::Model>> {
    user::Entity::find_by_id(id)
        .one(db)
        .await
        .context("read user")
}

/// A stored role, read strictly: a name this version does not know is an error (naming `whose`
/// role it is), never a plausible role.
pub fn stored_role(name: &str, whose: impl FnOnce() -> String) -> anyhow::Result<Role> {
    Role::parse(name).with_context(|| format!("{} has an unknown role {name:?}", whose()))
}
