//! A round's submitted answers as raw data for analysis, for the downloads and the research API
//! alike: institutions appear under a stable pseudonym (the same every year), items marked
//! special-category or identifying are left out unless the user holds that access and gives a
//! reason, and every export is recorded in the audit log with what it held.

use std::collections::HashMap;

use anyhow::Context;
use rand::RngCore;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};

use super::audit::{self, Actor};
use super::entities::{institution, institution_pseudonym, round, user};
use super::submitted;
use crate::domain::questionnaire::Text;
use crate::domain::response::codebook::{self, Column};

/// The fixed columns before the answers: name, label.
pub const FIXED: [(&str, &str, bool); 3] = [
    ("jaar", "Jaar van de ronde", true),
    (
        "pseudoniem",
        "Pseudoniem van de instelling (gelijk in elk jaar)",
        false,
    ),
    ("soort", "Soort instelling", false),
];

/// The shortest reason accepted for an export with marked items.
pub const MIN_REASON: usize = 10;

/// What the export is asked to hold.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// Include special-category and identifying items, for this reason.
    pub marked_reason: Option<String>,
    /// What is exported (`csv`, `codebook`, `sps`, `api`), for the audit log.
    pub format: String,
}

/// Why an export was refused.
#[derive(Debug, thiserror::Error)]
pub enum RawError {
    #[error("no such round")]
    NotFound,
    #[error("special-category items need that access")]
    NoAccess,
    #[error("give a reason of at least {MIN_REASON} characters")]
    Reason,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// One institution's submitted answers.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RawRow {
    pub year: i32,
    pub pseudonym: String,
    pub kind: String,
    /// In the order of [`RawAnswers::columns`]; empty where not answered or not applicable.
    pub values: Vec<String>,
}

/// The export: its codebook and its rows.
#[derive(Clone, Debug)]
pub struct RawAnswers {
    pub round_id: i32,
    pub questionnaire: String,
    pub title: Text,
    pub version: i32,
    pub rounds: Vec<round::Model>,
    pub columns: Vec<Column>,
    /// Keys of the marked items left out.
    pub withheld: Vec<String>,
    pub rows: Vec<RawRow>,
}

/// The submitted answers of round `round_id` as `user_id` may see them; recorded as
/// `export.answers`.
pub async fn export(
    db: &impl ConnectionTrait,
    actor: &Actor,
    user_id: i32,
    round_id: i32,
    request: &Request,
) -> Result<RawAnswers, RawError> {
    let with_marked = match &request.marked_reason {
        None => false,
        Some(reason) if reason.trim().chars().count() < MIN_REASON => return Err(RawError::Reason),
        Some(_) => {
            let allowed = user::Entity::find_by_id(user_id)
                .one(db)
                .await
                .context("read account")?
                .is_some_and(|u| u.special_access && u.active);
            if !allowed {
                return Err(RawError::NoAccess);
            }
            true
        }
    };
    let data = match submitted::dataset(db, Some(&[round_id])).await? {
        Some(data) if data.rounds.iter().any(|r| r.id == round_id) => data,
        _ => return Err(RawError::NotFound),
    };
    let (columns, withheld) =
        codebook::exportable(codebook::columns(&data.definition), with_marked);
    let codes: Vec<String> = data
        .rows
        .iter()
        .map(|r| r.institution_code.clone())
        .collect();
    let names = pseudonyms(db, &codes).await?;
    let rows: Vec<RawRow> = data
        .rows
        .iter()
        .map(|row| RawRow {
            year: row.year,
            pseudonym: names
                .get(&row.institution_code)
                .cloned()
                .unwrap_or_default(),
            kind: row.institution_kind.clone(),
            values: columns.iter().map(|c| c.value(&row.answers)).collect(),
        })
        .collect();
    let details = serde_json::json!({
        "round": round_id, "format": request.format, "responses": rows.len(),
        "withheld": withheld, "marked_items": with_marked,
        "reason": request.marked_reason.as_deref().map(str::trim),
    });
    audit::record(
        db,
        actor,
        "export.answers",
        &format!("round:{round_id}"),
        details,
    )
    .await?;
    Ok(RawAnswers {
        round_id,
        questionnaire: data.definition.key.clone(),
        title: data.definition.title.clone(),
        version: data.version_number,
        rounds: data.rounds,
        columns,
        withheld,
        rows,
    })
}

/// The pseudonym of every institution in `codes` (by code), made on first use: `P-` and eight
/// random hexadecimal digits, never derived from the code.
pub async fn pseudonyms(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> anyhow::Result<HashMap<String, String>> {
    let institutions = institution::Entity::find()
        .filter(institution::Column::Code.is_in(codes.iter().cloned()))
        .all(db)
        .await
        .context("read institutions")?;
    let ids: Vec<i32> = institutions.iter().map(|i| i.id).collect();
    // Another request may make the same pseudonym meanwhile: insert what is missing, ignore a
    // conflict and read again (a clash of random names is retried the same way).
    for _ in 0..5 {
        let known: HashMap<i32, String> = institution_pseudonym::Entity::find()
            .filter(institution_pseudonym::Column::InstitutionId.is_in(ids.clone()))
            .all(db)
            .await
            .context("read pseudonyms")?
            .into_iter()
            .map(|p| (p.institution_id, p.pseudonym))
            .collect();
        let missing: Vec<i32> = ids
            .iter()
            .copied()
            .filter(|id| !known.contains_key(id))
            .collect();
        if missing.is_empty() {
            return Ok(institutions
                .into_iter()
                .filter_map(|i| known.get(&i.id).map(|p| (i.code, p.clone())))
                .collect());
        }
        for id in missing {
            let mut bytes = [0u8; 4];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let name = format!("P-{}", hex::encode_upper(bytes));
            db.execute_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "INSERT INTO institution_pseudonyms (institution_id, pseudonym) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
                [id.into(), name.into()],
            ))
            .await
            .context("store pseudonym")?;
        }
    }
    anyhow::bail!("no pseudonyms after five attempts")
}

impl RawAnswers {
    /// The header of the data file.
    pub fn header(&self) -> Vec<String> {
        FIXED
            .iter()
            .map(|(n, _, _)| (*n).to_owned())
            .chain(self.columns.iter().map(|c| c.name.clone()))
            .collect()
    }

    /// The codebook: questionnaire, rounds, fixed columns, every column with its labels, and
    /// the marked items left out.
    pub fn codebook(&self) -> serde_json::Value {
        serde_json::json!({
            "questionnaire": self.questionnaire,
            "title": self.title,
            "version": self.version,
            "rounds": self.rounds.iter().map(|r| serde_json::json!({"id": r.id, "name": r.name, "year": r.year})).collect::<Vec<_>>(),
            "responses": self.rows.len(),
            "note": "Alleen ingediende antwoorden op vragen die van toepassing waren; sleutels en codes van de nieuwste gepubliceerde versie; instellingen onder een vast pseudoniem. / Only submitted answers to questions that applied; keys and codes of the newest published version; institutions under a fixed pseudonym.",
            "fixed": FIXED.iter().map(|(n, l, _)| serde_json::json!({"name": n, "label": l})).collect::<Vec<_>>(),
            "columns": self.columns,
            "withheld": self.withheld,
        })
    }
}
