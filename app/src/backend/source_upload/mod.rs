//! Importing a source's file through the browser. The upload is kept (for an hour, in the
//! database, so every server process sees it; a few files per user) while the researcher checks
//! the column mapping against the file's columns and values; the import then runs in the
//! background and reports its progress, so a large file shows a progress bar instead of a page
//! that hangs. Nothing is stored in the source until the whole file has passed; a refused file can
//! be mapped again without uploading it again. Each process keeps the files it read last, parsed,
//! for the pages that show them.

mod upload;

pub use upload::{Job, Stage, Upload, Uploads, KEPT, QUOTA_BYTES, QUOTA_FILES};

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use sha2::{Digest, Sha256};

use super::audit::Actor;
use super::entities::pending_upload;
use super::register_import::{self, Dialect};
use super::sources::{self, SourceError};
use super::state::AppState;
use crate::domain::aggregate::mapping::{parse_recode_text, Mapping};
use crate::domain::import::{ImportProblem, Problem};
pub use crate::types::UploadOutcome as Outcome;

/// Reads an uploaded file and keeps it under a new token. A file that cannot be read at all is
/// refused with its problems (recorded as a rejected import run: `Err(Ok(run id))`).
pub async fn receive(
    state: &AppState,
    actor: &Actor,
    source_id: i32,
    file_name: &str,
    bytes: &[u8],
) -> Result<String, Result<i32, SourceError>> {
    let source = sources::find(&state.db, source_id).await.map_err(Err)?;
    let read = register_import::read_off_thread(file_name, bytes, Dialect::Source)
        .await
        .map_err(|e| Err(e.into()))?;
    let table = match read {
        Ok(table) => table,
        Err(problems) => {
            let run = register_import::record_run(
                &state.db,
                actor,
                &format!("source:{}", source.id),
                file_name,
                "rejected",
                (0, 0),
                &problems,
            )
            .await
            .map_err(|e| Err(e.into()))?;
            return Err(Ok(run.id));
        }
    };
    let mapping = sources::proposed_mapping(&source, &table).map_err(Err)?;
    let (token, token_hash) = super::auth::new_token();
    let user_id = actor.user_id.unwrap_or_default();
    let sha256 = hex::encode(Sha256::digest(bytes));
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    keep(
        &state.db,
        user_id,
        size,
        pending_upload::ActiveModel {
            token_hash: Set(token_hash),
            user_id: Set(user_id),
            source_id: Set(source.id),
            file_name: Set(file_name.to_owned()),
            sha256: Set(sha256.clone()),
            size: Set(size),
            data: Set(bytes.to_vec()),
            mapping: Set(
                serde_json::to_string(&mapping).map_err(|e| Err(anyhow::Error::new(e).into()))?
            ),
            outcome: Set(None),
            created_at: Set(Utc::now()),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| Err(e.into()))?;
    state.uploads.put(
        token.clone(),
        Arc::new(Upload {
            source,
            user_id,
            file_name: file_name.to_owned(),
            sha256,
            table: Arc::new(table),
            mapping: Mutex::new(mapping),
            job: Mutex::new(None),
        }),
    );
    Ok(token)
}

/// When the oldest upload still kept was received.
fn oldest_kept() -> chrono::DateTime<Utc> {
    Utc::now() - chrono::Duration::from_std(KEPT).unwrap_or_default()
}

/// Stores a pending upload: first forgets every upload older than [`KEPT`], then the user's
/// oldest until the new one fits in [`QUOTA_FILES`] and [`QUOTA_BYTES`].
async fn keep(
    db: &DatabaseConnection,
    user_id: i32,
    size: i64,
    upload: pending_upload::ActiveModel,
) -> anyhow::Result<()> {
    let expired = oldest_kept();
    pending_upload::Entity::delete_many()
        .filter(pending_upload::Column::CreatedAt.lt(expired))
        .exec(db)
        .await
        .context("forget expired uploads")?;
    let mine: Vec<(i32, i64)> = pending_upload::Entity::find()
        .select_only()
        .column(pending_upload::Column::Id)
        .column(pending_upload::Column::Size)
        .filter(pending_upload::Column::UserId.eq(user_id))
        .order_by_desc(pending_upload::Column::Id)
        .into_tuple()
        .all(db)
        .await
        .context("read the user's uploads")?;
    let (mut files, mut bytes) = (1usize, size);
    let mut forget = Vec::new();
    for (id, size) in mine {
        files += 1;
        bytes = bytes.saturating_add(size);
        if files > QUOTA_FILES || bytes > QUOTA_BYTES {
            forget.push(id);
        }
    }
    if !forget.is_empty() {
        pending_upload::Entity::delete_many()
            .filter(pending_upload::Column::Id.is_in(forget))
            .exec(db)
            .await
            .context("forget the user's oldest uploads")?;
    }
    upload.clone().insert(db).await.context("keep the upload")?;
    Ok(())
}

/// The upload behind `token`, if it is `user_id`'s and has not expired (nor given way to the
/// user's newer uploads): parsed from this process's cache, or read again from the database
/// (another process received it, or it left the cache). An import another process finished shows
/// here too.
pub async fn find(
    state: &AppState,
    token: &str,
    user_id: i32,
) -> anyhow::Result<Option<Arc<Upload>>> {
    let expired = oldest_kept();
    let token_hash = super::auth::token_hash(token);
    let kept: Option<(String, Option<String>)> = pending_upload::Entity::find()
        .select_only()
        .column(pending_upload::Column::Mapping)
        .column(pending_upload::Column::Outcome)
        .filter(pending_upload::Column::TokenHash.eq(token_hash.clone()))
        .filter(pending_upload::Column::UserId.eq(user_id))
        .filter(pending_upload::Column::CreatedAt.gt(expired))
        .into_tuple()
        .one(&state.db)
        .await
        .context("read the upload")?;
    let Some((mapping, outcome)) = kept else {
        state.uploads.take(&token.to_owned());
        return Ok(None);
    };
    let finished = || {
        let outcome = serde_json::from_str::<Outcome>(outcome.as_deref()?).ok()?;
        let job = Job::default();
        finish(&job, outcome);
        Some(Arc::new(job))
    };
    if let Some(upload) = state.uploads.get(&token.to_owned()) {
        if let Ok(mut job) = upload.job.lock() {
            if job.is_none() {
                *job = finished();
            }
        }
        return Ok(Some(upload).filter(|u| u.user_id == user_id));
    }
    let Some(row) = pending_upload::Entity::find()
        .filter(pending_upload::Column::TokenHash.eq(token_hash))
        .one(&state.db)
        .await
        .context("read the upload's file")?
    else {
        return Ok(None);
    };
    let Ok(source) = sources::find(&state.db, row.source_id).await else {
        return Ok(None);
    };
    let read = register_import::read_off_thread(&row.file_name, &row.data, Dialect::Source).await?;
    let Ok(table) = read else {
        return Ok(None);
    };
    let upload = Arc::new(Upload {
        source,
        user_id,
        file_name: row.file_name,
        sha256: row.sha256,
        table: Arc::new(table),
        mapping: Mutex::new(serde_json::from_str(&mapping).unwrap_or_default()),
        job: Mutex::new(finished()),
    });
    state.uploads.put(token.to_owned(), upload.clone());
    Ok(Some(upload))
}

/// Keeps what an upload's import came to (and the mapping it ran with) with the upload, for the
/// other processes and for after this one forgets it.
async fn remember(
    db: &DatabaseConnection,
    token: &str,
    mapping: &Mapping,
    outcome: &Outcome,
) -> anyhow::Result<()> {
    pending_upload::Entity::update_many()
        .col_expr(
            pending_upload::Column::Mapping,
            Expr::value(serde_json::to_string(mapping).context("mapping")?),
        )
        .col_expr(
            pending_upload::Column::Outcome,
            Expr::value(Some(serde_json::to_string(outcome).context("outcome")?)),
        )
        .filter(pending_upload::Column::TokenHash.eq(super::auth::token_hash(token)))
        .exec(db)
        .await
        .context("keep the outcome")?;
    Ok(())
}

/// The mapping posted by the mapping form: `kolom_<variable>` (a file column, or empty) and
/// `hercodering_<variable>` (lines `file value = canonical value`). A recoding line without `=`
/// is a problem.
pub fn mapping_from_form(form: &BTreeMap<String, String>) -> Result<Mapping, Vec<ImportProblem>> {
    let mut mapping = Mapping::default();
    let mut problems = Vec::new();
    for (field, value) in form {
        if let Some(variable) = field.strip_prefix("kolom_") {
            if !value.trim().is_empty() {
                mapping
                    .columns
                    .insert(variable.to_owned(), value.trim().to_owned());
            }
        } else if let Some(variable) = field.strip_prefix("hercodering_") {
            match parse_recode_text(value) {
                Ok(recode) if recode.is_empty() => {}
                Ok(recode) => {
                    mapping.recode.insert(variable.to_owned(), recode);
                }
                Err(line) => problems.push(ImportProblem::file(Problem::Message {
                    nl: format!(
                        "Hercodering van {variable}, regel {line}: schrijf ‘waarde in het bestand = waarde’."
                    ),
                    en: format!(
                        "Recoding of {variable}, line {line}: write ‘value in the file = value’."
                    ),
                })),
            }
        }
    }
    if problems.is_empty() {
        Ok(mapping)
    } else {
        Err(problems)
    }
}

/// Starts importing `upload` with `mapping` in the background (unless an import of it runs).
/// A file that corrects a year with a snapshot in use ends as [`Outcome::Confirm`] unless
/// `replace` gives the reason to replace it.
pub fn start(
    state: &AppState,
    actor: Actor,
    token: &str,
    upload: Arc<Upload>,
    mapping: Result<Mapping, Vec<ImportProblem>>,
    replace: Option<String>,
) {
    let mut slot = match upload.job.lock() {
        Ok(slot) => slot,
        Err(_) => return,
    };
    if slot.as_ref().is_some_and(|j| j.stage() != Stage::Finished) {
        return;
    }
    let job = Arc::new(Job::default());
    job.total.store(upload.table.rows.len(), Ordering::Relaxed);
    *slot = Some(job.clone());
    drop(slot);
    let mapping = match mapping {
        Ok(mapping) => mapping,
        Err(problems) => {
            finish(&job, Outcome::Refused(problems));
            return;
        }
    };
    if let Ok(mut kept) = upload.mapping.lock() {
        kept.clone_from(&mapping);
    }
    let db = state.db.clone();
    let token = token.to_owned();
    tokio::spawn(async move {
        let checking = {
            let (upload, job, mapping) = (upload.clone(), job.clone(), mapping.clone());
            tokio::task::spawn_blocking(move || {
                sources::check(&upload.source, &upload.table, &mapping, &mut |done| {
                    job.done.store(done, Ordering::Relaxed);
                })
            })
        };
        let outcome = match checking.await {
            Ok(checked) => {
                job.done.store(upload.table.rows.len(), Ordering::Relaxed);
                job.set_stage(Stage::Writing);
                let stored = sources::store(
                    &db,
                    &actor,
                    &upload.source,
                    &upload.file_name,
                    &upload.sha256,
                    checked,
                    &mapping,
                    replace.as_deref(),
                )
                .await;
                outcome_of(stored)
            }
            Err(error) => {
                tracing::error!(error = %error, "source check failed");
                Outcome::Failed
            }
        };
        if let Err(error) = remember(&db, &token, &mapping, &outcome).await {
            tracing::error!(
                error = format!("{error:#}"),
                "cannot keep an upload's outcome"
            );
        }
        finish(&job, outcome);
    });
}

/// What an upload's page says about a store.
fn outcome_of(stored: Result<sources::Imported, SourceError>) -> Outcome {
    match stored {
        Ok(imported) => Outcome::Stored(
            imported
                .snapshots
                .iter()
                .map(|(s, new)| (s.year, s.rows, *new))
                .collect(),
        ),
        Err(SourceError::Invalid(problems)) => Outcome::Refused(problems),
        Err(SourceError::NeedsConfirmation(changes)) => Outcome::Confirm(changes),
        Err(SourceError::ReasonMissing) => Outcome::ReasonMissing,
        Err(error) => {
            tracing::error!(error = %error, "source import failed");
            Outcome::Failed
        }
    }
}

fn finish(job: &Job, outcome: Outcome) {
    if let Ok(mut slot) = job.outcome.lock() {
        *slot = Some(outcome);
    }
    job.set_stage(Stage::Finished);
}
