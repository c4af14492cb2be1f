//! Queuing a batch of invitations or reminders in the outbox, once per recipient.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};

use super::{personal_mail, revoke_links, Contact, InviteError, Site};
use crate::backend::audit::{self, Actor};
use crate::backend::auth::new_token;
use crate::backend::entities::{mail_batch, response_link, round};
use crate::backend::mail::outbox;
use crate::backend::mail::templates;
use crate::domain::mail::{MailKind, Template};
use crate::i18n::Lang;

/// What a send action queued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    pub batch_id: Option<i32>,
    pub mails: usize,
}

/// What kind of mail a batch is.
pub(in crate::backend::mail) struct BatchKind {
    pub kind: MailKind,
    /// Earlier links of the recipients stop working (a fresh link for one contact).
    pub revoke_earlier: bool,
    /// Set for a scheduled run, which happens once.
    pub schedule_key: Option<String>,
}

/// Queues one mail per contact with a new personal link, in one transaction with the batch.
pub(in crate::backend::mail) async fn queue(
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
        let (links, mails) = links_and_mails(site, round, chunk, kind, &templates, now);
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

/// A fresh personal link for each contact (to store, hashed) and the mail that carries it.
fn links_and_mails(
    site: &Site,
    round: &round::Model,
    contacts: &[Contact],
    kind: MailKind,
    templates: &[Template; 2],
    now: DateTime<Utc>,
) -> (Vec<response_link::ActiveModel>, Vec<outbox::NewMail>) {
    contacts
        .iter()
        .map(|contact| {
            let (token, hash) = new_token();
            let link = response_link::ActiveModel {
                token_hash: Set(hash),
                user_id: Set(contact.user_id),
                round_id: Set(round.id),
                institution_id: Set(contact.institution_id),
                created_at: Set(now),
                ..Default::default()
            };
            let mail = personal_mail(site, round, contact, &token, kind, templates);
            (link, mail)
        })
        .unzip()
}
