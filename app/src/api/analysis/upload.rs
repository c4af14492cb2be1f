//! An upload's progress and the variables it found.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::{ApiError, UploadOutcome};
#[cfg(feature = "ssr")]
use crate::backend::{
    source_upload::{self, Stage},
    sources::{self},
};
#[cfg(feature = "ssr")]
use crate::domain::{
    aggregate::mapping::{recode_text, unknown_values},
    Role,
};

/// A canonical variable beside the uploaded file: the column it is read from and its recoding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VariableView {
    pub name: String,
    pub required: bool,
    /// What values it takes.
    pub takes: String,
    /// The file column it is read from; empty when none.
    pub column: String,
    /// `file value = canonical value` per line.
    pub recode: String,
    /// Values of the column that are not allowed as they are and not recoded yet.
    pub unknown: Vec<String>,
}

/// An uploaded file waiting for its mapping, being imported, or imported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UploadView {
    pub source_id: i32,
    pub source_name: String,
    pub kind: crate::domain::aggregate::kinds::SourceKind,
    pub file_name: String,
    pub rows: usize,
    pub header: Vec<String>,
    /// The first rows of the file.
    pub sample: Vec<Vec<String>>,
    pub variables: Vec<VariableView>,
    /// (rows checked, rows, writing) while the import runs.
    pub running: Option<(usize, usize, bool)>,
    pub outcome: Option<UploadOutcome>,
}

/// The upload behind `token` (only for the user who uploaded it).
#[server(prefix = "/api", endpoint = "upload_status")]
pub async fn upload_status(token: String) -> Result<UploadView, ApiError> {
    use std::sync::atomic::Ordering;
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    let upload = source_upload::find(&state, &token, user.me.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let lang = crate::i18n::detect_lang();
    let mapping = upload
        .mapping
        .lock()
        .map_err(|_| ApiError::Internal)?
        .clone();
    let kind = sources::kind_of(&upload.source).map_err(ApiError::internal)?;
    let job = upload.job.lock().map_err(|_| ApiError::Internal)?.clone();
    let (running, outcome) = match job {
        None => (None, None),
        Some(job) if job.stage() != Stage::Finished => (
            Some((
                job.done.load(Ordering::Relaxed),
                job.total.load(Ordering::Relaxed),
                job.stage() == Stage::Writing,
            )),
            None,
        ),
        Some(job) => {
            let outcome = job.outcome.lock().map_err(|_| ApiError::Internal)?.clone();
            (None, outcome)
        }
    };
    // While the import runs the page shows only its progress: the mapping form's values
    // (a pass over every row per variable) are not worked out on every refresh.
    let variables = if running.is_some() {
        Vec::new()
    } else {
        kind.variables()
            .iter()
            .map(|v| {
                let column = mapping.columns.get(v.name).cloned().unwrap_or_default();
                let recode = mapping.recode.get(v.name);
                VariableView {
                    name: v.name.to_owned(),
                    required: v.required,
                    takes: v.kind.describe(lang),
                    unknown: unknown_values(&upload.table, &column, v.kind, recode),
                    column,
                    recode: recode.map(recode_text).unwrap_or_default(),
                }
            })
            .collect()
    };
    Ok(UploadView {
        source_id: upload.source.id,
        source_name: upload.source.name.clone(),
        kind,
        file_name: upload.file_name.clone(),
        rows: upload.table.rows.len(),
        header: upload.table.header.clone(),
        sample: upload
            .table
            .rows
            .iter()
            .take(3)
            .map(|(_, cells)| cells.clone())
            .collect(),
        variables,
        running,
        outcome,
    })
}
