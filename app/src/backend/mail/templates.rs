//! The templates in use: an administrator's version where there is one, else the built-in one.

use std::collections::HashMap;

use anyhow::Context;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::backend::audit::{self, Actor};
use crate::backend::entities::mail_template;
use crate::domain::mail::{check, MailKind, Template, TemplateProblem};
use crate::i18n::Lang;

/// Every kind and language, with whether an administrator changed it.
pub async fn all(
    db: &impl ConnectionTrait,
) -> anyhow::Result<HashMap<(MailKind, Lang), (Template, bool)>> {
    let stored = mail_template::Entity::find()
        .all(db)
        .await
        .context("read mail templates")?;
    let mut out = HashMap::new();
    for kind in MailKind::ALL {
        for lang in [Lang::Nl, Lang::En] {
            let own = stored
                .iter()
                .find(|t| t.kind == kind.key() && t.language == lang.code());
            let entry = match own {
                Some(t) => (
                    Template {
                        subject: t.subject.clone(),
                        text: t.body_text.clone(),
                        html: t.body_html.clone(),
                    },
                    true,
                ),
                None => (kind.default_template(lang), false),
            };
            out.insert((kind, lang), entry);
        }
    }
    Ok(out)
}

/// The template in use for one kind and language.
pub async fn get(
    db: &impl ConnectionTrait,
    kind: MailKind,
    lang: Lang,
) -> anyhow::Result<Template> {
    let own = mail_template::Entity::find()
        .filter(mail_template::Column::Kind.eq(kind.key()))
        .filter(mail_template::Column::Language.eq(lang.code()))
        .one(db)
        .await
        .context("read mail template")?;
    Ok(match own {
        Some(t) => Template {
            subject: t.subject,
            text: t.body_text,
            html: t.body_html,
        },
        None => kind.default_template(lang),
    })
}

/// Stores an administrator's template after checking it; `None` goes back to the built-in one.
pub async fn save(
    db: &impl ConnectionTrait,
    actor: &Actor,
    kind: MailKind,
    lang: Lang,
    template: Option<Template>,
) -> anyhow::Result<Result<(), Vec<TemplateProblem>>> {
    if let Some(t) = &template {
        let problems = check(kind, t);
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
    }
    mail_template::Entity::delete_many()
        .filter(mail_template::Column::Kind.eq(kind.key()))
        .filter(mail_template::Column::Language.eq(lang.code()))
        .exec(db)
        .await
        .context("replace mail template")?;
    let reset = template.is_none();
    if let Some(t) = template {
        mail_template::ActiveModel {
            kind: Set(kind.key().into()),
            language: Set(lang.code().into()),
            subject: Set(t.subject),
            body_text: Set(t.text),
            body_html: Set(t.html),
            updated_by: Set(actor.user_id),
            updated_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await
        .context("store mail template")?;
    }
    audit::record(
        db,
        actor,
        if reset {
            "mail_template.reset"
        } else {
            "mail_template.update"
        },
        &format!("mail_template:{}:{}", kind.key(), lang.code()),
        serde_json::json!({}),
    )
    .await?;
    Ok(Ok(()))
}
