//! Importing contacts (coordinators per institution) from CSV or XLSX: every line checked, then
//! applied in one transaction or not at all. A contact is a coordinator account without a
//! password until they set one; they reach their response through personal links.

use std::collections::HashMap;

use anyhow::Context;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

use super::audit::Actor;
use super::entities::{institution, user, user_institution};
use super::register_import::{record_run, view};
use crate::domain::contacts::{check_contacts, ContactRecord};
use crate::domain::import::{ImportProblem, Problem};
use crate::domain::Role;
use crate::types::ImportRunView;

/// Checks and applies a contacts file; the attempt is kept as an import run either way.
pub async fn import(
    db: &DatabaseConnection,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
) -> anyhow::Result<ImportRunView> {
    let read = super::register_import::read_off_thread(
        file_name,
        bytes,
        super::register_import::Dialect::Register,
    )
    .await?;
    let txn = crate::backend::db::begin(db)
        .await
        .context("begin import")?;
    let outcome = match read {
        Ok(table) => {
            let (records, problems) = check_contacts(&table);
            apply(&txn, &records, problems).await?
        }
        Err(problems) => Err(problems),
    };
    let (status, counts, problems) = match outcome {
        Ok(counts) => ("applied", counts, Vec::new()),
        Err(problems) => ("rejected", (0, 0), problems),
    };
    let run = record_run(
        &txn, actor, "contacts", file_name, status, counts, &problems,
    )
    .await?;
    txn.commit().await.context("commit import")?;
    Ok(view(run))
}

/// Creates or updates every contact: (created, updated), or the problems that stop the import
/// (found before anything is written).
async fn apply(
    db: &impl ConnectionTrait,
    records: &[ContactRecord],
    mut problems: Vec<ImportProblem>,
) -> anyhow::Result<Result<(i32, i32), Vec<ImportProblem>>> {
    let institutions: HashMap<String, i32> = institution::Entity::find()
        .all(db)
        .await
        .context("read institutions")?
        .into_iter()
        .map(|i| (i.code, i.id))
        .collect();
    let emails: Vec<&str> = records.iter().map(|r| r.email.as_str()).collect();
    let existing: HashMap<String, user::Model> = user::Entity::find()
        .filter(user::Column::Email.is_in(emails))
        .all(db)
        .await
        .context("read accounts")?
        .into_iter()
        .map(|u| (u.email.clone(), u))
        .collect();
    problems.extend(unknown_references(records, &institutions, &existing));
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Ok(Err(problems));
    }
    let mut ids: HashMap<String, i32> = existing.iter().map(|(e, u)| (e.clone(), u.id)).collect();
    let mut created = 0;
    for r in records {
        let id = match ids.get(r.email.as_str()) {
            Some(&id) => {
                if existing.contains_key(r.email.as_str()) {
                    update_contact(db, id, r).await?;
                }
                id
            }
            None => {
                let id = create_contact(db, r).await?;
                created += 1;
                ids.insert(r.email.as_str().into(), id);
                id
            }
        };
        if let Some(&institution_id) = institutions.get(r.code.as_str()) {
            bind(db, id, institution_id).await?;
        }
    }
    // The same person may appear once per institution; count them once.
    let updated = records
        .iter()
        .filter(|r| existing.contains_key(r.email.as_str()))
        .map(|r| r.email.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len() as i32;
    Ok(Ok((created, updated)))
}

/// Rows naming an institution the register does not have, or the address of an account that is
/// not a contact (an admin or researcher never becomes one by an import).
fn unknown_references(
    records: &[ContactRecord],
    institutions: &HashMap<String, i32>,
    existing: &HashMap<String, user::Model>,
) -> Vec<ImportProblem> {
    let mut problems = Vec::new();
    for r in records {
        if !institutions.contains_key(r.code.as_str()) {
            problems.push(ImportProblem {
                line: r.line,
                column: Some("instellingscode".into()),
                problem: Problem::UnknownInstitution {
                    value: r.code.as_str().into(),
                },
            });
        }
        if existing
            .get(r.email.as_str())
            .is_some_and(|u| u.role != Role::Coordinator.as_str())
        {
            problems.push(ImportProblem {
                line: r.line,
                column: Some("e-mail".into()),
                problem: Problem::NotAContact {
                    value: r.email.as_str().into(),
                },
            });
        }
    }
    problems
}

/// A known contact gets the file's name and language, and is active again.
async fn update_contact(
    db: &impl ConnectionTrait,
    id: i32,
    r: &ContactRecord,
) -> anyhow::Result<()> {
    user::Entity::update_many()
        .col_expr(user::Column::DisplayName, Expr::value(r.name.clone()))
        .col_expr(user::Column::Language, Expr::value(r.language.code()))
        .col_expr(user::Column::Active, Expr::value(true))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await
        .with_context(|| format!("update contact {id}"))?;
    Ok(())
}

/// A new contact: a coordinator's account without a password (they log in by personal link or
/// set one by a link from an admin).
async fn create_contact(db: &impl ConnectionTrait, r: &ContactRecord) -> anyhow::Result<i32> {
    let user = user::ActiveModel {
        email: Set(r.email.as_str().into()),
        display_name: Set(r.name.clone()),
        role: Set(Role::Coordinator.as_str().into()),
        password_hash: Set(None),
        active: Set(true),
        created_at: Set(Utc::now()),
        language: Set(r.language.code().into()),
        ..Default::default()
    }
    .insert(db)
    .await
    .with_context(|| format!("create contact of line {}", r.line))?;
    Ok(user.id)
}

/// Binds a contact to an institution (once).
async fn bind(db: &impl ConnectionTrait, user_id: i32, institution_id: i32) -> anyhow::Result<()> {
    let bound = user_institution::Entity::find()
        .filter(user_institution::Column::UserId.eq(user_id))
        .filter(user_institution::Column::InstitutionId.eq(institution_id))
        .one(db)
        .await
        .context("read binding")?
        .is_some();
    if !bound {
        user_institution::ActiveModel {
            user_id: Set(user_id),
            institution_id: Set(institution_id),
        }
        .insert(db)
        .await
        .with_context(|| format!("bind user {user_id} to institution {institution_id}"))?;
    }
    Ok(())
}
