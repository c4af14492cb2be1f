//! A round's participants: reopening a response, personal links issued and revoked.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::{rounds, users};
#[cfg(feature = "ssr")]
use crate::domain::Role;

/// Reopens one institution's submitted response. Admins; recorded in the audit log.
#[server(prefix = "/api", endpoint = "reopen_response")]
pub async fn reopen_response(id: i32) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::ADMINS)?;
    rounds::reopen(&state.db, &guard::actor(&user), id).await?;
    state.contexts.clear();
    Ok(())
}

/// A new personal link for a coordinator in a round (earlier ones stop working). The link is shown
/// once, on the next page this admin loads ([`crate::api::users::take_password_link`]). Admins.
#[server(prefix = "/api", endpoint = "issue_link")]
pub async fn issue_link(round_id: i32, user_id: i32) -> Result<(), ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    let token = rounds::issue_link(&state.db, &guard::actor(&admin), round_id, user_id).await?;
    // The earlier link's sessions ended with it: no cached copy may outlive them.
    state.sessions.clear();
    let email = users::find_by_id(&state.db, user_id)
        .await?
        .map(|u| u.email)
        .unwrap_or_default();
    let url = format!("{}/r/{token}", state.settings.base_url);
    state
        .flash
        .put_link(admin.session_id, crate::api::PasswordLink { email, url });
    Ok(())
}

/// Revokes a coordinator's links for a round. Admins.
#[server(prefix = "/api", endpoint = "revoke_links")]
pub async fn revoke_links(round_id: i32, user_id: i32) -> Result<u64, ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::ADMINS)?;
    let revoked = rounds::revoke_links(&state.db, &guard::actor(&user), round_id, user_id).await?;
    state.sessions.clear();
    Ok(revoked)
}
