//! Reading the audit log. There is no server function that changes it.

use leptos::prelude::*;

use super::{ApiError, AuditRow};

/// The newest 500 entries, optionally only those whose action starts with `action`. Admins only.
#[server(prefix = "/api", endpoint = "list_audit")]
pub async fn list_audit(action: String) -> Result<Vec<AuditRow>, ApiError> {
    use crate::backend::entities::audit_log;
    use crate::backend::guard;
    use crate::domain::Role;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    guard::respond(
        async move {
            let state = guard::state()?;
            guard::require(&[Role::Admin])?;
            let mut query = audit_log::Entity::find()
                .order_by_desc(audit_log::Column::Id)
                .limit(500);
            if !action.trim().is_empty() {
                query = query.filter(audit_log::Column::Action.starts_with(action.trim()));
            }
            let rows = query.all(&state.db).await.map_err(guard::internal)?;
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
        .await,
    )
}
