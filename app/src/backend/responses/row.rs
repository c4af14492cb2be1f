//! The update every save makes to the response row, and the row lock of a save.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult, Statement};

use super::document::{document_column, parse_document, DocumentRow, StoredAnswer};
use super::ResponseError;
use crate::domain::response::ResponseStatus;

#[derive(FromQueryResult)]
pub(super) struct Version {
    pub(super) answers_version: i32,
}

/// The statement in a single save's parameters: `$1` id, `$2` time, `$3` section or null.
pub(super) const ONE: [&str; 3] = ["$1", "$2", "$3"];

/// The update every save makes to the response row (`[id, time, section]` as SQL expressions,
/// read from the `from` clause's rows where there is one): marks it in progress, remembers the
/// section and raises the answers version, never on a submitted response; with `set` and
/// `condition` added, returning `returning`.
pub(crate) fn touch_sql(
    from: &str,
    [id, at, section]: [&str; 3],
    set: &str,
    condition: &str,
    returning: &str,
) -> String {
    format!(
        "UPDATE responses SET \
         status = CASE WHEN status = 'not_started' THEN 'in_progress' ELSE status END, \
         updated_at = {at}, answers_version = answers_version + 1, \
         last_section = COALESCE({section}, last_section){set}{from} \
         WHERE id = {id} AND status <> '{submitted}' {condition} RETURNING {returning}",
        submitted = ResponseStatus::Submitted.as_str(),
    )
}

/// Locks the response row for this transaction (refused once submitted), marks it in progress,
/// remembers the section and raises its answers version; returns the new version and the
/// answers, read in the same statement.
pub(super) async fn lock(
    txn: &DatabaseTransaction,
    response_id: i32,
    now: DateTime<Utc>,
    section: Option<&str>,
) -> Result<(i32, Vec<StoredAnswer>), ResponseError> {
    let backend = txn.get_database_backend();
    let returning = format!("answers_version, {} AS answers", document_column(backend));
    let row = DocumentRow::find_by_statement(Statement::from_sql_and_values(
        backend,
        touch_sql("", ONE, "", "", &returning),
        [
            response_id.into(),
            now.into(),
            section.map(str::to_owned).into(),
        ],
    ))
    .one(txn)
    .await
    .context("lock response")?
    .ok_or(ResponseError::Submitted)?;
    Ok((row.answers_version, parse_document(&row.answers)?))
}
