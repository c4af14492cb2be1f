//! Links and password resets asked for by e-mail address, counted before anything is looked up.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::mail::links;
#[cfg(feature = "ssr")]
use crate::backend::users;
#[cfg(feature = "ssr")]
use crate::domain::Email;

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
            crate::api::users::mail_password_link(&state, user.id, &user.email, &url).await?;
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
