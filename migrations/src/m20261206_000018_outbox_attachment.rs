//! A mail may carry one attachment (the submitted copy as a PDF on the receipt); like the bodies,
//! it is removed once the mail is delivered or given up.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Outbox {
    Table,
    AttachmentName,
    Attachment,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for mut column in [
            string_null(Outbox::AttachmentName),
            blob_null(Outbox::Attachment),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Outbox::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Outbox::Attachment, Outbox::AttachmentName] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Outbox::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
