//! Colleagues at an institution: its coordinators see each other, invite a colleague and hand
//! the institution over; admins set a person's role and institutions.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::guard;
use super::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::colleagues;
#[cfg(feature = "ssr")]
use crate::domain::{Email, Role};

/// A coordinator of the institution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColleagueRow {
    pub name: String,
    pub email: String,
    pub active: bool,
    pub me: bool,
}

/// The coordinators of institution `code`. Its coordinators.
#[server(prefix = "/api", endpoint = "list_colleagues")]
pub async fn list_colleagues(code: String) -> Result<Vec<ColleagueRow>, ApiError> {
    let state = guard::state()?;
    let user = guard::require(&[Role::Coordinator])?;
    let code = code.trim().to_uppercase();
    Ok(colleagues::list(&state.db, user.me.id, &code)
        .await?
        .into_iter()
        .map(|c| ColleagueRow {
            me: c.id == user.me.id,
            name: c.name,
            email: c.email,
            active: c.active,
        })
        .collect())
}

/// Invites a colleague for institution `code`: an account bound to it and a personal link by
/// e-mail. Its coordinators.
#[server(prefix = "/api", endpoint = "invite_colleague")]
pub async fn invite_colleague(
    code: String,
    name: String,
    email: String,
    language: String,
) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(&[Role::Coordinator])?;
    let name = name.trim().to_owned();
    let (Some(email), false) = (Email::parse(&email), name.is_empty()) else {
        return Err(ApiError::invalid(
            "email",
            "Vul een naam en een geldig e-mailadres in.",
            "Enter a name and a valid e-mail address.",
        ));
    };
    let lang = crate::i18n::Lang::from_code(&language);
    let code = code.trim().to_uppercase();
    let actor = guard::actor(&user);
    let site = state.settings.site();
    colleagues::invite(&state.db, &site, &actor, &code, &name, &email, lang).await?;
    state.sessions.clear();
    leptos_axum::redirect(&format!("/instellingen/{code}?collega=uitgenodigd"));
    Ok(())
}

/// Hands institution `code` over: the caller leaves it (another coordinator stays). Its
/// coordinators.
#[server(prefix = "/api", endpoint = "leave_institution")]
pub async fn leave_institution(code: String) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(&[Role::Coordinator])?;
    let code = code.trim().to_uppercase();
    colleagues::leave(&state.db, &guard::actor(&user), &code).await?;
    state.sessions.clear();
    state.contexts.clear();
    leptos_axum::redirect("/?instelling=verlaten");
    Ok(())
}

/// Sets a person's role and institutions (comma-separated codes; a coordinator's only). Admins.
#[server(prefix = "/api", endpoint = "set_user_role")]
pub async fn set_user_role(
    user_id: i32,
    role: String,
    institutions: String,
) -> Result<(), ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    let role = Role::parse(&role)
        .ok_or_else(|| ApiError::invalid("role", "Kies een rol.", "Choose a role."))?;
    let codes: Vec<String> = institutions
        .split([',', ' ', ';'])
        .map(|c| c.trim().to_uppercase())
        .filter(|c| !c.is_empty())
        .collect();
    colleagues::set_role(&state.db, &guard::actor(&admin), user_id, role, &codes).await?;
    state.sessions.clear();
    state.contexts.clear();
    Ok(())
}
