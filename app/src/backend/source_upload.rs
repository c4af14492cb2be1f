//! Importing a source's file through the browser. The upload is kept (for an hour, in this
//! process) while the researcher checks the column mapping against the file's columns and
//! values; the import then runs in the background and reports its progress, so a large file
//! shows a progress bar instead of a page that hangs. Nothing is stored until the whole file has
//! passed; a refused file can be mapped again without uploading it again.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::audit::Actor;
use super::cache::TtlCache;
use super::entities::data_source;
use super::register_import::{self, Dialect};
use super::sources::{self, SourceError};
use super::state::AppState;
pub use crate::api::analysis::UploadOutcome as Outcome;
use crate::domain::aggregate::mapping::{parse_recode_text, Mapping};
use crate::domain::register::{ImportProblem, Problem, Table};

/// How long an upload waits for its mapping.
pub const KEPT: Duration = Duration::from_secs(3600);

/// Uploads waiting for (or being imported with) their mapping, by token.
pub type Uploads = TtlCache<String, Arc<Upload>>;

/// A file uploaded into a source.
pub struct Upload {
    pub source: data_source::Model,
    /// Only the uploader sees it.
    pub user_id: i32,
    pub file_name: String,
    pub sha256: String,
    pub table: Arc<Table>,
    /// The mapping proposed (saved with the source, or by column name) or last tried.
    pub mapping: Mutex<Mapping>,
    pub job: Mutex<Option<Arc<Job>>>,
}

/// Where an import stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Checking = 0,
    Writing = 1,
    Finished = 2,
}

/// A running or finished import of an upload.
#[derive(Default)]
pub struct Job {
    stage: AtomicU8,
    /// Rows checked.
    pub done: AtomicUsize,
    pub total: AtomicUsize,
    pub outcome: Mutex<Option<Outcome>>,
}

impl Job {
    pub fn stage(&self) -> Stage {
        match self.stage.load(Ordering::Relaxed) {
            0 => Stage::Checking,
            1 => Stage::Writing,
            _ => Stage::Finished,
        }
    }
}

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
    let (token, _) = super::auth::new_token();
    state.uploads.put(
        token.clone(),
        Arc::new(Upload {
            source,
            user_id: actor.user_id.unwrap_or_default(),
            file_name: file_name.to_owned(),
            sha256: hex::encode(Sha256::digest(bytes)),
            table: Arc::new(table),
            mapping: Mutex::new(mapping),
            job: Mutex::new(None),
        }),
    );
    Ok(token)
}

/// The upload behind `token`, if it is `user_id`'s.
pub fn find(state: &AppState, token: &str, user_id: i32) -> Option<Arc<Upload>> {
    state
        .uploads
        .get(&token.to_owned())
        .filter(|u| u.user_id == user_id)
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
                job.stage.store(Stage::Writing as u8, Ordering::Relaxed);
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
            Err(error) => {
                tracing::error!(error = %error, "source check failed");
                Outcome::Failed
            }
        };
        finish(&job, outcome);
    });
}

fn finish(job: &Job, outcome: Outcome) {
    if let Ok(mut slot) = job.outcome.lock() {
        *slot = Some(outcome);
    }
    job.stage.store(Stage::Finished as u8, Ordering::Relaxed);
}
