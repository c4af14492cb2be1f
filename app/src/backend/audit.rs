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
