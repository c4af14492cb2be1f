//! The worker that sends the outbox, with its back-off.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use sea_orm::DatabaseConnection;

use super::{claim, deliver};
use crate::backend::entities::outbox;
use crate::backend::mail::transport::Transport;

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
