use sea_orm::entity::prelude::*;

/// One imported file of a source for one year, in canonical form (CSV); never changed.
/// `sha256` is the hash of the file as uploaded.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "source_snapshots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub source_id: i32,
    pub year: i32,
    pub file_name: String,
    pub sha256: String,
    pub rows: i32,
    pub content: Vec<u8>,
    pub imported_by: Option<i32>,
    pub imported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
