//! Reading a response: its rows, its definition (parsed once) and whether the caller may open it;
//! the responses a coordinator works on.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{link_reaches, may_access, status_of, ResponseContext, ResponseError, ResponseRows};
use crate::backend::auth::CurrentUser;
use crate::backend::entities::{institution, response, round};
use crate::backend::state::AppState;
use crate::domain::questionnaire::Definition;
use crate::domain::Role;

/// The definition of a published version, parsed once: published versions never change.
pub async fn definition(state: &AppState, version_id: i32) -> anyhow::Result<Arc<Definition>> {
    if let Some(def) = state
        .definitions
        .read()
        .ok()
        .and_then(|m| m.get(&version_id).cloned())
    {
        return Ok(def);
    }
    let stored = crate::backend::questionnaires::find(&state.db, version_id)
        .await
        .map_err(anyhow::Error::from)?
        .context("response without version")?;
    let def = Arc::new(stored.definition);
    if stored.status != crate::domain::questionnaire::VersionStatus::Draft {
        if let Ok(mut cache) = state.definitions.write() {
            cache.insert(version_id, def.clone());
        }
    }
    Ok(def)
}

/// Loads a response and checks that `user` may read it (or change it, with `write`).
pub async fn open(
    state: &AppState,
    user: &CurrentUser,
    response_id: i32,
    write: bool,
) -> Result<ResponseContext, ResponseError> {
    // Writes read the rows through a short-lived cache: an autosave repeats them every second.
    // Reads always go to the database (status and submission time are shown).
    let (response, round, institution) = match state.contexts.get(&response_id).filter(|_| write) {
        Some(found) => found,
        None => {
            let found = rows(&state.db, response_id).await?;
            state.contexts.put(response_id, found.clone());
            found
        }
    };
    let definition = definition(state, response.version_id).await?;
    let ctx = ResponseContext {
        status: status_of(&response)?,
        response,
        round,
        institution,
        definition,
    };
    if !may_access(user, &ctx, write) {
        // A role that never reaches responses is refused; another institution's response is
        // reported as missing, so its existence is not disclosed.
        return Err(match user.me.role {
            Role::Coordinator => ResponseError::NotFound,
            Role::Admin | Role::Researcher => ResponseError::Forbidden,
        });
    }
    Ok(ctx)
}

/// Loads a response without a caller (command line, seeding).
pub async fn load(
    db: &impl ConnectionTrait,
    response_id: i32,
) -> Result<ResponseContext, ResponseError> {
    let (response, round, institution) = rows(db, response_id).await?;
    let definition = crate::backend::questionnaires::find(db, response.version_id)
        .await
        .map_err(anyhow::Error::from)?
        .context("response without version")?
        .definition;
    Ok(ResponseContext {
        status: status_of(&response)?,
        response,
        round,
        institution,
        definition: Arc::new(definition),
    })
}

async fn rows(db: &impl ConnectionTrait, response_id: i32) -> Result<ResponseRows, ResponseError> {
    let (response, round, institution) = response::Entity::find_by_id(response_id)
        .find_also_related(round::Entity)
        .find_also(response::Entity, institution::Entity)
        .one(db)
        .await
        .context("read response")?
        .ok_or(ResponseError::NotFound)?;
    let round = round.context("response without round")?;
    let institution = institution.context("response without institution")?;
    Ok((response, round, institution))
}

/// The responses a coordinator works on: those of their institutions (only the scoped one for a
/// link session), newest round first. Three queries, whatever the number of responses.
pub async fn of_user(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
) -> anyhow::Result<Vec<ResponseRows>> {
    let institutions: HashMap<i32, institution::Model> = institution::Entity::find()
        .filter(institution::Column::Code.is_in(user.me.institutions.clone()))
        .all(db)
        .await
        .context("read institutions")?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let responses = response::Entity::find()
        .filter(response::Column::InstitutionId.is_in(institutions.keys().copied()))
        .all(db)
        .await
        .context("read responses")?;
    let rounds: HashMap<i32, round::Model> = round::Entity::find()
        .filter(round::Column::Id.is_in(responses.iter().map(|r| r.round_id)))
        .all(db)
        .await
        .context("read rounds")?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut out: Vec<ResponseRows> = responses
        .into_iter()
        .filter_map(|r| {
            let round = rounds
                .get(&r.round_id)
                .filter(|round| link_reaches(user, round, false))?
                .clone();
            let inst = institutions.get(&r.institution_id)?.clone();
            Some((r, round, inst))
        })
        .collect();
    out.sort_by(|a, b| b.1.year.cmp(&a.1.year).then(b.1.id.cmp(&a.1.id)));
    Ok(out)
}
