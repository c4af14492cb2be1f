use sea_orm::entity::prelude::*;

/// One version of a questionnaire; `definition` is the JSON definition. Only drafts change.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "questionnaire_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub questionnaire_id: i32,
    pub number: i32,
    pub status: String,
    pub definition: String,
    pub changelog: String,
    pub based_on: Option<i32>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub published_by: Option<i32>,
    pub published_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
