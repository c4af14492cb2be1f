//! Logging in and out, and passwords.

mod password;
mod requests;

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::guard;
use super::{ApiError, Me};
#[cfg(feature = "ssr")]
use crate::backend::{auth, users};
#[cfg(feature = "ssr")]
use crate::domain::Email;

pub use password::{change_password, set_password, ChangePassword, SetPassword};
pub use requests::{request_link, request_password_reset, RequestLink, RequestPasswordReset};

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
