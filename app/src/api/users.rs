//! Account management by admins.

use leptos::prelude::*;

use super::{ApiError, PasswordLink, UserRow};
#[cfg(feature = "ssr")]
use crate::api::{error::FieldError, guard};
#[cfg(feature = "ssr")]
use crate::backend::{
    audit,
    erasure::{self, EraseError},
    mail::{outbox, templates},
    users,
};
#[cfg(feature = "ssr")]
use crate::domain::{
    mail::{render, Fields, MailKind},
    Email, InstitutionCode, Role,
};

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

#[cfg(feature = "ssr")]
async fn issue_link(
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

/// Checks the fields of a new account.
#[cfg(feature = "ssr")]
pub fn parse_new_user(
    email: &str,
    name: &str,
    role: &str,
    institutions: &str,
) -> Result<crate::backend::users::NewUser, ApiError> {
    let mut errors = Vec::new();
    let mut refuse = |field: &str, nl: String, en: String| {
        errors.push(FieldError {
            field: field.into(),
            message_nl: nl,
            message_en: en,
        })
    };
    let parsed_email = Email::parse(email);
    if parsed_email.is_none() {
        refuse(
            "email",
            "Vul een geldig e-mailadres in.".into(),
            "Enter a valid e-mail address.".into(),
        );
    }
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        refuse(
            "name",
            "Vul een naam in (hoogstens 200 tekens).".into(),
            "Enter a name (at most 200 characters).".into(),
        );
    }
    let parsed_role = Role::parse(role);
    if parsed_role.is_none() {
        refuse("role", "Kies een rol.".into(), "Choose a role.".into());
    }
    let mut codes = Vec::new();
    for raw in institutions
        .split([',', ' ', ';'])
        .filter(|s| !s.trim().is_empty())
    {
        match InstitutionCode::parse(raw) {
            Some(code) => codes.push(code),
            None => refuse(
                "institutions",
                format!("‘{raw}’ is geen instellingscode."),
                format!("‘{raw}’ is not an institution code."),
            ),
        }
    }
    if parsed_role == Some(Role::Coordinator) && codes.is_empty() {
        refuse(
            "institutions",
            "Een coördinator hoort bij minstens één instelling.".into(),
            "A coordinator belongs to at least one institution.".into(),
        );
    }
    if parsed_role.is_some_and(|r| r != Role::Coordinator) && !codes.is_empty() {
        refuse(
            "institutions",
            "Alleen coördinatoren horen bij een instelling.".into(),
            "Only coordinators belong to an institution.".into(),
        );
    }
    match (parsed_email, parsed_role, errors.is_empty()) {
        (Some(email), Some(role), true) => Ok(crate::backend::users::NewUser {
            email,
            name,
            role,
            institutions: codes,
        }),
        _ => Err(ApiError::Invalid(errors)),
    }
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
