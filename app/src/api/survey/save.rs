//! Saving answers as the coordinator goes, one change or a batch.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::responses;

/// One answer to save: the value (empty clears it) and the revision it was based on (0: none).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerChange {
    pub key: String,
    pub value: String,
    pub base: i32,
}

/// What a save stored, and where the response stands now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SaveResult {
    pub revisions: Vec<(String, i32)>,
    pub answered: usize,
    pub total: usize,
    pub missing: Vec<String>,
    pub invalid: Vec<(String, String)>,
}

/// Saves answers as they are given. Coordinators of the response's institution, while the round
/// is open and the response not submitted. A stale write is refused with the current value.
#[server(prefix = "/api", endpoint = "save_answers", input = Json)]
pub async fn save_answers(
    id: i32,
    section: Option<String>,
    changes: Vec<AnswerChange>,
) -> Result<SaveResult, ApiError> {
    save(id, section, changes).await
}

#[cfg(feature = "ssr")]
async fn save(
    id: i32,
    section: Option<String>,
    changes: Vec<AnswerChange>,
) -> Result<SaveResult, ApiError> {
    let state = guard::state()?;
    let user = guard::require_login()?;
    let ctx = responses::open(&state, &user, id, true).await?;
    let changes: Vec<responses::Change> = changes
        .into_iter()
        .map(|c| responses::Change {
            key: c.key,
            value: c.value,
            base: c.base,
        })
        .collect();
    let saved = responses::save_by(&state, &ctx, user.me.id, &changes, section.as_deref()).await?;
    let e = saved.evaluation;
    let lang = crate::i18n::detect_lang();
    Ok(SaveResult {
        revisions: saved.revisions,
        answered: e.answered,
        total: e.total,
        missing: e.missing,
        invalid: e
            .invalid
            .into_iter()
            .map(|(k, m)| (k, m.get(lang).to_owned()))
            .collect(),
    })
}
