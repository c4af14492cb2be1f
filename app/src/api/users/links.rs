//! One-time set-password links for accounts: issued, mailed, shown once.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::{ApiError, PasswordLink};
#[cfg(feature = "ssr")]
use crate::backend::{
    audit,
    mail::{outbox, templates},
    users,
};
#[cfg(feature = "ssr")]
use crate::domain::{
    mail::{render, Fields, MailKind},
    Role,
};

/// Issues a fresh one-time link for an account (earlier unused links stop working).
#[server(prefix = "/api", endpoint = "new_password_link")]
pub async fn new_password_link(user_id: i32) -> Result<(), ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    let user = users::find_by_id(&state.db, user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    audit::record(
        &state.db,
        &guard::actor(&admin),
        "user.password_link",
        &format!("user:{}", user.id),
        serde_json::json!({}),
    )
    .await?;
    issue_link(&state, &admin, user.id, user.email).await
}

/// The link issued by this admin's last call, once.
#[server(prefix = "/api", endpoint = "take_password_link")]
pub async fn take_password_link() -> Result<Option<PasswordLink>, ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    Ok(state.flash.take_link(admin.session_id))
}

#[cfg(feature = "ssr")]
pub(super) async fn issue_link(
    state: &crate::backend::AppState,
    admin: &crate::backend::auth::CurrentUser,
    user_id: i32,
    email: String,
) -> Result<(), ApiError> {
    let token =
        users::issue_password_token(&state.db, user_id, state.settings.password_link_hours).await?;
    let url = format!(
        "{}/wachtwoord-instellen?token={token}",
        state.settings.base_url
    );
    mail_password_link(state, user_id, &email, &url).await?;
    state
        .flash
        .put_link(admin.session_id, PasswordLink { email, url });
    Ok(())
}

/// Queues the set-password mail in the account's language (the admin also sees the link once).
#[cfg(feature = "ssr")]
pub(crate) async fn mail_password_link(
    state: &crate::backend::AppState,
    user_id: i32,
    email: &str,
    url: &str,
) -> Result<(), ApiError> {
    let Some(user) = users::find_by_id(&state.db, user_id).await? else {
        return Ok(());
    };
    let lang = crate::i18n::Lang::from_code(&user.language);
    let template = templates::get(&state.db, MailKind::PasswordLink, lang).await?;
    let valid_until =
        chrono::Utc::now() + chrono::Duration::hours(state.settings.password_link_hours);
    let mut fields = Fields::new();
    fields.insert("naam", user.display_name.clone());
    fields.insert("link", url.to_owned());
    fields.insert("geldig_tot", crate::domain::time::format_local(valid_until));
    outbox::enqueue(
        &state.db,
        None,
        vec![outbox::NewMail {
            kind: MailKind::PasswordLink,
            round_id: None,
            institution_id: None,
            user_id: Some(user_id),
            recipient: email.to_owned(),
            language: lang.code().into(),
            rendered: render(&template, &fields),
            attachment: None,
        }],
        &state.settings.mail_domain,
    )
    .await
    .map_err(ApiError::internal)
}
