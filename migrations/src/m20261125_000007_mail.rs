//! E-mail: the contact's language, templates edited by administrators, the outbox (one row per
//! mail, written in the transaction that decides to send it) and the batches it was sent in,
//! reminder settings per round, and when a personal link was first used.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Language,
}

#[derive(DeriveIden)]
enum Rounds {
    Table,
    Id,
    ReminderDays,
    MaxReminders,
}

#[derive(DeriveIden)]
enum ResponseLinks {
    Table,
    FirstUsedAt,
}

#[derive(DeriveIden)]
enum MailTemplates {
    Table,
    Id,
    Kind,
    Language,
    Subject,
    BodyText,
    BodyHtml,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MailBatches {
    Table,
    Id,
    RoundId,
    Kind,
    ScheduleKey,
    CreatedBy,
    CreatedAt,
    Total,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    BatchId,
    Kind,
    RoundId,
    InstitutionId,
    UserId,
    Recipient,
    Language,
    Subject,
    BodyText,
    BodyHtml,
    MessageId,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    CreatedAt,
    SentAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(string_len(Users::Language, 2).default("nl"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Rounds::Table)
                    .add_column(string_len(Rounds::ReminderDays, 64).default(""))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Rounds::Table)
                    .add_column(integer(Rounds::MaxReminders).default(3))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ResponseLinks::Table)
                    .add_column(timestamp_with_time_zone_null(ResponseLinks::FirstUsedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailTemplates::Table)
                    .col(pk_auto(MailTemplates::Id))
                    .col(string_len(MailTemplates::Kind, 32))
                    .col(string_len(MailTemplates::Language, 2))
                    .col(text(MailTemplates::Subject))
                    .col(text(MailTemplates::BodyText))
                    .col(text(MailTemplates::BodyHtml))
                    .col(integer_null(MailTemplates::UpdatedBy))
                    .col(timestamp_with_time_zone(MailTemplates::UpdatedAt))
                    .index(
                        Index::create()
                            .unique()
                            .col(MailTemplates::Kind)
                            .col(MailTemplates::Language),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailBatches::Table)
                    .col(pk_auto(MailBatches::Id))
                    .col(integer_null(MailBatches::RoundId))
                    .col(string_len(MailBatches::Kind, 32))
                    .col(string_len_null(MailBatches::ScheduleKey, 64).unique_key())
                    .col(integer_null(MailBatches::CreatedBy))
                    .col(timestamp_with_time_zone(MailBatches::CreatedAt))
                    .col(integer(MailBatches::Total))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MailBatches::Table, MailBatches::RoundId)
                            .to(Rounds::Table, Rounds::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(pk_auto(Outbox::Id))
                    .col(integer_null(Outbox::BatchId))
                    .col(string_len(Outbox::Kind, 32))
                    .col(integer_null(Outbox::RoundId))
                    .col(integer_null(Outbox::InstitutionId))
                    .col(integer_null(Outbox::UserId))
                    .col(string_len(Outbox::Recipient, 254))
                    .col(string_len(Outbox::Language, 2))
                    .col(text(Outbox::Subject))
                    .col(text_null(Outbox::BodyText))
                    .col(text_null(Outbox::BodyHtml))
                    .col(string_len(Outbox::MessageId, 128).unique_key())
                    .col(string_len(Outbox::Status, 16))
                    .col(integer(Outbox::Attempts).default(0))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    .col(text_null(Outbox::LastError))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(Outbox::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Outbox::Table, Outbox::BatchId)
                            .to(MailBatches::Table, MailBatches::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Outbox::Table, Outbox::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_due")
                    .table(Outbox::Table)
                    .col(Outbox::Status)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_round_user")
                    .table(Outbox::Table)
                    .col(Outbox::RoundId)
                    .col(Outbox::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Outbox::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(MailBatches::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(MailTemplates::Table).to_owned())
            .await?;
        for (table, column) in [
            (
                ResponseLinks::Table.into_iden(),
                ResponseLinks::FirstUsedAt.into_iden(),
            ),
            (Rounds::Table.into_iden(), Rounds::MaxReminders.into_iden()),
            (Rounds::Table.into_iden(), Rounds::ReminderDays.into_iden()),
            (Users::Table.into_iden(), Users::Language.into_iden()),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
