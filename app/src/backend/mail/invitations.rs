//! Inviting a round's contacts and reminding those whose institution has not submitted: the
//! personal links, the mails in the outbox and the batch, all in one transaction. And what
//! happened per recipient.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, QueryFilter, Set, Statement,
};

use super::outbox::{self, NewMail};
use super::templates;
use crate::backend::audit::{self, Actor};
use crate::backend::auth::new_token;
use crate::backend::entities::{mail_batch, outbox as outbox_row, response_link, round};
use crate::domain::mail::{render, Fields, MailKind, Template};
use crate::domain::response::ResponseStatus;
use crate::domain::time;
use crate::i18n::Lang;

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

/// What a send action queued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    pub batch_id: Option<i32>,
    pub mails: usize,
}

/// Where links point and what Message-IDs end in.
#[derive(Clone, Debug)]
pub struct Site {
    pub base_url: String,
    pub mail_domain: String,
}

async fn open_round(db: &impl ConnectionTrait, round_id: i32) -> Result<round::Model, InviteError> {
    let round = round::Entity::find_by_id(round_id)
        .one(db)
        .await
        .context("read round")?
        .ok_or(InviteError::NotFound)?;
    if Utc::now() >= round.closes_at {
        return Err(InviteError::Closed);
    }
    Ok(round)
}

/// The closing moment as a contact reads it.
pub fn deadline(closes_at: DateTime<Utc>, lang: Lang) -> String {
    let local = time::format_local(closes_at);
    match lang {
        Lang::Nl => local,
        Lang::En => format!("{local} (Amsterdam time)"),
    }
}

/// What kind of mail a batch is.
pub(super) struct BatchKind {
    pub kind: MailKind,
    /// Earlier links of the recipients stop working (a fresh link for one contact).
    pub revoke_earlier: bool,
    /// Set for a scheduled run, which happens once.
    pub schedule_key: Option<String>,
}

