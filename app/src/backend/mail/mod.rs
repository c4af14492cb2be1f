//! E-mail: templates, the outbox and its worker, invitations and reminders, and the transports.

pub mod invitations;
pub mod links;
pub mod outbox;
pub mod templates;
pub mod transport;
