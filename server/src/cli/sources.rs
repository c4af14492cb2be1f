//! `server sources …`: register a data source, import its files as snapshots, list them, and
//! write figures computed from them.

use std::path::Path;

use anyhow::Context;
use app::backend::audit::Actor;
use app::backend::db;
use app::backend::entities::data_source;
use app::backend::sources::{self, SourceError};
use app::domain::aggregate::mapping::Mapping;
use app::domain::aggregate::snapshot::{SnapshotStatus, YearChange};
use sea_orm::DatabaseConnection;

use super::{print_problems, SourcesCommand};
use crate::config::Config;

pub async fn run(config: &Config, command: SourcesCommand) -> anyhow::Result<()> {
    let db = db::connect(&config.database_url).await?;
    db::migrate(&db).await?;
    match command {
        SourcesCommand::Create {
            kind,
            name,
            mapping,
        } => {
            let mapping = mapping.map(|path| read_mapping(&path)).transpose()?;
            let id = sources::create(&db, &Actor::cli(), &kind, &name, mapping.as_ref())
                .await
                .map_err(explain)?;
            println!("{id}");
        }
        SourcesCommand::Import {
            source,
            file,
            replace,
        } => import(&db, &source, &file, replace.as_deref()).await?,
        SourcesCommand::List { source } => list(&db, &source).await?,
        SourcesCommand::Withdraw {
            source,
            year,
            reason,
        } => {
            let source = find(&db, &source).await?;
            let s = sources::withdraw(&db, &Actor::cli(), source.id, year, &reason)
                .await
                .map_err(explain)?;
            println!(
                "{} {year}: snapshot {} ingetrokken / withdrawn",
                source.name, s.id
            );
        }
        SourcesCommand::Restore {
            source,
            snapshot,
            reason,
        } => {
            let source = find(&db, &source).await?;
            let s = sources::restore(&db, &Actor::cli(), source.id, snapshot, &reason)
                .await
                .map_err(explain)?;
            println!(
                "{} {}: snapshot {} weer in gebruik / in use again",
                source.name, s.year, s.id
            );
        }
        SourcesCommand::Audit { source, year } => audit(&db, config, &source, year).await?,
        SourcesCommand::Figures {
            snapshots,
            out,
            min_n,
            min_count,
        } => {
            let thresholds = app::domain::aggregate::Thresholds {
                shares: min_n,
                counts: min_count,
                ..config.thresholds()
            };
            let figures = sources::figures(
                &db,
                &snapshots,
                thresholds,
                &Default::default(),
                sources::Reuse::Stored,
            )
            .await?;
            std::fs::write(&out, app::domain::aggregate::figures_csv(&figures))
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!("{} rijen / rows → {}", figures.len(), out.display());
        }
    }
    Ok(())
}

/// The source of this name.
async fn find(db: &DatabaseConnection, name: &str) -> anyhow::Result<data_source::Model> {
    sources::find_by_name(db, name)
        .await?
        .with_context(|| format!("geen bron / no source '{name}'"))
}

/// A mapping file: `{"columns": …, "recode": …}`.
fn read_mapping(path: &Path) -> anyhow::Result<Mapping> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_slice(&bytes)
        .context("the mapping is not valid JSON ({\"columns\": …, \"recode\": …})")
}

/// `server sources import`: a file into a source, one snapshot per year.
async fn import(
    db: &DatabaseConnection,
    source: &str,
    file: &Path,
    replace: Option<&str>,
) -> anyhow::Result<()> {
    let source = find(db, source).await?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("bestand.csv");
    let imported = sources::import(db, &Actor::cli(), source.id, name, &bytes, replace)
        .await
        .map_err(explain)?;
    for (s, new) in imported.snapshots {
        let how = if new {
            "nieuw in gebruik / new, in use"
        } else {
            "ongewijzigd / unchanged"
        };
        println!(
            "{} {}: {} rijen / rows, snapshot {} ({how})",
            source.name, s.year, s.rows, s.id
        );
    }
    Ok(())
}

/// `server sources list`: a source's snapshots, one per line (tab-separated).
async fn list(db: &DatabaseConnection, source: &str) -> anyhow::Result<()> {
    let source = find(db, source).await?;
    for s in sources::snapshots(db, source.id).await? {
        let status = s
            .status_at
            .map(|at| {
                format!(
                    "{} {}",
                    at.format("%Y-%m-%d %H:%M"),
                    s.status_reason.unwrap_or_default()
                )
            })
            .unwrap_or_default();
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{status}",
            s.id,
            s.year,
            s.rows,
            s.status.as_str(),
            s.file_name,
            s.sha256,
        );
    }
    Ok(())
}

/// `server sources audit`: the disclosure audit of a source's snapshots in use (of one year);
/// fails when a table cannot be protected.
async fn audit(
    db: &DatabaseConnection,
    config: &Config,
    source: &str,
    year: Option<i64>,
) -> anyhow::Result<()> {
    let source = find(db, source).await?;
    let ids: Vec<i32> = sources::snapshots(db, source.id)
        .await?
        .into_iter()
        .filter(|s| s.status == SnapshotStatus::InUse)
        .filter(|s| year.is_none_or(|y| i64::from(s.year) == y))
        .map(|s| s.id)
        .collect();
    anyhow::ensure!(
        !ids.is_empty(),
        "geen snapshots / no snapshots of '{}'",
        source.name
    );
    let thresholds = config.thresholds();
    let computed = sources::cells(db, &ids, thresholds, &Default::default()).await?;
    let started = std::time::Instant::now();
    let plan =
        app::domain::aggregate::plan(&computed.cells, &computed.characteristics, &thresholds);
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
        SourceError::NotFound => {
            anyhow::anyhow!("niet gevonden / not found (source, snapshot or year in use)")
        }
        SourceError::NeedsConfirmation(changes) => {
            print_changes(&changes);
            anyhow::anyhow!(
                "dit bestand vervangt momentopnamen in gebruik; niets opgeslagen. Herhaal met --replace \"reden\" / this file replaces snapshots in use; nothing saved. Repeat with --replace \"reason\""
            )
        }
        SourceError::ReasonMissing => {
            anyhow::anyhow!(
                "geef een reden van 1 tot 500 tekens / give a reason of 1 to 500 characters"
            )
        }
        SourceError::WrongStatus(_) => {
            anyhow::anyhow!("deze momentopname is al in gebruik / this snapshot is in use already")
        }
        SourceError::Other(e) => e,
    }
}

/// What a correction would change, per year: rows, total, and each institution that differs.
fn print_changes(changes: &[YearChange]) {
    for c in changes {
        println!(
            "{}: momentopname / snapshot {} → nieuw / new; rijen / rows {} → {}; totaal / total {} → {}",
            c.year,
            c.replaces.map_or_else(|| "–".to_owned(), |id| id.to_string()),
            c.rows_before,
            c.rows_after,
            c.total_before,
            c.total_after
        );
        for i in &c.institutions {
            let show = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| v.to_string());
            println!("  {}: {} → {}", i.code, show(i.before), show(i.after));
        }
    }
}
