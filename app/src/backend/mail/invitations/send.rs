//! Sending invitations and reminders for a round.

use std::collections::HashMap;

use anyhow::Context;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{contacts, open_round, queue, Audience, BatchKind, Contact, InviteError, Queued, Site};
use crate::backend::audit::Actor;
use crate::backend::entities::outbox as outbox_row;
use crate::backend::mail::outbox;
use crate::domain::mail::MailKind;
use crate::domain::response::ResponseStatus;

/// Invites contacts of a round.
pub async fn invite(
    db: &DatabaseConnection,
    site: &Site,
    actor: &Actor,
    round_id: i32,
    audience: Audience,
) -> Result<Queued, InviteError> {
    let round = open_round(db, round_id).await?;
    let all = contacts(db, round_id).await?;
    let recipients: Vec<Contact> = match audience {
        Audience::Contact(user_id) => {
            let one: Vec<Contact> = all.into_iter().filter(|c| c.user_id == user_id).collect();
            if one.is_empty() {
                return Err(InviteError::NotACoordinator);
            }
            one
        }
        Audience::NotYetInvited => {
            let invited = mailed(db, round_id, MailKind::Invitation).await?;
            all.into_iter()
                .filter(|c| !invited.contains_key(&c.user_id))
                .collect()
        }
    };
    if recipients.is_empty() {
        return Ok(Queued {
            batch_id: None,
            mails: 0,
        });
    }
    let batch = BatchKind {
        kind: MailKind::Invitation,
        revoke_earlier: matches!(audience, Audience::Contact(_)),
        schedule_key: None,
    };
    queue(db, site, Some(actor), &round, &recipients, batch).await
}

/// Reminds the contacts of institutions that have not submitted, up to the round's maximum per
/// contact. `schedule_key` marks a scheduled run, which happens once.
pub async fn remind(
    db: &DatabaseConnection,
    site: &Site,
    actor: Option<&Actor>,
    round_id: i32,
    schedule_key: Option<String>,
) -> Result<Queued, InviteError> {
    let round = open_round(db, round_id).await?;
    let reminded = mailed(db, round_id, MailKind::Reminder).await?;
    let recipients: Vec<Contact> = contacts(db, round_id)
        .await?
        .into_iter()
        .filter(|c| c.status != ResponseStatus::Submitted.as_str())
        .filter(|c| reminded.get(&c.user_id).copied().unwrap_or(0) < round.max_reminders as usize)
        .collect();
    if recipients.is_empty() {
        return Ok(Queued {
            batch_id: None,
            mails: 0,
        });
    }
    let batch = BatchKind {
        kind: MailKind::Reminder,
        revoke_earlier: false,
        schedule_key,
    };
    queue(db, site, actor, &round, &recipients, batch).await
}

/// How many mails of a kind each contact got in the round (cancelled ones not counted).
async fn mailed(
    db: &impl ConnectionTrait,
    round_id: i32,
    kind: MailKind,
) -> anyhow::Result<HashMap<i32, usize>> {
    let mut out = HashMap::new();
    for row in outbox_row::Entity::find()
        .filter(outbox_row::Column::RoundId.eq(round_id))
        .filter(outbox_row::Column::Kind.eq(kind.key()))
        .filter(outbox_row::Column::Status.ne(outbox::CANCELLED))
        .all(db)
        .await
        .context("read outbox")?
    {
        if let Some(user) = row.user_id {
            *out.entry(user).or_insert(0) += 1;
        }
    }
    Ok(out)
}
