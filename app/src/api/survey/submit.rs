//! Submitting a response and the receipt that confirms it.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::{
    mail::{outbox, templates},
    responses, users,
};
#[cfg(feature = "ssr")]
use crate::domain::mail::{render, Fields, MailKind};

/// Submits the response when it is complete. Its coordinators.
#[server(prefix = "/api", endpoint = "submit_response")]
pub async fn submit_response(id: i32) -> Result<(), ApiError> {
    let state = guard::state()?;
    let user = guard::require_login()?;
    let ctx = responses::open(&state, &user, id, true).await?;
    let receipt = receipt(&state, &user, &ctx)
        .await
        .map_err(ApiError::internal)?;
    responses::submit(
        &state.db,
        &ctx,
        Some(user.me.id),
        receipt.map(|m| (m, state.settings.mail_domain.as_str())),
    )
    .await?;
    state.contexts.clear();
    leptos_axum::redirect(&format!("/vragenlijst/{id}"));
    Ok(())
}

/// The submission receipt for the coordinator who submits, in their language.
#[cfg(feature = "ssr")]
async fn receipt(
    state: &crate::backend::AppState,
    user: &crate::backend::auth::CurrentUser,
    ctx: &crate::backend::responses::ResponseContext,
) -> anyhow::Result<Option<crate::backend::mail::outbox::NewMail>> {
    let Some(account) = users::find_by_id(&state.db, user.me.id).await? else {
        return Ok(None);
    };
    let lang = crate::i18n::Lang::from_code(&account.language);
    let template = templates::get(&state.db, MailKind::Receipt, lang).await?;
    let mut fields = Fields::new();
    fields.insert("naam", account.display_name.clone());
    fields.insert("instelling", ctx.institution.name.clone());
    fields.insert("ronde", ctx.round.name.clone());
    fields.insert(
        "link",
        format!(
            "{}/vragenlijst/{}",
            state.settings.base_url, ctx.response.id
        ),
    );
    // The copy as it is submitted, attached.
    let submission = responses::Submission {
        by: format!("{} ({})", account.display_name, account.email),
        at: chrono::Utc::now(),
    };
    let copy = responses::pdf_copy(&state.db, ctx, false, lang, Some(submission)).await?;
    let name = format!(
        "{}-{}-{}.pdf",
        lang.pick("vragenlijst", "questionnaire"),
        ctx.institution.code,
        ctx.round.year
    );
    Ok(Some(outbox::NewMail {
        kind: MailKind::Receipt,
        round_id: Some(ctx.round.id),
        institution_id: Some(ctx.institution.id),
        user_id: Some(account.id),
        recipient: account.email,
        language: lang.code().into(),
        rendered: render(&template, &fields),
        attachment: Some((name, copy)),
    }))
}
