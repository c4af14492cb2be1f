//! A response's answers as one JSON document in its row: reading, writing and merging them.

use std::collections::BTreeMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};

use crate::domain::response::Answers;

/// One stored answer. Cleared answers are kept as an empty value with their revision, so later
/// writes based on the old value are still noticed. A response keeps its answers as one document
/// (`responses.answers`, item key → answer); only the user's id is kept, names stay in `users`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredAnswer {
    #[serde(skip)]
    pub item_key: String,
    #[serde(rename = "v")]
    pub value: String,
    #[serde(rename = "r")]
    pub revision: i32,
    /// Last year's answer, when it was carried forward.
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// Carried forward and not yet confirmed.
    #[serde(rename = "f", default, skip_serializing_if = "std::ops::Not::not")]
    pub prefilled: bool,
    #[serde(rename = "by", default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<i32>,
    #[serde(rename = "at", with = "chrono::serde::ts_milliseconds")]
    pub updated_at: DateTime<Utc>,
}

/// The answers of a stored document.
pub fn parse_document(text: &str) -> anyhow::Result<Vec<StoredAnswer>> {
    let map: BTreeMap<String, StoredAnswer> =
        serde_json::from_str(text).context("stored answers")?;
    Ok(map
        .into_iter()
        .map(|(key, mut a)| {
            a.item_key = key;
            a
        })
        .collect())
}

/// The document that stores `answers` (each key once).
pub fn document<'a>(
    answers: impl IntoIterator<Item = &'a StoredAnswer, IntoIter: Clone>,
) -> anyhow::Result<String> {
    struct Doc<I>(I);
    impl<'a, I: Iterator<Item = &'a StoredAnswer> + Clone> serde::Serialize for Doc<I> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.clone().map(|a| (a.item_key.as_str(), a)))
        }
    }
    serde_json::to_string(&Doc(answers.into_iter())).context("answers as JSON")
}

/// The answers column as text, for reading.
pub(crate) fn document_column(backend: DbBackend) -> &'static str {
    if backend == DbBackend::Postgres {
        "answers::text"
    } else {
        "answers"
    }
}

/// A text parameter as the answers column's type, for writing.
fn document_param(backend: DbBackend, param: &str) -> String {
    if backend == DbBackend::Postgres {
        format!("{param}::jsonb")
    } else {
        param.to_owned()
    }
}

#[derive(FromQueryResult)]
pub(super) struct DocumentRow {
    pub(super) answers_version: i32,
    pub(super) answers: String,
}

/// The stored answers of a response.
pub async fn answers(
    db: &impl ConnectionTrait,
    response_id: i32,
) -> anyhow::Result<Vec<StoredAnswer>> {
    let backend = db.get_database_backend();
    let row = DocumentRow::find_by_statement(Statement::from_sql_and_values(
        backend,
        format!(
            "SELECT answers_version, {} AS answers FROM responses WHERE id = $1",
            document_column(backend)
        ),
        [response_id.into()],
    ))
    .one(db)
    .await
    .context("read answers")?;
    row.map_or_else(|| Ok(Vec::new()), |r| parse_document(&r.answers))
}

/// Replaces the stored answers of a response (in the caller's transaction, or where no one else
/// writes: a round being created, a submission holding the row).
pub async fn store_answers(
    db: &impl ConnectionTrait,
    response_id: i32,
    answers: &[StoredAnswer],
) -> anyhow::Result<()> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            "UPDATE responses SET answers = {} WHERE id = $1",
            document_param(backend, "$2")
        ),
        [response_id.into(), document(answers)?.into()],
    ))
    .await
    .context("store answers")?;
    Ok(())
}

/// Where the answer with this key is (`Err`: where it would go) in rows sorted by key, as
/// documents are read and written.
pub(super) fn position(rows: &[StoredAnswer], key: &str) -> Result<usize, usize> {
    rows.binary_search_by(|a| a.item_key.as_str().cmp(key))
}

/// The stored answer with this key in rows sorted by key.
pub(super) fn find<'a>(rows: &'a [StoredAnswer], key: &str) -> Option<&'a StoredAnswer> {
    position(rows, key).ok().map(|i| &rows[i])
}

/// The answers with a value, as the rules read them.
pub fn as_answers(rows: &[StoredAnswer]) -> Answers {
    rows.iter()
        .filter(|a| !a.value.is_empty())
        .map(|a| (a.item_key.clone(), a.value.clone()))
        .collect()
}
