//! The research data API: personal API tokens (only a hash stored, scoped to a role, with an
//! expiry and a revocation time), stable pseudonyms of institutions for raw answer exports, and
//! the users who may export special-category and identifying items.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    Name,
    TokenHash,
    Role,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum InstitutionPseudonyms {
    Table,
    InstitutionId,
    Pseudonym,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    SpecialAccess,
}

#[derive(DeriveIden)]
enum Institutions {
    Table,
    Id,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(pk_auto(ApiTokens::Id))
                    .col(integer(ApiTokens::UserId))
                    .col(string(ApiTokens::Name))
                    .col(string_uniq(ApiTokens::TokenHash))
                    .col(string(ApiTokens::Role))
                    .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                    .col(timestamp_with_time_zone(ApiTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiTokens::Table, ApiTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InstitutionPseudonyms::Table)
                    .col(integer(InstitutionPseudonyms::InstitutionId).primary_key())
                    .col(string_uniq(InstitutionPseudonyms::Pseudonym))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                InstitutionPseudonyms::Table,
                                InstitutionPseudonyms::InstitutionId,
                            )
                            .to(Institutions::Table, Institutions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(boolean(Users::SpecialAccess).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::SpecialAccess)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(InstitutionPseudonyms::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ApiTokens::Table).to_owned())
            .await
    }
}
