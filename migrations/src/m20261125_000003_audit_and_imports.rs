//! The audit log (who did what, when, from where) and the history of register imports.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorUserId,
    ActorEmail,
    Action,
    Target,
    Details,
    Ip,
}

#[derive(DeriveIden)]
enum ImportRuns {
    Table,
    Id,
    Kind,
    FileName,
    Status,
    Created,
    Updated,
    Problems,
    UserId,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(integer_null(AuditLog::ActorUserId))
                    .col(string(AuditLog::ActorEmail))
                    .col(string_len(AuditLog::Action, 64))
                    .col(string(AuditLog::Target))
                    .col(text(AuditLog::Details))
                    .col(string_null(AuditLog::Ip))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_at")
                    .table(AuditLog::Table)
                    .col(AuditLog::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ImportRuns::Table)
                    .col(pk_auto(ImportRuns::Id))
                    .col(string_len(ImportRuns::Kind, 32))
                    .col(string(ImportRuns::FileName))
                    .col(string_len(ImportRuns::Status, 16))
                    .col(integer(ImportRuns::Created))
                    .col(integer(ImportRuns::Updated))
                    .col(text(ImportRuns::Problems))
                    .col(integer_null(ImportRuns::UserId))
                    .col(timestamp_with_time_zone(ImportRuns::At))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ImportRuns::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await
    }
}
