//! `server questionnaire …`: import, export, diff and publish versions from scripts.

use std::path::Path;

use anyhow::{bail, Context};
use app::backend::audit::Actor;
use app::backend::db;
use app::backend::questionnaires::{self, QuestionnaireError, StoredVersion};
use app::domain::questionnaire::{diff, Definition};
use app::i18n::Lang;
use sea_orm::DatabaseConnection;

use super::QuestionnaireCommand;
use crate::config::Config;

pub async fn run(config: &Config, command: QuestionnaireCommand) -> anyhow::Result<()> {
    let db = db::connect(&config.database_url).await?;
    db::migrate(&db).await?;
    match command {
        QuestionnaireCommand::Import { file } => {
            let definition = read_definition(&file)?;
            let stored = questionnaires::create_draft(&db, &Actor::cli(), &definition, None)
                .await
                .map_err(explain)?;
            println!("{}", stored.id);
        }
        QuestionnaireCommand::Export { id, format, out } => {
            let version = load(&db, id).await?;
            match format.as_str() {
                "json" => {
                    let text =
                        serde_json::to_string_pretty(&version.definition).context("encode")?;
                    std::fs::write(&out, text + "\n")
                        .with_context(|| format!("cannot write {}", out.display()))?;
                }
                "xlsx" => {
                    let bytes =
                        app::backend::xlsform::export(&version.definition, Some(version.number))
                            .context("write XLSForm")?;
                    std::fs::write(&out, bytes)
                        .with_context(|| format!("cannot write {}", out.display()))?;
                }
                other => bail!("format {other:?} is not supported (json or xlsx)"),
            }
        }
        QuestionnaireCommand::Diff { a, b, json } => {
            let (old, new) = (load(&db, a).await?, load(&db, b).await?);
            let changes = diff(
                &old.definition,
                &new.definition,
                &new.definition.concordance,
            );
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&changes).context("encode")?
                );
            } else if changes.is_empty() {
                println!("geen verschillen / no differences");
            } else {
                for change in changes {
                    println!("[{:?}] {}", change.severity, change.describe(Lang::Nl));
                }
            }
        }
        QuestionnaireCommand::Publish { id, changelog } => {
            let version = questionnaires::publish(
                &db,
                &Actor::cli(),
                id,
                &changelog,
                questionnaires::Publisher::Admin,
            )
            .await
            .map_err(explain)?;
            println!(
                "{} versie/version {} gepubliceerd / published",
                version.key, version.number
            );
        }
    }
    Ok(())
}

/// Reads `.json` or an XLSForm (`.xlsx`, `.xls`), printing every problem and warning (line or row, column) to
/// stderr.
fn read_definition(file: &Path) -> anyhow::Result<Definition> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let print = |label: &str, p: &app::domain::import::ImportProblem| {
        eprintln!(
            "{label}regel/line {}, {}: {}",
            p.line,
            p.column.as_deref().unwrap_or("-"),
            p.message(Lang::Nl)
        );
    };
    match app::backend::questionnaire_import::parse(name, &bytes) {
        Ok((definition, warnings)) => {
            for w in &warnings {
                print("let op/warning: ", w);
            }
            Ok(definition)
        }
        Err(problems) => {
            for p in &problems {
                print("", p);
            }
            Err(anyhow::anyhow!(
                "{}: {} problemen / problems; niets opgeslagen / nothing stored",
                file.display(),
                problems.len()
            ))
        }
    }
}

async fn load(db: &DatabaseConnection, id: i32) -> anyhow::Result<StoredVersion> {
    questionnaires::find(db, id)
        .await
        .map_err(explain)?
        .with_context(|| format!("version {id} not found"))
}

/// Turns a refusal into a message listing every problem.
fn explain(error: QuestionnaireError) -> anyhow::Error {
    match error {
        QuestionnaireError::Invalid(problems) => {
            for p in &problems {
                eprintln!("{}", p.message(Lang::Nl));
            }
            anyhow::anyhow!(
                "{} problemen / problems; niets opgeslagen / nothing stored",
                problems.len()
            )
        }
        other => anyhow::Error::new(other),
    }
}
