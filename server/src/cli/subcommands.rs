//! The options of the questionnaire, users, retention and institutions commands.

use std::path::PathBuf;

use clap::Subcommand;

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
