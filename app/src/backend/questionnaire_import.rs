//! Uploading a questionnaire definition file: it becomes a new draft, or an import run that lists
//! every problem (nothing else is stored).

use anyhow::Context;
use sea_orm::DatabaseConnection;

use super::audit::Actor;
use super::questionnaires::{self, QuestionnaireError};
use super::register_import::record_run;
use crate::domain::import::{ImportProblem, Problem};
use crate::domain::questionnaire::Definition;
use crate::i18n::Lang;

/// Where an upload led: the new draft, or the rejected import run.
pub enum Outcome {
    Draft(i32),
    Rejected(i32),
}

/// Reads a `.json` definition or an XLSForm (`.xlsx`, `.xls`) and stores it as a draft.
pub async fn import(
    db: &DatabaseConnection,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
) -> anyhow::Result<Outcome> {
    let parsed = {
        let (name, bytes) = (file_name.to_owned(), bytes.to_vec());
        super::spreadsheet::parse_off_thread(move || parse(&name, &bytes)).await?
    };
    let problems = match parsed {
        Ok((definition, warnings)) => {
            match questionnaires::create_draft(db, actor, &definition, None).await {
                Ok(draft) => {
                    if !warnings.is_empty() {
                        // Kept as an applied import run, so what was left out stays on record.
                        record_run(
                            db,
                            actor,
                            "questionnaire",
                            file_name,
                            "applied",
                            (1, 0),
                            &warnings,
                        )
                        .await
                        .context("record questionnaire import warnings")?;
                    }
                    return Ok(Outcome::Draft(draft.id));
                }
                Err(QuestionnaireError::Invalid(problems)) => problems
                    .iter()
                    .map(|p| ImportProblem {
                        line: 0,
                        column: Some(p.location.clone()),
                        problem: Problem::Message {
                            nl: p.message(Lang::Nl),
                            en: p.message(Lang::En),
                        },
                    })
                    .collect(),
                Err(other) => return Err(anyhow::Error::new(other)),
            }
        }
        Err(problems) => problems,
    };
    let run = record_run(
        db,
        actor,
        "questionnaire",
        file_name,
        "rejected",
        (0, 0),
        &problems,
    )
    .await
    .context("record rejected questionnaire import")?;
    Ok(Outcome::Rejected(run.id))
}

/// What a file gives: its definition and the warnings of its import (what was left out).
pub type Parsed = (Definition, Vec<ImportProblem>);

/// Reads a definition from a `.json` file or an XLSForm workbook (`.xlsx`, or old Excel's `.xls`).
pub fn parse(file_name: &str, bytes: &[u8]) -> Result<Parsed, Vec<ImportProblem>> {
    let lower = file_name.to_lowercase();
    if lower.ends_with(".xlsx") || lower.ends_with(".xls") {
        return super::xlsform::import(bytes, file_name).map(|i| (i.definition, i.warnings));
    }
    if !lower.ends_with(".json") {
        return Err(vec![ImportProblem::file(Problem::Message {
            nl: format!("‘{file_name}’ is geen .json-, .xlsx- of .xls-bestand."),
            en: format!("‘{file_name}’ is not a .json, .xlsx or .xls file."),
        })]);
    }
    let text =
        std::str::from_utf8(bytes).map_err(|_| vec![ImportProblem::file(Problem::NotUtf8)])?;
    let definition = serde_json::from_str(text).map_err(|e| {
        vec![ImportProblem {
            line: e.line(),
            column: Some(e.column().to_string()),
            problem: Problem::UnreadableFile {
                detail: e.to_string(),
            },
        }]
    })?;
    Ok((definition, Vec::new()))
}
