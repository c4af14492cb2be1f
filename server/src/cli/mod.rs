//! Command-line interface: `server` serves; subcommands run one task and exit. The
//! questionnaire and source subcommands live in their own modules.

pub mod questionnaire;
pub mod sources;

use std::path::{Path, PathBuf};

use anyhow::Context;
use app::backend::audit::{self, Actor};
use app::backend::{db, register_import, users};
use app::domain::{Email, InstitutionCode, Role};
use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::seed;
use crate::startup::Application;
use crate::telemetry;

#[derive(Parser, Debug)]
#[command(
    name = "server",
    version,
    about = "MIV-mbo: Monitor Integrale Veiligheid mbo"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the application (the default).
    Serve {
        /// Load demo institutions and demo accounts into an empty database, and print the logins.
        #[arg(long, env = "MIV_DEMO")]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Create an admin account and print its one-time set-password link.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Beheerder")]
        name: String,
    },
    /// Manage accounts.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Manage the institution register.
    #[command(subcommand)]
    Institutions(InstitutionsCommand),
    /// Manage questionnaires and their versions.
    #[command(subcommand)]
    Questionnaire(QuestionnaireCommand),
    /// Write a backup of the database: a copy of the SQLite file, or `pg_dump --format=custom`.
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup made by `server backup`, replacing the database (stop the server first).
    Restore { file: PathBuf },
    /// Purge the personal links and mail addresses of rounds closed longer ago than the
    /// retention period (`retention_months`, default 12); answers stay.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Data sources of the aggregation module and their snapshots.
    #[command(subcommand)]
    Sources(SourcesCommand),
    /// Compute the monitor's student figures from `students.csv`, `institutions.csv` and
    /// `incidents.csv` in a folder: every indicator by year and breakdown, with n, weighted share,
    /// 95% Wilson interval around the weighted share with Kish's effective n and suppression of
    /// small cells; written as CSV.
    Aggregate {
        /// Folder with the three files.
        #[arg(long)]
        data: PathBuf,
        /// The CSV file to write.
        #[arg(long)]
        out: PathBuf,
        /// Smallest n for which a share is shown.
        #[arg(long, default_value_t = app::domain::aggregate::MIN_N_SHARES)]
        min_n: u64,
        /// Threads reading the student file (default: one per core).
        #[arg(long)]
        threads: Option<usize>,
        /// Disclosure control as reports and exports apply it (complementary suppression
        /// checked by the audit, groups of too few institutions hidden; hidden cells carry no
        /// n); without it the table is the benchmark specification's, with only cells below
        /// `--min-n` hidden and the n of every cell.
        #[arg(long)]
        complementary: bool,
        /// A two-way crossing of row breakdowns, as `gender:level` (repeatable).
        #[arg(long = "cross", value_parser = parse_crossing)]
        crossings: Vec<(String, String)>,
    },
}

