//! Creating an account, refused when its address is taken.

use anyhow::Context;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, SqlErr,
};

use crate::backend::entities::{institution, user, user_institution};
use crate::domain::{Email, InstitutionCode, Role};

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
