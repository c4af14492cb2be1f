//! The mail templates: listed, edited, reset and tried out.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::mail::{outbox, templates};
#[cfg(feature = "ssr")]
use crate::domain::{
    mail::{example_fields, render, MailKind, Template},
    Role,
};
#[cfg(feature = "ssr")]
use crate::i18n::Lang;

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
                .map(|p| crate::api::error::FieldError {
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
