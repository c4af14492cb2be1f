//! The survey's plain-HTML paths: `POST /vragenlijst/{id}/deel/{section}` saves a section posted
//! as a form (without WASM, or when the user presses a button) and redirects; `GET /r/{token}`
//! opens a coordinator's personal link.

use app::api::error::stale_text;
use app::api::survey::page;
use app::api::{ApiError, SurveyNotice};
use app::backend::auth::{create_scoped_session, session_cookie, Scope};
use app::backend::middleware::{ClientIp, Viewer};
use app::backend::responses::{self, Change, ResponseError, StoredAnswer};
use app::backend::{rounds, AppState};
use app::domain::questionnaire::{Definition, Section};
use app::domain::response::{answer_keys, evaluate, normalise};
use app::domain::time;
use app::i18n::Lang;
use axum::extract::{Form, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

use super::error::RouteError;

/// `POST /vragenlijst/{id}/deel/{section}`: a section form (see [`page::SectionPost`]). Saves
/// what changed and applies, then redirects to where the form asked to go; what could not be
/// saved goes back to this section as a notice, with the values as typed.
pub async fn post_section(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((id, section)): Path<(i32, String)>,
    headers: axum::http::HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, RouteError> {
    let here = format!("/vragenlijst/{id}/deel/{section}");
    let Some(user) = viewer.0 else {
        return Ok(Redirect::to(&format!("/inloggen?next={here}")).into_response());
    };
    let lang = lang_of(&headers);
    let ctx = responses::open(&state, &user, id, true).await?;
    let sec = ctx
        .definition
        .sections
        .iter()
        .find(|s| s.key == section)
        .ok_or(RouteError::NotFound)?;
    let post = page::SectionPost::read(fields);
    let stored = responses::answers(&state.db, id).await?;
    let mut notice = SurveyNotice {
        response_id: id,
        ..SurveyNotice::default()
    };
    let changes = changes_of(&ctx.definition, sec, &post, &stored, lang, &mut notice);
    let saved = responses::save_by(&state, &ctx, user.me.id, &changes, Some(&section)).await;
    if let Err(error) = saved {
        notice
            .messages
            .extend(unsaved(error, &ctx.definition, &changes, lang)?);
    }
    let mut target = post.next(id, &here);
    if !notice.messages.is_empty() {
        notice.id = rand::random();
        target = format!("{here}?melding={}", notice.id);
        state.flash.put_survey(user.session_id, notice);
    }
    Ok(Redirect::to(&target).into_response())
}

/// The language of the request's cookie (Dutch without one).
pub(super) fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Nl, Lang::from_cookie_header)
}

/// The changes a section post makes: every answer of the section that differs from the value
/// the page showed (or is confirmed from last year) and applies given the answers after the
/// post. An answer that does not fit its item goes to `notice` (its message and the value as
/// typed) instead.
fn changes_of(
    def: &Definition,
    sec: &Section,
    post: &page::SectionPost,
    stored: &[StoredAnswer],
    lang: Lang,
    notice: &mut SurveyNotice,
) -> Vec<Change> {
    let mut merged = responses::as_answers(stored);
    let mut candidates = Vec::new();
    // Calculations and read-only questions are never posted (a disabled field is not sent).
    for item in sec.items.iter().filter(|i| i.given()) {
        for (k, _) in answer_keys(item) {
            let value = post.answers.get(&k).cloned().unwrap_or_default();
            let orig = post.saved.get(&k).map_or("", String::as_str);
            let confirmed = post.confirm.as_deref() == Some(item.key.as_str())
                || (post.confirm_all && stored.iter().any(|a| a.item_key == k && a.prefilled));
            if value.trim() == orig.trim() && !confirmed {
                continue;
            }
            let checked = normalise(def, &k, &value);
            match &checked {
                Ok(Some(v)) => {
                    merged.insert(k.clone(), v.clone());
                }
                Ok(None) => {
                    merged.remove(&k);
                }
                Err(_) => {}
            }
            candidates.push((&item.key, k, value, checked));
        }
    }
    let applicable = evaluate(def, &merged, time::today(chrono::Utc::now())).applicable;
    let mut changes = Vec::new();
    for (item_key, k, value, checked) in candidates {
        if !applicable.contains(item_key) {
            continue;
        }
        match checked {
            Err(e) => {
                let label = label_of(def, item_key, lang);
                notice
                    .messages
                    .push(format!("{label}: {}", e.message().get(lang)));
                notice.values.insert(k, value);
            }
            Ok(_) => changes.push(Change {
                base: post.revisions.get(&k).copied().unwrap_or(0),
                key: k,
                value,
            }),
        }
    }
    changes
}

/// The label of an item in `lang` (empty for a key the version does not have).
fn label_of(def: &Definition, item_key: &str, lang: Lang) -> String {
    def.item(item_key)
        .map(|i| i.label.get(lang).to_owned())
        .unwrap_or_default()
}

