//! Published figures kept per set of inputs (snapshots in use, what is known of the institutions,
//! the rules of disclosure control, the report's request): every server process reads them
//! instead of aggregating and protecting the same snapshots again. A key is a hash of those
//! inputs, so a changed snapshot, register or rule simply asks for another key.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum FigureStore {
    Table,
    Key,
    Figures,
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
                    .table(FigureStore::Table)
                    .col(string(FigureStore::Key).primary_key())
                    .col(blob(FigureStore::Figures))
                    .col(timestamp_with_time_zone(FigureStore::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(FigureStore::Table).to_owned())
            .await
    }
}
