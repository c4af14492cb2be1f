//! Switching an account on or off, its special access, and erasing it.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::{
    audit,
    erasure::{self, EraseError},
    users,
};
#[cfg(feature = "ssr")]
use crate::domain::Role;

/// Lets a researcher export items marked special-category or identifying (with a reason each
/// time), or withdraws that. Admins; recorded.
#[server(prefix = "/api", endpoint = "set_special_access")]
pub async fn set_special_access(user_id: i32, allowed: bool) -> Result<(), ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    let user = users::find_by_id(&state.db, user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if allowed && user.role != Role::Researcher.as_str() {
        return Err(ApiError::invalid(
            "user",
            "Alleen een onderzoeker kan toegang tot bijzondere gegevens krijgen.",
            "Only a researcher can be given access to special-category data.",
        ));
    }
    let txn = crate::backend::db::begin(&state.db)
        .await
        .map_err(ApiError::internal)?;
    users::set_special_access(&txn, user_id, allowed).await?;
    let action = if allowed {
        "user.special_access.grant"
    } else {
        "user.special_access.withdraw"
    };
    audit::record(
        &txn,
        &guard::actor(&admin),
        action,
        &format!("user:{user_id}"),
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await.map_err(ApiError::internal)
}

/// Activates or deactivates an account. Admins cannot deactivate themselves.
#[server(prefix = "/api", endpoint = "set_user_active")]
pub async fn set_user_active(user_id: i32, active: bool) -> Result<(), ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    if admin.me.id == user_id && !active {
        return Err(ApiError::invalid(
            "user",
            "U kunt uw eigen account niet uitschakelen.",
            "You cannot deactivate your own account.",
        ));
    }
    users::find_by_id(&state.db, user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    users::set_active(&state.db, user_id, active).await?;
    state.sessions.clear();
    let action = if active {
        "user.activate"
    } else {
        "user.deactivate"
    };
    audit::record(
        &state.db,
        &guard::actor(&admin),
        action,
        &format!("user:{user_id}"),
        serde_json::json!({}),
    )
    .await
    .map_err(ApiError::internal)
}

/// Erases an account on the person's request (see `backend::erasure`): address, name, password,
/// sessions, links and institution bindings go, mails lose address and text; answers stay.
/// `confirm` must be `true` (the form's check box). Admins; not their own account.
#[server(prefix = "/api", endpoint = "erase_user")]
pub async fn erase_user(user_id: i32, confirm: Option<String>) -> Result<(), ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    if confirm.as_deref() != Some("true") {
        return Err(ApiError::invalid(
            "confirm",
            "Vink aan dat u de gegevens van deze persoon wilt wissen.",
            "Tick that you want to erase this person's data.",
        ));
    }
    match erasure::erase(&state.db, &guard::actor(&admin), user_id).await {
        Ok(()) => {
            state.sessions.clear();
            Ok(())
        }
        Err(EraseError::NotFound) => Err(ApiError::NotFound),
        Err(EraseError::Own) => Err(ApiError::invalid(
            "user",
            "U kunt uw eigen account niet wissen.",
            "You cannot erase your own account.",
        )),
        Err(error) => Err(ApiError::internal(error)),
    }
}
