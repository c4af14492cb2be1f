//! Personal links a coordinator asks for (the login page) or a colleague is invited with: a
//! fresh link per institution to its newest round, by e-mail.

use anyhow::Context;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::invitations::{contacts_of, queue, BatchKind, Contact, Site};
use crate::backend::audit::Actor;
use crate::backend::entities::round;
use crate::domain::mail::MailKind;

/// A personal link a coordinator asked for (on the login page, by e-mail address): for each
/// institution the address is an active coordinator of, a fresh link to the institution's newest
/// round is mailed (in the coordinator's language). Earlier links keep working. Returns the number
/// of mails queued: none for an address that is not an active coordinator's (the caller answers
/// the same either way).
pub async fn send(
    db: &DatabaseConnection,
    site: &Site,
    email: &str,
    ip: Option<String>,
) -> anyhow::Result<usize> {
    let newest = newest_rounds_of(db, email).await?;
    let mut mails = 0;
    for (round, contact) in newest {
        let actor = Actor {
            user_id: Some(contact.user_id),
            email: contact.email.clone(),
            ip: ip.clone(),
        };
        let batch = BatchKind {
            kind: MailKind::PersonalLink,
            revoke_earlier: false,
            schedule_key: None,
        };
        let queued = queue(db, site, Some(&actor), &round, &[contact], batch)
            .await
            .map_err(|e| anyhow::anyhow!(e).context("queue a requested link"))?;
        mails += queued.mails;
    }
    Ok(mails)
}

/// Per institution that `email` is an active coordinator of: its newest round (by year, then the
/// newest made) and the coordinator as that round's contact. Two queries, however many rounds.
async fn newest_rounds_of(
    db: &impl ConnectionTrait,
    email: &str,
) -> anyhow::Result<Vec<(round::Model, Contact)>> {
    let mut newest: Vec<Contact> = Vec::new();
    for contact in contacts_of(db, email).await? {
        if !newest
            .iter()
            .any(|c| c.institution_id == contact.institution_id)
        {
            newest.push(contact);
        }
    }
    let rounds = round::Entity::find()
        .filter(round::Column::Id.is_in(newest.iter().map(|c| c.round_id)))
        .all(db)
        .await
        .context("read rounds")?;
    Ok(newest
        .into_iter()
        .filter_map(|c| Some((rounds.iter().find(|r| r.id == c.round_id)?.clone(), c)))
        .collect())
}
