use sea_orm::entity::prelude::*;

/// One attempt to import a file: applied whole, or rejected with its problems (JSON).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: String,
    pub file_name: String,
    pub status: String,
    pub created: i32,
    pub updated: i32,
    pub problems: String,
    pub user_id: Option<i32>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
