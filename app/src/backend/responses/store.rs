//! What a save is given and returns, and the answers this process keeps between saves.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use super::document::StoredAnswer;
use crate::backend::answer_batches::BatchWriter;
use crate::backend::entities::{institution, response, round};
use crate::domain::response::Evaluation;

/// One answer to store: the value (empty clears it) and the revision the writer saw (0: none).
#[derive(Clone, Debug)]
pub struct Change {
    pub key: String,
    pub value: String,
    pub base: i32,
}

/// What a save did.
#[derive(Clone, Debug)]
pub struct Saved {
    /// The revision of every answer written (or found already as written).
    pub revisions: Vec<(String, i32)>,
    pub evaluation: Evaluation,
}

/// The answers of responses as this process last read or wrote them, each with the response's
/// `answers_version` it belongs to (used only while that version is current, so another
/// process's writes are never hidden), and the writer that stores autosaves in batches.
pub struct AnswerStore {
    /// Sorted by key. A save takes a response's entry out while it works on it.
    pub(super) known: crate::backend::cache::TtlCache<i32, (i32, Arc<Vec<StoredAnswer>>)>,
    pub(super) writer: BatchWriter,
}

impl AnswerStore {
    /// Answers are known for 5 minutes after they were last read or written.
    pub fn new(db: DatabaseConnection) -> Self {
        AnswerStore {
            known: crate::backend::cache::TtlCache::new(
                std::time::Duration::from_secs(300),
                10_000,
            ),
            writer: BatchWriter::new(db),
        }
    }
}

/// A response's row, its round and its institution (as the process keeps them for a moment, see
/// [`crate::backend::state::Shared::contexts`]).
pub type ResponseRows = (response::Model, round::Model, institution::Model);
