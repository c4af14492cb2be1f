//! The survey's plain-HTML paths: `POST /vragenlijst/{id}/deel/{section}` saves a section posted
//! as a form (without WASM, or when the user presses a button) and redirects; `GET /r/{token}`
//! opens a coordinator's personal link.

use std::collections::BTreeMap;

use app::api::survey::page;
use app::api::SurveyNotice;
use app::backend::auth::{create_scoped_session, session_cookie, Scope};
use app::backend::middleware::{ClientIp, Viewer};
use app::backend::responses::{self, Change, ResponseError};
use app::backend::{rounds, AppState};
use app::domain::response::{answer_keys, evaluate, normalise};
use app::domain::time;
use app::i18n::Lang;
use axum::extract::{Form, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

/// What a section form posts: `a:<key>` answers (repeated for multiple choice), `r:<key>` the
/// revision and `o:<key>` the value the page was rendered with, `go` where to go next,
/// `confirm` an item whose answer from last year is confirmed unchanged, and `confirm_all` to
/// confirm every answer from last year in the section (as they stand on the form).
pub async fn post_section(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((id, section)): Path<(i32, String)>,
    headers: axum::http::HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let here = format!("/vragenlijst/{id}/deel/{section}");
    let Some(user) = viewer.0 else {
        return Redirect::to(&format!("/inloggen?next={here}")).into_response();
    };
    let lang = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Nl, Lang::from_cookie_header);
    let ctx = match responses::open(&state, &user, id, true).await {
        Ok(ctx) => ctx,
        Err(ResponseError::NotFound) => {
            return (StatusCode::NOT_FOUND, "Niet gevonden / Not found").into_response()
        }
        Err(ResponseError::Forbidden) => {
            return (StatusCode::FORBIDDEN, "Geen toegang / Forbidden").into_response()
        }
        Err(error) => return internal(error),
    };
    let def = ctx.definition.clone();
    let Some(sec) = def.sections.iter().find(|s| s.key == section) else {
        return (StatusCode::NOT_FOUND, "Niet gevonden / Not found").into_response();
    };
    let mut posted: BTreeMap<String, String> = BTreeMap::new();
    let (mut revs, mut origs) = (BTreeMap::new(), BTreeMap::new());
    let (mut go, mut confirm, mut confirm_all) = (None, None, false);
    for (name, value) in fields {
        if let Some(k) = name.strip_prefix(page::ANSWER) {
            let entry = posted.entry(k.to_owned()).or_default();
            if !entry.is_empty() {
                entry.push(' ');
            }
            entry.push_str(&value);
        } else if let Some(k) = name.strip_prefix(page::REVISION) {
            revs.insert(k.to_owned(), value.parse::<i32>().unwrap_or(0));
        } else if let Some(k) = name.strip_prefix(page::SAVED) {
            origs.insert(k.to_owned(), value);
        } else if name == "go" {
            go = Some(value);
        } else if name == "confirm" {
            confirm = Some(value);
        } else if name == "confirm_all" {
            confirm_all = true;
        }
    }
    let stored = match responses::answers(&state.db, id).await {
        Ok(rows) => rows,
        Err(error) => return internal(error),
    };
    let mut merged = responses::as_answers(&stored);
    let mut candidates = Vec::new();
    for item in &sec.items {
        for (k, _) in answer_keys(item) {
            let value = posted.get(&k).cloned().unwrap_or_default();
            let orig = origs.get(&k).cloned().unwrap_or_default();
            let confirmed = confirm.as_deref() == Some(item.key.as_str())
                || (confirm_all && stored.iter().any(|a| a.item_key == k && a.prefilled));
            if value.trim() == orig.trim() && !confirmed {
                continue;
            }
            let checked = normalise(&def, &k, &value);
            match &checked {
                Ok(Some(v)) => {
                    merged.insert(k.clone(), v.clone());
                }
                Ok(None) => {
                    merged.remove(&k);
                }
                Err(_) => {}
            }
            candidates.push((item.key.clone(), k, value, checked));
        }
    }
    let applicable = evaluate(&def, &merged, time::today(chrono::Utc::now())).applicable;
    let mut notice = SurveyNotice {
        response_id: id,
        ..SurveyNotice::default()
    };
    let mut changes = Vec::new();
    for (item_key, k, value, checked) in candidates {
        if !applicable.contains(&item_key) {
            continue;
        }
        if let Err(e) = checked {
            let label = def
                .item(&item_key)
                .map(|i| i.label.get(lang).to_owned())
                .unwrap_or_default();
            notice
                .messages
                .push(format!("{label}: {}", e.message().get(lang)));
            notice.values.insert(k, value);
            continue;
        }
        changes.push(Change {
            base: revs.get(&k).copied().unwrap_or(0),
            key: k,
            value,
        });
    }
    let mut target = go
        .filter(|g| g.starts_with(&format!("/vragenlijst/{id}/")) && !g.contains("//"))
        .unwrap_or_else(|| here.clone());
    match responses::save(
        &state.db,
        Some(&state.answers),
        &ctx,
        Some(user.me.id),
        &changes,
        Some(&section),
    )
    .await
    {
        Ok(_) => {}
        Err(ResponseError::Stale(stale)) => {
            for s in stale {
                let mine = changes
                    .iter()
                    .find(|c| c.key == s.key)
                    .map(|c| c.value.clone())
                    .unwrap_or_default();
                let who =
                    s.by.unwrap_or_else(|| lang.pick("een collega", "a colleague").into());
                let label = def
                    .item(s.key.split('.').next().unwrap_or(""))
                    .map(|i| i.label.get(lang).to_owned())
                    .unwrap_or_default();
                notice.messages.push(match lang {
                    Lang::Nl => format!("{label}: intussen gewijzigd door {who} ({}). Het huidige antwoord staat in het formulier; uw antwoord ({mine}) is niet opgeslagen.", time::format_local(s.at)),
                    Lang::En => format!("{label}: changed meanwhile by {who} ({}). The current answer is in the form; your answer ({mine}) was not saved.", time::format_local(s.at)),
                });
            }
        }
        Err(ResponseError::RoundClosed | ResponseError::Submitted) => {
            notice.messages.push(lang.pick(
                "Deze vragenlijst kan niet meer worden gewijzigd: de ronde is gesloten of de antwoorden zijn ingediend. Er is niets opgeslagen.",
                "This questionnaire can no longer be changed: the round is closed or the answers have been submitted. Nothing was saved.").into());
        }
        Err(ResponseError::Invalid(problems)) => {
            for (k, e) in problems {
                notice
                    .messages
                    .push(format!("{k}: {}", e.message().get(lang)));
            }
        }
        Err(error) => return internal(error),
    }
    if !notice.messages.is_empty() {
        notice.id = rand::random();
        target = format!("{here}?melding={}", notice.id);
        state.flash.put_survey(user.session_id, notice);
    }
    Redirect::to(&target).into_response()
}

