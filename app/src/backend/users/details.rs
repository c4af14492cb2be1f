//! An account's details, language, special access and whether it is active.

use anyhow::Context;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, SqlErr,
};

use crate::backend::entities::user;

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
        crate::backend::auth::delete_other_sessions(db, user_id, None).await?;
    }
    Ok(())
}
