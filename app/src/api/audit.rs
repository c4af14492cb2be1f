//! Reading the audit log. There is no server function that changes it.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::guard;
use super::{ApiError, AuditRow};
#[cfg(feature = "ssr")]
use crate::backend::audit::{self, Filter, SearchError};
#[cfg(feature = "ssr")]
use crate::domain::Role;

/// The newest 500 entries that match the filter (action and object prefix, actor's address,
/// days from and to). Admins only.
#[server(prefix = "/api", endpoint = "list_audit")]
pub async fn list_audit(
    action: String,
    actor: String,
    target: String,
    from: String,
    to: String,
) -> Result<Vec<AuditRow>, ApiError> {
    let state = guard::state()?;
    guard::require(Role::ADMINS)?;
    let filter = Filter {
        action,
        actor,
        target,
        from,
        to,
    };
    let rows = match audit::search(&state.db, &filter, Some(500)).await {
        Ok(rows) => rows,
        Err(SearchError::Date(field)) => {
            return Err(ApiError::invalid(
                field,
                "Geef een datum als JJJJ-MM-DD.",
                "Give a date as YYYY-MM-DD.",
            ))
        }
        Err(error) => return Err(ApiError::internal(error)),
    };
    Ok(rows
        .into_iter()
        .map(|r| AuditRow {
            at: r.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            actor: r.actor_email,
            action: r.action,
            target: r.target,
            details: r.details,
            ip: r.ip,
        })
        .collect())
}
