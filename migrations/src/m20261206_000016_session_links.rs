//! Sessions remember the personal link that opened them (and end with it) and when they were
//! last used (a link's session ends after a while without use).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Sessions {
    Table,
    LinkId,
    LastSeenAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for mut column in [
            integer_null(Sessions::LinkId),
            timestamp_with_time_zone_null(Sessions::LastSeenAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sessions::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        // Sessions opened by a link before links were remembered cannot be told apart from the
        // link they came from: they end.
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM sessions WHERE scope_round_id IS NOT NULL")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Sessions::LastSeenAt, Sessions::LinkId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sessions::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
