use sea_orm::entity::prelude::*;

/// One mail to deliver. Written in the transaction that decides to send it; the worker delivers
/// it. The bodies hold a personal link, so they are removed once the mail is delivered or given up.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub batch_id: Option<i32>,
    pub kind: String,
    pub round_id: Option<i32>,
    pub institution_id: Option<i32>,
    pub user_id: Option<i32>,
    pub recipient: String,
    pub language: String,
    pub subject: String,
    pub body_text: Option<String>,
    pub body_html: Option<String>,
    /// One attached file (the receipt's PDF copy): its name and bytes.
    pub attachment_name: Option<String>,
    pub attachment: Option<Vec<u8>>,
    #[sea_orm(unique)]
    pub message_id: String,
    /// queued, sending, sent, failed (will be retried), bounced (refused for good), cancelled.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
