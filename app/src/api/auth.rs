//! Logging in and out, and passwords.

use leptos::prelude::*;

use super::{ApiError, Me};

/// The logged-in user, or `None`.
#[server(prefix = "/api", endpoint = "me")]
pub async fn current_user() -> Result<Option<Me>, ApiError> {
    Ok(crate::backend::guard::viewer().map(|u| u.me))
}

/// Checks the password and starts a session; then goes to `next` (a local path) or home.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), ApiError> {
    use crate::backend::{auth, guard, users};
    use crate::domain::Email;
    guard::respond(
        async move {
            let state = guard::state()?;
            let ip = guard::client_ip().unwrap_or_default();
            let limiter = &state.login_limiter;
            let email_key = format!("email:{}", email.trim().to_lowercase());
            let ip_key = format!("ip:{ip}");
            guard::within_limit(&state, &email_key, 1)?;
            guard::within_limit(&state, &ip_key, 4)?;
            let user = match Email::parse(&email) {
                Some(email) => users::find_by_email(&state.db, &email)
                    .await
                    .map_err(guard::internal)?,
                None => None,
            };
            let user = user.filter(|u| u.active);
            let hash = user.as_ref().and_then(|u| u.password_hash.clone());
            if !auth::verify_password(hash, password).await {
                limiter.record_failure(&email_key);
                limiter.record_failure(&ip_key);
                return Err(ApiError::BadCredentials);
            }
            let Some(user) = user else {
                return Err(ApiError::BadCredentials);
            };
            limiter.reset(&email_key);
            let hours = state.settings.session_hours;
            let token = auth::create_session(&state.db, user.id, hours)
                .await
                .map_err(guard::internal)?;
            guard::audit_own(&state, &user, "auth.login").await?;
            guard::set_header(
                http::header::SET_COOKIE,
                &auth::session_cookie(Some(&token), state.settings.secure_cookies, hours),
            );
            leptos_axum::redirect(&safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    )
}

/// Only local paths are followed after login, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Ends the session.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), ApiError> {
    use crate::backend::{auth, guard};
    guard::respond(
        async move {
            let state = guard::state()?;
            if let Some(user) = guard::viewer() {
                auth::delete_session(&state.db, user.session_id)
                    .await
                    .map_err(guard::internal)?;
                state.sessions.clear();
            }
            guard::set_header(
                http::header::SET_COOKIE,
                &auth::session_cookie(None, state.settings.secure_cookies, 0),
            );
            leptos_axum::redirect("/inloggen");
            Ok(())
        }
        .await,
    )
}

/// Changes the caller's own password; other sessions of the account end.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(current: String, new: String, repeat: String) -> Result<(), ApiError> {
    use crate::backend::{audit, auth, guard, users};
    use crate::domain::NewPassword;
    guard::respond(
        async move {
            let state = guard::state()?;
            let user = guard::require_login()?;
            let stored = users::find_by_id(&state.db, user.me.id)
                .await
                .map_err(guard::internal)?;
            let hash = stored.and_then(|u| u.password_hash);
            if !auth::verify_password(hash, current).await {
                return Err(ApiError::invalid(
                    "current",
                    "Het huidige wachtwoord klopt niet.",
                    "The current password is incorrect.",
                ));
            }
            let password = NewPassword::parse(&new, &repeat).map_err(password_error)?;
            users::set_password(&state.db, user.me.id, &password)
                .await
                .map_err(guard::internal)?;
            auth::delete_other_sessions(&state.db, user.me.id, Some(user.session_id))
                .await
                .map_err(guard::internal)?;
            state.sessions.clear();
            audit::record(
                &state.db,
                &guard::actor(&user),
                "auth.password_changed",
                &format!("user:{}", user.me.id),
                serde_json::json!({}),
            )
            .await
            .map_err(guard::internal)?;
            Ok(())
        }
        .await,
    )
}

/// Sets a password through a one-time link, then sends the user to the login page.
#[server(prefix = "/api", endpoint = "set_password")]
pub async fn set_password(token: String, new: String, repeat: String) -> Result<(), ApiError> {
    use crate::backend::{guard, users};
    use crate::domain::NewPassword;
    guard::respond(
        async move {
            let state = guard::state()?;
            let ip = guard::client_ip().unwrap_or_default();
            let key = format!("token-ip:{ip}");
            guard::within_limit(&state, &key, 4)?;
            let password = NewPassword::parse(&new, &repeat).map_err(password_error)?;
            let Some(user) = users::redeem_password_token(&state.db, token.trim(), &password)
                .await
                .map_err(guard::internal)?
            else {
                state.login_limiter.record_failure(&key);
                return Err(ApiError::InvalidToken);
            };
            guard::audit_own(&state, &user, "auth.password_set").await?;
            leptos_axum::redirect("/inloggen?wachtwoord=ingesteld");
            Ok(())
        }
        .await,
    )
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

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/instellingen")), "/instellingen");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
