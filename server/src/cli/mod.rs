//! Command-line interface: `server` serves; subcommands run one task and exit. The
//! questionnaire and source subcommands live in their own modules.

mod accounts;
mod args;
pub mod questionnaire;
mod source_args;
pub mod sources;
mod subcommands;

use std::path::Path;

use anyhow::Context;
use app::backend::db;

use crate::config::Config;
use crate::seed;
use crate::startup::Application;
use crate::telemetry;
use accounts::{create_user, import_institutions};

pub use accounts::print_problems;
pub use args::{Cli, Command};
pub use source_args::SourcesCommand;
pub use subcommands::{InstitutionsCommand, QuestionnaireCommand, RetentionCommand, UsersCommand};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load()?;
    telemetry::init(config.log_format == "json");
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => serve(&config, demo).await,
        Command::Migrate => {
            let db = db::connect(&config.database_url).await?;
            db::migrate(&db).await?;
            println!("Database is bijgewerkt / database is up to date.");
            Ok(())
        }
        Command::CreateAdmin { email, name } => {
            create_user(&config, &email, &name, "admin", &[]).await
        }
        Command::Users(UsersCommand::Create {
            email,
            name,
            role,
            institutions,
        }) => create_user(&config, &email, &name, &role, &institutions).await,
        Command::Institutions(InstitutionsCommand::Import { file }) => {
            import_institutions(&config, &file).await
        }
        Command::Questionnaire(command) => questionnaire::run(&config, command).await,
        Command::Sources(command) => sources::run(&config, command).await,
        Command::Backup { out } => {
            let db = app::backend::db::connect(&config.database_url).await?;
            crate::backup::backup(&db, &config.database_url, &out).await?;
            println!("Back-up / backup → {}", out.display());
            Ok(())
        }
        Command::Restore { file } => {
            crate::backup::restore(&config.database_url, &file).await?;
            let db = app::backend::db::connect(&config.database_url).await?;
            app::backend::db::migrate(&db).await?;
            println!("Teruggezet / restored ← {}", file.display());
            Ok(())
        }
        Command::Retention(RetentionCommand::Run { dry_run, months }) => {
            let db = app::backend::db::connect(&config.database_url).await?;
            app::backend::db::migrate(&db).await?;
            let months = months.unwrap_or(config.retention_months);
            let actor = app::backend::audit::Actor::cli();
            let rounds =
                app::backend::retention::run(&db, &actor, chrono::Utc::now(), months, dry_run)
                    .await?;
            let verb = if dry_run {
                "zou verwijderen / would purge"
            } else {
                "verwijderd / purged"
            };
            for r in &rounds {
                println!(
                    "{} ({}, gesloten / closed {}): {} links, {} mails {verb}",
                    r.name,
                    r.round_id,
                    r.closed_at.format("%Y-%m-%d"),
                    r.links,
                    r.mails
                );
            }
            if rounds.is_empty() {
                println!("Niets te verwijderen / nothing to purge ({months} maanden / months)");
            }
            Ok(())
        }
        Command::Aggregate {
            data,
            out,
            min_n,
            threads,
            complementary,
            crossings,
        } => {
            let thresholds = app::domain::aggregate::Thresholds {
                shares: min_n,
                ..config.thresholds()
            };
            tokio::task::spawn_blocking(move || {
                let options = app::backend::aggregate::Options {
                    thresholds,
                    threads: threads
                        .or_else(|| std::thread::available_parallelism().ok().map(Into::into))
                        .unwrap_or(1),
                    complementary,
                    crossings,
                };
                aggregate(&data, &out, &options)
            })
            .await
            .context("aggregation stopped")?
        }
    }
}

fn parse_crossing(s: &str) -> Result<(String, String), String> {
    s.split_once(':')
        .map(|(a, b)| (a.trim().to_owned(), b.trim().to_owned()))
        .ok_or_else(|| format!("'{s}': give two breakdowns as a:b, such as gender:level"))
}

fn aggregate(
    data: &Path,
    out: &Path,
    options: &app::backend::aggregate::Options,
) -> anyhow::Result<()> {
    let (csv, rows) = app::backend::aggregate::aggregate_dir(data, options)?;
    std::fs::write(out, csv).with_context(|| format!("cannot write {}", out.display()))?;
    println!("{rows} rijen / rows → {}", out.display());
    Ok(())
}

async fn serve(config: &Config, demo: bool) -> anyhow::Result<()> {
    anyhow::ensure!(
        !(demo && config.environment == "production"),
        "--demo laadt bekende wachtwoorden en start niet in productie / \
         --demo loads known passwords and does not start in production"
    );
    let app = Application::build(config).await?;
    // A debug build's files are large and change all the time, and unoptimised brotli is slow:
    // they are compressed per request.
    crate::precompress::prepare(
        crate::startup::pkg_dir(&app.state().leptos_options),
        !cfg!(debug_assertions),
    );
    let url = config.public_url(app.port());
    let logins_file = seed::logins_file(&config.database_url);
    let logins = seed::first_start(&app.state().db, &url, demo, &logins_file).await?;
    println!("\nMIV-mbo draait op / is running at {url}");
    if !logins.is_empty() {
        println!("{logins}");
    }
    tracing::info!(%url, "listening");
    app.run_until_stopped().await
}
