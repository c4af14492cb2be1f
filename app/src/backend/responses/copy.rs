//! A response's copy as a PDF: blank, in progress or submitted, with the answers as the
//! coordinator gave them and last year's confirmed answers marked (see [`crate::backend::pdf`]).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::document::{answers, as_answers};
use super::ResponseContext;
use crate::backend::pdf::{self, Copy, CopyKind};
use crate::backend::users;
use crate::domain::response::ResponseStatus;
use crate::domain::time;
use crate::i18n::Lang;

/// Who submitted and when, for a copy made at the moment of submission (the receipt's).
pub struct Submission {
    pub by: String,
    pub at: DateTime<Utc>,
}

/// The copy of `ctx`'s response in `lang`: blank, or with its answers as stored. A submitted
/// response's copy names who submitted it and when (`submission` when it is being submitted).
#[tracing::instrument(skip_all, fields(response = ctx.response.id, institution = %ctx.institution.code))]
pub async fn pdf_copy(
    db: &impl ConnectionTrait,
    ctx: &ResponseContext,
    blank: bool,
    lang: Lang,
    submission: Option<Submission>,
) -> anyhow::Result<Vec<u8>> {
    let stored = if blank {
        Vec::new()
    } else {
        answers(db, ctx.response.id).await?
    };
    let confirmed: BTreeSet<String> = stored
        .iter()
        .filter(|a| !a.prefilled && a.previous.as_deref() == Some(a.value.as_str()))
        .map(|a| a.item_key.clone())
        .collect();
    let submitted = submission.is_some() || ctx.status() == ResponseStatus::Submitted;
    let kind = match (blank, submitted) {
        (true, _) => CopyKind::Blank,
        (false, true) => CopyKind::Submitted,
        (false, false) => CopyKind::InProgress,
    };
    let submission = match submission {
        Some(s) => Some(s),
        None if kind == CopyKind::Submitted => submitted_by(db, ctx).await?,
        None => None,
    };
    let date = submission.as_ref().map_or_else(Utc::now, |s| s.at);
    let answers = as_answers(&stored);
    pdf::response_copy(&Copy {
        kind,
        definition: &ctx.definition,
        lang,
        institution: format!("{} ({})", ctx.institution.name, ctx.institution.code),
        round: ctx.round.name.clone(),
        version: ctx.response.version_id,
        date: time::format_local(date),
        submitted_by: submission.map(|s| s.by),
        answers: &answers,
        confirmed: &confirmed,
    })
}

/// Who submitted the response and when, as stored.
async fn submitted_by(
    db: &impl ConnectionTrait,
    ctx: &ResponseContext,
) -> anyhow::Result<Option<Submission>> {
    let Some(at) = ctx.response.submitted_at else {
        return Ok(None);
    };
    let by = match ctx.response.submitted_by {
        Some(id) => users::find_by_id(db, id)
            .await?
            .map(|u| format!("{} ({})", u.display_name, u.email))
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(Some(Submission { by, at }))
}
