//! The outbox: a mail is a row, written in the transaction that decides to send it, and delivered
//! later by the worker. A row is claimed with a lease before it is sent and marked right after the
//! SMTP server answered, so a crash loses nothing; a mail whose lease ran out unanswered is sent
//! again with the same Message-ID, which mail programs treat as the same message.

mod claim;
mod delivery;
mod enqueue;
mod finish;
mod worker;

use claim::claim;
use delivery::deliver;
use finish::{finish, retry_later};

pub use enqueue::{enqueue, NewMail};
pub use finish::cancel_reminders;
pub use worker::{backoff, run, WorkerSettings};

/// Outbox row states.
pub const QUEUED: &str = "queued";

pub const SENDING: &str = "sending";

pub const SENT: &str = "sent";

pub const FAILED: &str = "failed";

pub const BOUNCED: &str = "bounced";

pub const CANCELLED: &str = "cancelled";
