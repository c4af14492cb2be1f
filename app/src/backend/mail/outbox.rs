//! The outbox: a mail is a row, written in the transaction that decides to send it, and delivered
//! later by the worker. A row is claimed with a lease before it is sent and marked right after the
//! SMTP server answered, so a crash loses nothing; a mail whose lease ran out unanswered is sent
//! again with the same Message-ID, which mail programs treat as the same message.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use lettre::message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult,
    QueryFilter, Set, Statement,
};

use super::transport::{SendError, Transport};
use crate::backend::entities::outbox;
use crate::domain::mail::{MailKind, Rendered};

/// Outbox row states.
pub const QUEUED: &str = "queued";
pub const SENDING: &str = "sending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";
pub const BOUNCED: &str = "bounced";
pub const CANCELLED: &str = "cancelled";

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

#[derive(Debug, FromQueryResult)]
struct Claimed {
    id: i32,
}

/// Claims up to `limit` due mails (queued, or sending with an expired lease) for `lease`.
async fn claim(
    db: &DatabaseConnection,
    limit: u64,
    lease: chrono::Duration,
) -> anyhow::Result<Vec<outbox::Model>> {
    let now = Utc::now();
    let backend = db.get_database_backend();
    let skip_locked = if backend == DbBackend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE outbox SET status = '{SENDING}', attempts = attempts + 1, next_attempt_at = $1 \
         WHERE id IN (SELECT id FROM outbox WHERE status IN ('{QUEUED}', '{SENDING}') \
         AND next_attempt_at <= $2 ORDER BY id LIMIT $3{skip_locked}) RETURNING id"
    );
    let ids: Vec<i32> = Claimed::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [(now + lease).into(), now.into(), (limit as i64).into()],
    ))
    .all(db)
    .await
    .context("claim mails")?
    .into_iter()
    .map(|c| c.id)
    .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = outbox::Entity::find()
        .filter(outbox::Column::Id.is_in(ids))
        .all(db)
        .await
        .context("read claimed mails")?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// A mail that is delivered, given up or cancelled forgets what it said: its bodies hold a
/// personal link, its attachment the answers.
fn forget_contents(
    update: sea_orm::UpdateMany<outbox::Entity>,
) -> sea_orm::UpdateMany<outbox::Entity> {
    update
        .col_expr(
            outbox::Column::BodyText,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            outbox::Column::BodyHtml,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            outbox::Column::Attachment,
            Expr::value(Option::<Vec<u8>>::None),
        )
}

async fn finish(
    db: &DatabaseConnection,
    id: i32,
    status: &str,
    error: Option<String>,
    sent_at: Option<DateTime<Utc>>,
) -> anyhow::Result<()> {
    forget_contents(outbox::Entity::update_many())
        .col_expr(outbox::Column::Status, Expr::value(status))
        .col_expr(outbox::Column::LastError, Expr::value(error))
        .col_expr(outbox::Column::SentAt, Expr::value(sent_at))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::Status.eq(SENDING))
        .exec(db)
        .await
        .context("mark mail")?;
    Ok(())
}

async fn retry_later(
    db: &DatabaseConnection,
    id: i32,
    at: DateTime<Utc>,
    error: String,
) -> anyhow::Result<()> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(QUEUED))
        .col_expr(outbox::Column::LastError, Expr::value(Some(error)))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(at))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::Status.eq(SENDING))
        .exec(db)
        .await
        .context("reschedule mail")?;
    Ok(())
}

/// Cancels the queued reminders of an institution in a round (it has just submitted).
pub async fn cancel_reminders(
    db: &impl ConnectionTrait,
    round_id: i32,
    institution_id: i32,
) -> anyhow::Result<u64> {
    Ok(forget_contents(outbox::Entity::update_many())
        .col_expr(outbox::Column::Status, Expr::value(CANCELLED))
        .filter(outbox::Column::RoundId.eq(round_id))
        .filter(outbox::Column::InstitutionId.eq(institution_id))
        .filter(outbox::Column::Kind.eq(MailKind::Reminder.key()))
        .filter(outbox::Column::Status.eq(QUEUED))
        .exec(db)
        .await
        .context("cancel reminders")?
        .rows_affected)
}

/// How the worker sends.
#[derive(Clone, Debug)]
pub struct WorkerSettings {
    /// The sender, such as `MIV-mbo <noreply@example.nl>`.
    pub from: Mailbox,
    /// Mails per second at most.
    pub per_second: u32,
    /// Mails in flight at once.
    pub concurrency: usize,
    /// How long a claimed mail stays with this process before another may send it.
    pub lease_secs: i64,
    /// Attempts before a temporarily failing mail is given up.
    pub max_attempts: i32,
    /// Seconds before the first retry; doubled with every further attempt.
    pub retry_secs: i64,
    /// How often to look for due mails when there were none.
    pub poll_ms: u64,
}

/// The delay before attempt `attempts + 1`: `first` seconds, doubling, at most an hour.
pub fn backoff(attempts: i32, first: i64) -> chrono::Duration {
    let secs = first.saturating_mul(1 << attempts.clamp(1, 8).saturating_sub(1));
    chrono::Duration::seconds(secs.min(3600))
}

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
async fn deliver(
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

/// Delivers due mails until the process ends: keeps `concurrency` mails in flight, no faster
/// than `per_second`, claiming a few more whenever its claimed ones run out.
pub async fn run(db: DatabaseConnection, transport: Arc<Transport>, settings: WorkerSettings) {
    let gap = Duration::from_secs_f64(1.0 / f64::from(settings.per_second.max(1)));
    let mut ticker = tokio::time::interval(gap);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let permits = Arc::new(tokio::sync::Semaphore::new(settings.concurrency.max(1)));
    let lease = chrono::Duration::seconds(settings.lease_secs.max(1));
    let settings = Arc::new(settings);
    let mut claimed: VecDeque<outbox::Model> = VecDeque::new();
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        if claimed.is_empty() {
            match claim(&db, (settings.concurrency * 4) as u64, lease).await {
                Ok(rows) => claimed.extend(rows),
                Err(e) => {
                    tracing::error!(error = format!("{e:#}"), "outbox: cannot claim mails");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            }
        }
        let Some(row) = claimed.pop_front() else {
            drop(permit);
            tokio::time::sleep(Duration::from_millis(settings.poll_ms)).await;
            continue;
        };
        ticker.tick().await;
        let (db, transport, settings) = (db.clone(), transport.clone(), settings.clone());
        tokio::spawn(async move {
            let id = row.id;
            if let Err(e) = deliver(&db, &transport, &settings, row).await {
                tracing::error!(mail = id, error = format!("{e:#}"), "outbox: cannot record");
            }
            drop(permit);
        });
    }
}
