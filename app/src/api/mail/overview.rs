//! The mail page's dashboard: per recipient the stage its invitation reached.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::{
    mail::invitations::{self},
    rounds,
};
#[cfg(feature = "ssr")]
use crate::domain::{time::format_local, Role};

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
