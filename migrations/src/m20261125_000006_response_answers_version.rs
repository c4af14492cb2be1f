//! A counter on each response that every change to its answers raises. A server process keeps the
//! answers it last read or wrote together with this counter and reads them again only when the
//! counter moved (another process or request changed them).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Responses {
    Table,
    AnswersVersion,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Responses::Table)
                    .add_column(integer(Responses::AnswersVersion).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Responses::Table)
                    .drop_column(Responses::AnswersVersion)
                    .to_owned(),
            )
            .await
    }
}
