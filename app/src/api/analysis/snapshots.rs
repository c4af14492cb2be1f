//! Withdrawing and restoring a source's snapshot.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::{
    audit,
    sources::{self},
};
#[cfg(feature = "ssr")]
use crate::domain::Role;

/// A snapshot as the source page lists it: who imported it, and who last changed its status,
/// when and why (e-mail addresses; `cli` for the command line).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotView {
    pub id: i32,
    pub year: i32,
    pub rows: i32,
    pub file_name: String,
    pub imported: (String, String),
    pub status: crate::domain::aggregate::snapshot::SnapshotStatus,
    /// (who, when), since the snapshot was imported.
    pub changed: Option<(String, String)>,
    pub reason: Option<String>,
}

/// Withdraws the snapshot in use of a source's year, with a reason. Researchers and admins.
#[server(prefix = "/api", endpoint = "withdraw_snapshot")]
pub async fn withdraw_snapshot(source: i32, year: i32, reason: String) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    let actor = audit::Actor::user(&user, guard::client_ip());
    sources::withdraw(&state.db, &actor, source, year, &reason)
        .await
        .map(|_| ())
        .map_err(ApiError::from)
}

/// Brings a superseded or withdrawn snapshot back into use, with a reason; the snapshot in use
/// of its year is superseded. Researchers and admins.
#[server(prefix = "/api", endpoint = "restore_snapshot")]
pub async fn restore_snapshot(source: i32, snapshot: i32, reason: String) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    let actor = audit::Actor::user(&user, guard::client_ip());
    sources::restore(&state.db, &actor, source, snapshot, &reason)
        .await
        .map(|_| ())
        .map_err(ApiError::from)
}
