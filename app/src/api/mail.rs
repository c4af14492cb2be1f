//! Invitations, reminders and what happened per recipient, for admins. Sending only queues mails
//! in the outbox; the worker delivers them.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::guard;
use super::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::{
    mail::{
        invitations::{self, Audience},
        outbox, templates,
    },
    rounds,
};
#[cfg(feature = "ssr")]
use crate::domain::{
    mail::{example_fields, render, MailKind, Template},
    time::format_local,
    Role,
};
#[cfg(feature = "ssr")]
use crate::i18n::Lang;

/// One recipient of a round's mails.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecipientView {
    pub user_id: i32,
    pub name: String,
    pub email: String,
    pub language: String,
    pub code: String,
    pub institution: String,
    /// submitted, started, opened, bounced, failed, sent, queued or not_invited.
    pub stage: String,
    pub invited_at: Option<String>,
    pub sent_at: Option<String>,
    pub error: Option<String>,
    pub reminders: usize,
    pub last_reminder_at: Option<String>,
    pub opened_at: Option<String>,
    pub submitted_at: Option<String>,
}

/// A round's mail overview.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MailDashboard {
    pub round_id: i32,
    pub round_name: String,
    pub open: bool,
    pub reminder_days: String,
    pub max_reminders: i32,
    /// Recipients per stage, in a fixed order.
    pub counts: Vec<(String, usize)>,
    pub recipients: Vec<RecipientView>,
    /// The latest batch: (id, done, total).
    pub latest_batch: Option<(i32, usize, usize)>,
}

/// The stages in the order the dashboard shows them.
pub const STAGES: [&str; 8] = [
    "not_invited",
    "queued",
    "sent",
    "failed",
    "bounced",
    "opened",
    "started",
    "submitted",
];

/// A stage's label.
pub fn stage_label(stage: &str, lang: crate::i18n::Lang) -> &'static str {
    use crate::i18n::Lang::*;
    match (stage, lang) {
        ("not_invited", Nl) => "Niet uitgenodigd",
        ("not_invited", En) => "Not invited",
        ("queued", Nl) => "In de wachtrij",
        ("queued", En) => "Queued",
        ("sent", Nl) => "Verstuurd",
        ("sent", En) => "Sent",
        ("failed", Nl) => "Mislukt",
        ("failed", En) => "Failed",
        ("bounced", Nl) => "Geweigerd (bounce)",
        ("bounced", En) => "Bounced",
        ("opened", Nl) => "Link geopend",
        ("opened", En) => "Link opened",
        ("started", Nl) => "Begonnen",
        ("started", En) => "Started",
        ("submitted", Nl) => "Ingediend",
        ("submitted", En) => "Submitted",
        (_, Nl) => "Onbekend",
        (_, En) => "Unknown",
    }
}

/// What a send action queued.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueuedView {
    pub batch_id: Option<i32>,
    pub mails: usize,
}

#[cfg(feature = "ssr")]
pub fn recipient_views(
    rows: Vec<crate::backend::mail::invitations::RecipientStatus>,
) -> Vec<RecipientView> {
    rows.into_iter()
        .map(|r| {
            let stage = r.stage().to_owned();
            let c = r.contact;
            RecipientView {
                user_id: c.user_id,
                name: c.display_name,
                email: c.email,
                language: c.language,
                code: c.code,
                institution: c.institution_name,
                invited_at: r.invitation.as_ref().map(|m| format_local(m.created_at)),
                sent_at: r
                    .invitation
                    .as_ref()
                    .and_then(|m| m.sent_at)
                    .map(format_local),
                error: r.invitation.as_ref().and_then(|m| m.last_error.clone()),
                reminders: r.reminders,
                last_reminder_at: r
                    .last_reminder
                    .as_ref()
                    .map(|m| format_local(m.sent_at.unwrap_or(m.created_at))),
                opened_at: r.opened_at.map(format_local),
                submitted_at: c.submitted_at.map(format_local),
                stage,
            }
        })
        .collect()
}

/// The round's recipients with what happened to each. Admins.
#[server(prefix = "/api", endpoint = "mail_overview")]
pub async fn mail_overview(round_id: i32) -> Result<MailDashboard, ApiError> {
    let state = guard::state()?;
    guard::require(Role::ADMINS)?;
    let round = rounds::find(&state.db, round_id)
        .await
        .map_err(|_| ApiError::NotFound)?
        .round;
    let recipients = recipient_views(invitations::statuses(&state.db, round_id).await?);
    let counts = STAGES
        .iter()
        .map(|s| {
            (
                (*s).to_owned(),
                recipients.iter().filter(|r| r.stage == *s).count(),
            )
        })
        .collect();
    let latest_batch = invitations::latest_batch(&state.db, round_id).await?;
    Ok(MailDashboard {
        round_id,
        round_name: round.name.clone(),
        open: round.phase(chrono::Utc::now()) != crate::domain::round::RoundPhase::Closed,
        reminder_days: round.reminder_days,
        max_reminders: round.max_reminders,
        counts,
        recipients,
        latest_batch,
    })
}

/// Queues invitations: to every contact not yet invited, or (with `user_id`) a fresh link to one
/// contact, whose earlier links stop working. Admins.
#[server(prefix = "/api", endpoint = "send_invitations")]
pub async fn send_invitations(round_id: i32, user_id: Option<i32>) -> Result<QueuedView, ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    let audience = user_id.map_or(Audience::NotYetInvited, Audience::Contact);
    let q = invitations::invite(
        &state.db,
        &state.settings.site(),
        &guard::actor(&admin),
        round_id,
        audience,
    )
    .await?;
    Ok(QueuedView {
        batch_id: q.batch_id,
        mails: q.mails,
    })
}

