use sea_orm::entity::prelude::*;

/// Mails queued together (one send action or one scheduled reminder run).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_batches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub round_id: Option<i32>,
    pub kind: String,
    /// Set for scheduled runs, so a schedule fires once however many processes look.
    #[sea_orm(unique)]
    pub schedule_key: Option<String>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub total: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