#[derive(Subcommand, Debug)]
pub enum QuestionnaireCommand {
    /// Store a JSON definition as a new draft; prints the version id.
    Import { file: PathBuf },
    /// Write a version's definition.
    Export {
        id: i32,
        #[arg(long, default_value = "json")]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// List what changed from version A to version B.
    Diff {
        a: i32,
        b: i32,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Publish a draft; it never changes afterwards.
    Publish {
        id: i32,
        #[arg(long, default_value = "")]
        changelog: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum UsersCommand {
    /// Create an account and print its one-time set-password link.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, researcher or coordinator
        #[arg(long)]
        role: String,
        /// Institution code (coordinators); repeat for several.
        #[arg(long = "institution")]
        institutions: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum SourcesCommand {
    /// Register a source; prints its id. Without --mapping the first import maps the columns
    /// named like the variables, and keeps that mapping.
    Create {
        /// `students` (student survey micro-data), `staff` (staff survey micro-data) or
        /// `incidents` (incident registrations: counts per institution, year and category).
        #[arg(long)]
        kind: String,
        #[arg(long)]
        name: String,
        /// JSON: {"columns": {"variable": "file column", …}, "recode": {"variable": {"file value": "value"}}}.
        #[arg(long)]
        mapping: Option<PathBuf>,
    },
    /// Import a file (.csv with ; , or tab, UTF-8 or Windows-1252, or .xlsx): one snapshot per
    /// year in it; nothing is stored when any cell is wrong. A year that has a snapshot in use
    /// with other rows is replaced only with --replace REASON; without it, what would change is
    /// printed and nothing is stored.
    Import {
        #[arg(long)]
        source: String,
        file: PathBuf,
        /// Why the file replaces the snapshots in use of its years (a corrected delivery).
        #[arg(long, value_name = "REASON")]
        replace: Option<String>,
    },
    /// List a source's snapshots: id, year, rows, status, file, SHA-256, last change (who,
    /// when, why).
    List {
        #[arg(long)]
        source: String,
    },
    /// Withdraw a year: its snapshot in use is set aside, the figures lose that year.
    Withdraw {
        #[arg(long)]
        source: String,
        #[arg(long)]
        year: i32,
        #[arg(long)]
        reason: String,
    },
    /// Bring a superseded or withdrawn snapshot back into use (the one in use of its year is
    /// superseded).
    Restore {
        #[arg(long)]
        source: String,
        #[arg(long)]
        snapshot: i32,
        #[arg(long)]
        reason: String,
    },
    /// Audit a source's figures as an attacker would: for every cell hidden for being small, the
    /// lowest and highest value it can have given everything published (linear programming),
    /// and a count of the hidden cells by reason.
    Audit {
        #[arg(long)]
        source: String,
        /// Only this year.
        #[arg(long)]
        year: Option<i64>,
    },
    /// Write the student figures of snapshots (with complementary suppression) as CSV.
    Figures {
        /// Snapshot ids.
        #[arg(long = "snapshot", required = true)]
        snapshots: Vec<i32>,
        #[arg(long)]
        out: PathBuf,
        /// Smallest n of a share shown.
        #[arg(long, default_value_t = app::domain::aggregate::MIN_N_SHARES)]
        min_n: u64,
        /// Smallest count (of incidents) shown.
        #[arg(long, default_value_t = app::domain::aggregate::MIN_N_COUNTS)]
        min_count: u64,
    },
}

#[derive(Subcommand, Debug)]
pub enum RetentionCommand {
    /// Purge what is due; with --dry-run only show it.
    Run {
        #[arg(long)]
        dry_run: bool,
        /// Months after a round's close (default: the configuration's `retention_months`).
        #[arg(long)]
        months: Option<u32>,
    },
}

#[derive(Subcommand, Debug)]
pub enum InstitutionsCommand {
    /// Import a DUO-style register file (.csv or .xlsx); nothing is written when any row is wrong.
    Import { file: PathBuf },
}

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

async fn create_user(
    config: &Config,
    email: &str,
    name: &str,
    role: &str,
    codes: &[String],
) -> anyhow::Result<()> {
    let email = Email::parse(email).with_context(|| {
        format!("{email:?} is geen geldig e-mailadres / is not a valid e-mail address")
    })?;
    let role = Role::parse(role).context("rol moet admin, researcher of coordinator zijn / role must be admin, researcher or coordinator")?;
    let institutions = codes
        .iter()
        .map(|c| {
            InstitutionCode::parse(c).with_context(|| {
                format!("{c:?} is geen instellingscode / is not an institution code")
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let db = db::connect(&config.database_url).await?;
    db::migrate(&db).await?;
    let new = users::NewUser {
        email,
        name: name.trim().to_owned(),
        role,
        institutions,
    };
    let created = users::create_user(&db, &new)
        .await
        .map_err(anyhow::Error::from)?;
    audit::record(
        &db,
        &Actor::cli(),
        "user.create",
        &format!("user:{}", created.id),
        serde_json::json!({"email": created.email, "role": created.role}),
    )
    .await?;
    let token = users::issue_password_token(&db, created.id, config.password_link_hours).await?;
    let port = config.socket_addr()?.port();
    println!(
        "{}/wachtwoord-instellen?token={token}",
        config.public_url(port)
    );
    Ok(())
}

async fn import_institutions(config: &Config, file: &std::path::Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("bestand.csv");
    let db = db::connect(&config.database_url).await?;
    db::migrate(&db).await?;
    let run = register_import::import(&db, &Actor::cli(), name, &bytes).await?;
    if run.applied {
        println!(
            "{}: {} nieuw / new, {} bijgewerkt / updated",
            run.file_name, run.created, run.updated
        );
        return Ok(());
    }
    print_problems(&run.problems);
    anyhow::bail!(
        "{} geweigerd / rejected: {} problemen / problems; niets opgeslagen / nothing saved",
        run.file_name,
        run.problems.len()
    )
}

/// Every problem of a rejected file, a line each, in Dutch.
pub fn print_problems(problems: &[app::domain::import::ImportProblem]) {
    for p in problems {
        eprintln!(
            "regel/line {}, kolom/column {}: {}",
            p.line,
            p.column.as_deref().unwrap_or("-"),
            p.message(app::i18n::Lang::Nl)
        );
    }
}