/// Queues a reminder to the contacts of institutions that have not submitted (up to the round's
/// maximum per contact). Admins.
#[server(prefix = "/api", endpoint = "send_reminders")]
pub async fn send_reminders(round_id: i32) -> Result<QueuedView, ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    let q = invitations::remind(
        &state.db,
        &state.settings.site(),
        Some(&guard::actor(&admin)),
        round_id,
        None,
    )
    .await?;
    Ok(QueuedView {
        batch_id: q.batch_id,
        mails: q.mails,
    })
}

/// Sets when reminders go out (days before closing, such as `7,2`) and the most per contact.
/// Admins.
#[server(prefix = "/api", endpoint = "set_reminders")]
pub async fn set_reminders(round_id: i32, days: String, max: i32) -> Result<(), ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    let parsed = invitations::parse_days(&days);
    let words = days
        .split([',', ' ', ';'])
        .filter(|d| !d.trim().is_empty())
        .count();
    if parsed.len() != words {
        return Err(ApiError::invalid(
            "days",
            "Geef dagen vóór de sluiting als hele getallen van 1 tot en met 90, gescheiden door komma's (bijvoorbeeld 7,2).",
            "Give days before closing as whole numbers from 1 to 90, separated by commas (for example 7,2).",
        ));
    }
    if !(0..=10).contains(&max) {
        return Err(ApiError::invalid(
            "max",
            "Het maximum aantal herinneringen per contactpersoon ligt tussen 0 en 10.",
            "The maximum number of reminders per contact is between 0 and 10.",
        ));
    }
    let text = parsed
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    invitations::set_schedule(&state.db, &guard::actor(&admin), round_id, &text, max)
        .await
        .map_err(ApiError::from)
}

/// A template as the editor shows it, with a preview made with example values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateView {
    pub kind: String,
    pub kind_label: String,
    pub lang: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Changed by an administrator (else the built-in one).
    pub custom: bool,
    pub fields: Vec<String>,
    pub preview: crate::domain::mail::Rendered,
}

#[cfg(feature = "ssr")]
fn parse_kind_lang(
    kind: &str,
    lang: &str,
) -> Result<(crate::domain::mail::MailKind, crate::i18n::Lang), ApiError> {
    let kind = crate::domain::mail::MailKind::parse(kind).ok_or(ApiError::NotFound)?;
    let lang = match lang {
        "nl" => crate::i18n::Lang::Nl,
        "en" => crate::i18n::Lang::En,
        _ => return Err(ApiError::NotFound),
    };
    Ok((kind, lang))
}

/// Every template (each kind in Dutch and English). Admins.
#[server(prefix = "/api", endpoint = "mail_templates")]
pub async fn mail_templates() -> Result<Vec<TemplateView>, ApiError> {
    let state = guard::state()?;
    guard::require(Role::ADMINS)?;
    let ui = crate::i18n::detect_lang();
    let all = templates::all(&state.db).await?;
    let mut out = Vec::new();
    for kind in MailKind::ALL {
        for lang in [Lang::Nl, Lang::En] {
            let Some((t, custom)) = all.get(&(kind, lang)) else {
                continue;
            };
            out.push(TemplateView {
                kind: kind.key().into(),
                kind_label: kind.label(ui).into(),
                lang: lang.code().into(),
                preview: render(t, &example_fields(lang)),
                subject: t.subject.clone(),
                text: t.text.clone(),
                html: t.html.clone(),
                custom: *custom,
                fields: kind
                    .fields()
                    .iter()
                    .map(|f| format!("{{{{{f}}}}}"))
                    .collect(),
            });
        }
    }
    Ok(out)
}

/// Stores an administrator's version of a template after checking its fields. Admins.
#[server(prefix = "/api", endpoint = "save_mail_template")]
pub async fn save_mail_template(
    kind: String,
    lang: String,
    subject: String,
    text: String,
    html: String,
) -> Result<(), ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    let (kind, lang) = parse_kind_lang(&kind, &lang)?;
    let template = Template {
        subject,
        text,
        html,
    };
    match templates::save(&state.db, &guard::actor(&admin), kind, lang, Some(template)).await? {
        Ok(()) => Ok(()),
        Err(problems) => Err(ApiError::Invalid(
            problems
                .iter()
                .map(|p| super::error::FieldError {
                    field: "template".into(),
                    message_nl: p.message(crate::i18n::Lang::Nl, kind),
                    message_en: p.message(crate::i18n::Lang::En, kind),
                })
                .collect(),
        )),
    }
}

/// Goes back to the built-in template. Admins.
#[server(prefix = "/api", endpoint = "reset_mail_template")]
pub async fn reset_mail_template(kind: String, lang: String) -> Result<(), ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    let (kind, lang) = parse_kind_lang(&kind, &lang)?;
    templates::save(&state.db, &guard::actor(&admin), kind, lang, None)
        .await?
        .map_err(|_| ApiError::Internal)
}

/// Queues the template, filled with example values, to the administrator's own address. Admins.
#[server(prefix = "/api", endpoint = "send_test_mail")]
pub async fn send_test_mail(kind: String, lang: String) -> Result<String, ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    let (kind, lang) = parse_kind_lang(&kind, &lang)?;
    let template = templates::get(&state.db, kind, lang).await?;
    let mut rendered = render(&template, &example_fields(lang));
    rendered.subject = format!("[TEST] {}", rendered.subject);
    outbox::enqueue(
        &state.db,
        None,
        vec![outbox::NewMail {
            kind,
            round_id: None,
            institution_id: None,
            user_id: Some(admin.me.id),
            recipient: admin.me.email.clone(),
            language: lang.code().into(),
            rendered,
            attachment: None,
        }],
        &state.settings.mail_domain,
    )
    .await?;
    Ok(admin.me.email.clone())
}
