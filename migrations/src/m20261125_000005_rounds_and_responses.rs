//! Rounds (waves), one response per participating institution, the answers, and personal links
//! for coordinators. A session opened by such a link is limited to one round and institution.
//! Answers carry only the id of who changed them: names and addresses stay in `users`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Rounds {
    Table,
    Id,
    Name,
    Year,
    VersionId,
    OpensAt,
    ClosesAt,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Responses {
    Table,
    Id,
    RoundId,
    InstitutionId,
    VersionId,
    Status,
    LastSection,
    UpdatedAt,
    SubmittedAt,
    SubmittedBy,
}

#[derive(DeriveIden)]
enum Answers {
    Table,
    ResponseId,
    ItemKey,
    Value,
    Revision,
    Previous,
    Prefilled,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ResponseLinks {
    Table,
    Id,
    TokenHash,
    UserId,
    RoundId,
    InstitutionId,
    CreatedAt,
    RevokedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    ScopeRoundId,
    ScopeInstitutionId,
}

#[derive(DeriveIden)]
enum QuestionnaireVersions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Institutions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Rounds::Table)
                    .col(pk_auto(Rounds::Id))
                    .col(string(Rounds::Name))
                    .col(integer(Rounds::Year))
                    .col(integer(Rounds::VersionId))
                    .col(timestamp_with_time_zone(Rounds::OpensAt))
                    .col(timestamp_with_time_zone(Rounds::ClosesAt))
                    .col(integer_null(Rounds::CreatedBy))
                    .col(timestamp_with_time_zone(Rounds::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Rounds::Table, Rounds::VersionId)
                            .to(QuestionnaireVersions::Table, QuestionnaireVersions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Responses::Table)
                    .col(pk_auto(Responses::Id))
                    .col(integer(Responses::RoundId))
                    .col(integer(Responses::InstitutionId))
                    .col(integer(Responses::VersionId))
                    .col(string_len(Responses::Status, 16))
                    .col(string_null(Responses::LastSection))
                    .col(timestamp_with_time_zone(Responses::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Responses::SubmittedAt))
                    .col(integer_null(Responses::SubmittedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Responses::Table, Responses::RoundId)
                            .to(Rounds::Table, Rounds::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Responses::Table, Responses::InstitutionId)
                            .to(Institutions::Table, Institutions::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Responses::Table, Responses::VersionId)
                            .to(QuestionnaireVersions::Table, QuestionnaireVersions::Id),
                    )
                    .index(
                        Index::create()
                            .unique()
                            .name("uq_response_round_institution")
                            .col(Responses::RoundId)
                            .col(Responses::InstitutionId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Answers::Table)
                    .col(integer(Answers::ResponseId))
                    .col(string(Answers::ItemKey))
                    .col(text(Answers::Value))
                    .col(integer(Answers::Revision))
                    .col(text_null(Answers::Previous))
                    .col(boolean(Answers::Prefilled).default(false))
                    .col(integer_null(Answers::UpdatedBy))
                    .col(timestamp_with_time_zone(Answers::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(Answers::ResponseId)
                            .col(Answers::ItemKey),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Answers::Table, Answers::ResponseId)
                            .to(Responses::Table, Responses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ResponseLinks::Table)
                    .col(pk_auto(ResponseLinks::Id))
                    .col(string_uniq(ResponseLinks::TokenHash))
                    .col(integer(ResponseLinks::UserId))
                    .col(integer(ResponseLinks::RoundId))
                    .col(integer(ResponseLinks::InstitutionId))
                    .col(timestamp_with_time_zone(ResponseLinks::CreatedAt))
                    .col(timestamp_with_time_zone_null(ResponseLinks::RevokedAt))
                    .col(timestamp_with_time_zone_null(ResponseLinks::LastUsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ResponseLinks::Table, ResponseLinks::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ResponseLinks::Table, ResponseLinks::RoundId)
                            .to(Rounds::Table, Rounds::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(integer_null(Sessions::ScopeRoundId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(integer_null(Sessions::ScopeInstitutionId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Sessions::ScopeInstitutionId, Sessions::ScopeRoundId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sessions::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ResponseLinks::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Answers::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Responses::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Rounds::Table).to_owned())
            .await
    }
}
