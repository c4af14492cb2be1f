use sea_orm::entity::prelude::*;

/// One imported file of a source for one year, in canonical form (CSV); its content never
/// changes. `sha256` is the hash of the file as uploaded. `status` is a
/// [`SnapshotStatus`](crate::domain::aggregate::snapshot::SnapshotStatus); `status_*` say who
/// last changed it, when and why.
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
    pub status: String,
    pub status_by: Option<i32>,
    pub status_at: Option<DateTimeUtc>,
    pub status_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
