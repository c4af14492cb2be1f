//! Database schema history. Migrations are history: one that has landed is never edited; a change
//! is a new dated file. Every migration implements `down`.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_accounts;
mod m20261125_000002_institutions;
mod m20261125_000003_audit_and_imports;
mod m20261125_000004_questionnaires;
mod m20261125_000005_rounds_and_responses;
mod m20261125_000006_response_answers_version;
mod m20261125_000007_mail;
mod m20261201_000008_answers_version_counts_prefill;
mod m20261201_000009_answers_reference_check;
mod m20261201_000010_answers_as_document;
mod m20261201_000011_sources;
mod m20261201_000012_audit_append_only;
mod m20261201_000013_api_tokens;
mod m20261206_000014_snapshot_life_cycle;
mod m20261206_000015_figure_store;
mod m20261206_000016_session_links;
mod m20261206_000017_pending_uploads;
mod m20261206_000018_outbox_attachment;

/// Applies the schema in order; used at start-up, by `server migrate` and by the tests.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_accounts::Migration),
            Box::new(m20261125_000002_institutions::Migration),
            Box::new(m20261125_000003_audit_and_imports::Migration),
            Box::new(m20261125_000004_questionnaires::Migration),
            Box::new(m20261125_000005_rounds_and_responses::Migration),
            Box::new(m20261125_000006_response_answers_version::Migration),
            Box::new(m20261125_000007_mail::Migration),
            Box::new(m20261201_000008_answers_version_counts_prefill::Migration),
            Box::new(m20261201_000009_answers_reference_check::Migration),
            Box::new(m20261201_000010_answers_as_document::Migration),
            Box::new(m20261201_000011_sources::Migration),
            Box::new(m20261201_000012_audit_append_only::Migration),
            Box::new(m20261201_000013_api_tokens::Migration),
            Box::new(m20261206_000014_snapshot_life_cycle::Migration),
            Box::new(m20261206_000015_figure_store::Migration),
            Box::new(m20261206_000016_session_links::Migration),
            Box::new(m20261206_000017_pending_uploads::Migration),
            Box::new(m20261206_000018_outbox_attachment::Migration),
        ]
    }
}
