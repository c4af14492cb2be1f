//! Logging in and out, and passwords.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::guard;
use super::{ApiError, Me};
#[cfg(feature = "ssr")]
use crate::backend::mail::links;
#[cfg(feature = "ssr")]
use crate::backend::{api_tokens, audit, auth, users};
#[cfg(feature = "ssr")]
use crate::domain::{Email, NewPassword};

/// The logged-in user, or `None`.
#[server(prefix = "/api", endpoint = "me")]
pub async fn current_user() -> Result<Option<Me>, ApiError> {
    Ok(crate::api::guard::viewer().map(|u| u.me))
}

/// The role of the logged-in user of the request being served (read synchronously, as the page's
/// shell is rendered), or `None`.
#[cfg(feature = "ssr")]
pub fn viewer_role() -> Option<crate::domain::Role> {
    crate::api::guard::viewer().map(|u| u.me.role)
}

/// Checks the password and starts a session; then goes to `next` (a local path) or home.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), ApiError> {
    let state = guard::state()?;
    let ip = guard::client_ip().unwrap_or_default();
    let limiter = &state.login_limiter;
    let email_key = format!("email:{}", email.trim().to_lowercase());
    let ip_key = format!("ip:{ip}");
    // Each attempt is counted before the password is checked (and taken back when it
    // was right), so parallel attempts cannot all pass the limit.
    guard::reserve_attempt(&state, &email_key, 1)?;
    if let Err(error) = guard::reserve_attempt(&state, &ip_key, 4) {
        limiter.release(&email_key);
        return Err(error);
    }
    let user = match Email::parse(&email) {
        Some(email) => users::find_by_email(&state.db, &email).await?,
        None => None,
    };
    let user = user.filter(|u| u.active);
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    match auth::verify_password(hash, password).await {
        Ok(true) => {}
        Ok(false) => {
            guard::audit_failed_login(&state, user.as_ref(), &email).await?;
            return Err(ApiError::BadCredentials);
        }
        Err(error) => {
            // Not checked: the attempt does not count.
            limiter.release(&email_key);
            limiter.release(&ip_key);
            return Err(guard::password_work(error));
        }
    }
    let Some(user) = user else {
        return Err(ApiError::BadCredentials);
    };
    limiter.reset(&email_key);
    limiter.release(&ip_key);
    let hours = state.settings.session_hours;
    let token = auth::create_session(&state.db, user.id, hours).await?;
    guard::audit_own(&state, &user, "auth.login").await?;
    guard::set_header(
        http::header::SET_COOKIE,
        &auth::session_cookie(Some(&token), state.settings.secure_cookies, hours),
    );
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

/// Asks for a fresh personal link (login page, *Stuur mij een nieuwe link*): an active
/// coordinator's address gets one by e-mail for each of their institutions. The answer is the same
/// whether or not the address is known; requests are limited per address and per client.
#[server(prefix = "/api", endpoint = "request_link")]
pub async fn request_link(email: String) -> Result<(), ApiError> {
    let state = guard::state()?;
    let email = reserve_mail_request(&state, "link", &email)?;
    let site = state.settings.site();
    let sent = match &email {
        Some(email) => links::send(&state.db, &site, email.as_str(), guard::client_ip()).await?,
        None => 0,
    };
    if sent == 0 {
        tracing::info!(
            ip = guard::client_ip(),
            "a link was asked for an unknown address"
        );
    }
    leptos_axum::redirect("/nieuwe-link?verstuurd=1");
    Ok(())
}

/// Asks for a set-password link by e-mail (login page, *Wachtwoord vergeten*): an active admin's
/// or researcher's address, or a coordinator's who has a password, gets one; setting the password
/// ends the account's other sessions. The same answer whether or not the address is known; limited
/// per address and per client.
#[server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), ApiError> {
    let state = guard::state()?;
    let email = reserve_mail_request(&state, "password", &email)?;
    let user = match &email {
        Some(email) => users::find_by_email(&state.db, email).await?,
        None => None,
    };
    let user = user.filter(|u| {
        u.active
            && (u.password_hash.is_some() || u.role != crate::domain::Role::Coordinator.as_str())
    });
    match user {
        Some(user) => {
            let hours = state.settings.password_link_hours;
            let token = users::issue_password_token(&state.db, user.id, hours).await?;
            let url = format!(
                "{}/wachtwoord-instellen?token={token}",
                state.settings.base_url
            );
            super::users::mail_password_link(&state, user.id, &user.email, &url).await?;
            guard::audit_own(&state, &user, "auth.password_reset_requested").await?;
        }
        None => {
            tracing::info!(
                ip = guard::client_ip(),
                "a password reset was asked for an unknown address"
            );
        }
    }
    leptos_axum::redirect("/wachtwoord-vergeten?verstuurd=1");
    Ok(())
}

/// Counts a request for a mail (`what`: link or password) against the address and the client,
/// before anything is looked up, so the limit is the same for known and unknown addresses; the
/// address when it is one.
#[cfg(feature = "ssr")]
fn reserve_mail_request(
    state: &crate::backend::AppState,
    what: &str,
    typed: &str,
) -> Result<Option<Email>, ApiError> {
    let email = Email::parse(typed);
    let typed: String = typed.trim().to_lowercase().chars().take(254).collect();
    let address_key = format!("{what}-mail:{typed}");
    let client_key = format!("{what}-mail-ip:{}", guard::client_ip().unwrap_or_default());
    guard::reserve_attempt(state, &address_key, 1)?;
    guard::reserve_attempt(state, &client_key, 4)?;
    Ok(email)
}

/// Only a path on this site is followed after login, never another site: it starts with one
/// `/` (not `//` or `/\\`, which a browser reads as another host) and holds only visible ASCII (a
/// browser drops tabs and line breaks, so `/\t/evil.example` would become `//evil.example`, and a
/// control character cannot be sent in a `Location` header at all).
pub fn safe_next(next: Option<&str>) -> String {
    let local = next.filter(|path| {
        let bytes = path.as_bytes();
        bytes.first() == Some(&b'/')
            && bytes.get(1) != Some(&b'/')
            && bytes.len() <= 2048
            && bytes.iter().all(|b| b.is_ascii_graphic() && *b != b'\\')
    });
    local.map_or_else(|| "/".to_owned(), str::to_owned)
}

/// Ends the session.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), ApiError> {
    let state = guard::state()?;
    if let Some(user) = guard::viewer() {
        auth::delete_session(&state.db, user.session_id).await?;
        state.sessions.clear();
    }
    guard::set_header(
        http::header::SET_COOKIE,
        &auth::session_cookie(None, state.settings.secure_cookies, 0),
    );
    leptos_axum::redirect("/inloggen");
    Ok(())
}

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

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/instellingen")), "/instellingen");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(
            safe_next(Some("/vragenlijst/4?deel=a%20b")),
            "/vragenlijst/4?deel=a%20b"
        );
        for hostile in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "/ /evil.example",
            "/\u{0}x",
            "/\u{7f}",
            "/\u{3000}/evil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/", "{hostile:?}");
        }
    }
}
