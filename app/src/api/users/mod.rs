//! Account management by admins.

mod access;
mod links;
#[cfg(feature = "ssr")]
mod new_user;

use leptos::prelude::*;

use super::{ApiError, UserRow};
#[cfg(feature = "ssr")]
use crate::api::guard;
#[cfg(feature = "ssr")]
use crate::backend::{audit, users};
#[cfg(feature = "ssr")]
use crate::domain::{Email, Role};
#[cfg(feature = "ssr")]
use links::issue_link;

pub use access::{
    erase_user, set_special_access, set_user_active, EraseUser, SetSpecialAccess, SetUserActive,
};
#[cfg(feature = "ssr")]
pub(crate) use links::mail_password_link;
pub use links::{new_password_link, take_password_link, NewPasswordLink, TakePasswordLink};
#[cfg(feature = "ssr")]
pub use new_user::parse_new_user;

/// Every account. Admins only.
#[server(prefix = "/api", endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserRow>, ApiError> {
    let state = guard::state()?;
    guard::require(Role::ADMINS)?;
    users::list(&state.db).await.map_err(ApiError::internal)
}

/// Creates an account and issues its one-time set-password link, which the users page shows once.
/// `institutions`: comma- or space-separated codes, required for coordinators.
#[server(prefix = "/api", endpoint = "create_user")]
pub async fn create_user(
    email: String,
    name: String,
    role: String,
    institutions: Option<String>,
    language: Option<String>,
) -> Result<(), ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    let new = parse_new_user(&email, &name, &role, institutions.as_deref().unwrap_or(""))?;
    let created = users::create_user(&state.db, &new).await?;
    let language = crate::i18n::Lang::from_code(language.as_deref().unwrap_or("nl"));
    users::set_language(&state.db, created.id, language).await?;
    audit::record(
        &state.db,
        &guard::actor(&admin),
        "user.create",
        &format!("user:{}", created.id),
        serde_json::json!({"email": created.email, "role": created.role, "institutions": new.institutions}),
    )
    .await?;
    issue_link(&state, &admin, created.id, created.email).await
}

/// Changes an account's name, e-mail address and mail language. Admins.
#[server(prefix = "/api", endpoint = "update_user")]
pub async fn update_user(
    user_id: i32,
    name: String,
    email: String,
    language: String,
) -> Result<(), ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    let mut errors = Vec::new();
    let email = Email::parse(&email);
    if email.is_none() {
        errors.push(super::error::FieldError {
            field: "email".into(),
            message_nl: "Vul een geldig e-mailadres in.".into(),
            message_en: "Enter a valid e-mail address.".into(),
        });
    }
    let name = name.trim().to_owned();
    if name.is_empty() {
        errors.push(super::error::FieldError {
            field: "name".into(),
            message_nl: "Vul een naam in.".into(),
            message_en: "Enter a name.".into(),
        });
    }
    if !matches!(language.as_str(), "nl" | "en") {
        errors.push(super::error::FieldError {
            field: "language".into(),
            message_nl: "Kies Nederlands of Engels.".into(),
            message_en: "Choose Dutch or English.".into(),
        });
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Invalid(errors));
    };
    let before = users::find_by_id(&state.db, user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !users::update_details(&state.db, user_id, &name, email.as_str(), &language).await? {
        return Err(ApiError::Conflict {
            field: "email".into(),
        });
    }
    state.sessions.clear();
    audit::record(
        &state.db,
        &guard::actor(&admin),
        "user.update",
        &format!("user:{user_id}"),
        serde_json::json!({ "email": [before.email, email.as_str()], "language": language }),
    )
    .await
    .map_err(ApiError::internal)
}
