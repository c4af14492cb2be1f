//! The built-in templates: one folder per message kind under `app/templates/mail/`, one folder
//! per language with `subject.txt`, `body.txt` and `body.html`.

use super::{MailKind, Template};
use crate::i18n::Lang;

macro_rules! files {
    ($kind:literal, $lang:literal) => {
        (
            include_str!(concat!(
                "../../../templates/mail/",
                $kind,
                "/",
                $lang,
                "/subject.txt"
            )),
            include_str!(concat!(
                "../../../templates/mail/",
                $kind,
                "/",
                $lang,
                "/body.txt"
            )),
            include_str!(concat!(
                "../../../templates/mail/",
                $kind,
                "/",
                $lang,
                "/body.html"
            )),
        )
    };
}

pub(super) fn template(kind: MailKind, lang: Lang) -> Template {
    let (subject, text, html) = match (kind, lang) {
        (MailKind::Invitation, Lang::Nl) => files!("invitation", "nl"),
        (MailKind::Invitation, Lang::En) => files!("invitation", "en"),
        (MailKind::Reminder, Lang::Nl) => files!("reminder", "nl"),
        (MailKind::Reminder, Lang::En) => files!("reminder", "en"),
        (MailKind::Receipt, Lang::Nl) => files!("receipt", "nl"),
        (MailKind::Receipt, Lang::En) => files!("receipt", "en"),
        (MailKind::PasswordLink, Lang::Nl) => files!("password_link", "nl"),
        (MailKind::PasswordLink, Lang::En) => files!("password_link", "en"),
        (MailKind::PersonalLink, Lang::Nl) => files!("personal_link", "nl"),
        (MailKind::PersonalLink, Lang::En) => files!("personal_link", "en"),
    };
    Template {
        subject: subject.trim().to_owned(),
        text: text.to_owned(),
        html: html.to_owned(),
    }
}
