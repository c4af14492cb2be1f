//! Inviting a round's contacts and reminding those whose institution has not submitted: the
//! personal links, the mails in the outbox and the batch, all in one transaction. And what
//! happened per recipient.

mod batches;
mod personal;
mod queuing;
mod schedule;
mod send;
mod status;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Statement};

use personal::{open_round, personal_mail, revoke_links};

pub use batches::{batch_progress, latest_batch};
pub use personal::{deadline, Site};
pub use queuing::Queued;
pub(super) use queuing::{queue, BatchKind};
pub use schedule::{parse_days, run_schedule, set_schedule};
pub use send::{invite, remind};
pub use status::{statuses, RecipientStatus};

#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error("round not found")]
    NotFound,
    #[error("the round is closed")]
    Closed,
    #[error("not a coordinator of an institution in this round")]
    NotACoordinator,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Who gets a mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Every contact of the round without an invitation yet.
    NotYetInvited,
    /// One contact: earlier links are revoked and a fresh one is sent.
    Contact(i32),
}

/// A coordinator of a participating institution.
#[derive(Clone, Debug, FromQueryResult)]
pub struct Contact {
    pub user_id: i32,
    pub email: String,
    pub display_name: String,
    pub language: String,
    pub institution_id: i32,
    pub code: String,
    pub institution_name: String,
    pub response_id: i32,
    pub round_id: i32,
    pub status: String,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// The active coordinators of the round's institutions, by institution code and address.
pub async fn contacts(db: &impl ConnectionTrait, round_id: i32) -> anyhow::Result<Vec<Contact>> {
    contacts_where(db, "r.round_id = $1", round_id.into(), "i.code, u.email").await
}

/// The rounds in which `email` (lower case) is an active coordinator's address, as that round's
/// contact, newest round first (by year, then the newest made).
pub(super) async fn contacts_of(
    db: &impl ConnectionTrait,
    email: &str,
) -> anyhow::Result<Vec<Contact>> {
    let order = "(SELECT year FROM rounds WHERE rounds.id = r.round_id) DESC, r.round_id DESC";
    contacts_where(db, "u.email = $1", email.to_lowercase().into(), order).await
}

/// Active coordinators of participating institutions where `condition` (with `$1` = `value`)
/// holds, in `order`.
async fn contacts_where(
    db: &impl ConnectionTrait,
    condition: &str,
    value: sea_orm::Value,
    order: &str,
) -> anyhow::Result<Vec<Contact>> {
    let backend = db.get_database_backend();
    let active = if backend == sea_orm::DbBackend::Postgres {
        "true"
    } else {
        "1"
    };
    Contact::find_by_statement(Statement::from_sql_and_values(
        backend,
        format!(
            "SELECT u.id AS user_id, u.email, u.display_name, u.language, i.id AS institution_id, \
             i.code, i.name AS institution_name, r.id AS response_id, r.round_id, r.status, \
             r.updated_at, r.submitted_at FROM responses r \
             JOIN institutions i ON i.id = r.institution_id \
             JOIN user_institutions ui ON ui.institution_id = i.id \
             JOIN users u ON u.id = ui.user_id \
             WHERE {condition} AND u.active = {active} AND u.role = 'coordinator' \
             ORDER BY {order}"
        ),
        [value],
    ))
    .all(db)
    .await
    .context("read contacts")
}
