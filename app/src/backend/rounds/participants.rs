//! A round's participants and what each has done.

use std::collections::HashMap;

use anyhow::Context;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::RoundError;
use crate::backend::entities::{institution, response, user, user_institution};

/// One participating institution with its response and coordinators.
#[derive(Clone, Debug)]
pub struct Participant {
    pub response: response::Model,
    pub institution: institution::Model,
    pub coordinators: Vec<user::Model>,
}

pub async fn participants(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<Vec<Participant>, RoundError> {
    // Two queries for the whole round, however many institutions take part.
    let responses = response::Entity::find()
        .filter(response::Column::RoundId.eq(round_id))
        .find_also_related(institution::Entity)
        .all(db)
        .await
        .context("read responses")?;
    let taking_part = sea_orm::sea_query::Query::select()
        .column(response::Column::InstitutionId)
        .from(response::Entity)
        .and_where(response::Column::RoundId.eq(round_id))
        .to_owned();
    let mut coordinators: HashMap<i32, Vec<user::Model>> = HashMap::new();
    for (binding, user) in user_institution::Entity::find()
        .filter(user_institution::Column::InstitutionId.in_subquery(taking_part))
        .find_also_related(user::Entity)
        .order_by_asc(user::Column::Email)
        .all(db)
        .await
        .context("read coordinators")?
    {
        if let Some(user) = user.filter(|u| u.active) {
            coordinators
                .entry(binding.institution_id)
                .or_default()
                .push(user);
        }
    }
    let mut out = Vec::with_capacity(responses.len());
    for (response, institution) in responses {
        let institution = institution.context("response without institution")?;
        out.push(Participant {
            coordinators: coordinators.remove(&institution.id).unwrap_or_default(),
            response,
            institution,
        });
    }
    out.sort_by(|a, b| a.institution.code.cmp(&b.institution.code));
    Ok(out)
}
