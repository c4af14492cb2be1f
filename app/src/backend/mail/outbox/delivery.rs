//! Building a message from an outbox row and handing it to the transport.

use anyhow::Context;
use chrono::Utc;
use lettre::message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;
use sea_orm::DatabaseConnection;

use super::{backoff, finish, retry_later, WorkerSettings, BOUNCED, FAILED, SENT};
use crate::backend::entities::outbox;
use crate::backend::mail::transport::{SendError, Transport};

fn message(from: &Mailbox, row: &outbox::Model) -> anyhow::Result<Message> {
    let to: Mailbox = row.recipient.parse().context("recipient address")?;
    let text = row.body_text.clone().unwrap_or_default();
    let html = row.body_html.clone().unwrap_or_default();
    let html = format!(
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n{html}</body></html>\n",
        row.language,
        crate::domain::mail::escape_html(&row.subject)
    );
    let bodies = MultiPart::alternative()
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(text),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(html),
        );
    let body = match (&row.attachment_name, &row.attachment) {
        (Some(name), Some(bytes)) => {
            MultiPart::mixed()
                .multipart(bodies)
                .singlepart(Attachment::new(name.clone()).body(
                    bytes.clone(),
                    ContentType::parse("application/pdf").context("type")?,
                ))
        }
        _ => bodies,
    };
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(row.message_id.clone()))
        .multipart(body)
        .context("build message")
}

/// Sends one claimed mail and records the outcome.
pub(super) async fn deliver(
    db: &DatabaseConnection,
    transport: &Transport,
    settings: &WorkerSettings,
    row: outbox::Model,
) -> anyhow::Result<()> {
    let message = match message(&settings.from, &row) {
        Ok(m) => m,
        Err(e) => return finish(db, row.id, BOUNCED, Some(format!("{e:#}")), None).await,
    };
    match transport.send(message).await {
        Ok(()) => finish(db, row.id, SENT, None, Some(Utc::now())).await,
        Err(SendError::Permanent(reply)) => finish(db, row.id, BOUNCED, Some(reply), None).await,
        Err(SendError::Temporary(error)) if row.attempts >= settings.max_attempts => {
            finish(db, row.id, FAILED, Some(error), None).await
        }
        Err(SendError::Temporary(error)) => {
            tracing::warn!(mail = row.id, attempts = row.attempts, %error, "mail not sent; will retry");
            retry_later(
                db,
                row.id,
                Utc::now() + backoff(row.attempts, settings.retry_secs),
                error,
            )
            .await
        }
    }
}
