use sea_orm::entity::prelude::*;

/// The stable pseudonym an institution carries in raw answer exports, the same every year.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "institution_pseudonyms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub institution_id: i32,
    #[sea_orm(unique)]
    pub pseudonym: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
