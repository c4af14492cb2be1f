//! The comparison with other institutions of the round: the submitted answers read and evaluated
//! here, their distribution per item worked out by [`crate::domain::response::comparison`].

use anyhow::Context;
use chrono::Utc;
use sea_orm::{FromQueryResult, Statement};

use super::document::{as_answers, document_column, parse_document};
use super::ResponseContext;
use crate::backend::institutions;
use crate::backend::state::AppState;
use crate::domain::response::comparison::{self, Compared, Submitted};
use crate::domain::response::{evaluate, ResponseStatus};
use crate::domain::time;

/// Distributions over the submitted responses of a round per item, for all institutions and for
/// those of the compared institution's kind. Items that fewer than `k` institutions answered are
/// left out.
#[tracing::instrument(skip_all, fields(round = ctx.round.id, institution = %ctx.institution.code))]
pub async fn distributions(
    state: &AppState,
    ctx: &ResponseContext,
    k: usize,
) -> anyhow::Result<Compared> {
    #[derive(FromQueryResult)]
    struct Row {
        institution_id: i32,
        answers: String,
    }
    let db = &state.db;
    let backend = db.get_database_backend();
    let rows = Row::find_by_statement(Statement::from_sql_and_values(
        backend,
        format!(
            "SELECT institution_id, {} AS answers FROM responses \
             WHERE round_id = $1 AND status = $2",
            document_column(backend)
        ),
        [
            ctx.round.id.into(),
            ResponseStatus::Submitted.as_str().into(),
        ],
    ))
    .all(db)
    .await
    .context("read submitted responses")?;
    let kinds = institutions::by_id(db, rows.iter().map(|r| r.institution_id)).await?;
    let today = time::today(Utc::now());
    let submitted = rows
        .iter()
        .map(|r| {
            let answers = as_answers(&parse_document(&r.answers)?);
            Ok(Submitted {
                same_kind: kinds
                    .get(&r.institution_id)
                    .is_some_and(|i| i.kind == ctx.institution.kind),
                evaluation: evaluate(&ctx.definition, &answers, today),
                answers,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(comparison::distributions(&ctx.definition, &submitted, k))
}