/// Earlier personal links of these contacts in the round stop working.
async fn revoke_links(
    db: &impl ConnectionTrait,
    round_id: i32,
    contacts: &[Contact],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    response_link::Entity::update_many()
        .col_expr(response_link::Column::RevokedAt, Expr::value(Some(now)))
        .filter(response_link::Column::RoundId.eq(round_id))
        .filter(response_link::Column::UserId.is_in(contacts.iter().map(|c| c.user_id)))
        .filter(response_link::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .with_context(|| format!("revoke earlier links in round {round_id}"))?;
    Ok(())
}

/// A contact's mail with their personal link (`token`), in their language (`templates`: Dutch,
/// English).
fn personal_mail(
    site: &Site,
    round: &round::Model,
    contact: &Contact,
    token: &str,
    kind: MailKind,
    [nl, en]: &[Template; 2],
) -> NewMail {
    let lang = Lang::from_code(&contact.language);
    let mut fields = Fields::new();
    fields.insert("naam", contact.display_name.clone());
    fields.insert("instelling", contact.institution_name.clone());
    fields.insert("ronde", round.name.clone());
    fields.insert("link", format!("{}/r/{token}", site.base_url));
    fields.insert("sluitingsdatum", deadline(round.closes_at, lang));
    NewMail {
        kind,
        round_id: Some(round.id),
        institution_id: Some(contact.institution_id),
        user_id: Some(contact.user_id),
        recipient: contact.email.clone(),
        language: lang.code().into(),
        rendered: render(if lang == Lang::En { en } else { nl }, &fields),
        attachment: None,
    }
}

/// Queues one mail per contact with a new personal link, in one transaction with the batch.
pub(super) async fn queue(
    db: &DatabaseConnection,
    site: &Site,
    actor: Option<&Actor>,
    round: &round::Model,
    recipients: &[Contact],
    batch: BatchKind,
) -> Result<Queued, InviteError> {
    let BatchKind {
        kind,
        revoke_earlier,
        schedule_key,
    } = batch;
    let nl = templates::get(db, kind, Lang::Nl).await?;
    let en = templates::get(db, kind, Lang::En).await?;
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let now = Utc::now();
    let batch = mail_batch::ActiveModel {
        round_id: Set(Some(round.id)),
        kind: Set(kind.key().into()),
        schedule_key: Set(schedule_key.clone()),
        created_by: Set(actor.and_then(|a| a.user_id)),
        created_at: Set(now),
        total: Set(recipients.len() as i32),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let batch = match batch {
        Ok(b) => b,
        // A scheduled run another process already made.
        Err(_) if schedule_key.is_some() => {
            return Ok(Queued {
                batch_id: None,
                mails: 0,
            })
        }
        Err(e) => return Err(anyhow::Error::new(e).context("store batch").into()),
    };
    let templates = [nl, en];
    for chunk in recipients.chunks(500) {
        if revoke_earlier {
            revoke_links(&txn, round.id, chunk, now).await?;
        }
        let mut links = Vec::with_capacity(chunk.len());
        let mut mails = Vec::with_capacity(chunk.len());
        for contact in chunk {
            let (token, hash) = new_token();
            links.push(response_link::ActiveModel {
                token_hash: Set(hash),
                user_id: Set(contact.user_id),
                round_id: Set(round.id),
                institution_id: Set(contact.institution_id),
                created_at: Set(now),
                ..Default::default()
            });
            mails.push(personal_mail(
                site, round, contact, &token, kind, &templates,
            ));
        }
        response_link::Entity::insert_many(links)
            .exec_without_returning(&txn)
            .await
            .context("store links")?;
        outbox::enqueue(&txn, Some(batch.id), mails, &site.mail_domain).await?;
    }
    let empty = Actor {
        user_id: None,
        email: "schedule".into(),
        ip: None,
    };
    audit::record(
        &txn,
        actor.unwrap_or(&empty),
        &format!("mail.{}", kind.key()),
        &format!("round:{}", round.id),
        serde_json::json!({ "batch": batch.id, "mails": recipients.len(), "schedule": schedule_key }),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(Queued {
        batch_id: Some(batch.id),
        mails: recipients.len(),
    })
}

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

/// Sends the scheduled reminders that are due at `now`: for each open round, each configured
/// number of days before closing, once — and only when invitations went out before that moment.
pub async fn run_schedule(
    db: &DatabaseConnection,
    site: &Site,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let rounds = round::Entity::find()
        .filter(round::Column::ClosesAt.gt(now))
        .filter(round::Column::OpensAt.lte(now))
        .filter(round::Column::ReminderDays.ne(""))
        .all(db)
        .await
        .context("read rounds")?;
    let mut queued = 0;
    for r in rounds {
        let first_invitation = mail_batch::Entity::find()
            .filter(mail_batch::Column::RoundId.eq(r.id))
            .filter(mail_batch::Column::Kind.eq(MailKind::Invitation.key()))
            .all(db)
            .await
            .context("read batches")?
            .into_iter()
            .map(|b| b.created_at)
            .min();
        let Some(first_invitation) = first_invitation else {
            continue;
        };
        for days in parse_days(&r.reminder_days) {
            let due = r.closes_at - chrono::Duration::days(i64::from(days));
            if now >= due && due > first_invitation {
                let key = format!("round:{}:reminder:{days}d", r.id);
                match remind(db, site, None, r.id, Some(key)).await {
                    Ok(q) => queued += q.mails,
                    Err(InviteError::Other(e)) => return Err(e),
                    Err(_) => {}
                }
            }
        }
    }
    Ok(queued)
}

/// `7,2` → [7, 2]; anything else is left out (the form checks it).
pub fn parse_days(text: &str) -> Vec<u32> {
    text.split([',', ' ', ';'])
        .filter_map(|d| d.trim().parse::<u32>().ok())
        .filter(|d| (1..=90).contains(d))
        .collect()
}

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

/// Progress of a batch: (done, total), where done counts sent, failed, bounced and cancelled.
pub async fn batch_progress(
    db: &impl ConnectionTrait,
    batch_id: i32,
) -> anyhow::Result<Option<(usize, usize)>> {
    let Some(batch) = mail_batch::Entity::find_by_id(batch_id)
        .one(db)
        .await
        .context("read batch")?
    else {
        return Ok(None);
    };
    let done = outbox_row::Entity::find()
        .filter(outbox_row::Column::BatchId.eq(batch_id))
        .filter(outbox_row::Column::Status.is_not_in([outbox::QUEUED, outbox::SENDING]))
        .all(db)
        .await
        .context("read batch mails")?
        .len();
    Ok(Some((done, batch.total as usize)))
}

/// The round's latest batch: (id, done, total).
pub async fn latest_batch(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> anyhow::Result<Option<(i32, usize, usize)>> {
    use sea_orm::QueryOrder;
    let Some(batch) = mail_batch::Entity::find()
        .filter(mail_batch::Column::RoundId.eq(round_id))
        .order_by_desc(mail_batch::Column::Id)
        .one(db)
        .await
        .context("read batch")?
    else {
        return Ok(None);
    };
    Ok(batch_progress(db, batch.id)
        .await?
        .map(|(done, total)| (batch.id, done, total)))
}

/// Stores a round's reminder schedule.
pub async fn set_schedule(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: i32,
    days: &str,
    max: i32,
) -> Result<(), InviteError> {
    let txn = crate::backend::db::begin(db).await.context("begin")?;
    let done = round::Entity::update_many()
        .col_expr(round::Column::ReminderDays, Expr::value(days))
        .col_expr(round::Column::MaxReminders, Expr::value(max))
        .filter(round::Column::Id.eq(round_id))
        .exec(&txn)
        .await
        .context("store schedule")?;
    if done.rows_affected == 0 {
        return Err(InviteError::NotFound);
    }
    audit::record(
        &txn,
        actor,
        "round.reminders",
        &format!("round:{round_id}"),
        serde_json::json!({ "days": days, "max": max }),
    )
    .await?;
    txn.commit().await.context("commit")?;
    Ok(())
}
