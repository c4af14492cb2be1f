//! Putting a mail in the outbox.

use anyhow::Context;
use chrono::Utc;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use super::QUEUED;
use crate::backend::entities::outbox;
use crate::domain::mail::{MailKind, Rendered};

/// A mail to queue.
#[derive(Clone, Debug)]
pub struct NewMail {
    pub kind: MailKind,
    pub round_id: Option<i32>,
    pub institution_id: Option<i32>,
    pub user_id: Option<i32>,
    pub recipient: String,
    pub language: String,
    pub rendered: Rendered,
    /// A file to attach: its name and bytes.
    pub attachment: Option<(String, Vec<u8>)>,
}

/// Queues mails; call inside the transaction that decides to send them.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    batch_id: Option<i32>,
    mails: Vec<NewMail>,
    domain: &str,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let rows: Vec<outbox::ActiveModel> = mails
        .into_iter()
        .map(|m| outbox::ActiveModel {
            batch_id: Set(batch_id),
            kind: Set(m.kind.key().into()),
            round_id: Set(m.round_id),
            institution_id: Set(m.institution_id),
            user_id: Set(m.user_id),
            recipient: Set(m.recipient),
            language: Set(m.language),
            subject: Set(m.rendered.subject),
            body_text: Set(Some(m.rendered.text)),
            body_html: Set(Some(m.rendered.html)),
            attachment_name: Set(m.attachment.as_ref().map(|(name, _)| name.clone())),
            attachment: Set(m.attachment.map(|(_, bytes)| bytes)),
            message_id: Set(format!("<{}@{domain}>", uuid::Uuid::new_v4())),
            status: Set(QUEUED.into()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            last_error: Set(None),
            created_at: Set(now),
            sent_at: Set(None),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(200) {
        outbox::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await
            .context("queue mails")?;
    }
    Ok(())
}
