//! Per recipient what happened to their mail.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{contacts, Contact};
use crate::backend::entities::{outbox as outbox_row, response_link};
use crate::backend::mail::outbox;
use crate::domain::mail::MailKind;

/// What happened per recipient, the furthest step first.
#[derive(Clone, Debug)]
pub struct RecipientStatus {
    pub contact: Contact,
    /// Status of the latest invitation mail (queued, sending, sent, failed, bounced), if any.
    pub invitation: Option<outbox_row::Model>,
    pub reminders: usize,
    pub last_reminder: Option<outbox_row::Model>,
    pub opened_at: Option<DateTime<Utc>>,
    pub links: usize,
}

impl RecipientStatus {
    /// The furthest step: submitted, started, opened, bounced, failed, sent, queued, not invited.
    pub fn stage(&self) -> &'static str {
        let mail = self.invitation.as_ref().map(|m| m.status.as_str());
        match self.contact.status.as_str() {
            "submitted" => "submitted",
            "in_progress" | "reopened" if self.opened_at.is_some() => "started",
            _ if self.opened_at.is_some() => "opened",
            _ => match mail {
                Some(outbox::SENT) => "sent",
                Some(outbox::FAILED) => "failed",
                Some(outbox::BOUNCED) => "bounced",
                Some(outbox::CANCELLED) | None => "not_invited",
                Some(_) => "queued",
            },
        }
    }
}

/// Every contact of a round with what happened.
pub async fn statuses(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> anyhow::Result<Vec<RecipientStatus>> {
    let contacts = contacts(db, round_id).await?;
    let mails = outbox_row::Entity::find()
        .filter(outbox_row::Column::RoundId.eq(round_id))
        .all(db)
        .await
        .context("read outbox")?;
    let links = response_link::Entity::find()
        .filter(response_link::Column::RoundId.eq(round_id))
        .all(db)
        .await
        .context("read links")?;
    let mut by_user: HashMap<i32, Vec<&outbox_row::Model>> = HashMap::new();
    for m in &mails {
        if let Some(u) = m.user_id {
            by_user.entry(u).or_default().push(m);
        }
    }
    let mut opened: HashMap<i32, (Option<DateTime<Utc>>, usize)> = HashMap::new();
    for l in &links {
        let e = opened.entry(l.user_id).or_insert((None, 0));
        e.1 += 1;
        if let Some(at) = l.first_used_at {
            e.0 = Some(e.0.map_or(at, |x: DateTime<Utc>| x.min(at)));
        }
    }
    Ok(contacts
        .into_iter()
        .map(|c| {
            let own = by_user.get(&c.user_id).cloned().unwrap_or_default();
            let latest = |kind: MailKind| {
                own.iter()
                    .filter(|m| m.kind == kind.key())
                    .max_by_key(|m| m.id)
                    .map(|m| (*m).clone())
            };
            let reminders = own
                .iter()
                .filter(|m| m.kind == MailKind::Reminder.key() && m.status != outbox::CANCELLED)
                .count();
            let (opened_at, links) = opened.get(&c.user_id).copied().unwrap_or((None, 0));
            RecipientStatus {
                invitation: latest(MailKind::Invitation),
                last_reminder: latest(MailKind::Reminder),
                reminders,
                opened_at,
                links,
                contact: c,
            }
        })
        .collect())
}
