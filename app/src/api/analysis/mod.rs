//! The aggregation module's reports: sources with their snapshots, and one indicator by one
//! breakdown over a source's snapshots (suppressed and protected as every export is).

mod exports;
mod fact_sheet;
mod listing;
mod report;
mod snapshots;
mod upload;

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::guard;
use super::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::submitted;
#[cfg(feature = "ssr")]
use crate::domain::Role;

pub use exports::{answer_exports, AnswerExports, ExportableAnswers, RoundExport};
#[cfg(feature = "ssr")]
pub use fact_sheet::fact_sheet_of;
pub use fact_sheet::{fact_sheet, FactSheet};
pub use listing::{create_source, list_sources, CreateSource, ListSources, SourceView};
pub use report::{report, Report, ReportRow};
pub use snapshots::{
    restore_snapshot, withdraw_snapshot, RestoreSnapshot, SnapshotView, WithdrawSnapshot,
};
pub use upload::{upload_status, UploadStatus, UploadView, VariableView};

/// The questionnaire items whose submitted answers can group institutions in a report:
/// (breakdown name `q:<key>`, question). Researchers and admins.
#[server(prefix = "/api", endpoint = "report_questions")]
pub async fn report_questions() -> Result<Vec<(String, String)>, ApiError> {
    let state = guard::state()?;
    guard::require(Role::RESEARCH)?;
    let lang = crate::i18n::detect_lang();
    let data = submitted::dataset(&state.db, None).await?;
    Ok(data
        .map(|d| {
            d.grouping_items(lang)
                .into_iter()
                .map(|(k, label)| (format!("{}{k}", submitted::QUESTION_PREFIX), label))
                .collect()
        })
        .unwrap_or_default())
}

/// Below which n figures are not shown (configuration). Researchers and admins.
#[server(prefix = "/api", endpoint = "report_thresholds")]
pub async fn report_thresholds() -> Result<crate::domain::aggregate::Thresholds, ApiError> {
    let state = guard::state()?;
    guard::require(Role::RESEARCH)?;
    Ok(state.settings.thresholds)
}
