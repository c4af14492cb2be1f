//! `server sources …`: register a data source, import its files as snapshots, list them, and
//! write figures computed from them.

use anyhow::Context;
use app::backend::audit::Actor;
use app::backend::db;
use app::backend::sources::{self, SourceError};
use app::domain::aggregate::mapping::Mapping;

use crate::cli::{print_problems, SourcesCommand};
use crate::config::Config;

pub async fn run(config: &Config, command: SourcesCommand) -> anyhow::Result<()> {
    let db = db::connect(&config.database_url).await?;
    db::migrate(&db).await?;
    let find = |name: String| {
        let db = &db;
        async move {
            sources::find_by_name(db, &name)
                .await?
                .with_context(|| format!("geen bron / no source '{name}'"))
        }
    };
    match command {
        SourcesCommand::Create {
            kind,
            name,
            mapping,
        } => {
            let mapping: Option<Mapping> = match mapping {
                Some(path) => Some(
                    serde_json::from_slice(
                        &std::fs::read(&path)
                            .with_context(|| format!("cannot read {}", path.display()))?,
                    )
                    .context("the mapping is not valid JSON ({\"columns\": …, \"recode\": …})")?,
                ),
                None => None,
            };
            let id = sources::create(&db, &Actor::cli(), &kind, &name, mapping.as_ref())
                .await
                .map_err(explain)?;
            println!("{id}");
        }
        SourcesCommand::Import { source, file } => {
            let source = find(source).await?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("bestand.csv");
            let imported = sources::import(&db, &Actor::cli(), source.id, name, &bytes)
                .await
                .map_err(explain)?;
            for (s, new) in imported.snapshots {
                let how = if new {
                    "nieuw / new"
                } else {
                    "al aanwezig / already there"
                };
                println!(
                    "{} {}: {} rijen / rows, snapshot {} ({how})",
                    source.name, s.year, s.rows, s.id
                );
            }
        }
        SourcesCommand::List { source } => {
            let source = find(source).await?;
            for s in sources::snapshots(&db, source.id).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    s.id, s.year, s.rows, s.file_name, s.sha256
                );
            }
        }
        SourcesCommand::Audit { source, year } => {
            let source = find(source).await?;
            let ids: Vec<i32> = sources::snapshots(&db, source.id)
                .await?
                .into_iter()
                .filter(|s| year.is_none_or(|y| i64::from(s.year) == y))
                .map(|s| s.id)
                .collect();
            anyhow::ensure!(
                !ids.is_empty(),
                "geen snapshots / no snapshots of '{}'",
                source.name
            );
            let thresholds = config.thresholds();
            let computed = sources::cells(&db, &ids, thresholds, &Default::default()).await?;
            let started = std::time::Instant::now();
            let plan = app::domain::aggregate::plan(
                &computed.cells,
                &computed.characteristics,
                &thresholds,
            );
            print!(
                "{}",
                app::domain::aggregate::audit_report(&computed.cells, &plan, &thresholds)
            );
            println!("# {:.3} s", started.elapsed().as_secs_f64());
            anyhow::ensure!(
                plan.failed.is_empty(),
                "{} tabellen niet te beschermen / tables not protected: {:?}",
                plan.failed.len(),
                plan.failed
            );
        }
        SourcesCommand::Figures {
            snapshots,
            out,
            min_n,
            min_count,
        } => {
            let figures = sources::figures(
                &db,
                &snapshots,
                app::domain::aggregate::Thresholds {
                    shares: min_n,
                    counts: min_count,
                    ..config.thresholds()
                },
                &Default::default(),
            )
            .await?;
            std::fs::write(&out, app::domain::aggregate::figures_csv(&figures))
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!("{} rijen / rows → {}", figures.len(), out.display());
        }
    }
    Ok(())
}

fn explain(e: SourceError) -> anyhow::Error {
    match e {
        SourceError::Invalid(problems) => {
            print_problems(&problems);
            anyhow::anyhow!(
                "geweigerd / rejected: {} problemen / problems; niets opgeslagen / nothing saved",
                problems.len()
            )
        }
        SourceError::UnknownKind(kind) => {
            anyhow::anyhow!("onbekende soort bron / unknown kind of source: {kind} (students)")
        }
        SourceError::NameTaken => anyhow::anyhow!("deze naam bestaat al / this name exists"),
        SourceError::NotFound => anyhow::anyhow!("bron niet gevonden / source not found"),
        SourceError::Other(e) => e,
    }
}
