//! The data sources listed and registered.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::SnapshotView;
#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::{
    audit,
    sources::{self, SourceError},
};
#[cfg(feature = "ssr")]
use crate::domain::Role;

/// A source with its snapshots, newest year first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceView {
    pub id: i32,
    pub name: String,
    pub kind: String,
    pub snapshots: Vec<SnapshotView>,
}

impl SourceView {
    /// The snapshots the figures come from.
    pub fn in_use(&self) -> impl Iterator<Item = &SnapshotView> {
        self.snapshots
            .iter()
            .filter(|s| s.status == crate::domain::aggregate::snapshot::SnapshotStatus::InUse)
    }
}

/// Every data source. Researchers and admins.
#[server(prefix = "/api", endpoint = "list_sources")]
pub async fn list_sources() -> Result<Vec<SourceView>, ApiError> {
    let state = guard::state()?;
    guard::require(Role::RESEARCH)?;
    let list = sources::list(&state.db).await?;
    let ids: Vec<i32> = list
        .iter()
        .flat_map(|(_, s)| s.iter().flat_map(|x| [x.imported_by, x.status_by]))
        .flatten()
        .collect();
    let emails = crate::backend::users::emails(&state.db, &ids).await?;
    let who = |id: Option<i32>| {
        id.and_then(|i| emails.get(&i).cloned())
            .unwrap_or_else(|| "cli".to_owned())
    };
    let when = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%d %H:%M").to_string();
    Ok(list
        .into_iter()
        .map(|(s, snapshots)| SourceView {
            id: s.id,
            name: s.name,
            kind: s.kind,
            snapshots: snapshots
                .into_iter()
                .map(|x| SnapshotView {
                    id: x.id,
                    year: x.year,
                    rows: x.rows,
                    imported: (who(x.imported_by), when(x.imported_at)),
                    changed: x
                        .status_at
                        .filter(|at| x.status_reason.is_some() && *at != x.imported_at)
                        .map(|at| (who(x.status_by), when(at))),
                    file_name: x.file_name,
                    status: x.status,
                    reason: x.status_reason,
                })
                .collect(),
        })
        .collect())
}

/// Registers a source of `kind` (`students`) named `name`. Researchers and admins.
#[server(prefix = "/api", endpoint = "create_source")]
pub async fn create_source(name: String, kind: String) -> Result<i32, ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    if name.trim().is_empty() || name.trim().chars().count() > 100 {
        return Err(ApiError::invalid(
            "name",
            "Geef de bron een naam (hoogstens 100 tekens).",
            "Give the source a name (at most 100 characters).",
        ));
    }
    let actor = audit::Actor::user(&user, guard::client_ip());
    match sources::create(&state.db, &actor, &kind, &name, None).await {
        Ok(id) => Ok(id),
        Err(SourceError::NameTaken) => Err(ApiError::Conflict {
            field: "name".into(),
        }),
        Err(SourceError::UnknownKind(_)) => Err(ApiError::invalid(
            "kind",
            "Kies een soort bron.",
            "Choose a kind of source.",
        )),
        Err(error) => Err(ApiError::internal(error)),
    }
}
