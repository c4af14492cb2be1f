//! One recipient's personal mail: its link, its round's deadline and its fields.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{Contact, InviteError};
use crate::backend::entities::{response_link, round};
use crate::backend::mail::outbox::NewMail;
use crate::domain::mail::{render, Fields, MailKind, Template};
use crate::domain::time;
use crate::i18n::Lang;

/// Where links point and what Message-IDs end in.
#[derive(Clone, Debug)]
pub struct Site {
    pub base_url: String,
    pub mail_domain: String,
}

pub(super) async fn open_round(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<round::Model, InviteError> {
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

/// Earlier personal links of these contacts in the round stop working.
pub(super) async fn revoke_links(
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
pub(super) fn personal_mail(
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
