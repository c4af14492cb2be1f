//! A source's year has one snapshot in use. A corrected file supersedes the snapshot in use (which
//! stays, and can be brought back); a year can be withdrawn. Each snapshot records its status and
//! who changed it, when and why; the database refuses a second snapshot in use for a year.
//! Snapshots imported before this migration: the newest of a year stays in use, older ones are
//! superseded.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum SourceSnapshots {
    Table,
    Status,
    StatusBy,
    StatusAt,
    StatusReason,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

const BACKFILL: &str = "UPDATE source_snapshots SET status = 'superseded', \
     status_reason = 'een nieuwere momentopname van hetzelfde jaar / a newer snapshot of the same year' \
     WHERE id < (SELECT MAX(s.id) FROM source_snapshots s \
     WHERE s.source_id = source_snapshots.source_id AND s.year = source_snapshots.year)";

const ONE_IN_USE: &str =
    "CREATE UNIQUE INDEX uq_snapshot_in_use ON source_snapshots (source_id, year) \
     WHERE status = 'in_use'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for mut column in [
            string(SourceSnapshots::Status).default("in_use").to_owned(),
            integer_null(SourceSnapshots::StatusBy),
            timestamp_with_time_zone_null(SourceSnapshots::StatusAt),
            text_null(SourceSnapshots::StatusReason),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SourceSnapshots::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(BACKFILL).await?;
        db.execute_unprepared(ONE_IN_USE).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS uq_snapshot_in_use")
            .await?;
        for column in [
            SourceSnapshots::StatusReason,
            SourceSnapshots::StatusAt,
            SourceSnapshots::StatusBy,
            SourceSnapshots::Status,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SourceSnapshots::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
