//! Personal API tokens: list, create (shown once), revoke. Researchers and admins, each their own.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::guard;
use super::{ApiError, NewToken};
#[cfg(feature = "ssr")]
use crate::backend::{
    api_tokens::{self, TokenError},
    users,
};
#[cfg(feature = "ssr")]
use crate::domain::time;
use crate::domain::Role;

/// One of the caller's tokens (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: i32,
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: Option<String>,
    /// Revoked or expired: it no longer works.
    pub ended: Option<String>,
}

/// What the tokens page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenPage {
    pub tokens: Vec<TokenView>,
    /// The roles the caller may give a token.
    pub roles: Vec<Role>,
    /// The token made by this session's last request, once.
    pub new_token: Option<NewToken>,
}

/// The caller's tokens and, once, the one just made.
#[server(prefix = "/api", endpoint = "my_tokens")]
pub async fn my_tokens() -> Result<TokenPage, ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    let now = chrono::Utc::now();
    let shown = |t: chrono::DateTime<chrono::Utc>| time::format_local(t);
    let tokens = api_tokens::list(&state.db, user.me.id)
        .await?
        .into_iter()
        .map(|t| {
            Ok(TokenView {
                id: t.id,
                role: users::stored_role(&t.role, || format!("API token {}", t.id))?,
                name: t.name,
                created_at: shown(t.created_at),
                expires_at: shown(t.expires_at),
                last_used_at: t.last_used_at.map(shown),
                ended: match t.revoked_at {
                    Some(at) => Some(format!("ingetrokken {} / revoked", shown(at))),
                    None if t.expires_at <= now => Some("verlopen / expired".into()),
                    None => None,
                },
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(TokenPage {
        tokens,
        roles: api_tokens::grantable(user.me.role).to_vec(),
        new_token: state.flash.take_token(user.session_id),
    })
}

/// Makes a token acting with `role` for `days` days; it is shown once on the tokens page.
#[server(prefix = "/api", endpoint = "create_token")]
pub async fn create_token(name: String, role: String, days: String) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    let days: u32 = days.trim().parse().map_err(|_| {
        ApiError::invalid(
            "days",
            "Geef het aantal dagen als getal (1 tot 365).",
            "Give the number of days as a number (1 to 365).",
        )
    })?;
    let role = Role::parse(&role)
        .ok_or_else(|| ApiError::invalid("role", "Kies een rol.", "Choose a role."))?;
    let made =
        api_tokens::create(&state.db, &guard::actor(&user), &user.me, &name, role, days).await;
    let (token, row) = match made {
        Ok(made) => made,
        Err(TokenError::Name) => {
            return Err(ApiError::invalid(
                "name",
                "Geef de sleutel een naam (hoogstens 100 tekens).",
                "Give the token a name (at most 100 characters).",
            ))
        }
        Err(TokenError::Days) => {
            return Err(ApiError::invalid(
                "days",
                "Een sleutel is 1 tot 365 dagen geldig.",
                "A token is valid for 1 to 365 days.",
            ))
        }
        Err(TokenError::Role) => return Err(ApiError::Forbidden),
        Err(TokenError::Other(error)) => return Err(ApiError::internal(error)),
    };
    state.flash.put_token(
        user.session_id,
        NewToken {
            name: row.name,
            token,
            expires_at: time::format_local(row.expires_at),
        },
    );
    Ok(())
}

/// Revokes one of the caller's tokens at once.
#[server(prefix = "/api", endpoint = "revoke_token")]
pub async fn revoke_token(id: i32) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    let done = api_tokens::revoke(&state.db, &guard::actor(&user), user.me.id, id).await?;
    if !done {
        return Err(ApiError::NotFound);
    }
    Ok(())
}
