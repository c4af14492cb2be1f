//! Invitations, reminders and what happened per recipient, for admins. Sending only queues mails
//! in the outbox; the worker delivers them.

mod overview;
mod sending;
mod texts;

#[cfg(feature = "ssr")]
pub use overview::recipient_views;
pub use overview::{
    mail_overview, stage_label, MailDashboard, MailOverview, QueuedView, RecipientView, STAGES,
};
pub use sending::{
    send_invitations, send_reminders, set_reminders, SendInvitations, SendReminders, SetReminders,
};
pub use texts::{
    mail_templates, reset_mail_template, save_mail_template, send_test_mail, MailTemplates,
    ResetMailTemplate, SaveMailTemplate, SendTestMail, TemplateView,
};
