//! Accounts listed, counted and looked up with their institutions.

use std::collections::HashMap;

use anyhow::Context;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::stored_role;
use crate::backend::entities::{institution, user, user_institution};
use crate::domain::Role;
use crate::types::UserRow;

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
