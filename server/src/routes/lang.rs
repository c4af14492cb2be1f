//! `POST /taal`: remembers the chosen language in a cookie and returns to the page.

use app::i18n::{Lang, LANG_COOKIE};
use axum::extract::{Form, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use app::backend::AppState;

#[derive(Deserialize)]
pub struct Choice {
    lang: String,
    back: Option<String>,
}

pub async fn switch(
    State(state): State<AppState>,
    Form(choice): Form<Choice>,
) -> impl IntoResponse {
    let lang = Lang::from_code(&choice.lang);
    let back = app::api::auth::safe_next(choice.back.as_deref());
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        lang.code()
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back))
}
