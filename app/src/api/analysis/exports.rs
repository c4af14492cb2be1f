//! The rounds whose answers a researcher may export.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::api::guard;
use crate::api::ApiError;
#[cfg(feature = "ssr")]
use crate::backend::entities::{response, round};
#[cfg(feature = "ssr")]
use crate::domain::{response::ResponseStatus, Role};

/// A round whose submitted answers can be downloaded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoundExport {
    pub id: i32,
    pub name: String,
    pub year: i32,
    pub submitted: usize,
}

/// The rounds whose answers can be downloaded, and whether the caller may include items marked
/// special-category or identifying.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportableAnswers {
    pub rounds: Vec<RoundExport>,
    pub special_access: bool,
}

/// Every round with its number of submitted responses, newest first. Researchers and admins.
#[server(prefix = "/api", endpoint = "answer_exports")]
pub async fn answer_exports() -> Result<ExportableAnswers, ApiError> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    let special_access = crate::backend::entities::user::Entity::find_by_id(user.me.id)
        .one(&state.db)
        .await
        .map_err(ApiError::internal)?
        .is_some_and(|u| u.special_access);
    let mut out = Vec::new();
    for r in round::Entity::find()
        .order_by_desc(round::Column::Year)
        .order_by_desc(round::Column::Id)
        .all(&state.db)
        .await
        .map_err(ApiError::internal)?
    {
        let submitted = response::Entity::find()
            .filter(response::Column::RoundId.eq(r.id))
            .filter(response::Column::Status.eq(ResponseStatus::Submitted.as_str()))
            .count(&state.db)
            .await
            .map_err(ApiError::internal)?;
        out.push(RoundExport {
            id: r.id,
            name: r.name,
            year: r.year,
            submitted: usize::try_from(submitted).unwrap_or(usize::MAX),
        });
    }
    Ok(ExportableAnswers {
        rounds: out,
        special_access,
    })
}
