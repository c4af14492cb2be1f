//! One-shot messages kept in memory per session, read once by the next page render. Used for the
//! one-time password link and new API tokens, so each is shown once whether or not the browser
//! runs WASM, and never stored in plain text in the database.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::types::{NewToken, PasswordLink, SurveyNotice};

#[derive(Default)]
pub struct Flash {
    links: Mutex<HashMap<i32, PasswordLink>>,
    survey: Mutex<HashMap<i32, SurveyNotice>>,
    tokens: Mutex<HashMap<i32, NewToken>>,
}

impl Flash {
    pub fn put_link(&self, session_id: i32, link: PasswordLink) {
        if let Ok(mut links) = self.links.lock() {
            links.insert(session_id, link);
        }
    }

    pub fn take_link(&self, session_id: i32) -> Option<PasswordLink> {
        self.links.lock().ok()?.remove(&session_id)
    }

    /// A new API token, for the next render of the tokens page of this session only.
    pub fn put_token(&self, session_id: i32, token: NewToken) {
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.insert(session_id, token);
        }
    }

    pub fn take_token(&self, session_id: i32) -> Option<NewToken> {
        self.tokens.lock().ok()?.remove(&session_id)
    }

    /// What a plain form post of a survey page could not save, for the page it returns to (one per
    /// session: a newer post replaces it).
    pub fn put_survey(&self, session_id: i32, notice: SurveyNotice) {
        if let Ok(mut all) = self.survey.lock() {
            all.insert(session_id, notice);
        }
    }

    /// The notice of this session's last form post, if it is the one with `id`. It stays until
    /// the next post replaces it, so reloading the page it was shown on shows it again.
    pub fn survey(&self, session_id: i32, id: u64) -> Option<SurveyNotice> {
        self.survey
            .lock()
            .ok()?
            .get(&session_id)
            .filter(|n| n.id == id)
            .cloned()
    }
}
