//! Changing and setting a password.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::{api_tokens, audit, auth, users};
#[cfg(feature = "ssr")]
use crate::domain::NewPassword;

/// Changes the caller's own password; other sessions of the account end, and with
/// `revoke_tokens` (a checkbox, on by default) its API tokens too. Attempts are limited per user.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current: String,
    new: String,
    repeat: String,
    #[server(default)] revoke_tokens: Option<String>,
) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require_login()?;
    let key = format!("change-password:{}", user.me.id);
    guard::reserve_attempt(&state, &key, 1)?;
    let stored = users::find_by_id(&state.db, user.me.id).await?;
    let hash = stored.and_then(|u| u.password_hash);
    let verified = auth::verify_password(hash, current).await.map_err(|e| {
        state.login_limiter.release(&key);
        guard::password_work(e)
    })?;
    if !verified {
        return Err(ApiError::invalid(
            "current",
            "Het huidige wachtwoord klopt niet.",
            "The current password is incorrect.",
        ));
    }
    state.login_limiter.reset(&key);
    let password = NewPassword::parse(&new, &repeat).map_err(password_error)?;
    users::set_password(&state.db, user.me.id, &password)
        .await
        .map_err(guard::password_work)?;
    auth::delete_other_sessions(&state.db, user.me.id, Some(user.session_id)).await?;
    if revoke_tokens.is_some() {
        api_tokens::revoke_all(&state.db, &guard::actor(&user), user.me.id).await?;
    }
    state.sessions.clear();
    audit::record(
        &state.db,
        &guard::actor(&user),
        "auth.password_changed",
        &format!("user:{}", user.me.id),
        serde_json::json!({}),
    )
    .await?;
    // The account page confirms the change from its address: a coordinator's page has
    // no script, and a plain form post comes back there.
    leptos_axum::redirect("/account?wachtwoord=gewijzigd");
    Ok(())
}

/// Sets a password through a one-time link, then sends the user to the login page.
#[server(prefix = "/api", endpoint = "set_password")]
pub async fn set_password(token: String, new: String, repeat: String) -> Result<(), ApiError> {
    let state = guard::state()?;
    let ip = guard::client_ip().unwrap_or_default();
    let key = format!("token-ip:{ip}");
    guard::reserve_attempt(&state, &key, 4)?;
    let password = NewPassword::parse(&new, &repeat).map_err(|problem| {
        state.login_limiter.release(&key);
        password_error(problem)
    })?;
    // The link is checked before the password is hashed: a wrong link costs no Argon2 run.
    let Some(user) = users::redeem_password_token(&state.db, token.trim(), &password)
        .await
        .map_err(guard::password_work)?
    else {
        return Err(ApiError::InvalidToken);
    };
    state.login_limiter.release(&key);
    state.sessions.clear();
    guard::audit_own(&state, &user, "auth.password_set").await?;
    leptos_axum::redirect("/inloggen?wachtwoord=ingesteld");
    Ok(())
}

#[cfg(feature = "ssr")]
fn password_error(problem: crate::domain::password::PasswordProblem) -> ApiError {
    use crate::domain::password::PasswordProblem::*;
    match problem {
        TooShort => ApiError::invalid(
            "new",
            "Het nieuwe wachtwoord moet minstens 12 tekens hebben.",
            "The new password must have at least 12 characters.",
        ),
        TooLong => ApiError::invalid(
            "new",
            "Het nieuwe wachtwoord mag hoogstens 128 tekens hebben.",
            "The new password may have at most 128 characters.",
        ),
        Mismatch => ApiError::invalid(
            "repeat",
            "De herhaling komt niet overeen met het nieuwe wachtwoord.",
            "The repetition does not match the new password.",
        ),
    }
}
