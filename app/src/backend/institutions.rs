//! The institution register: listing, editing and whole-file upserts.

use anyhow::Context;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::entities::institution;
use crate::domain::register::RegisterRecord;
use crate::domain::{InstitutionKind, Region, SizeBand};
use crate::types::InstitutionRow;

/// Filters of the register list; empty fields do not filter.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub search: String,
    pub kind: Option<InstitutionKind>,
    pub province: String,
}

pub fn to_row(m: institution::Model) -> InstitutionRow {
    let total =
        i64::from(m.students_bolvt) + i64::from(m.students_boldt) + i64::from(m.students_bbl);
    InstitutionRow {
        size_band: SizeBand::from_students(total),
        region: Region::from_province(&m.province),
        kind: InstitutionKind::parse(&m.kind).unwrap_or(InstitutionKind::Vakinstelling),
        code: m.code,
        name: m.name,
        municipality: m.municipality,
        province: m.province,
        bolvt: m.students_bolvt,
        boldt: m.students_boldt,
        bbl: m.students_bbl,
        total,
    }
}

pub async fn list(
    db: &impl ConnectionTrait,
    filter: &Filter,
) -> anyhow::Result<Vec<InstitutionRow>> {
    let mut query = institution::Entity::find().order_by_asc(institution::Column::Code);
    let search = filter.search.trim();
    if !search.is_empty() {
        let pattern = format!("%{}%", search.to_lowercase());
        query = query.filter(
            Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(institution::Column::Name))).like(&pattern))
                .add(
                    Expr::expr(Func::lower(Expr::col(institution::Column::Municipality)))
                        .like(&pattern),
                )
                .add(institution::Column::Code.eq(search.to_uppercase())),
        );
    }
    if let Some(kind) = filter.kind {
        query = query.filter(institution::Column::Kind.eq(kind.as_str()));
    }
    if !filter.province.trim().is_empty() {
        query = query.filter(institution::Column::Province.eq(filter.province.trim()));
    }
    Ok(query
        .all(db)
        .await
        .context("read institutions")?
        .into_iter()
        .map(to_row)
        .collect())
}

/// The distinct provinces in the register, for the filter.
/// The institutions with these ids, by id.
pub async fn by_id(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> anyhow::Result<std::collections::HashMap<i32, institution::Model>> {
    Ok(institution::Entity::find()
        .filter(institution::Column::Id.is_in(ids))
        .all(db)
        .await
        .context("read institutions")?
        .into_iter()
        .map(|i| (i.id, i))
        .collect())
}

pub async fn provinces(db: &impl ConnectionTrait) -> anyhow::Result<Vec<String>> {
    let mut all: Vec<String> = institution::Entity::find()
        .all(db)
        .await
        .context("read institutions")?
        .into_iter()
        .map(|i| i.province)
        .collect();
    all.sort();
    all.dedup();
    Ok(all)
}

pub async fn find(
    db: &impl ConnectionTrait,
    code: &str,
) -> anyhow::Result<Option<institution::Model>> {
    institution::Entity::find()
        .filter(institution::Column::Code.eq(code))
        .one(db)
        .await
        .context("read institution")
}

/// The editable fields of an institution.
#[derive(Clone, Debug)]
pub struct Edit {
    pub name: String,
    pub municipality: String,
    pub province: String,
    pub kind: InstitutionKind,
}

pub async fn update(
    db: &impl ConnectionTrait,
    current: institution::Model,
    edit: &Edit,
) -> anyhow::Result<()> {
    let mut active: institution::ActiveModel = current.into();
    active.name = Set(edit.name.clone());
    active.municipality = Set(edit.municipality.clone());
    active.province = Set(edit.province.clone());
    active.kind = Set(edit.kind.as_str().to_owned());
    active.updated_at = Set(Utc::now());
    active.update(db).await.context("update institution")?;
    Ok(())
}

/// Inserts new institutions and updates known ones (by code). A type from the file wins; without
/// one, an existing institution keeps its (possibly hand-edited) type and a new one gets a guess.
/// Returns (created, updated). Call inside a transaction.
pub async fn upsert(
    db: &impl ConnectionTrait,
    records: &[RegisterRecord],
) -> anyhow::Result<(i32, i32)> {
    let (mut created, mut updated) = (0, 0);
    let now = Utc::now();
    for r in records {
        let existing = find(db, r.code.as_str()).await?;
        let kind = r
            .kind
            .map(|k| k.as_str().to_owned())
            .or_else(|| existing.as_ref().map(|e| e.kind.clone()))
            .unwrap_or_else(|| {
                InstitutionKind::guess_from_name(&r.name)
                    .as_str()
                    .to_owned()
            });
        let mut active = match existing {
            Some(e) => {
                updated += 1;
                institution::ActiveModel::from(e)
            }
            None => {
                created += 1;
                institution::ActiveModel {
                    code: Set(r.code.to_string()),
                    ..Default::default()
                }
            }
        };
        active.name = Set(r.name.clone());
        active.municipality = Set(r.municipality.clone());
        active.province = Set(r.province.clone());
        active.kind = Set(kind);
        active.students_bolvt = Set(r.bolvt);
        active.students_boldt = Set(r.boldt);
        active.students_bbl = Set(r.bbl);
        active.updated_at = Set(now);
        active
            .save(db)
            .await
            .with_context(|| format!("save institution {}", r.code))?;
    }
    Ok((created, updated))
}
