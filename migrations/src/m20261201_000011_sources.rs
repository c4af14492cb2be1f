//! Data sources for the aggregation module and their snapshots: a source is of a known kind
//! (student survey micro-data, …) with a column mapping that is reused year after year; a
//! snapshot is one imported file in canonical form, never changed, so a report on the same
//! snapshots gives the same figures.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum DataSources {
    Table,
    Id,
    Kind,
    Name,
    Mapping,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SourceSnapshots {
    Table,
    Id,
    SourceId,
    Year,
    FileName,
    Sha256,
    Rows,
    Content,
    ImportedBy,
    ImportedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DataSources::Table)
                    .col(pk_auto(DataSources::Id))
                    .col(string(DataSources::Kind))
                    .col(string_uniq(DataSources::Name))
                    .col(text(DataSources::Mapping))
                    .col(integer_null(DataSources::CreatedBy))
                    .col(timestamp_with_time_zone(DataSources::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SourceSnapshots::Table)
                    .col(pk_auto(SourceSnapshots::Id))
                    .col(integer(SourceSnapshots::SourceId))
                    .col(integer(SourceSnapshots::Year))
                    .col(string(SourceSnapshots::FileName))
                    .col(string(SourceSnapshots::Sha256))
                    .col(integer(SourceSnapshots::Rows))
                    .col(blob(SourceSnapshots::Content))
                    .col(integer_null(SourceSnapshots::ImportedBy))
                    .col(timestamp_with_time_zone(SourceSnapshots::ImportedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SourceSnapshots::Table, SourceSnapshots::SourceId)
                            .to(DataSources::Table, DataSources::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .index(
                        Index::create()
                            .unique()
                            .name("uq_snapshot_source_year_hash")
                            .col(SourceSnapshots::SourceId)
                            .col(SourceSnapshots::Year)
                            .col(SourceSnapshots::Sha256),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SourceSnapshots::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(DataSources::Table).to_owned())
            .await
    }
}
