use sea_orm::entity::prelude::*;

/// A file uploaded into a source, waiting (an hour at most) for its column mapping. Only the
/// SHA-256 of the upload's token is stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pending_uploads")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub user_id: i32,
    pub source_id: i32,
    pub file_name: String,
    pub sha256: String,
    pub size: i64,
    pub data: Vec<u8>,
    /// The mapping proposed or last tried (JSON).
    pub mapping: String,
    /// How its import ended (JSON), once it has.
    pub outcome: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
