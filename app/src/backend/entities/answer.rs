use sea_orm::entity::prelude::*;

/// One answer of a response. `revision` grows with every change, so a stale write is noticed;
/// `previous` holds last year's answer when it was carried forward.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "answers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub response_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_key: String,
    pub value: String,
    pub revision: i32,
    pub previous: Option<String>,
    pub prefilled: bool,
    pub updated_by: Option<i32>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
