//! Sending a round's invitations and reminders, and the reminder schedule.

use leptos::prelude::*;

use super::QueuedView;
#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::mail::invitations::{self, Audience};
#[cfg(feature = "ssr")]
use crate::domain::Role;

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
