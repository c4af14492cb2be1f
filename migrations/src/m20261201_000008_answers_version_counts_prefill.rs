//! Answers version 0 now means "no answer was ever stored": responses that a round prefilled
//! before this rule get version 1, so their first save reads the carried answers.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE responses SET answers_version = 1 WHERE answers_version = 0 \
                 AND EXISTS (SELECT 1 FROM answers WHERE answers.response_id = responses.id)",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // A raised counter only makes a cache read once more; nothing to undo.
        Ok(())
    }
}
