//! The institution register and the coordinators' binding to institutions.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Institutions {
    Table,
    Id,
    Code,
    Name,
    Municipality,
    Province,
    Kind,
    StudentsBolvt,
    StudentsBoldt,
    StudentsBbl,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum UserInstitutions {
    Table,
    UserId,
    InstitutionId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Institutions::Table)
                    .col(pk_auto(Institutions::Id))
                    .col(string_len_uniq(Institutions::Code, 4))
                    .col(string(Institutions::Name))
                    .col(string(Institutions::Municipality))
                    .col(string(Institutions::Province))
                    .col(string_len(Institutions::Kind, 16))
                    .col(integer(Institutions::StudentsBolvt))
                    .col(integer(Institutions::StudentsBoldt))
                    .col(integer(Institutions::StudentsBbl))
                    .col(timestamp_with_time_zone(Institutions::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UserInstitutions::Table)
                    .col(integer(UserInstitutions::UserId))
                    .col(integer(UserInstitutions::InstitutionId))
                    .primary_key(
                        Index::create()
                            .col(UserInstitutions::UserId)
                            .col(UserInstitutions::InstitutionId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserInstitutions::Table, UserInstitutions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserInstitutions::Table, UserInstitutions::InstitutionId)
                            .to(Institutions::Table, Institutions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UserInstitutions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Institutions::Table).to_owned())
            .await
    }
}
