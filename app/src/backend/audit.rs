//! The audit log: one row per change, never updated or deleted.

use anyhow::Context;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use super::auth::CurrentUser;
use super::entities::audit_log;

/// Who acts: a logged-in user, or the command line.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<i32>,
    pub email: String,
    pub ip: Option<String>,
}

impl Actor {
    pub fn user(user: &CurrentUser, ip: Option<String>) -> Actor {
        Actor {
            user_id: Some(user.me.id),
            email: user.me.email.clone(),
            ip,
        }
    }

    /// A job of the server itself (retention).
    pub fn system(job: &str) -> Actor {
        Actor {
            user_id: None,
            email: format!("system:{job}"),
            ip: None,
        }
    }

    pub fn cli() -> Actor {
        Actor {
            user_id: None,
            email: "cli".into(),
            ip: None,
        }
    }
}

/// Records one action. Call it inside the transaction of the change it describes.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> anyhow::Result<()> {
    audit_log::ActiveModel {
        at: Set(Utc::now()),
        actor_user_id: Set(actor.user_id),
        actor_email: Set(actor.email.clone()),
        action: Set(action.to_owned()),
        target: Set(target.to_owned()),
        details: Set(details.to_string()),
        ip: Set(actor.ip.clone()),
        ..Default::default()
    }
    .insert(db)
    .await
    .with_context(|| format!("cannot write audit entry {action}"))?;
    Ok(())
}

/// Which entries to show: every field narrows the search; empty ones do not.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct Filter {
    /// The action starts with this (`export.`, `institution.update`).
    #[serde(default, rename = "actie")]
    pub action: String,
    /// The actor's e-mail address contains this.
    #[serde(default, rename = "wie")]
    pub actor: String,
    /// The object starts with this (`round:3`, `source:`).
    #[serde(default, rename = "object")]
    pub target: String,
    /// From this day on (inclusive), `YYYY-MM-DD`, in UTC.
    #[serde(default, rename = "van")]
    pub from: String,
    /// Up to and including this day, `YYYY-MM-DD`, in UTC.
    #[serde(default, rename = "tot")]
    pub to: String,
}

/// The entries matching `filter`, newest first, at most `limit` (all without one). A date that is not
/// `YYYY-MM-DD` is refused with the name of its field.
pub async fn search(
    db: &impl ConnectionTrait,
    filter: &Filter,
    limit: Option<u64>,
) -> Result<Vec<audit_log::Model>, SearchError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    let day = |field: &'static str, text: &str| -> Result<Option<chrono::NaiveDate>, SearchError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| SearchError::Date(field))
    };
    let (from, to) = (day("van", &filter.from)?, day("tot", &filter.to)?);
    let mut query = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .limit(limit);
    if !filter.action.trim().is_empty() {
        query = query.filter(audit_log::Column::Action.starts_with(filter.action.trim()));
    }
    if !filter.actor.trim().is_empty() {
        query = query.filter(audit_log::Column::ActorEmail.contains(filter.actor.trim()));
    }
    if !filter.target.trim().is_empty() {
        query = query.filter(audit_log::Column::Target.starts_with(filter.target.trim()));
    }
    if let Some(from) = from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
        query = query.filter(audit_log::Column::At.gte(from.and_utc()));
    }
    if let Some(to) = to
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        query = query.filter(audit_log::Column::At.lt(to.and_utc()));
    }
    Ok(query.all(db).await.context("read audit log")?)
}

/// Why the audit log could not be searched.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("{0} is not a date (YYYY-MM-DD)")]
    Date(&'static str),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}
