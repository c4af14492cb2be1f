//! Questionnaires and their versions. A version that is no longer a draft cannot change: besides
//! the application's own rule, a trigger refuses any update of its content and any delete.

use sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Questionnaires {
    Table,
    Id,
    Key,
    CreatedAt,
}

#[derive(DeriveIden)]
enum QuestionnaireVersions {
    Table,
    Id,
    QuestionnaireId,
    Number,
    Status,
    Definition,
    Changelog,
    BasedOn,
    CreatedBy,
    CreatedAt,
    PublishedBy,
    PublishedAt,
}

const SQLITE_TRIGGERS: &str = r#"
CREATE TRIGGER questionnaire_versions_immutable BEFORE UPDATE ON questionnaire_versions
FOR EACH ROW WHEN OLD.status <> 'draft' AND (
    NEW.definition IS NOT OLD.definition OR NEW.number IS NOT OLD.number
    OR NEW.changelog IS NOT OLD.changelog OR NEW.questionnaire_id IS NOT OLD.questionnaire_id
    OR NEW.status = 'draft')
BEGIN SELECT RAISE(ABORT, 'published questionnaire versions are immutable'); END;
CREATE TRIGGER questionnaire_versions_undeletable BEFORE DELETE ON questionnaire_versions
FOR EACH ROW WHEN OLD.status <> 'draft'
BEGIN SELECT RAISE(ABORT, 'published questionnaire versions are immutable'); END;
"#;

const POSTGRES_TRIGGERS: &str = r#"
CREATE FUNCTION questionnaire_versions_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'published questionnaire versions are immutable';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (
        NEW.definition IS DISTINCT FROM OLD.definition OR NEW.number IS DISTINCT FROM OLD.number
        OR NEW.changelog IS DISTINCT FROM OLD.changelog
        OR NEW.questionnaire_id IS DISTINCT FROM OLD.questionnaire_id OR NEW.status = 'draft') THEN
        RAISE EXCEPTION 'published questionnaire versions are immutable';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER questionnaire_versions_immutable BEFORE UPDATE OR DELETE ON questionnaire_versions
FOR EACH ROW EXECUTE FUNCTION questionnaire_versions_refuse_change();
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Questionnaires::Table)
                    .col(pk_auto(Questionnaires::Id))
                    .col(string_uniq(Questionnaires::Key))
                    .col(timestamp_with_time_zone(Questionnaires::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QuestionnaireVersions::Table)
                    .col(pk_auto(QuestionnaireVersions::Id))
                    .col(integer(QuestionnaireVersions::QuestionnaireId))
                    .col(integer(QuestionnaireVersions::Number))
                    .col(string_len(QuestionnaireVersions::Status, 16))
                    .col(text(QuestionnaireVersions::Definition))
                    .col(text(QuestionnaireVersions::Changelog))
                    .col(integer_null(QuestionnaireVersions::BasedOn))
                    .col(integer_null(QuestionnaireVersions::CreatedBy))
                    .col(timestamp_with_time_zone(QuestionnaireVersions::CreatedAt))
                    .col(integer_null(QuestionnaireVersions::PublishedBy))
                    .col(timestamp_with_time_zone_null(
                        QuestionnaireVersions::PublishedAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                QuestionnaireVersions::Table,
                                QuestionnaireVersions::QuestionnaireId,
                            )
                            .to(Questionnaires::Table, Questionnaires::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                QuestionnaireVersions::Table,
                                QuestionnaireVersions::PublishedBy,
                            )
                            .to(Users::Table, Users::Id),
                    )
                    .index(
                        Index::create()
                            .unique()
                            .name("uq_questionnaire_version_number")
                            .col(QuestionnaireVersions::QuestionnaireId)
                            .col(QuestionnaireVersions::Number),
                    )
                    .to_owned(),
            )
            .await?;
        let triggers = match manager.get_database_backend() {
            DbBackend::Postgres => POSTGRES_TRIGGERS,
            _ => SQLITE_TRIGGERS,
        };
        manager
            .get_connection()
            .execute_unprepared(triggers)
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(QuestionnaireVersions::Table).to_owned())
            .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "DROP FUNCTION IF EXISTS questionnaire_versions_refuse_change()",
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Questionnaires::Table).to_owned())
            .await
    }
}
