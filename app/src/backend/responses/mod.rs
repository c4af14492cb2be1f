//! One institution's response: who may read and change it, saving answers (refusing stale writes),
//! submitting, and the comparison with other institutions of the round.

mod access;
mod comparison;
mod copy;
mod document;
mod row;
mod save;
mod store;
mod submit;

pub use access::{definition, load, of_user, open};
pub use comparison::distributions;
pub use copy::{pdf_copy, Submission};
pub(crate) use document::document_column;
pub use document::{answers, as_answers, document, parse_document, store_answers, StoredAnswer};
pub(crate) use row::touch_sql;
pub use save::{save, save_by};
pub use store::{AnswerStore, Change, ResponseRows, Saved};
pub use submit::{editor_names, submit};

use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};

use super::auth::CurrentUser;
use super::entities::{institution, response, round};
use crate::domain::questionnaire::Definition;
use crate::domain::response::{AnswerError, Evaluation, ResponseStatus};
use crate::domain::round::RoundPhase;
use crate::domain::Role;

/// Why a response could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum ResponseError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("the round is not open")]
    RoundClosed,
    #[error("the response has been submitted")]
    Submitted,
    #[error("answers do not fit their items")]
    Invalid(Vec<(String, AnswerError)>),
    #[error("answers were changed by someone else")]
    Stale(Vec<StaleAnswer>),
    #[error("the response is not complete")]
    Incomplete(Box<Evaluation>),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// The answer as it is now, when a write was based on an older one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaleAnswer {
    pub key: String,
    pub value: String,
    pub revision: i32,
    pub by: Option<String>,
    pub at: DateTime<Utc>,
}

/// A response with what is needed to work on it.
#[derive(Clone, Debug)]
pub struct ResponseContext {
    pub response: response::Model,
    /// The response's status, parsed when it was read.
    status: ResponseStatus,
    pub round: round::Model,
    pub institution: institution::Model,
    pub definition: Arc<Definition>,
}

/// A stored status, read strictly: a name this version does not know is an error, never a
/// plausible default.
pub fn status_of(row: &response::Model) -> anyhow::Result<ResponseStatus> {
    ResponseStatus::parse(&row.status)
        .with_context(|| format!("response {} has an unknown status {:?}", row.id, row.status))
}

impl ResponseContext {
    pub fn status(&self) -> ResponseStatus {
        self.status
    }

    /// Whether the round accepts answers now.
    pub fn round_open(&self, now: DateTime<Utc>) -> bool {
        self.round.phase(now) == crate::domain::round::RoundPhase::Open
    }

    /// Whether coordinators can change answers now.
    pub fn editable(&self, now: DateTime<Utc>) -> bool {
        self.round_open(now) && self.status().editable()
    }
}

/// Whether `user` may work on (or, for admins, read) a response of `institution` in `round`.
/// A personal link's session reaches its own institution: the response of its round, and the
/// responses of closed rounds to read (a coordinator needs last year's answers all year).
pub fn may_access(user: &CurrentUser, ctx: &ResponseContext, write: bool) -> bool {
    match user.me.role {
        Role::Admin => !write,
        Role::Researcher => false,
        Role::Coordinator => {
            let bound = user.me.institutions.contains(&ctx.institution.code);
            let in_scope = user
                .scope
                .is_none_or(|s| s.institution_id == ctx.institution.id);
            bound && in_scope && link_reaches(user, &ctx.round, write)
        }
    }
}

/// Whether a personal link's session reaches a response of `round` (of its own institution): its
/// own round, and closed rounds to read. Other sessions: every round.
pub(super) fn link_reaches(user: &CurrentUser, round: &round::Model, write: bool) -> bool {
    let closed = || round.phase(Utc::now()) == RoundPhase::Closed;
    user.scope
        .is_none_or(|s| s.round_id == round.id || (!write && closed()))
}
