//! The command line: its commands and their options.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use super::{
    parse_crossing, InstitutionsCommand, QuestionnaireCommand, RetentionCommand, SourcesCommand,
    UsersCommand,
};

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