fn internal(error: impl Into<anyhow::Error>) -> Response {
    let error = error.into();
    tracing::error!(error = format!("{error:#}"), "survey form failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Er ging iets mis / Something went wrong",
    )
        .into_response()
}

/// The page a personal link opens: a button that starts the session. Opening a link changes
/// nothing (a GET that logged the browser in would let another site log a visitor in as someone
/// else, and mail scanners that follow links would use them up): the button posts the token back
/// to [`open_link`]. The token is in the address, so the page sends no referrer.
pub async fn link_page(Path(token): Path<String>, headers: axum::http::HeaderMap) -> Response {
    let lang = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Nl, Lang::from_cookie_header);
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

/// Opens a personal link (the button of [`link_page`]): a session limited to the link's round and
/// institution, ending when the link is revoked or reissued, after the configured hours (or when
/// the round closes), or after a while without use. Failed attempts slow their address down.
pub async fn open_link(
    State(state): State<AppState>,
    ip: Option<Extension<ClientIp>>,
    Path(token): Path<String>,
) -> Response {
    let ip = ip.map(|Extension(ip)| ip.0).unwrap_or_default();
    let key = format!("link:{ip}");
    let delay = link_delay(state.link_limiter.count(&key));
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let redeemed = match rounds::redeem_link(&state.db, &token).await {
        Ok(found) => found,
        Err(error) => return internal(error),
    };
    let Some(link) = redeemed else {
        state.link_limiter.record(&key);
        tracing::warn!(ip, "personal link refused");
        return (
            [(header::REFERRER_POLICY, "no-referrer")],
            Redirect::to("/inloggen?link=ongeldig"),
        )
            .into_response();
    };
    let scope = Scope {
        round_id: link.round_id,
        institution_id: link.institution_id,
    };
    let hours = state.settings.link_sessions.hours;
    let expires_at = link
        .closes_at
        .min(chrono::Utc::now() + chrono::Duration::hours(hours));
    let cookie =
        match create_scoped_session(&state.db, link.user_id, expires_at, scope, link.link_id).await
        {
            Ok(token) => token,
            Err(error) => return internal(error),
        };
    let hours = (expires_at - chrono::Utc::now()).num_hours().max(1);
    let target = match link.last_section {
        Some(section) => format!("/vragenlijst/{}/deel/{section}", link.response_id),
        None => format!("/vragenlijst/{}", link.response_id),
    };
    (
        [
            (
                header::SET_COOKIE,
                session_cookie(Some(&cookie), state.settings.secure_cookies, hours),
            ),
            (header::REFERRER_POLICY, "no-referrer".to_owned()),
        ],
        Redirect::to(&target),
    )
        .into_response()
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
