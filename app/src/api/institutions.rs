//! The institution register.

use leptos::prelude::*;

use super::{ApiError, ImportRunView, InstitutionRow};
#[cfg(feature = "ssr")]
use crate::api::{error::FieldError, guard};
#[cfg(feature = "ssr")]
use crate::backend::{audit, institutions, register_import};
#[cfg(feature = "ssr")]
use crate::domain::{InstitutionKind, Role};

/// Register list with filters. Admins and researchers.
#[server(prefix = "/api", endpoint = "list_institutions")]
pub async fn list_institutions(
    search: String,
    kind: String,
    province: String,
) -> Result<Vec<InstitutionRow>, ApiError> {
    let state = guard::state()?;
    guard::require(Role::RESEARCH)?;
    let filter = institutions::Filter {
        search,
        kind: InstitutionKind::parse(&kind),
        province,
    };
    institutions::list(&state.db, &filter)
        .await
        .map_err(ApiError::internal)
}

/// The provinces present in the register. Admins and researchers.
#[server(prefix = "/api", endpoint = "list_provinces")]
pub async fn list_provinces() -> Result<Vec<String>, ApiError> {
    let state = guard::state()?;
    guard::require(Role::RESEARCH)?;
    institutions::provinces(&state.db)
        .await
        .map_err(ApiError::internal)
}

/// One institution: admins, researchers, and coordinators bound to it.
#[server(prefix = "/api", endpoint = "get_institution")]
pub async fn get_institution(code: String) -> Result<InstitutionRow, ApiError> {
    let state = guard::state()?;
    let user = guard::require_login()?;
    let code = code.trim().to_uppercase();
    if !user.me.may_see_institution(&code) {
        return Err(ApiError::Forbidden);
    }
    let found = institutions::find(&state.db, &code).await?;
    found.map(institutions::to_row).ok_or(ApiError::NotFound)
}

/// The institutions the caller is bound to (coordinators).
#[server(prefix = "/api", endpoint = "my_institutions")]
pub async fn my_institutions() -> Result<Vec<InstitutionRow>, ApiError> {
    let state = guard::state()?;
    let user = guard::require_login()?;
    let mut rows = Vec::new();
    for code in &user.me.institutions {
        if let Some(found) = institutions::find(&state.db, code).await? {
            rows.push(institutions::to_row(found));
        }
    }
    Ok(rows)
}

/// Edits name, municipality, province and type. Admins only.
#[server(prefix = "/api", endpoint = "update_institution")]
pub async fn update_institution(
    code: String,
    name: String,
    municipality: String,
    province: String,
    kind: String,
) -> Result<(), ApiError> {
    let state = guard::state()?;
    let admin = guard::require(Role::ADMINS)?;
    let current = institutions::find(&state.db, code.trim())
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut errors = Vec::new();
    for (field, value, nl, en) in [
        ("name", &name, "Vul de naam in.", "Enter the name."),
        (
            "municipality",
            &municipality,
            "Vul de gemeente in.",
            "Enter the municipality.",
        ),
        (
            "province",
            &province,
            "Vul de provincie in.",
            "Enter the province.",
        ),
    ] {
        if value.trim().is_empty() || value.chars().count() > 200 {
            errors.push(FieldError {
                field: field.into(),
                message_nl: nl.into(),
                message_en: en.into(),
            });
        }
    }
    let kind = InstitutionKind::parse(&kind);
    if kind.is_none() {
        errors.push(FieldError {
            field: "kind".into(),
            message_nl: "Kies ROC, AOC of vakinstelling.".into(),
            message_en: "Choose ROC, AOC or vakinstelling.".into(),
        });
    }
    let (Some(kind), true) = (kind, errors.is_empty()) else {
        return Err(ApiError::Invalid(errors));
    };
    let edit = institutions::Edit {
        name: name.trim().into(),
        municipality: municipality.trim().into(),
        province: province.trim().into(),
        kind,
    };
    let before = serde_json::json!({"name": current.name, "municipality": current.municipality, "province": current.province, "kind": current.kind});
    let target = format!("institution:{}", current.code);
    institutions::update(&state.db, current, &edit).await?;
    audit::record(
        &state.db,
        &guard::actor(&admin),
        "institution.update",
        &target,
        serde_json::json!({"before": before, "after": {"name": edit.name, "municipality": edit.municipality, "province": edit.province, "kind": kind.as_str()}}),
    )
    .await
    .map_err(ApiError::internal)
}

/// The outcome of an import (register or questionnaire). Admins and researchers.
#[server(prefix = "/api", endpoint = "get_import_run")]
pub async fn get_import_run(id: i32) -> Result<ImportRunView, ApiError> {
    let state = guard::state()?;
    let user = guard::require(Role::RESEARCH)?;
    let run = register_import::find_run(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    // Contacts are personal data: their imports are for admins only.
    if run.kind == "contacts" && user.me.role != Role::Admin {
        return Err(ApiError::NotFound);
    }
    Ok(run)
}
