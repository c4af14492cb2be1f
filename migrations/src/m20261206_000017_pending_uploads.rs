//! Files uploaded into a source that wait for their column mapping (an hour at most): kept in the
//! database instead of one server process's memory, so that every process sees them, a full
//! memory drops nobody's upload, and a quota per user holds.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum PendingUploads {
    Table,
    Id,
    TokenHash,
    UserId,
    SourceId,
    FileName,
    Sha256,
    Size,
    Data,
    Mapping,
    Outcome,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PendingUploads::Table)
                    .col(pk_auto(PendingUploads::Id))
                    .col(string_uniq(PendingUploads::TokenHash))
                    .col(integer(PendingUploads::UserId))
                    .col(integer(PendingUploads::SourceId))
                    .col(string(PendingUploads::FileName))
                    .col(string(PendingUploads::Sha256))
                    .col(big_integer(PendingUploads::Size))
                    .col(blob(PendingUploads::Data))
                    .col(text(PendingUploads::Mapping))
                    .col(text_null(PendingUploads::Outcome))
                    .col(timestamp_with_time_zone(PendingUploads::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_pending_uploads_user")
                    .table(PendingUploads::Table)
                    .col(PendingUploads::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PendingUploads::Table).to_owned())
            .await
    }
}
