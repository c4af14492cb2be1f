//! Submitted responses as data for analysis: every submitted response of a questionnaire's
//! rounds with only its applicable answers, carried through the version concordances to the
//! newest published version, so that years compare on stable keys.

use std::collections::BTreeMap;

use anyhow::Context;
use chrono::Utc;
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult, QueryOrder, Statement};

use super::entities::{questionnaire_version as version, round};
use super::responses::{as_answers, document_column, parse_document};
use crate::domain::aggregate::Characteristics;
use crate::domain::questionnaire::{Definition, ItemKind, VersionStatus};
use crate::domain::response::history::{History, Version};
use crate::domain::response::{display, Answers, ResponseStatus};
use crate::domain::time;
use crate::i18n::Lang;

/// One submitted response.
#[derive(Clone, Debug)]
pub struct Row {
    pub response_id: i32,
    pub round_id: i32,
    pub year: i32,
    pub institution_code: String,
    pub institution_kind: String,
    /// Applicable answers only, in the keys and codes of [`Dataset::definition`].
    pub answers: Answers,
}

/// The submitted responses to one questionnaire.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// The newest published version: the keys and codes of every row.
    pub definition: Definition,
    pub version_number: i32,
    /// Oldest round first.
    pub rounds: Vec<round::Model>,
    pub rows: Vec<Row>,
}

/// The prefix of a breakdown by a coordinator's answer: `q:<item key>`.
pub const QUESTION_PREFIX: &str = "q:";

/// Items whose answer can split institutions into groups: one choice, ja/nee/weet niet, a scale.
pub fn groups_institutions(kind: &ItemKind) -> bool {
    matches!(
        kind,
        ItemKind::SingleChoice { .. } | ItemKind::YesNoDontKnow | ItemKind::Likert { .. }
    )
}

#[derive(FromQueryResult)]
struct Submitted {
    id: i32,
    round_id: i32,
    institution_id: i32,
    version_id: i32,
    answers: String,
}

/// The submitted responses to the questionnaire of `rounds` (every round of that questionnaire
/// when `rounds` is empty), or of the newest round's questionnaire when `rounds` is `None`.
/// `None` when there is no such round or no published version.
pub async fn dataset(
    db: &impl ConnectionTrait,
    rounds: Option<&[i32]>,
) -> anyhow::Result<Option<Dataset>> {
    let Some((chosen, history)) = chosen_rounds(db, rounds).await? else {
        return Ok(None);
    };
    let submitted = read_submitted(db, &chosen).await?;
    let institutions =
        super::institutions::by_id(db, submitted.iter().map(|s| s.institution_id)).await?;
    let used = submitted.iter().map(|s| s.version_id).collect();
    let definition = history.protected_target(&used).context("target version")?;
    let year_of: BTreeMap<i32, i32> = chosen.iter().map(|r| (r.id, r.year)).collect();
    let today = time::today(Utc::now());
    let mut rows = Vec::with_capacity(submitted.len());
    for s in submitted {
        let given = as_answers(&parse_document(&s.answers)?);
        let Some(answers) = history.carried(s.version_id, given, &definition, today) else {
            continue;
        };
        let institution = institutions.get(&s.institution_id);
        rows.push(Row {
            response_id: s.id,
            round_id: s.round_id,
            year: year_of.get(&s.round_id).copied().unwrap_or_default(),
            institution_code: institution.map(|i| i.code.clone()).unwrap_or_default(),
            institution_kind: institution.map(|i| i.kind.clone()).unwrap_or_default(),
            answers,
        });
    }
    Ok(Some(Dataset {
        definition,
        version_number: history.target_number(),
        rounds: chosen,
        rows,
    }))
}

/// The rounds of [`dataset`], oldest first, and the history of their questionnaire.
async fn chosen_rounds(
    db: &impl ConnectionTrait,
    rounds: Option<&[i32]>,
) -> anyhow::Result<Option<(Vec<round::Model>, History)>> {
    let all_rounds = round::Entity::find()
        .order_by_asc(round::Column::Year)
        .order_by_asc(round::Column::Id)
        .all(db)
        .await
        .context("read rounds")?;
    let versions = version::Entity::find()
        .all(db)
        .await
        .context("read versions")?;
    let questionnaire_of = |version_id: i32| {
        versions
            .iter()
            .find(|v| v.id == version_id)
            .map(|v| v.questionnaire_id)
    };
    let asked = rounds.filter(|ids| !ids.is_empty());
    let anchor = match asked {
        Some(ids) => all_rounds.iter().find(|r| ids.contains(&r.id)),
        None => all_rounds.last(),
    };
    let Some(questionnaire) = anchor.and_then(|r| questionnaire_of(r.version_id)) else {
        return Ok(None);
    };
    let chosen = all_rounds
        .into_iter()
        .filter(|r| questionnaire_of(r.version_id) == Some(questionnaire))
        .filter(|r| asked.is_none_or(|ids| ids.contains(&r.id)))
        .collect();
    let history = versions
        .iter()
        .filter(|v| v.questionnaire_id == questionnaire)
        .map(|v| {
            Ok(Version {
                id: v.id,
                number: v.number,
                definition: serde_json::from_str(&v.definition).context("stored definition")?,
                draft: v.status == VersionStatus::Draft.as_str(),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(History::new(history).map(|history| (chosen, history)))
}

/// The submitted responses of `rounds`, in round and id order.
async fn read_submitted(
    db: &impl ConnectionTrait,
    rounds: &[round::Model],
) -> anyhow::Result<Vec<Submitted>> {
    if rounds.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let ids: Vec<String> = rounds.iter().map(|r| r.id.to_string()).collect();
    Submitted::find_by_statement(Statement::from_sql_and_values(
        backend,
        format!(
            "SELECT id, round_id, institution_id, version_id, {} AS answers FROM responses \
             WHERE status = $1 AND round_id IN ({}) ORDER BY round_id, id",
            document_column(backend),
            ids.join(", ")
        ),
        [ResponseStatus::Submitted.as_str().into()],
    ))
    .all(db)
    .await
    .context("read submitted responses")
}

impl Dataset {
    /// The items institutions can be grouped by: (key, label).
    pub fn grouping_items(&self, lang: Lang) -> Vec<(String, String)> {
        self.definition
            .items()
            .filter(|(_, i)| groups_institutions(&i.kind))
            .map(|(_, i)| (i.key.clone(), i.label.get(lang).to_owned()))
            .collect()
    }

    /// The answers to `keys` as institution characteristics of their round's year, named
    /// `q:<key>`, valued with the option's label.
    pub fn characteristics(&self, keys: &[String], lang: Lang) -> Characteristics {
        let mut out = Characteristics::default();
        for key in keys {
            let name = format!("{QUESTION_PREFIX}{key}");
            for row in &self.rows {
                if let Some(value) = row.answers.get(key) {
                    let label = display(&self.definition, key, value, lang);
                    out.set(
                        &name,
                        &row.institution_code,
                        Some(i64::from(row.year)),
                        &label,
                    );
                }
            }
        }
        out
    }
}