/// What the user reads when a save was refused (a stale answer, a closed round, an answer that
/// does not fit); anything else is an internal error.
fn unsaved(
    error: ResponseError,
    def: &Definition,
    changes: &[Change],
    lang: Lang,
) -> Result<Vec<String>, RouteError> {
    Ok(match error {
        ResponseError::Stale(stale) => stale
            .into_iter()
            .map(|s| {
                let mine = changes
                    .iter()
                    .find(|c| c.key == s.key)
                    .map_or("", |c| c.value.as_str());
                let label = label_of(def, s.key.split('.').next().unwrap_or(""), lang);
                let at = time::format_local(s.at);
                stale_text(lang, &label, s.by.as_deref(), &at, Some(mine))
            })
            .collect(),
        ResponseError::RoundClosed | ResponseError::Submitted => {
            vec![ApiError::Closed.message(lang)]
        }
        ResponseError::Invalid(problems) => problems
            .into_iter()
            .map(|(k, e)| format!("{k}: {}", e.message().get(lang)))
            .collect(),
        error => return Err(error.into()),
    })
}

/// The page a personal link opens: a button that starts the session. Opening a link changes
/// nothing (a GET that logged the browser in would let another site log a visitor in as someone
/// else, and mail scanners that follow links would use them up): the button posts the token back
/// to [`open_link`]. The token is in the address, so the page sends no referrer.
pub async fn link_page(Path(token): Path<String>, headers: axum::http::HeaderMap) -> Response {
    let lang = lang_of(&headers);
    // Only the characters a token has are put back into the page.
    let token: String = token
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(128)
        .collect();
    let (code, title, text, button) = match lang {
        Lang::Nl => (
            "nl",
            "Uw persoonlijke link",
            "Met deze link vult u de vragenlijst van de Monitor Integrale Veiligheid mbo in voor uw instelling.",
            "Open de vragenlijst",
        ),
        Lang::En => (
            "en",
            "Your personal link",
            "With this link you fill in the Monitor Integrale Veiligheid mbo questionnaire for your institution.",
            "Open the questionnaire",
        ),
    };
    let html = format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} — MIV-mbo</title><link rel=\"stylesheet\" href=\"/pkg/miv.css\"></head>\
         <body><main id=\"main\" class=\"page narrow\"><h1>{title}</h1><p>{text}</p>\
         <form method=\"post\" action=\"/r/{token}\"><button type=\"submit\" class=\"primary\">{button}</button></form>\
         </main></body></html>"
    );
    (
        [
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        ],
        html,
    )
        .into_response()
}

/// Failed personal-link attempts an address makes before each further attempt waits.
const LINK_FREE_FAILURES: u32 = 10;

/// How long an attempt waits after `failures` recent failures from its address: nothing for the
/// first [`LINK_FREE_FAILURES`], then 250 ms more per failure, at most 5 s. A slower guesser, not
/// a locked door: behind a shared address (a school's network) a valid link still opens.
fn link_delay(failures: u32) -> std::time::Duration {
    let over = failures.saturating_sub(LINK_FREE_FAILURES);
    std::time::Duration::from_millis(u64::from(over) * 250).min(std::time::Duration::from_secs(5))
}

/// Opens a personal link (the button of [`link_page`]): a session limited to the link's institution
/// (its round to answer, closed rounds to read), ending when the link is revoked or reissued, after
/// the configured hours, or after a while without use. Failed attempts slow their address down.
pub async fn open_link(
    State(state): State<AppState>,
    ip: Option<Extension<ClientIp>>,
    Path(token): Path<String>,
) -> Result<Response, RouteError> {
    let ip = ip.map(|Extension(ip)| ip.0).unwrap_or_default();
    let key = format!("link:{ip}");
    let delay = link_delay(state.link_limiter.count(&key));
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let Some(link) = rounds::redeem_link(&state.db, &token).await? else {
        state.link_limiter.record(&key);
        tracing::warn!(ip, "personal link refused");
        return Ok((
            [(header::REFERRER_POLICY, "no-referrer")],
            Redirect::to("/inloggen?link=ongeldig"),
        )
            .into_response());
    };
    let scope = Scope {
        round_id: link.round_id,
        institution_id: link.institution_id,
    };
    let hours = state.settings.link_sessions.hours;
    let expires_at = chrono::Utc::now() + chrono::Duration::hours(hours);
    let cookie =
        create_scoped_session(&state.db, link.user_id, expires_at, scope, link.link_id).await?;
    let hours = (expires_at - chrono::Utc::now()).num_hours().max(1);
    let target = match link.last_section {
        Some(section) => format!("/vragenlijst/{}/deel/{section}", link.response_id),
        None => format!("/vragenlijst/{}", link.response_id),
    };
    Ok((
        [
            (
                header::SET_COOKIE,
                session_cookie(Some(&cookie), state.settings.secure_cookies, hours),
            ),
            (header::REFERRER_POLICY, "no-referrer".to_owned()),
        ],
        Redirect::to(&target),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_links_slow_an_address_down_but_never_lock_it_out() {
        assert!(link_delay(0).is_zero());
        assert!(link_delay(LINK_FREE_FAILURES).is_zero());
        assert_eq!(
            link_delay(LINK_FREE_FAILURES + 2),
            std::time::Duration::from_millis(500)
        );
        assert_eq!(link_delay(10_000), std::time::Duration::from_secs(5));
    }
}
