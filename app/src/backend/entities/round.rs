use sea_orm::entity::prelude::*;

/// A yearly round (wave): one published questionnaire version, open between two moments.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rounds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub year: i32,
    pub version_id: i32,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    /// Days before closing on which reminders go out, such as `7,2` (empty: none scheduled).
    pub reminder_days: String,
    /// At most this many reminders per contact and round.
    pub max_reminders: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Where the round stands at `now`.
    pub fn phase(&self, now: DateTimeUtc) -> crate::domain::round::RoundPhase {
        crate::domain::round::RoundPhase::at(self.opens_at, self.closes_at, now)
    }
}
